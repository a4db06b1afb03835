"""`make audit` : les dépendances verrouillées (pip-audit sur l'export de uv.lock) et notre
code (bandit), avec les exceptions acceptées de audit/exceptions.toml.

Échoue (code 1) sur :
- une vulnérabilité connue d'un paquet verrouillé ;
- une trouvaille bandit de gravité haute (confiance moyenne ou haute) ou de gravité moyenne
  sûre d'elle (confiance haute) : mark_safe, pickle, yaml.load, requêtes SQL en texte… ;
- une exception expirée, mal écrite, ou accordée pour plus de DUREE_MAX.
Le reste de bandit s'affiche « à relire » sans bloquer.

La base des vulnérabilités est un service en ligne (PyPI, sinon OSV). S'il ne répond pas,
l'audit des dépendances est dit NON FAIT, en clair, et ne bloque pas : seules les trouvailles
bloquent, pas le réseau. AUDIT_STRICT=1 le rend bloquant (une CI qui a internet).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
EXCEPTIONS = RACINE / "audit" / "exceptions.toml"
# Our code: the apps, the benches, this script. Not .venv, not the tests (not shipped).
PAQUETS = ["phares", "habitants", "espaces", "gouvernance", "rapports", "bench", "audit"]
DUREE_MAX = datetime.timedelta(days=366)
SERVICES = ("pypi", "osv")
BLOQUANT = {("HIGH", "HIGH"), ("HIGH", "MEDIUM"), ("MEDIUM", "HIGH")}  # (severity, confidence)


class ExceptionsIllisibles(Exception):
    pass


@dataclass(frozen=True)
class Trouvaille:
    outil: str  # "pip-audit" or "bandit"
    id: str
    alias: frozenset[str]
    cible: str  # package name, or file relative to the repository
    texte: str
    bloquante: bool

    def titre(self) -> str:
        return f"{self.id} — {self.cible} : {self.texte}"


@dataclass(frozen=True)
class Acceptation:
    id: str
    package: str | None
    location: str | None
    reason: str
    expires: datetime.date

    def couvre(self, t: Trouvaille) -> bool:
        if self.id != t.id and self.id not in t.alias:
            return False
        if t.outil == "pip-audit":
            return self.package is not None and _nom(self.package) == _nom(t.cible)
        return self.location is not None and self.location == t.cible


def _nom(paquet: str) -> str:
    return re.sub(r"[-_.]+", "-", paquet).lower()


def lire_exceptions(
    texte: str, *, aujourd_hui: datetime.date
) -> tuple[list[Acceptation], list[str]]:
    """Les exceptions en vigueur, et les erreurs (expirées, incomplètes, trop longues)."""
    try:
        donnees = tomllib.loads(texte)
    except tomllib.TOMLDecodeError as exc:
        raise ExceptionsIllisibles(f"audit/exceptions.toml illisible : {exc}") from exc
    acceptations, erreurs = [], []
    for n, e in enumerate(donnees.get("exception", []), start=1):
        quoi = f"exception n° {n} ({e.get('id', 'sans id')})"
        inconnues = set(e) - {"id", "package", "location", "reason", "expires"}
        if inconnues:
            erreurs.append(f"{quoi} : clés inconnues {sorted(inconnues)}")
            continue
        if not isinstance(e.get("id"), str) or not e["id"].strip():
            erreurs.append(f"{quoi} : il lui faut un id (GHSA-…, PYSEC-…, CVE-…, ou B123)")
            continue
        if ("package" in e) == ("location" in e):
            erreurs.append(f"{quoi} : il lui faut soit package (pip-audit), soit location (bandit)")
            continue
        if not isinstance(e.get("reason"), str) or len(e["reason"].strip()) < 10:
            erreurs.append(f"{quoi} : il lui faut une raison (reason), en une phrase")
            continue
        expire = e.get("expires")
        if not isinstance(expire, datetime.date) or isinstance(expire, datetime.datetime):
            erreurs.append(f"{quoi} : expires doit être une date (expires = 2027-01-31)")
            continue
        if expire < aujourd_hui:
            erreurs.append(f"{quoi} : expirée le {expire:%d/%m/%Y} — revoir la trouvaille")
            continue
        if expire - aujourd_hui > DUREE_MAX:
            erreurs.append(f"{quoi} : accordée jusqu'au {expire:%d/%m/%Y}, un an au plus")
            continue
        acceptations.append(
            Acceptation(
                id=e["id"].strip(),
                package=e.get("package"),
                location=e.get("location"),
                reason=e["reason"].strip(),
                expires=expire,
            )
        )
    return acceptations, erreurs


@dataclass
class Dependances:
    trouvailles: list[Trouvaille]
    verifies: int
    non_verifies: list[str]


def lire_pip_audit(rapport: dict) -> Dependances:
    """Le rapport JSON de pip-audit : les vulnérabilités, et ce qui n'a pas pu être vérifié
    (un paquet « non trouvé » : le service n'a pas répondu pour lui)."""
    trouvailles, verifies, non_verifies = [], 0, []
    for dep in rapport.get("dependencies", []):
        if "skip_reason" in dep:
            non_verifies.append(dep["name"])
            continue
        verifies += 1
        for v in dep.get("vulns", []):
            corrige = ", ".join(v.get("fix_versions") or []) or "pas de version corrigée"
            trouvailles.append(
                Trouvaille(
                    outil="pip-audit",
                    id=v["id"],
                    alias=frozenset(v.get("aliases") or []),
                    cible=dep["name"],
                    texte=f"{dep['name']} {dep.get('version', '?')} (corrigé : {corrige})",
                    bloquante=True,
                )
            )
    return Dependances(trouvailles, verifies, non_verifies)


def lire_bandit(rapport: dict, racine: Path = RACINE) -> list[Trouvaille]:
    trouvailles = []
    for r in rapport.get("results", []):
        chemin = Path(r["filename"])
        if chemin.is_absolute():
            chemin = chemin.relative_to(racine)
        gravite = (r["issue_severity"], r["issue_confidence"])
        trouvailles.append(
            Trouvaille(
                outil="bandit",
                id=r["test_id"],
                alias=frozenset({r["test_name"]}),
                cible=chemin.as_posix(),
                texte=f"ligne {r['line_number']}, {gravite[0]}/{gravite[1]} : {r['issue_text']}",
                bloquante=gravite in BLOQUANT,
            )
        )
    return trouvailles


@dataclass
class Verdict:
    bloquantes: list[Trouvaille]
    acceptees: list[tuple[Trouvaille, Acceptation]]
    a_relire: list[Trouvaille]
    sans_objet: list[Acceptation]


def juger(trouvailles: list[Trouvaille], acceptations: list[Acceptation]) -> Verdict:
    v = Verdict([], [], [], [])
    servies = set()
    for t in trouvailles:
        a = next((a for a in acceptations if a.couvre(t)), None)
        if a is not None:
            v.acceptees.append((t, a))
            servies.add(a)
        elif t.bloquante:
            v.bloquantes.append(t)
        else:
            v.a_relire.append(t)
    v.sans_objet = [a for a in acceptations if a not in servies]
    return v


def _lancer(commande: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(commande, cwd=RACINE, capture_output=True, text=True, **kwargs)


def auditer_dependances(dossier: Path) -> tuple[Dependances | None, str]:
    """pip-audit sur l'export du verrou ; (None, pourquoi) si aucun service n'a répondu."""
    exigences = dossier / "requirements.txt"
    uv = os.environ.get("UV", str(RACINE / ".tools" / "bin" / "uv"))
    export = _lancer(
        [uv, "export", "--frozen", "--no-hashes", "--no-emit-project", "-q", "-o", str(exigences)]
    )
    if export.returncode != 0:
        raise RuntimeError(f"uv export a échoué : {export.stderr.strip()}")
    pourquoi = []
    for service in SERVICES:
        sortie = dossier / f"pip-audit-{service}.json"
        # --no-deps --disable-pip: the export pins every package, nothing to resolve.
        resultat = _lancer(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "-r",
                str(exigences),
                "--no-deps",
                "--disable-pip",
                "-s",
                service,
                "-f",
                "json",
                "-o",
                str(sortie),
                "--progress-spinner",
                "off",
                "--timeout",
                "30",
            ],
            timeout=600,
        )
        if not sortie.exists():
            derniere = (resultat.stderr.strip().splitlines() or ["pas de sortie"])[-1]
            pourquoi.append(f"{service} : {derniere[:200]}")
            continue
        deps = lire_pip_audit(json.loads(sortie.read_text()))
        if deps.verifies:
            return deps, ""
        pourquoi.append(f"{service} : aucun des {len(deps.non_verifies)} paquets n'a de réponse")
    return None, " ; ".join(pourquoi)


def auditer_code(dossier: Path) -> list[Trouvaille]:
    sortie = dossier / "bandit.json"
    # --ignore-nosec: an accepted finding is written in audit/exceptions.toml, with a reason
    # and an expiry date, not hidden by a comment.
    resultat = _lancer(
        [
            sys.executable,
            "-m",
            "bandit",
            "-c",
            "pyproject.toml",
            "-r",
            *PAQUETS,
            "--ignore-nosec",
            "-q",
            "-f",
            "json",
            "-o",
            str(sortie),
        ]
    )
    if not sortie.exists():
        raise RuntimeError(f"bandit n'a rien écrit : {resultat.stderr.strip()[-500:]}")
    rapport = json.loads(sortie.read_text())
    if rapport.get("errors"):
        raise RuntimeError(f"bandit n'a pas pu lire : {rapport['errors']}")
    return lire_bandit(rapport)


def _afficher(deps: Dependances | None, pourquoi: str, verdict: Verdict) -> None:
    print("== Dépendances (pip-audit, uv.lock)")
    if deps is None:
        print(
            "NON FAIT : la base des vulnérabilités ne répond pas d'ici "
            f"({pourquoi}). Rien n'est vérifié ; relancer avec accès à pypi.org ou osv.dev."
        )
    else:
        print(f"{deps.verifies} paquets vérifiés, {len(deps.non_verifies)} sans réponse", end="")
        print(f" ({', '.join(deps.non_verifies)})" if deps.non_verifies else "")
    print(f"== Code (bandit : {', '.join(PAQUETS)})")
    for t, a in verdict.acceptees:
        print(f"accepté jusqu'au {a.expires:%d/%m/%Y} : {t.titre()}\n    raison : {a.reason}")
    for t in verdict.a_relire:
        print(f"à relire (non bloquant) : {t.titre()}")
    for a in verdict.sans_objet:
        if a.location is not None or deps is not None:
            print(f"exception sans objet, à retirer : {a.id} ({a.package or a.location})")


def main(aujourd_hui: datetime.date | None = None) -> int:
    aujourd_hui = aujourd_hui or datetime.date.today()
    strict = os.environ.get("AUDIT_STRICT", "") not in ("", "0", "false")
    try:
        acceptations, erreurs = lire_exceptions(EXCEPTIONS.read_text(), aujourd_hui=aujourd_hui)
    except ExceptionsIllisibles as exc:
        print(f"ÉCHEC : {exc}")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        deps, pourquoi = auditer_dependances(Path(tmp))
        code = auditer_code(Path(tmp))
    trouvailles = code + (deps.trouvailles if deps else [])
    verdict = juger(trouvailles, acceptations)

    _afficher(deps, pourquoi, verdict)
    if deps is None and strict:
        erreurs.append("AUDIT_STRICT : l'audit des dépendances n'a pas pu se faire")
    for t in verdict.bloquantes:
        print(f"BLOQUANT [{t.outil}] {t.titre()}")
    for e in erreurs:
        print(f"BLOQUANT {e}")
    if verdict.bloquantes or erreurs:
        print(
            f"ÉCHEC : {len(verdict.bloquantes) + len(erreurs)} point(s) bloquant(s). Corriger, "
            "ou accepter dans audit/exceptions.toml (id, package ou location, reason, expires)."
        )
        return 1
    print("OK" + (" (dépendances non vérifiées)" if deps is None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
