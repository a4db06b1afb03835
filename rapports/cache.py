"""L'aperçu du rapport annuel gardé dans le cache de Django (locmem en développement, table
de la base en production), pour qu'un aperçu redemandé ne rassemble ni ne redessine rien.

Jamais de chiffres périmés : l'aperçu gardé d'une année porte l'état pour lequel il vaut,
dont une « version des données » qui change dès qu'une donnée que le rapport lit change ;
il n'est relu que si l'état de maintenant est le même. Cette version est, en une requête :

- la dernière entrée du journal (id et instant) : chaque service écrit son entrée dans la
  transaction de son opération (phares/lib/journal.py), la démo aussi (phares/lib/demo.py) ;
- la dernière entrée de l'administration technique de Django (django_admin_log), qui
  modifie des structures, projets, séances… sans passer par les services ;
- la dernière migration appliquée (une migration de données n'écrit pas au journal) ;

plus l'empreinte du code et des gabarits qui calculent et mettent en page le rapport (un
déploiement ne relit pas l'aperçu de la version précédente dans la table du cache) et le
jour (rien de ce que le rapport lit ne dépend de l'heure, mais un jour de plus ne coûte
qu'un calcul). Qui écrit en masse hors des services (bancs d'essai, scripts) appelle
`invalider()`, qui efface les aperçus gardés.

L'état est lu AVANT de rassembler les données : une écriture qui arrive entre les deux fait
garder des données plus récentes que l'état qu'elles portent, jamais l'inverse ; la requête
suivante voit un autre état et recalcule.

Les graphiques (pygal, le plus cher du rendu) sont gardés à part avec l'empreinte de leurs
données : un aperçu recalculé après la modification d'un texte, ou le PDF, ne redessine
pas ceux dont les chiffres n'ont pas changé.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache as memoriser
from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Subquery
from django.utils import timezone

from phares.lib import temps
from phares.models import EntreeJournal

from . import selectors
from .donnees import Graphique

PREFIXE = "rapports:apercu"
# Long enough for a morning of previews; a new day, version or deploy is another key anyway.
DUREE_APERCU = 6 * 3600
DUREE_GRAPHIQUE = 7 * 24 * 3600

ROOT = Path(__file__).resolve().parent.parent
# What computes and lays out the report: the counting rules and the selectors they call
# (every app's Python), its templates and its style sheet.
SOURCES = ("phares", "habitants", "espaces", "gouvernance", "rapports", "templates")
FEUILLE = ROOT / "static" / "css" / "rapport.css"


@memoriser
def empreinte_du_code() -> str:
    """Une empreinte des sources qui font le rapport, calculée une fois par processus."""
    h = hashlib.sha256()
    for dossier in SOURCES:
        for chemin in sorted((ROOT / dossier).rglob("*")):
            if chemin.suffix in (".py", ".html") and "migrations" not in chemin.parts:
                h.update(str(chemin.relative_to(ROOT)).encode())
                h.update(chemin.read_bytes())
    if FEUILLE.exists():
        h.update(FEUILLE.read_bytes())
    # Settings printed in the report (SCIC name, contact) and where its files are served from.
    h.update(
        json.dumps(
            [
                settings.GOUVERNANCE_SCIC,
                settings.PHARES_CONTACT,
                settings.STATIC_URL,
                settings.MEDIA_URL,
                settings.STORAGES,
            ],
            sort_keys=True,
            default=str,
        ).encode()
    )
    return h.hexdigest()[:16]


def _dernier(modele, champ: str) -> Subquery:
    return Subquery(modele.objects.order_by("-id").values(champ)[:1])


def version_des_donnees() -> str:
    """Ce qui identifie l'état des données : change à chaque écriture journalisée, à chaque
    modification par l'administration de Django, à chaque migration (une requête)."""
    # Ids and instants of the last rows: an id alone could come back after the restoration
    # of an older backup; with its instant it names one state. Read from the last applied
    # migration's row, so that it is one query, and one row even with an empty journal.
    ligne = (
        MigrationRecorder.Migration.objects.order_by("-id")
        .annotate(
            journal_id=_dernier(EntreeJournal, "id"),
            journal_le=_dernier(EntreeJournal, "le"),
            admin_id=_dernier(LogEntry, "id"),
            admin_le=_dernier(LogEntry, "action_time"),
        )
        .values_list("id", "journal_id", "journal_le", "admin_id", "admin_le")
        .first()
    )
    return "-".join(str(v) for v in ligne or ())


def invalider() -> None:
    """Oublie tous les aperçus gardés : pour qui écrit hors des services (en masse, par SQL).
    Effacés plutôt que marqués d'un numéro de génération : rien de plus à relire à chaque
    aperçu, et pas de numéro que le cache pourrait perdre en se vidant."""
    cache.delete_many([f"{PREFIXE}:{annee}" for annee in selectors.annees()])


def etat(annee: int) -> str:
    """Ce dont dépend l'aperçu de `annee` maintenant : données, code, jour."""
    morceaux = [
        str(annee),
        version_des_donnees(),
        empreinte_du_code(),
        temps.jour(timezone.now()).isoformat(),
    ]
    return hashlib.sha256(":".join(morceaux).encode()).hexdigest()[:32]


def apercu(annee: int, calculer: Callable[[], str | None]) -> str | None:
    """L'aperçu de `annee` : relu s'il a été gardé pour l'état de maintenant, sinon
    `calculer()` (None : l'année n'a pas de données) et gardé à la place du précédent.

    Une seule entrée par année, qui porte l'état pour lequel elle vaut : la table du cache
    ne se remplit pas d'un aperçu (500 Ko pour un grand pôle) par écriture, que Django
    n'effacerait qu'au-delà de MAX_ENTRIES."""
    maintenant = etat(annee)  # before calculer(): see the module's docstring
    cle = f"{PREFIXE}:{annee}"
    garde = cache.get(cle)
    if garde is not None and garde["etat"] == maintenant:
        return garde["html"]
    html = calculer()
    # No address in it expires: photos through the app's view, logos embedded (rapports/
    # templatetags/rapport.py), even with a private S3 bucket.
    cache.set(cle, {"etat": maintenant, "html": html}, timeout=DUREE_APERCU)
    return html


def graphique(donnees: Graphique, dessiner: Callable[[], str]) -> str:
    """Le SVG d'un graphique, relu tant que ses données ne changent pas (leur empreinte,
    `repr` de dataclasses de listes, de chaînes et de nombres). Une entrée par graphique et
    par année (les noms de ses séries), comme l'aperçu."""
    empreinte = hashlib.sha256(f"{empreinte_du_code()}:{donnees!r}".encode()).hexdigest()[:32]
    # Which chart of which year: its series' names ("2015", "Bureaux 2015"…), not their values.
    series = hashlib.sha256("|".join(s.nom for s in donnees.series).encode()).hexdigest()[:16]
    cle = f"rapports:graphique:{donnees.cle}:{series}"
    garde = cache.get(cle)
    if garde is not None and garde["empreinte"] == empreinte:
        return garde["svg"]
    svg = dessiner()
    cache.set(cle, {"empreinte": empreinte, "svg": svg}, timeout=DUREE_GRAPHIQUE)
    return svg
