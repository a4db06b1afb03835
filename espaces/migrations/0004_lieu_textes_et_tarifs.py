"""Textes libres bornés (2000 caractères) ; deux tarifs du même type et de la même
ressource ne se chevauchent pas : contrainte d'exclusion PostgreSQL (SQL brut, comme 0002).

Sur SQLite le service `enregistrer_tarif` fait la même vérification dans une transaction
BEGIN IMMEDIATE. Un tarif général (ressource vide) se compare aux autres tarifs généraux :
COALESCE(ressource_id, 0), car NULL = NULL n'est jamais vrai pour l'opérateur `=`.
"""

from django.db import migrations, models

from phares.lib.migrations import RunSQLPostgres


class Migration(migrations.Migration):
    dependencies = [("espaces", "0003_jeton_calendrier")]

    operations = [
        migrations.AlterField(
            model_name="convention",
            name="notes",
            field=models.TextField(blank=True, max_length=2000, verbose_name="notes"),
        ),
        migrations.AlterField(
            model_name="espace",
            name="accessibilite",
            field=models.TextField(
                blank=True, max_length=2000, verbose_name="accessibilité (précisions)"
            ),
        ),
        migrations.AlterField(
            model_name="espace",
            name="equipements",
            field=models.TextField(blank=True, max_length=2000, verbose_name="équipements"),
        ),
        RunSQLPostgres(
            sql="""
            ALTER TABLE espaces_tarif
              ADD CONSTRAINT tarif_sans_chevauchement
              EXCLUDE USING gist (
                code WITH =,
                COALESCE(ressource_id, 0) WITH =,
                daterange(debut, fin, '[]') WITH &&
              );
            """,
            reverse_sql="ALTER TABLE espaces_tarif DROP CONSTRAINT tarif_sans_chevauchement;",
        ),
    ]
