"""Les trois axes du projet du PHARES (rapport annuel 2015) : un autre lieu les renomme."""

from django.db import migrations

AXES = [
    (
        1,
        "Accueillir et soutenir les habitants du PHARES, lieu professionnel et convivial",
        "Accueillir et soutenir les habitants",
    ),
    (
        2,
        "Encourager des projets issus de la coopération entre les structures du PHARES "
        "et/ou avec des initiatives du territoire",
        "Encourager des projets issus de la coopération",
    ),
    (
        3,
        "Être un pôle apprenant et un pôle ressources",
        "Être un pôle apprenant et un pôle ressources",
    ),
]


def creer_axes(apps, schema_editor):
    Axe = apps.get_model("projets", "Axe")
    for numero, titre, court in AXES:
        Axe.objects.get_or_create(numero=numero, defaults={"titre": titre, "titre_court": court})


class Migration(migrations.Migration):
    dependencies = [("projets", "0001_initial")]

    operations = [migrations.RunPython(creer_axes, migrations.RunPython.noop)]
