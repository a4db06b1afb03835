"""Le rapport annuel mis en page : l'aperçu HTML (un fragment inclus dans une page du site) et
le PDF imprimable (WeasyPrint, PDF/UA-1 : balisé pour les lecteurs d'écran, polices
embarquées). Une seule série de gabarits (templates/rapports/) et une seule feuille de style
(static/css/rapport.css) servent aux deux ; seul change `support` (« html » ou « pdf »), qui
dit d'où viennent les images.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from phares.lib.money import format_nombre
from phares.lib.pdf import depuis_gabarit

from . import graphiques
from .donnees import Chiffre, Rapport

# A figure whose number the seed prints inside another one's sentence ("1350 m² sur 3
# étages") has no tile of its own when that other figure carries the full sentence
# (`Chiffre.texte`); its rule joins the tile's and the appendix.
RATTACHES = {"etages": "surface"}


@dataclass(frozen=True)
class Tuile:
    """Une case du bloc des chiffres clés : le nombre en grand, la suite en petit."""

    grand: str
    petit: str
    regles: list[str]
    cles: list[str]

    @property
    def texte(self) -> str:
        return f"{self.grand} {self.petit}".strip()

    @property
    def regle(self) -> str:
        return " ".join(self.regles)


@dataclass(frozen=True)
class RegleAffichee:
    libelle: str
    regle: str


def texte_chiffre(chiffre: Chiffre) -> str:
    return chiffre.texte or f"{format_nombre(chiffre.valeur)} {chiffre.libelle}".strip()


def tuiles(chiffres: list[Chiffre]) -> list[Tuile]:
    par_cle = {c.cle: c for c in chiffres}
    sortie = []
    for chiffre in chiffres:
        parent = par_cle.get(RATTACHES.get(chiffre.cle, ""))
        if parent is not None and parent.texte:
            continue
        enfants = []
        if chiffre.texte:
            enfants = [
                par_cle[cle] for cle, p in RATTACHES.items() if p == chiffre.cle and cle in par_cle
            ]
        grand, _, petit = texte_chiffre(chiffre).partition(" ")
        sortie.append(
            Tuile(
                grand=grand,
                petit=petit,
                regles=[c.regle for c in [chiffre, *enfants] if c.regle],
                cles=[c.cle for c in [chiffre, *enfants]],
            )
        )
    return sortie


def regles(rapport: Rapport) -> list[RegleAffichee]:
    """L'annexe « Règles de comptage » : chaque chiffre clé, chaque liste, chaque graphique."""
    sortie = [RegleAffichee(texte_chiffre(c), c.regle) for c in rapport.chiffres if c.regle]
    sortie += [RegleAffichee(titre, r) for titre, r in rapport.regles_sections.items()]
    sortie += [RegleAffichee(g.titre, g.regle) for g in rapport.graphiques if g.regle]
    return sortie


def contexte(rapport: Rapport, *, support: str) -> dict:
    if support not in ("html", "pdf"):
        raise ValueError(f"Support inconnu : {support!r}.")
    return {
        "rapport": rapport,
        "support": support,
        "tuiles": tuiles(rapport.chiffres),
        "regles": regles(rapport),
        "graphiques": [graphiques.rendre(g) for g in rapport.graphiques],
        "etp_total": sum((p.etp for p in rapport.postes), start=0),
        "mouvements_total": _total_mouvements(rapport),
        "associes_habitants": any(h.associe for d in rapport.domaines for h in d.habitants),
        "partis": any(h.parti for d in rapport.domaines for h in d.habitants),
    }


def _total_mouvements(rapport: Rapport) -> dict | None:
    if not rapport.mouvements:
        return None
    return {
        cle: sum(getattr(m, cle) for m in rapport.mouvements)
        for cle in ("au_debut", "entrees", "sorties", "a_la_fin")
    }


def html(rapport: Rapport) -> str:
    """L'aperçu : un fragment (`<article class="rapport">`, avec le lien vers sa feuille de
    style) à inclure tel quel dans une page du site ; il s'imprime aussi depuis le navigateur."""
    return render_to_string("rapports/_rapport.html", contexte(rapport, support="html"))


def document(rapport: Rapport) -> str:
    """Le document HTML complet que WeasyPrint imprime."""
    return render_to_string("rapports/document.html", contexte(rapport, support="pdf"))


def pdf(rapport: Rapport) -> bytes:
    """Le PDF du rapport : A4, balisé (PDF/UA-1), polices embarquées, quelques secondes."""
    return depuis_gabarit(
        "rapports/document.html", contexte(rapport, support="pdf"), variante="pdf/ua-1"
    )
