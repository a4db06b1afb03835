"""Un procès-verbal approuvé ne change plus, quel que soit l'auteur de l'écriture : la séance,
ses présences, son ordre du jour, ses décisions et leurs votes, son PDF ; ses actions de
suivi ne gardent de modifiable que leur statut (fait, abandonné). Le modèle et son
gestionnaire refusent déjà ; la base refuse aussi, pour le SQL brut et les scripts.

SQLite ne garde pas de déclencheur sur DELETE (comme pour le journal et les factures) :
Django y vide les tables des tests transactionnels par DELETE ; le modèle, le gestionnaire
et l'administration (en lecture seule) refusent l'effacement.
"""

from django.db import migrations

from phares.lib.migrations import RunSQLPostgres, RunSQLSQLite

MESSAGE = "Un procès-verbal approuvé ne change pas : corrigez par une nouvelle décision."

PG = f"""
CREATE FUNCTION gouvernance_seance_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.statut = 'approuvee' THEN
    RAISE EXCEPTION '{MESSAGE} (procès-verbal %)', OLD.numero;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER gouvernance_seance_immuable
  BEFORE UPDATE OR DELETE ON gouvernance_seance
  FOR EACH ROW EXECUTE FUNCTION gouvernance_seance_immuable();

CREATE FUNCTION gouvernance_partie_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM gouvernance_seance s WHERE s.statut = 'approuvee'
             AND s.id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.seance_id END,
                          CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.seance_id END)) THEN
    RAISE EXCEPTION '{MESSAGE} (%)', TG_TABLE_NAME;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER gouvernance_participant_immuable
  BEFORE INSERT OR UPDATE OR DELETE ON gouvernance_participant
  FOR EACH ROW EXECUTE FUNCTION gouvernance_partie_immuable();

CREATE TRIGGER gouvernance_point_immuable
  BEFORE INSERT OR UPDATE OR DELETE ON gouvernance_point
  FOR EACH ROW EXECUTE FUNCTION gouvernance_partie_immuable();

CREATE TRIGGER gouvernance_decision_immuable
  BEFORE INSERT OR UPDATE OR DELETE ON gouvernance_decision
  FOR EACH ROW EXECUTE FUNCTION gouvernance_partie_immuable();

CREATE FUNCTION gouvernance_vote_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM gouvernance_decision d
             JOIN gouvernance_seance s ON s.id = d.seance_id
             WHERE s.statut = 'approuvee'
             AND d.id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.decision_id END,
                          CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.decision_id END)) THEN
    RAISE EXCEPTION '{MESSAGE} (vote)';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER gouvernance_vote_immuable
  BEFORE INSERT OR UPDATE OR DELETE ON gouvernance_votecollege
  FOR EACH ROW EXECUTE FUNCTION gouvernance_vote_immuable();

CREATE FUNCTION gouvernance_action_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM gouvernance_seance s WHERE s.statut = 'approuvee'
             AND s.id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.seance_id END,
                          CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.seance_id END))
     AND (TG_OP <> 'UPDATE'
          OR NEW.libelle IS DISTINCT FROM OLD.libelle
          OR NEW.responsable_id IS DISTINCT FROM OLD.responsable_id
          OR NEW.echeance IS DISTINCT FROM OLD.echeance
          OR NEW.seance_id IS DISTINCT FROM OLD.seance_id
          OR NEW.decision_id IS DISTINCT FROM OLD.decision_id) THEN
    RAISE EXCEPTION 'Une action d''un procès-verbal approuvé ne change que de statut.';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER gouvernance_action_immuable
  BEFORE INSERT OR UPDATE OR DELETE ON gouvernance_action
  FOR EACH ROW EXECUTE FUNCTION gouvernance_action_immuable();

CREATE FUNCTION gouvernance_documentpv_immuable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Le PDF d''un procès-verbal approuvé ne change pas et ne s''efface pas.';
END $$;

CREATE TRIGGER gouvernance_documentpv_immuable
  BEFORE UPDATE OR DELETE ON gouvernance_documentpv
  FOR EACH ROW EXECUTE FUNCTION gouvernance_documentpv_immuable();
"""

PG_REVERSE = """
DROP TRIGGER gouvernance_documentpv_immuable ON gouvernance_documentpv;
DROP FUNCTION gouvernance_documentpv_immuable();

DROP TRIGGER gouvernance_action_immuable ON gouvernance_action;
DROP FUNCTION gouvernance_action_immuable();

DROP TRIGGER gouvernance_vote_immuable ON gouvernance_votecollege;
DROP FUNCTION gouvernance_vote_immuable();

DROP TRIGGER gouvernance_decision_immuable ON gouvernance_decision;
DROP TRIGGER gouvernance_point_immuable ON gouvernance_point;
DROP TRIGGER gouvernance_participant_immuable ON gouvernance_participant;
DROP FUNCTION gouvernance_partie_immuable();

DROP TRIGGER gouvernance_seance_immuable ON gouvernance_seance;
DROP FUNCTION gouvernance_seance_immuable();
"""


def _approuvee(cle: str) -> str:
    return f"(SELECT statut FROM gouvernance_seance WHERE id = {cle}) = 'approuvee'"


def _parties_sqlite() -> str:
    blocs = []
    for table in ("participant", "point", "decision"):
        blocs.append(
            f"CREATE TRIGGER gouvernance_{table}_immuable_ajout\n"
            f"  BEFORE INSERT ON gouvernance_{table} WHEN {_approuvee('NEW.seance_id')}\n"
            f"  BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )
        blocs.append(
            f"CREATE TRIGGER gouvernance_{table}_immuable_modif\n"
            f"  BEFORE UPDATE ON gouvernance_{table}\n"
            f"  WHEN {_approuvee('OLD.seance_id')} OR {_approuvee('NEW.seance_id')}\n"
            f"  BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )
    return "\n\n".join(blocs)


VOTE_APPROUVE = (
    "(SELECT s.statut FROM gouvernance_decision d JOIN gouvernance_seance s "
    "ON s.id = d.seance_id WHERE d.id = {cle}) = 'approuvee'"
)

SQLITE = f"""
CREATE TRIGGER gouvernance_seance_immuable
  BEFORE UPDATE ON gouvernance_seance WHEN OLD.statut = 'approuvee'
  BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;

{_parties_sqlite()}

CREATE TRIGGER gouvernance_vote_immuable_ajout
  BEFORE INSERT ON gouvernance_votecollege WHEN {VOTE_APPROUVE.format(cle="NEW.decision_id")}
  BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;

CREATE TRIGGER gouvernance_vote_immuable_modif
  BEFORE UPDATE ON gouvernance_votecollege
  WHEN {VOTE_APPROUVE.format(cle="OLD.decision_id")} OR {VOTE_APPROUVE.format(cle="NEW.decision_id")}
  BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;

CREATE TRIGGER gouvernance_action_immuable_ajout
  BEFORE INSERT ON gouvernance_action WHEN {_approuvee("NEW.seance_id")}
  BEGIN SELECT RAISE(ABORT, 'Une action d''un procès-verbal approuvé ne change que de statut.'); END;

CREATE TRIGGER gouvernance_action_immuable_modif
  BEFORE UPDATE ON gouvernance_action
  WHEN ({_approuvee("OLD.seance_id")} OR {_approuvee("NEW.seance_id")})
    AND (NEW.libelle IS NOT OLD.libelle OR NEW.responsable_id IS NOT OLD.responsable_id
         OR NEW.echeance IS NOT OLD.echeance OR NEW.seance_id IS NOT OLD.seance_id
         OR NEW.decision_id IS NOT OLD.decision_id)
  BEGIN SELECT RAISE(ABORT, 'Une action d''un procès-verbal approuvé ne change que de statut.'); END;

CREATE TRIGGER gouvernance_documentpv_immuable
  BEFORE UPDATE ON gouvernance_documentpv
  BEGIN SELECT RAISE(ABORT, 'Le PDF d''un procès-verbal approuvé ne change pas.'); END;
"""

SQLITE_REVERSE = """
DROP TRIGGER gouvernance_documentpv_immuable;

DROP TRIGGER gouvernance_action_immuable_modif;

DROP TRIGGER gouvernance_action_immuable_ajout;

DROP TRIGGER gouvernance_vote_immuable_modif;

DROP TRIGGER gouvernance_vote_immuable_ajout;

DROP TRIGGER gouvernance_decision_immuable_modif;

DROP TRIGGER gouvernance_decision_immuable_ajout;

DROP TRIGGER gouvernance_point_immuable_modif;

DROP TRIGGER gouvernance_point_immuable_ajout;

DROP TRIGGER gouvernance_participant_immuable_modif;

DROP TRIGGER gouvernance_participant_immuable_ajout;

DROP TRIGGER gouvernance_seance_immuable;
"""


def statements(script: str) -> list[str]:
    """One statement per item: trigger bodies hold semicolons that a splitter would cut."""
    return [s.strip() for s in script.split("\n\n") if s.strip()]


class Migration(migrations.Migration):
    dependencies = [("gouvernance", "0004_seances_decisions_colleges")]

    operations = [
        RunSQLPostgres(sql=statements(PG), reverse_sql=statements(PG_REVERSE)),
        RunSQLSQLite(sql=statements(SQLITE), reverse_sql=statements(SQLITE_REVERSE)),
    ]
