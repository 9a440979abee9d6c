from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("readiness", "0006_company_name_trigram_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="contact_email_verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
