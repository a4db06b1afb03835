"""Le journal lu par clés (-le, -id) : un index par filtre de la page, qui finit par cet ordre.

Les index d'une colonne de `le` et de `par` sont remplacés par journal_le et journal_par
(dont ils sont le début). Ils sont supprimés en SQL, l'état seul changeant par AlterField :
sur SQLite, un AlterField refait la table et perdrait le déclencheur qui refuse les UPDATE
(migration 0004). Leurs noms sont ceux que Django leur a donnés en 0003, les mêmes sur les
deux bases.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

TABLE = "phares_entreejournal"
INDEX_SIMPLES = {
    "le": "phares_entreejournal_le_573d9582",
    "par_id": "phares_entreejournal_par_id_0ecf2479",
}


def _supprimer(colonne: str) -> migrations.RunSQL:
    nom = INDEX_SIMPLES[colonne]
    return migrations.RunSQL(
        sql=f'DROP INDEX "{nom}"',
        reverse_sql=f'CREATE INDEX "{nom}" ON "{TABLE}" ("{colonne}")',
    )


class Migration(migrations.Migration):
    dependencies = [("phares", "0006_imports_en_attente")]

    operations = [
        migrations.RemoveIndex(model_name="entreejournal", name="journal_structure"),
        migrations.SeparateDatabaseAndState(
            database_operations=[_supprimer("le"), _supprimer("par_id")],
            state_operations=[
                migrations.AlterField(
                    model_name="entreejournal",
                    name="le",
                    field=models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="le"
                    ),
                ),
                migrations.AlterField(
                    model_name="entreejournal",
                    name="par",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="par",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="entreejournal",
            index=models.Index(fields=["-le", "-id"], name="journal_le"),
        ),
        migrations.AddIndex(
            model_name="entreejournal",
            index=models.Index(fields=["objet_type", "-le", "-id"], name="journal_type"),
        ),
        migrations.AddIndex(
            model_name="entreejournal",
            index=models.Index(fields=["structure_id", "-le", "-id"], name="journal_structure"),
        ),
        migrations.AddIndex(
            model_name="entreejournal",
            index=models.Index(fields=["par", "-le", "-id"], name="journal_par"),
        ),
    ]
