from django.db import migrations

KINDS = ["grant", "advice", "training", "demonstration", "rnd_funding", "network", "self_assessment"]


def seed(apps, schema_editor):
    SupportKind = apps.get_model("programmes", "SupportKind")
    for key in KINDS:
        SupportKind.objects.get_or_create(key=key)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
