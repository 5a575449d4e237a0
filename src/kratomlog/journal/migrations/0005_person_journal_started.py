from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0004_restored_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="journal_started",
            field=models.DateField(blank=True, null=True),
        ),
    ]
