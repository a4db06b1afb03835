"""No double booking, no double holder: exclusion constraints on PostgreSQL.

They are raw SQL because SQLite cannot express them; there the services run the
same check inside a BEGIN IMMEDIATE transaction (see settings.DATABASES).
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from phares.lib.migrations import RunSQLPostgres


class Migration(migrations.Migration):
    dependencies = [("espaces", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        RunSQLPostgres(
            sql="""
            ALTER TABLE espaces_reservation
              ADD CONSTRAINT reservation_sans_chevauchement
              EXCLUDE USING gist (
                ressource_id WITH =,
                tstzrange(debut, fin_bloquee, '[)') WITH &&
              ) WHERE (statut IN ('confirmee', 'en_attente'));
            """,
            reverse_sql="ALTER TABLE espaces_reservation DROP CONSTRAINT reservation_sans_chevauchement;",
        ),
        RunSQLPostgres(
            sql="""
            ALTER TABLE espaces_convention
              ADD CONSTRAINT convention_un_occupant_par_poste
              EXCLUDE USING gist (
                espace_id WITH =,
                poste WITH =,
                daterange(debut, fin, '[]') WITH &&
              );
            """,
            reverse_sql="ALTER TABLE espaces_convention DROP CONSTRAINT convention_un_occupant_par_poste;",
        ),
    ]
