from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0006_categories_and_tea"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="source_digest",
            field=models.CharField(max_length=16, null=True),
        ),
    ]
