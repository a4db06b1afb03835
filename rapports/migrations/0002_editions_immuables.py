"""A published edition never changes, whoever writes: the model refuses, and so does the
database, for raw SQL and shell scripts (as for issued invoices).

SQLite keeps no DELETE trigger: Django empties tables between transactional tests with
DELETE FROM there; the model refuses deletion.
"""

from django.db import migrations

from phares.lib.migrations import RunSQLPostgres, RunSQLSQLite

PG = """
CREATE FUNCTION rapports_edition_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.statut = 'publiee' THEN
    RAISE EXCEPTION 'Une édition publiée du rapport annuel ne change pas (% v%).',
      OLD.annee, OLD.version;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER rapports_edition_immuable
  BEFORE UPDATE OR DELETE ON rapports_edition
  FOR EACH ROW EXECUTE FUNCTION rapports_edition_immuable();
"""

PG_REVERSE = """
DROP TRIGGER rapports_edition_immuable ON rapports_edition;
DROP FUNCTION rapports_edition_immuable();
"""

SQLITE = """
CREATE TRIGGER rapports_edition_immuable
  BEFORE UPDATE ON rapports_edition WHEN OLD.statut = 'publiee'
  BEGIN SELECT RAISE(ABORT, 'Une édition publiée du rapport annuel ne change pas.'); END;
"""

SQLITE_REVERSE = "DROP TRIGGER rapports_edition_immuable;"


class Migration(migrations.Migration):
    dependencies = [("rapports", "0001_initial")]

    operations = [
        RunSQLPostgres(PG, PG_REVERSE),
        RunSQLSQLite(SQLITE, SQLITE_REVERSE),
    ]
