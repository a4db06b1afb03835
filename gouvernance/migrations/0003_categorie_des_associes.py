"""Le « collège » des associés était en fait leur catégorie légale (art. 19 septies de la loi
de 1947) : renommé, et les habitants deviennent des « bénéficiaires ». Les collèges de vote
(facultatifs, pondérés) sont une autre notion."""

from django.db import migrations, models


def habitants_beneficiaires(apps, schema_editor):
    Associe = apps.get_model("gouvernance", "Associe")
    Associe.objects.filter(categorie="habitants").update(categorie="beneficiaires")


def beneficiaires_habitants(apps, schema_editor):
    Associe = apps.get_model("gouvernance", "Associe")
    Associe.objects.filter(categorie="beneficiaires").update(categorie="habitants")


class Migration(migrations.Migration):
    dependencies = [("gouvernance", "0002_initial")]

    operations = [
        migrations.RenameField("associe", "college", "categorie"),
        migrations.AlterField(
            model_name="associe",
            name="categorie",
            field=models.CharField(
                choices=[
                    ("salaries", "Salariés"),
                    ("beneficiaires", "Bénéficiaires"),
                    ("partenaires", "Partenaires"),
                    ("collectivites", "Collectivités publiques"),
                    ("autres", "Autres"),
                ],
                max_length=20,
                verbose_name="catégorie",
            ),
        ),
        migrations.RunPython(habitants_beneficiaires, beneficiaires_habitants),
    ]
