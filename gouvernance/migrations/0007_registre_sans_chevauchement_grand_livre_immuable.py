"""Ce que la base garantit elle-même.

- Une structure, ou une personne inscrite, n'est associée qu'une fois à la fois ; une
  personne n'a qu'un mandat d'une même fonction à la fois : contraintes d'exclusion
  PostgreSQL sur les périodes (bornes incluses). SQLite ne les exprime pas : les services y
  font la même vérification dans une transaction BEGIN IMMEDIATE.
- Le grand livre du capital est en ajout seul : un déclencheur refuse UPDATE (les deux bases)
  et DELETE (PostgreSQL ; sur SQLite, Django vide les tables de test par DELETE). Le modèle,
  son gestionnaire et l'administration refusent aussi.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from phares.lib.migrations import RunSQLPostgres, RunSQLSQLite


class Migration(migrations.Migration):
    dependencies = [("gouvernance", "0006_registre_capital_mandats_postes")]

    operations = [
        BtreeGistExtension(),
        RunSQLPostgres(
            sql="""
            ALTER TABLE gouvernance_associe
              ADD CONSTRAINT associe_structure_sans_chevauchement
              EXCLUDE USING gist (
                structure_id WITH =,
                daterange(entree, sortie, '[]') WITH &&
              ) WHERE (structure_id IS NOT NULL);
            ALTER TABLE gouvernance_associe
              ADD CONSTRAINT associe_personne_sans_chevauchement
              EXCLUDE USING gist (
                personne_id WITH =,
                daterange(entree, sortie, '[]') WITH &&
              ) WHERE (personne_id IS NOT NULL);
            ALTER TABLE gouvernance_mandat
              ADD CONSTRAINT mandat_sans_chevauchement
              EXCLUDE USING gist (
                personne_id WITH =,
                fonction WITH =,
                daterange(debut, fin, '[]') WITH &&
              );
            """,
            reverse_sql="""
            ALTER TABLE gouvernance_associe DROP CONSTRAINT associe_structure_sans_chevauchement;
            ALTER TABLE gouvernance_associe DROP CONSTRAINT associe_personne_sans_chevauchement;
            ALTER TABLE gouvernance_mandat DROP CONSTRAINT mandat_sans_chevauchement;
            """,
        ),
        RunSQLPostgres(
            sql="""
            CREATE FUNCTION gouvernance_grand_livre_immuable() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'Un mouvement de capital ne se modifie pas et ne s''efface pas.';
            END $$;
            CREATE TRIGGER gouvernance_grand_livre_immuable
              BEFORE UPDATE OR DELETE ON gouvernance_mouvementcapital
              FOR EACH ROW EXECUTE FUNCTION gouvernance_grand_livre_immuable();
            """,
            reverse_sql="""
            DROP TRIGGER gouvernance_grand_livre_immuable ON gouvernance_mouvementcapital;
            DROP FUNCTION gouvernance_grand_livre_immuable();
            """,
        ),
        RunSQLSQLite(
            sql="""
            CREATE TRIGGER gouvernance_grand_livre_immuable
              BEFORE UPDATE ON gouvernance_mouvementcapital
              BEGIN SELECT RAISE(ABORT, 'Un mouvement de capital ne se modifie pas.'); END;
            """,
            reverse_sql="DROP TRIGGER gouvernance_grand_livre_immuable;",
        ),
    ]
