import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0005_person_journal_started"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="grams_per_ml",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="SubstanceCategory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("category", models.CharField(max_length=40)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="categories",
                        to="journal.person",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person", "name"), name="substance_category_name"
                    )
                ],
            },
        ),
    ]
