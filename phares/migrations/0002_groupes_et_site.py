from django.db import migrations

GROUPES = ("gestion", "comptabilité")


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPES:
        Group.objects.get_or_create(name=name)
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1:8000", "name": "PHARES"})


class Migration(migrations.Migration):
    dependencies = [
        ("phares", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("sites", "0002_alter_domain_unique"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
