"""Le bâtiment des tests de vues, en fonctions simples (pas de fixtures : chaque module
déclare les siennes). Deux niveaux, la salle A (10 personnes, ouverte aux extérieurs,
préavis d'annulation 24 h), une salle de formation (15 min de battement), deux bureaux
dont l'un tenu par Halage, un co-travail de 5 postes, deux vélos, les tarifs de 2015."""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape

from espaces.models import (
    Batiment,
    Convention,
    Espace,
    Etage,
    Reservation,
    Ressource,
    Tarif,
    TypeEspace,
)
from habitants.models import Structure
from phares.lib import temps


def paris(y, m, d, h=0, mi=0) -> datetime.datetime:
    """Heure murale de Paris -> datetime conscient."""
    return temps.aware(datetime.date(y, m, d), datetime.time(h, mi))


# Lundi 2 mars 2026, 8 h à Paris (UTC+1) : le « maintenant » figé des tests de vues.
NOW = paris(2026, 3, 2, 8)
# Mardi 10 mars 2026 : un jour ouvré de la semaine suivante.
JOUR = datetime.date(2026, 3, 10)

TARIFS = {
    Tarif.Code.BUREAU_M2_MOIS: "15",
    Tarif.Code.POSTE_COTRAVAIL_MOIS: "120",
    Tarif.Code.SALLE_HEURE: "30",
    Tarif.Code.SALLE_DEMI_JOURNEE: "100",
    Tarif.Code.SALLE_JOURNEE: "180",
    Tarif.Code.SALLE_HABITANT_HEURE: "12",
    Tarif.Code.AFFRANCHISSEMENT: "1.16",
    Tarif.Code.IMPRESSION: "0.10",
}


@dataclass
class Lieu:
    batiment: Batiment
    rdc: Etage
    etage_1: Etage
    salle_a: Ressource
    formation: Ressource
    bureau_101: Espace
    bureau_102: Espace
    cotravail: Espace
    velos: list[Ressource]
    convention_a: Convention | None
    tarifs: dict[str, Tarif]


def construire_lieu(structure: Structure | None = None) -> Lieu:
    """Le bâtiment ; `structure` (Halage en général) tient le bureau 101 depuis 2015."""
    batiment = Batiment.objects.create(
        nom="Les PHARES", adresse="6 rue Arnold Géraux", surface_m2=Decimal("3500")
    )
    rdc = Etage.objects.create(batiment=batiment, niveau=0, nom="Rez-de-chaussée")
    etage_1 = Etage.objects.create(batiment=batiment, niveau=1, nom="Premier étage")
    espace_a = Espace.objects.create(
        etage=etage_1,
        nom="Salle A",
        slug="salle-a",
        type=TypeEspace.SALLE_REUNION,
        capacite=10,
        surface_m2=Decimal("30"),
    )
    salle_a = Ressource.objects.create(
        categorie=Ressource.Categorie.SALLE,
        nom="Salle A",
        slug="salle-a",
        espace=espace_a,
        ouverte_aux_externes=True,
        preavis_annulation_heures=24,
    )
    espace_f = Espace.objects.create(
        etage=rdc,
        nom="Salle de formation",
        slug="salle-formation",
        type=TypeEspace.SALLE_FORMATION,
        capacite=30,
    )
    formation = Ressource.objects.create(
        categorie=Ressource.Categorie.SALLE,
        nom="Salle de formation",
        slug="salle-formation",
        espace=espace_f,
        battement_minutes=15,
    )
    bureau_101 = Espace.objects.create(
        etage=etage_1,
        nom="Bureau 101",
        slug="bureau-101",
        type=TypeEspace.BUREAU,
        surface_m2=Decimal("15"),
    )
    bureau_102 = Espace.objects.create(
        etage=etage_1,
        nom="Bureau 102",
        slug="bureau-102",
        type=TypeEspace.BUREAU,
        surface_m2=Decimal("45"),
    )
    cotravail = Espace.objects.create(
        etage=rdc,
        nom="Co-travail",
        slug="co-travail",
        type=TypeEspace.COTRAVAIL,
        nb_postes=5,
        surface_m2=Decimal("60"),
    )
    velos = [
        Ressource.objects.create(
            categorie=Ressource.Categorie.VELO, nom=f"Vélo {n}", slug=f"velo-{n}"
        )
        for n in (1, 2)
    ]
    tarifs = {
        code: Tarif.objects.create(
            code=code, montant_ht=Decimal(montant), debut=datetime.date(2015, 1, 1)
        )
        for code, montant in TARIFS.items()
    }
    convention_a = None
    if structure is not None:
        convention_a = Convention.objects.create(
            structure=structure,
            espace=bureau_101,
            debut=datetime.date(2015, 1, 1),
            montant_mensuel_ht=Decimal("225.00"),
        )
    return Lieu(
        batiment=batiment,
        rdc=rdc,
        etage_1=etage_1,
        salle_a=salle_a,
        formation=formation,
        bureau_101=bureau_101,
        bureau_102=bureau_102,
        cotravail=cotravail,
        velos=velos,
        convention_a=convention_a,
        tarifs=tarifs,
    )


def inserer(
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    *,
    structure=None,
    externe=None,
    titre="Déjà là",
    statut=Reservation.Statut.CONFIRMEE,
    par=None,
    **extra,
) -> Reservation:
    """Une réservation déjà en base, sans passer par les règles du service."""
    return Reservation.objects.create(
        ressource=ressource,
        debut=debut,
        fin=fin,
        fin_bloquee=fin + datetime.timedelta(minutes=ressource.battement_minutes),
        structure=structure,
        externe=externe,
        titre=titre,
        statut=statut,
        par=par,
        **extra,
    )


def creneau_data(jour=JOUR, de="09:00", a="10:00", **extra) -> dict:
    return {"date": jour.isoformat(), "heure_debut": de, "heure_fin": a, **extra}


def contient(response, texte: str) -> bool:
    """`texte` figure dans la page, tel que le gabarit l'échappe (apostrophes comprises)."""
    return escape(texte) in response.content.decode()


def champs_caches(page: str) -> dict[str, str]:
    """Les <input type="hidden"> d'une page, comme un navigateur les renverrait."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return data
