from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("advisors", "0001_initial"),
    ]

    # Notes written before the audience existed were already shown to the firm, so they stay
    # "for the firm"; new notes must choose (the field has no default).
    operations = [
        migrations.AddField(
            model_name="note",
            name="audience",
            field=models.CharField(
                choices=[
                    ("internal", "Internal: only my organisation's advisors"),
                    ("firm", "For the firm: it appears in the firm's PDF report"),
                ],
                default="firm",
                max_length=8,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalnote",
            name="audience",
            field=models.CharField(
                choices=[
                    ("internal", "Internal: only my organisation's advisors"),
                    ("firm", "For the firm: it appears in the firm's PDF report"),
                ],
                default="firm",
                max_length=8,
            ),
            preserve_default=False,
        ),
    ]
