"""The journal refuses UPDATE (both databases) and DELETE (PostgreSQL).

SQLite keeps no DELETE trigger: Django empties tables between transactional tests with
DELETE FROM there (PostgreSQL uses TRUNCATE, which row triggers do not see). The model, its
manager and the admin refuse deletion on both.
"""

from django.db import migrations

from phares.lib.migrations import RunSQLPostgres, RunSQLSQLite


class Migration(migrations.Migration):
    dependencies = [("phares", "0003_journal_et_compteurs")]

    operations = [
        RunSQLPostgres(
            sql="""
            CREATE FUNCTION phares_journal_immuable() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'Le journal ne se modifie pas et ne s''efface pas.';
            END $$;
            CREATE TRIGGER phares_journal_immuable
              BEFORE UPDATE OR DELETE ON phares_entreejournal
              FOR EACH ROW EXECUTE FUNCTION phares_journal_immuable();
            """,
            reverse_sql="""
            DROP TRIGGER phares_journal_immuable ON phares_entreejournal;
            DROP FUNCTION phares_journal_immuable();
            """,
        ),
        RunSQLSQLite(
            sql="""
            CREATE TRIGGER phares_journal_immuable
              BEFORE UPDATE ON phares_entreejournal
              BEGIN SELECT RAISE(ABORT, 'Le journal ne se modifie pas.'); END;
            """,
            reverse_sql="DROP TRIGGER phares_journal_immuable;",
        ),
    ]
