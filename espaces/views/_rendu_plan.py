"""Le dessin du plan d'un étage : chaque espace placé devient un rectangle en pixels, avec
son nom et son état écrits dedans, coupés en lignes qui tiennent dans la case (le texte
entier est dans le nom du lien et dans le tableau sous le plan).

Couleurs par attributs SVG (`fill`, `stroke`) : la CSP refuse les attributs `style`. Le
texte est toujours là, la couleur n'est jamais le seul signe ; un bureau libre a en plus un
contour en tirets.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..selectors.plans import AUTRE, COTRAVAIL, LIBRE, OCCUPE, SALLE, EspaceDuPlan, PlanEtage

CASE = 28  # pixels per grid cell
MARGE = 4
TAILLE_NOM = 13
TAILLE_ETAT = 12
INTERLIGNE = 1.25
# An average glyph of the sans-serif fonts is a bit over half the font size wide.
CHASSE = 0.6


@dataclass(frozen=True)
class Couleurs:
    fond: str
    contour: str
    texte: str
    tirets: str = ""  # stroke-dasharray


# Contrast of text on fill ≥ 4.5:1 (WCAG AA) for each.
COULEURS = {
    OCCUPE: Couleurs("#0b4f6c", "#06303f", "#ffffff"),
    LIBRE: Couleurs("#e6f4ea", "#2e7d32", "#1b1f23", "6 3"),
    COTRAVAIL: Couleurs("#fff1cc", "#8a6100", "#1b1f23"),
    SALLE: Couleurs("#ece6f6", "#5b3f8c", "#1b1f23"),
    AUTRE: Couleurs("#eef1f3", "#6c757d", "#1b1f23"),
}


@dataclass(frozen=True)
class Ligne:
    texte: str
    y: float
    gras: bool


@dataclass(frozen=True)
class Case:
    item: EspaceDuPlan
    x: int
    y: int
    largeur: int
    hauteur: int
    couleurs: Couleurs
    lignes: list[Ligne]
    nom_accessible: str
    lien: str | None

    @property
    def texte_x(self) -> int:
        return self.x + 4


@dataclass(frozen=True)
class Dessin:
    cases: list[Case]
    vue: str  # viewBox
    largeur: int
    hauteur: int


def couper(texte: str, largeur_px: float, taille: int, lignes_max: int) -> list[str]:
    """`texte` en lignes d'au plus la largeur disponible, par mots entiers (un mot trop long
    pour la case y est abrégé par « … »), au plus `lignes_max` lignes, la dernière finie par
    « … » si tout ne tient pas."""
    par_ligne = max(1, int(largeur_px / (taille * CHASSE)))
    lignes: list[str] = []
    for mot in texte.split():
        if len(mot) > par_ligne:
            mot = mot[: max(1, par_ligne - 1)] + "…"
        if lignes and len(lignes[-1]) + 1 + len(mot) <= par_ligne:
            lignes[-1] += " " + mot
        else:
            lignes.append(mot)
    if len(lignes) > lignes_max:
        lignes = lignes[:lignes_max]
        dernier = lignes[-1][: max(1, par_ligne - 1)].rstrip(" …")
        lignes[-1] = dernier + "…"
    return lignes


def _texte_dans_la_case(item: EspaceDuPlan) -> tuple[str, str]:
    """Le nom, puis l'état ; un bureau occupé dit simplement le nom de la structure."""
    etat = ", ".join(item.occupants) if item.etat == OCCUPE else item.libelle_etat
    return item.espace.nom, etat


def _lignes(item: EspaceDuPlan, x: int, y: int, largeur: int, hauteur: int) -> list[Ligne]:
    utile = largeur - 8
    place = max(1, int((hauteur - 6) / (TAILLE_ETAT * INTERLIGNE)))
    nom, etat = _texte_dans_la_case(item)
    lignes_nom = couper(nom, utile, TAILLE_NOM, max(1, min(2, place - 1)))
    lignes_etat = couper(etat, utile, TAILLE_ETAT, max(0, place - len(lignes_nom)))
    resultat, curseur = [], y + 4
    for texte in lignes_nom:
        curseur += TAILLE_NOM * INTERLIGNE
        resultat.append(Ligne(texte, round(curseur - 3, 1), True))
    for texte in lignes_etat if place > len(lignes_nom) else []:
        curseur += TAILLE_ETAT * INTERLIGNE
        resultat.append(Ligne(texte, round(curseur - 3, 1), False))
    return resultat


def nom_accessible(item: EspaceDuPlan) -> str:
    """« Bureau 01 : occupé par Halage », « Salle Seine : salle de formation »."""
    etat = item.libelle_etat
    return f"{item.espace.nom} : {etat[0].lower()}{etat[1:]}"


def dessiner(plan: PlanEtage, lien) -> Dessin:
    """`lien(item)` : l'adresse vers laquelle mène la case, ou None."""
    cases = []
    for item in plan.places:
        r = item.espace.plan
        x, y = r.x * CASE, r.y * CASE
        largeur, hauteur = r.largeur * CASE, r.hauteur * CASE
        cases.append(
            Case(
                item=item,
                x=x,
                y=y,
                largeur=largeur,
                hauteur=hauteur,
                couleurs=COULEURS[item.etat],
                lignes=_lignes(item, x, y, largeur, hauteur),
                nom_accessible=nom_accessible(item),
                lien=lien(item),
            )
        )
    if not cases:
        return Dessin([], "0 0 0 0", 0, 0)
    gauche = min(c.x for c in cases) - MARGE
    haut = min(c.y for c in cases) - MARGE
    droite = max(c.x + c.largeur for c in cases) + MARGE
    bas = max(c.y + c.hauteur for c in cases) + MARGE
    return Dessin(
        cases, f"{gauche} {haut} {droite - gauche} {bas - haut}", droite - gauche, bas - haut
    )
