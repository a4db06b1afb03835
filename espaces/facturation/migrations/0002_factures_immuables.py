"""An issued invoice (or credit note), its lines and its PDF never change, whoever writes:
the model and its manager refuse, and so does the database, for raw SQL and shell scripts.

SQLite keeps no DELETE trigger (as for the journal): Django empties tables between
transactional tests with DELETE FROM there; the model, manager and admin refuse deletion.
"""

from django.db import migrations

from phares.lib.migrations import RunSQLPostgres, RunSQLSQLite

PG = """
CREATE FUNCTION facturation_facture_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.statut = 'emise' THEN
    RAISE EXCEPTION 'Une facture émise ne se modifie pas et ne s''efface pas (n° %).', OLD.numero;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER facturation_facture_immuable
  BEFORE UPDATE OR DELETE ON facturation_facture
  FOR EACH ROW EXECUTE FUNCTION facturation_facture_immuable();

CREATE FUNCTION facturation_ligne_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM facturation_facture f WHERE f.statut = 'emise'
             AND f.id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.facture_id END,
                          CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.facture_id END)) THEN
    RAISE EXCEPTION 'Les lignes d''une facture émise ne changent pas.';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER facturation_ligne_immuable
  BEFORE INSERT OR UPDATE OR DELETE ON facturation_lignefacture
  FOR EACH ROW EXECUTE FUNCTION facturation_ligne_immuable();

CREATE FUNCTION facturation_document_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Le PDF d''une facture émise ne change pas et ne s''efface pas.';
END $$;

CREATE TRIGGER facturation_document_immuable
  BEFORE UPDATE OR DELETE ON facturation_documentpdf
  FOR EACH ROW EXECUTE FUNCTION facturation_document_immuable();
"""

PG_REVERSE = """
DROP TRIGGER facturation_document_immuable ON facturation_documentpdf;
DROP FUNCTION facturation_document_immuable();

DROP TRIGGER facturation_ligne_immuable ON facturation_lignefacture;
DROP FUNCTION facturation_ligne_immuable();

DROP TRIGGER facturation_facture_immuable ON facturation_facture;
DROP FUNCTION facturation_facture_immuable();
"""

SQLITE = """
CREATE TRIGGER facturation_facture_immuable
  BEFORE UPDATE ON facturation_facture WHEN OLD.statut = 'emise'
  BEGIN SELECT RAISE(ABORT, 'Une facture émise ne se modifie pas.'); END;

CREATE TRIGGER facturation_ligne_immuable_ajout
  BEFORE INSERT ON facturation_lignefacture
  WHEN (SELECT statut FROM facturation_facture WHERE id = NEW.facture_id) = 'emise'
  BEGIN SELECT RAISE(ABORT, 'Les lignes d''une facture émise ne changent pas.'); END;

CREATE TRIGGER facturation_ligne_immuable_modif
  BEFORE UPDATE ON facturation_lignefacture
  WHEN (SELECT statut FROM facturation_facture WHERE id = OLD.facture_id) = 'emise'
    OR (SELECT statut FROM facturation_facture WHERE id = NEW.facture_id) = 'emise'
  BEGIN SELECT RAISE(ABORT, 'Les lignes d''une facture émise ne changent pas.'); END;

CREATE TRIGGER facturation_document_immuable
  BEFORE UPDATE ON facturation_documentpdf
  BEGIN SELECT RAISE(ABORT, 'Le PDF d''une facture émise ne change pas.'); END;
"""

SQLITE_REVERSE = """
DROP TRIGGER facturation_document_immuable;

DROP TRIGGER facturation_ligne_immuable_modif;

DROP TRIGGER facturation_ligne_immuable_ajout;

DROP TRIGGER facturation_facture_immuable;
"""


def statements(script: str) -> list[str]:
    """One statement per item: trigger bodies hold semicolons that a splitter would cut."""
    return [s.strip() for s in script.split("\n\n") if s.strip()]


class Migration(migrations.Migration):
    dependencies = [("facturation", "0001_initial")]

    operations = [
        RunSQLPostgres(sql=statements(PG), reverse_sql=statements(PG_REVERSE)),
        RunSQLSQLite(sql=statements(SQLITE), reverse_sql=statements(SQLITE_REVERSE)),
    ]
