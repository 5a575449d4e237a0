# The clinic's crisis settings; the name and record number an invitation carries.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0003_names_zone_next_visit'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClinicSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('crisis_resources', models.TextField(blank=True)),
                ('contact_name', models.CharField(blank=True, max_length=200)),
                ('contact_phone', models.CharField(blank=True, max_length=40)),
                ('contact_hours', models.CharField(blank=True, max_length=200)),
                ('updated_at', models.DateTimeField(null=True)),
            ],
            options={
                'verbose_name': 'clinic settings',
                'verbose_name_plural': 'clinic settings',
            },
        ),
        migrations.AddField(
            model_name='invitation',
            name='display_name',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name='invitation',
            name='email',
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name='invitation',
            name='record_number',
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
