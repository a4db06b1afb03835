"""`make audit` (audit/verifier.py) : ce qui bloque (vulnérabilité connue, trouvaille bandit
grave, exception expirée ou mal écrite), ce qui s'accepte (une exception avec sa raison et
sa date), et un service de vulnérabilités injoignable dit en clair sans bloquer."""

import datetime
import json
import subprocess
import sys

import pytest

from audit import verifier

AUJOURD_HUI = datetime.date(2026, 12, 2)


def exceptions(*entrees: str) -> str:
    return "\n".join(f"[[exception]]\n{e}\n" for e in entrees)


VULN = 'id = "GHSA-aaaa-bbbb-cccc"\npackage = "Django"\nreason = "Pas de formulaire touché ici."'
GRILLE = 'id = "B308"\nlocation = "espaces/views/x.py"\nreason = "Valeurs échappées une à une."'


def rapport_pip_audit(*vulns, saute=()) -> dict:
    deps = [{"name": "django", "version": "5.2.1", "vulns": list(vulns)}]
    deps += [{"name": n, "skip_reason": f"Dependency not found on PyPI: {n}"} for n in saute]
    return {"dependencies": deps, "fixes": []}


def vuln(id_="PYSEC-2026-1", aliases=("GHSA-aaaa-bbbb-cccc", "CVE-2026-1")) -> dict:
    return {"id": id_, "fix_versions": ["5.2.2"], "aliases": list(aliases), "description": "…"}


def resultat_bandit(
    test_id="B308", severite="MEDIUM", confiance="HIGH", fichier="espaces/views/x.py"
):
    return {
        "filename": fichier,
        "test_id": test_id,
        "test_name": "blacklist",
        "issue_severity": severite,
        "issue_confidence": confiance,
        "line_number": 12,
        "issue_text": "Use of mark_safe()",
    }


def test_une_exception_valide_accepte_sa_trouvaille_par_un_alias():
    acceptations, erreurs = verifier.lire_exceptions(
        exceptions(VULN + "\nexpires = 2027-03-01"), aujourd_hui=AUJOURD_HUI
    )
    trouvailles = verifier.lire_pip_audit(rapport_pip_audit(vuln())).trouvailles

    verdict = verifier.juger(trouvailles, acceptations)

    assert erreurs == []
    assert verdict.bloquantes == [] and [t.id for t, _ in verdict.acceptees] == ["PYSEC-2026-1"]


def test_une_vulnerabilite_sans_exception_bloque():
    acceptations, _ = verifier.lire_exceptions(
        exceptions(VULN.replace("Django", "pillow") + "\nexpires = 2027-03-01"),
        aujourd_hui=AUJOURD_HUI,
    )
    trouvailles = verifier.lire_pip_audit(rapport_pip_audit(vuln())).trouvailles

    verdict = verifier.juger(trouvailles, acceptations)

    assert [t.id for t in verdict.bloquantes] == ["PYSEC-2026-1"]
    assert "corrigé : 5.2.2" in verdict.bloquantes[0].texte
    assert [a.package for a in verdict.sans_objet] == ["pillow"]


@pytest.mark.parametrize(
    ("entree", "erreur"),
    [
        (VULN + "\nexpires = 2026-12-01", "expirée le 01/12/2026"),
        (VULN + "\nexpires = 2028-01-01", "un an au plus"),
        (
            VULN.replace('reason = "Pas de formulaire touché ici."', "") + "\nexpires = 2027-01-01",
            "raison",
        ),
        (VULN + '\nlocation = "a.py"\nexpires = 2027-01-01', "soit package"),
        ('package = "django"\nreason = "Une raison assez longue."\nexpires = 2027-01-01', "id"),
        (VULN + '\nexpires = "bientôt"', "doit être une date"),
        (VULN + "\nexpires = 2027-01-01\nnote = 1", "clés inconnues"),
    ],
    ids=["expiree", "trop-longue", "sans-raison", "deux-cibles", "sans-id", "date", "cle"],
)
def test_une_exception_expiree_ou_mal_ecrite_est_une_erreur(entree, erreur):
    acceptations, erreurs = verifier.lire_exceptions(exceptions(entree), aujourd_hui=AUJOURD_HUI)

    assert acceptations == []
    assert len(erreurs) == 1 and erreur in erreurs[0]


def test_un_fichier_illisible_est_refuse():
    with pytest.raises(verifier.ExceptionsIllisibles, match="illisible"):
        verifier.lire_exceptions("[[exception]\nid=", aujourd_hui=AUJOURD_HUI)


def test_bandit_bloque_le_grave_et_laisse_relire_le_reste():
    trouvailles = verifier.lire_bandit(
        {
            "results": [
                resultat_bandit("B602", "HIGH", "HIGH", "phares/a.py"),
                resultat_bandit("B301", "MEDIUM", "HIGH", "phares/b.py"),
                resultat_bandit("B608", "MEDIUM", "LOW", "phares/c.py"),
                resultat_bandit("B308", "MEDIUM", "HIGH", "espaces/views/x.py"),
            ]
        }
    )
    acceptations, _ = verifier.lire_exceptions(
        exceptions(GRILLE + "\nexpires = 2027-01-01"), aujourd_hui=AUJOURD_HUI
    )

    verdict = verifier.juger(trouvailles, acceptations)

    assert [t.id for t in verdict.bloquantes] == ["B602", "B301"]
    assert [t.id for t in verdict.a_relire] == ["B608"]
    assert [(t.cible, a.reason) for t, a in verdict.acceptees] == [
        ("espaces/views/x.py", "Valeurs échappées une à une.")
    ]


def test_une_exception_bandit_ne_vaut_que_pour_son_fichier():
    trouvailles = verifier.lire_bandit({"results": [resultat_bandit(fichier="phares/autre.py")]})
    acceptations, _ = verifier.lire_exceptions(
        exceptions(GRILLE + "\nexpires = 2027-01-01"), aujourd_hui=AUJOURD_HUI
    )

    assert [t.cible for t in verifier.juger(trouvailles, acceptations).bloquantes] == [
        "phares/autre.py"
    ]


def test_le_vrai_bandit_est_lu(tmp_path):
    """Le JSON de bandit tel qu'il sort, sur un fichier qui lance un shell."""
    (tmp_path / "mauvais.py").write_text(
        "import subprocess\n\ndef f(x):\n    subprocess.call('ls ' + x, shell=True)\n"
    )
    sortie = tmp_path / "bandit.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "-q",
            "-f",
            "json",
            "-o",
            str(sortie),
            "-r",
            str(tmp_path),
        ],
        check=False,
    )

    trouvailles = verifier.lire_bandit(json.loads(sortie.read_text()), racine=tmp_path)

    (shell,) = [t for t in trouvailles if t.id == "B602"]
    assert shell.bloquante and shell.cible == "mauvais.py"


@pytest.fixture
def sans_outils(monkeypatch, tmp_path):
    """main() sans réseau ni bandit : ce que les services répondent est imposé."""
    fichier = tmp_path / "exceptions.toml"
    fichier.write_text("")
    monkeypatch.setattr(verifier, "EXCEPTIONS", fichier)
    monkeypatch.setattr(verifier, "auditer_code", lambda dossier: [])
    monkeypatch.delenv("AUDIT_STRICT", raising=False)
    return fichier


def test_un_service_injoignable_se_dit_sans_bloquer(sans_outils, monkeypatch, capsys):
    monkeypatch.setattr(
        verifier, "auditer_dependances", lambda dossier: (None, "pypi : aucun des 3 paquets")
    )

    assert verifier.main() == 0
    sortie = capsys.readouterr().out
    assert "NON FAIT : la base des vulnérabilités ne répond pas" in sortie
    assert sortie.rstrip().endswith("OK (dépendances non vérifiées)")

    monkeypatch.setenv("AUDIT_STRICT", "1")
    assert verifier.main() == 1


def test_un_service_qui_repond_a_moitie_se_dit_aussi(sans_outils, monkeypatch, capsys):
    deps = verifier.lire_pip_audit(rapport_pip_audit(saute=["paquet-prive"]))
    monkeypatch.setattr(verifier, "auditer_dependances", lambda dossier: (deps, ""))

    assert verifier.main() == 0
    assert "1 paquets vérifiés, 1 sans réponse (paquet-prive)" in capsys.readouterr().out


def test_une_vulnerabilite_ou_une_exception_expiree_fait_echouer(sans_outils, monkeypatch, capsys):
    deps = verifier.lire_pip_audit(rapport_pip_audit(vuln()))
    monkeypatch.setattr(verifier, "auditer_dependances", lambda dossier: (deps, ""))

    assert verifier.main(AUJOURD_HUI) == 1
    assert "BLOQUANT [pip-audit] PYSEC-2026-1 — django" in capsys.readouterr().out

    # Accepted: green until the date passes.
    sans_outils.write_text(exceptions(VULN + "\nexpires = 2026-12-31"))
    assert verifier.main(AUJOURD_HUI) == 0
    assert verifier.main(datetime.date(2027, 1, 1)) == 1
    assert "expirée le 31/12/2026" in capsys.readouterr().out
