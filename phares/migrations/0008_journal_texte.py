"""« Contient » du journal (libellé, objet, identifiant de requête) servi par un index
trigramme sur PostgreSQL : un mot rare ne fait plus parcourir tout le journal (104 ms → 6 ms
à 200 000 entrées, bench/plans/journal.txt). Les expressions sont celles qu'écrit Django pour
`icontains` (UPPER(colonne::text) LIKE UPPER(…)), sinon l'index ne sert pas ; l'égalité sur
request_id passe par le même index (trigrammes, PostgreSQL ≥ 14). pg_trgm est une extension
« de confiance » : le propriétaire de la base peut la créer. Rien sur SQLite (petits
journaux, parcours de la table).
"""

from django.db import migrations

from phares.lib.migrations import RunSQLPostgres


class Migration(migrations.Migration):
    dependencies = [("phares", "0007_journal_par_cles")]

    operations = [
        RunSQLPostgres(
            sql="""
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            CREATE INDEX journal_texte ON phares_entreejournal USING gin (
              UPPER(libelle::text) gin_trgm_ops,
              UPPER(objet_repr::text) gin_trgm_ops,
              request_id gin_trgm_ops
            );
            """,
            reverse_sql="DROP INDEX journal_texte;",
        ),
    ]
