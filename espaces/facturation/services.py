"""Opérations de la facturation : préparer les brouillons d'un mois depuis les données vivantes
du lieu, les revoir (lignes manuelles), émettre (numéro légal, contenu figé, PDF Factur-X).

Chaque opération tient dans une transaction et écrit le journal ; un refus lève
FacturationError avec un message à lire. Règles :
- un brouillon par client et par mois, reconstruit à chaque préparation : ses lignes
  automatiques suivent les données (une réservation annulée depuis disparaît), ses lignes
  manuelles restent ;
- une source (convention pour un mois, réservation, consommation) n'est facturée qu'une
  fois : contraintes d'unicité des lignes, et la préparation saute ce qui est déjà sur une
  autre facture ;
- le numéro se prend dans la transaction de l'émission : une émission qui échoue (PDF
  impossible, facture déjà émise dans un autre onglet) ne consomme aucun numéro.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from espaces import selectors as espaces_selectors
from espaces.models import Tarif
from habitants.projets import selectors as projets_selectors
from phares.lib import dates, journal, numerotation, temps
from phares.lib.acteur import Acteur, exiger
from phares.lib.money import Montant, format_euros, format_nombre, format_prix_unitaire
from phares.lib.verrous import verrouiller
from phares.roles import is_gestion, is_staff_member

from . import comptes as comptes_
from . import documents, rendu
from .models import CompteComptable, Cooperative, DocumentPdf, Facture, LigneFacture, Lot
from .prorata import prorata

logger = logging.getLogger(__name__)
Origine = LigneFacture.Origine
Unite = LigneFacture.Unite
SERIES = {Facture.Type.FACTURE: "F", Facture.Type.AVOIR: "A"}


class FacturationError(Exception):
    """Refus métier, avec un message destiné à la personne."""


def exiger_staff(par: Acteur) -> Acteur:
    par = exiger(par)
    if not par.est_systeme and not (par.user is not None and is_staff_member(par.user)):
        raise FacturationError("Seules la gestion et la comptabilité facturent.")
    return par


def mois_facturable(mois: datetime.date, aujourd_hui: datetime.date | None = None) -> None:
    """Un mois se facture à partir de son premier jour (le loyer se facture d'avance), pas
    avant."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    if mois.replace(day=1) > aujourd_hui.replace(day=1):
        raise FacturationError(
            f"{dates.mois_annee(mois).capitalize()} n'a pas commencé : on ne facture pas un "
            "mois à venir."
        )


# --- Préparer le mois -------------------------------------------------------------------


@dataclass(frozen=True)
class LigneCalculee:
    origine: str
    libelle: str
    quantite: Decimal
    unite: str
    prix_unitaire_ht: Decimal
    montant: Montant
    code_tarif: str = ""
    exoneration: str = ""
    periode_debut: datetime.date | None = None
    periode_fin: datetime.date | None = None
    convention_id: int | None = None
    reservation_id: int | None = None
    consommation_id: int | None = None
    part_emploi_id: int | None = None


@dataclass(frozen=True)
class Bilan:
    mois: datetime.date
    brouillons: int
    lignes: int
    total_ht: Decimal

    @property
    def message(self) -> str:
        if not self.brouillons:
            return f"Rien de nouveau à facturer pour {dates.mois_annee(self.mois)}."
        return (
            f"{dates.mois_annee(self.mois).capitalize()} : {self.brouillons} brouillon(s), "
            f"{self.lignes} ligne(s), {format_euros(self.total_ht)} HT."
        )


def _ligne_loyer(convention, mois, tarifs) -> LigneCalculee | None:
    part = prorata(convention.montant_mensuel_ht, mois, convention.debut, convention.fin)
    if part is None or part.montant_ht == 0:
        return None
    espace = convention.espace
    if convention.poste:
        quoi = f"Poste de co-travail n° {convention.poste} — {espace.nom}"
    else:
        quoi = espace.nom if "bureau" in espace.nom.lower() else f"Bureau {espace.nom}"
        if espace.surface_m2:
            quoi += f" ({format_m2(espace.surface_m2)})"
    periode = dates.mois_annee(mois)
    if not part.mois_entier:
        periode = (
            f"du {dates.date_courte(part.debut)} au {dates.date_courte(part.fin)} "
            f"({part.jours} j sur {part.jours_du_mois}, loyer mensuel "
            f"{format_euros(convention.montant_mensuel_ht)} HT)"
        )
    return LigneCalculee(
        origine=Origine.CONVENTION,
        libelle=f"{quoi} — loyer {periode}",
        quantite=Decimal(1),
        unite=Unite.MOIS if part.mois_entier else Unite.UNITE,
        prix_unitaire_ht=part.montant_ht,
        montant=Montant.depuis_ht(part.montant_ht, convention.taux_tva),
        code_tarif=espaces_selectors.code_tarif_loyer(convention),
        exoneration=tarifs.mention(convention, part.debut),
        periode_debut=part.debut,
        periode_fin=part.fin,
        convention_id=convention.pk,
    )


def format_m2(surface: Decimal) -> str:
    return f"{format_nombre(surface)} m²"


def _ligne_reservation(r) -> LigneCalculee:
    quand = temps.creneau_lisible(r.debut, r.fin)
    if r.externe_id:
        libelle = f"Location de {r.ressource.nom} — {quand}"
    elif r.ressource.categorie == r.ressource.Categorie.VELO:
        libelle = f"{r.ressource.nom} — {quand}"
    else:
        libelle = (
            f"{r.ressource.nom} — {quand} : {_duree(r.minutes_facturables)} au-delà du forfait"
        )
    jour = temps.jour(r.debut)
    return LigneCalculee(
        origine=Origine.RESERVATION,
        libelle=libelle[:300],
        quantite=Decimal(1),
        unite=Unite.UNITE,
        prix_unitaire_ht=r.montant_ht,
        montant=Montant.depuis_ht(r.montant_ht, r.taux_tva),
        code_tarif=r.tarif.code if r.tarif else "",
        exoneration=r.tarif.mention_exoneration if r.tarif else "",
        periode_debut=jour,
        periode_fin=jour,
        reservation_id=r.pk,
    )


def _duree(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d}" if m else f"{h} h"


def _ligne_consommation(c) -> LigneCalculee:
    return LigneCalculee(
        origine=Origine.CONSOMMATION,
        libelle=(
            f"{c.get_service_display()} du {dates.date_courte(c.date)}"
            + (f" — {c.commentaire}" if c.commentaire else "")
        )[:300],
        quantite=Decimal(c.quantite),
        unite=Unite.UNITE,
        prix_unitaire_ht=c.prix_unitaire_ht,
        montant=Montant.depuis_ht(c.quantite * c.prix_unitaire_ht, c.taux_tva),
        code_tarif=c.tarif.code if c.tarif else "",
        exoneration=c.tarif.mention_exoneration if c.tarif else "",
        periode_debut=c.date,
        periode_fin=c.date,
        consommation_id=c.pk,
    )


# A share of a mutualised job re-billed by the cooperative is, in principle, a provision of
# staff subject to VAT at the standard rate. A dated tariff "emploi_mutualise" (espaces, page
# des tarifs) sets another rate, e.g. 0 % with its legal basis for an exempt pooling of means
# (art. 261 B du CGI); its amount is not read: the price is the share of the position.
TAUX_EMPLOI_PAR_DEFAUT = Decimal("20.00")


def _ligne_emploi(p, tarif: Tarif | None) -> LigneCalculee:
    """Une part d'un emploi mutualisé pour un mois (projets_selectors.PartAFacturer)."""
    emploi = p.emploi
    libelle = f"Emploi mutualisé — {emploi.intitule} ({format_nombre(p.part.pourcentage)} %)"
    if not p.mois_entier:
        libelle += (
            f" — du {dates.date_courte(p.debut)} au {dates.date_courte(p.fin)} "
            f"({p.jours} j sur {p.jours_du_mois}, coût mensuel "
            f"{format_euros(emploi.cout_mensuel)} HT)"
        )
    taux = tarif.taux_tva if tarif is not None else TAUX_EMPLOI_PAR_DEFAUT
    return LigneCalculee(
        origine=Origine.EMPLOI,
        libelle=libelle[:300],
        quantite=Decimal(1),
        unite=Unite.MOIS if p.mois_entier else Unite.UNITE,
        prix_unitaire_ht=p.montant,
        montant=Montant.depuis_ht(p.montant, taux),
        code_tarif=Tarif.Code.EMPLOI_MUTUALISE,
        exoneration=tarif.mention_exoneration if tarif is not None else "",
        periode_debut=p.debut,
        periode_fin=p.fin,
        part_emploi_id=p.part.pk,
    )


def _lignes_emplois(mois: datetime.date) -> list[tuple[int, LigneCalculee]]:
    """(structure, ligne) de chaque part d'emploi refacturée du mois ; le tarif de TVA est lu
    une fois par premier jour facturé (le 1er du mois, sauf poste commencé en cours de mois)."""
    tarifs: dict[datetime.date, Tarif | None] = {}
    lignes = []
    for p in projets_selectors.parts_a_facturer(mois):
        if p.debut not in tarifs:
            tarifs[p.debut] = espaces_selectors.tarif_en_vigueur(
                Tarif.Code.EMPLOI_MUTUALISE, p.debut
            )
        lignes.append((p.structure_id, _ligne_emploi(p, tarifs[p.debut])))
    return lignes


def lignes_du_mois(mois: datetime.date) -> dict[tuple[str, int], list[LigneCalculee]]:
    """Ce que chaque client doit pour le mois, d'après les données vivantes : clé
    ("structure", pk) ou ("externe", pk). Six requêtes environ, quel que soit le nombre de
    clients. N'écrit rien."""
    par_client: dict[tuple[str, int], list[LigneCalculee]] = defaultdict(list)
    tarifs = espaces_selectors.tarifs_loyer(mois)
    for c in espaces_selectors.conventions_du_mois(mois):
        ligne = _ligne_loyer(c, mois, tarifs)
        if ligne is not None:
            par_client[("structure", c.structure_id)].append(ligne)
    for r in espaces_selectors.reservations_payantes_du_mois(mois):
        if r.externe_id:
            par_client[("externe", r.externe_id)].append(_ligne_reservation(r))
        elif r.structure_id:
            par_client[("structure", r.structure_id)].append(_ligne_reservation(r))
    for c in espaces_selectors.consommations_du_mois(mois):
        par_client[("structure", c.structure_id)].append(_ligne_consommation(c))
    for structure_id, ligne in _lignes_emplois(mois):
        par_client[("structure", structure_id)].append(ligne)
    return par_client


def _deja_facturees(mois: datetime.date, sauf_factures: set[int]):
    """Les sources du mois déjà sur une ligne d'une autre facture que `sauf_factures` (les
    brouillons qu'on reconstruit) : on ne les facture pas deux fois."""
    lignes = LigneFacture.objects.exclude(facture_id__in=sauf_factures)
    premier, dernier = espaces_selectors.bornes_du_mois(mois)
    conventions = set(
        lignes.filter(
            convention__isnull=False, periode_debut__gte=premier, periode_debut__lte=dernier
        ).values_list("convention_id", flat=True)
    )
    reservations = set(
        lignes.filter(reservation__isnull=False, periode_debut__gte=premier).values_list(
            "reservation_id", flat=True
        )
    )
    consommations = set(
        lignes.filter(consommation__isnull=False, periode_debut__gte=premier).values_list(
            "consommation_id", flat=True
        )
    )
    # A share is billed once a month, whatever the first day billed (dates changed since).
    parts_emplois = set(
        lignes.filter(
            part_emploi__isnull=False, periode_debut__gte=premier, periode_debut__lte=dernier
        ).values_list("part_emploi_id", flat=True)
    )
    return conventions, reservations, consommations, parts_emplois


def _nouvelle(ligne: LigneCalculee, deja) -> bool:
    conventions, reservations, consommations, parts_emplois = deja
    return not (
        (ligne.convention_id and ligne.convention_id in conventions)
        or (ligne.reservation_id and ligne.reservation_id in reservations)
        or (ligne.consommation_id and ligne.consommation_id in consommations)
        or (ligne.part_emploi_id and ligne.part_emploi_id in parts_emplois)
    )


def preparer_mois(*, mois: datetime.date, par: Acteur) -> Bilan:
    """Crée ou reconstruit le brouillon de chaque client pour `mois`, d'après les données
    vivantes. Relancée, elle ne facture rien deux fois. Une quinzaine de requêtes quel que
    soit le nombre de clients : les écritures sont groupées."""
    par = exiger_staff(par)
    mois = mois.replace(day=1)
    mois_facturable(mois)
    premier, dernier = espaces_selectors.bornes_du_mois(mois)
    with transaction.atomic():
        # Two runs of the same month wait for each other (PostgreSQL; SQLite serialises).
        verrouiller(f"facturation:mois:{mois:%Y-%m}")
        brouillons = {
            _cle(f): f
            for f in Facture.objects.select_for_update()
            .brouillons()
            .filter(type=Facture.Type.FACTURE, mois=mois)
        }
        # Computed lines are rebuilt from the data; manual lines stay.
        LigneFacture.objects.filter(facture__in=brouillons.values()).exclude(
            origine=Origine.MANUELLE
        ).delete()
        manuelles: dict[int, list[LigneFacture]] = defaultdict(list)
        for ligne in LigneFacture.objects.filter(facture__in=brouillons.values()):
            manuelles[ligne.facture_id].append(ligne)
        deja = _deja_facturees(mois, {f.pk for f in brouillons.values()})
        calculees = {
            cle: [ligne for ligne in lignes if _nouvelle(ligne, deja)]
            for cle, lignes in lignes_du_mois(mois).items()
        }
        nouvelles, a_jour, vides, a_inserer = [], [], [], []
        for cle in sorted(calculees.keys() | brouillons.keys()):
            facture = brouillons.get(cle)
            gardees = manuelles[facture.pk] if facture else []
            lignes = calculees.get(cle, [])
            if not lignes and not gardees:
                if facture is not None:
                    vides.append(facture.pk)  # nothing left to bill (cancelled since)
                continue
            if facture is None:
                facture = Facture(
                    type=Facture.Type.FACTURE,
                    mois=mois,
                    periode_debut=premier,
                    periode_fin=dernier,
                    **_client(cle),
                )
                nouvelles.append(facture)
            else:
                a_jour.append(facture)
            rang = max((ligne.rang for ligne in gardees), default=0)
            a_inserer += [(facture, rang + i, ligne) for i, ligne in enumerate(lignes, start=1)]
            _fixer_totaux(
                facture,
                [(g.montant_ht, g.montant_tva) for g in gardees]
                + [(ligne.montant.ht, ligne.montant.tva) for ligne in lignes],
            )
        Facture.objects.filter(pk__in=vides).delete()
        Facture.objects.bulk_create(nouvelles)
        Facture.objects.bulk_update(a_jour, CHAMPS_TOTAUX)
        _inserer(a_inserer)
        bilan = Bilan(
            mois,
            brouillons=len(nouvelles) + len(a_jour),
            lignes=len(a_inserer),
            total_ht=sum((f.total_ht for f in nouvelles + a_jour), Decimal("0.00")),
        )
        journal.journaliser(
            par=par,
            operation="facturation.preparer_mois",
            libelle=f"Facturation de {dates.mois_annee(mois)} préparée : {bilan.message}",
        )
    return bilan


def _cle(f: Facture) -> tuple[str, int]:
    return ("structure", f.structure_id) if f.structure_id else ("externe", f.client_externe_id)


def _client(cle: tuple[str, int]) -> dict:
    genre, pk = cle
    return {"structure_id": pk} if genre == "structure" else {"client_externe_id": pk}


def _inserer(lignes: list[tuple[Facture, int, LigneCalculee]]) -> None:
    """Écrit en une fois les lignes calculées (facture, rang, ligne)."""
    nouvelles = [
        LigneFacture(
            facture=facture,
            rang=rang,
            origine=ligne.origine,
            libelle=ligne.libelle,
            quantite=ligne.quantite,
            unite=ligne.unite,
            prix_unitaire_ht=ligne.prix_unitaire_ht,
            montant_ht=ligne.montant.ht,
            taux_tva=ligne.montant.taux_tva,
            montant_tva=ligne.montant.tva,
            exoneration=ligne.exoneration,
            code_tarif=ligne.code_tarif,
            periode_debut=ligne.periode_debut,
            periode_fin=ligne.periode_fin,
            convention_id=ligne.convention_id,
            reservation_id=ligne.reservation_id,
            consommation_id=ligne.consommation_id,
            part_emploi_id=ligne.part_emploi_id,
        )
        for facture, rang, ligne in lignes
    ]
    try:
        with transaction.atomic():
            LigneFacture.objects.bulk_create(nouvelles)
    except IntegrityError as exc:
        # A source billed meanwhile by another path: nothing is written, run it again.
        raise FacturationError(
            "Une autre préparation vient de facturer ces données : relancez la préparation."
        ) from exc


CHAMPS_TOTAUX = ["total_ht", "total_tva", "total_ttc"]


# What the amount columns hold (12 digits, 2 decimals). Amounts are never negative, so a
# total within the bound keeps each line within it too.
MONTANT_MAX = Decimal("9999999999.99")


def _fixer_totaux(facture: Facture, montants) -> None:
    """Totaux = somme des lignes (HT, TVA) ; la TVA est arrondie par ligne
    (phares.lib.money.Montant). N'écrit rien ; refuse un total que la base ne garderait
    pas (SQLite le garderait, puis ne saurait plus le relire)."""
    ht = sum((m_ht for m_ht, _ in montants), Decimal("0.00"))
    tva = sum((m_tva for _, m_tva in montants), Decimal("0.00"))
    if ht + tva > MONTANT_MAX:
        raise FacturationError(
            f"Le total de la facture de {facture.client} dépasserait "
            f"{format_euros(MONTANT_MAX)} : vérifiez les quantités et les prix."
        )
    facture.total_ht, facture.total_tva, facture.total_ttc = ht, tva, ht + tva


def recalculer_totaux(facture: Facture) -> None:
    """Relit les lignes de `facture` et enregistre ses totaux."""
    _fixer_totaux(facture, list(facture.lignes.values_list("montant_ht", "montant_tva")))
    facture.save(update_fields=CHAMPS_TOTAUX)


# --- Revoir un brouillon ------------------------------------------------------------------


def _brouillon_verrouille(facture: Facture) -> Facture:
    f = Facture.objects.select_for_update().filter(pk=facture.pk).first()
    if f is None:
        raise FacturationError("Ce brouillon n'existe plus (préparation relancée ?).")
    if f.est_emise:
        raise FacturationError(f"{f} est déjà émise : elle ne se modifie plus.")
    return f


def ajouter_ligne(
    *,
    facture: Facture,
    libelle: str,
    quantite: Decimal,
    prix_unitaire_ht: Decimal,
    taux_tva: Decimal,
    exoneration: str = "",
    par: Acteur,
) -> LigneFacture:
    """Une ligne saisie à la main sur un brouillon (la part d'un emploi mutualisé…)."""
    par = exiger_staff(par)
    if quantite <= 0:
        raise FacturationError("La quantité est positive.")
    if prix_unitaire_ht < 0:
        raise FacturationError("Le prix unitaire n'est pas négatif : une remise se fait par avoir.")
    if taux_tva not in documents.TAUX_TVA_ADMIS:
        raise FacturationError(
            f"Le taux de TVA {format_nombre(taux_tva)} % n'existe pas en France."
        )
    montant = Montant.depuis_ht(quantite * prix_unitaire_ht, taux_tva)
    if montant.est_nul:
        raise FacturationError("Cette ligne vaut 0,00 € : elle n'a rien à facturer.")
    with transaction.atomic():
        f = _brouillon_verrouille(facture)
        if taux_tva == 0 and not exoneration:
            exoneration = cooperative_ou_erreur().mention_exoneration
        rang = (f.lignes.order_by("-rang").values_list("rang", flat=True).first() or 0) + 1
        ligne = LigneFacture(
            facture=f,
            rang=rang,
            origine=Origine.MANUELLE,
            libelle=libelle,
            quantite=quantite,
            unite=Unite.UNITE,
            prix_unitaire_ht=prix_unitaire_ht,
            montant_ht=montant.ht,
            taux_tva=montant.taux_tva,
            montant_tva=montant.tva,
            exoneration=exoneration if taux_tva == 0 else "",
            periode_debut=f.periode_debut,
            periode_fin=f.periode_fin,
        )
        try:
            ligne.full_clean(exclude=["facture"])
        except ValidationError as exc:
            raise FacturationError(" ".join(exc.messages)) from exc
        ligne.save()
        recalculer_totaux(f)
        journal.journaliser(
            par=par,
            operation="facture.ajouter_ligne",
            libelle=f"Ligne ajoutée au brouillon de {f.client} ({f.nom_du_mois}) : {libelle}, "
            f"{quantite} × {format_prix_unitaire(prix_unitaire_ht)} HT",
            objet=f,
            structure=f.structure,
        )
    return ligne


def retirer_ligne(*, ligne: LigneFacture, par: Acteur) -> None:
    """Retire une ligne manuelle d'un brouillon. Une ligne calculée se corrige à sa source
    (réservation, convention, consommation) puis en relançant la préparation du mois."""
    par = exiger_staff(par)
    with transaction.atomic():
        f = _brouillon_verrouille(ligne.facture)
        ligne = f.lignes.filter(pk=ligne.pk).first()
        if ligne is None:
            raise FacturationError("Cette ligne n'est plus sur le brouillon.")
        if ligne.origine != Origine.MANUELLE:
            raise FacturationError(
                "Une ligne calculée se corrige à sa source (réservation, convention, "
                "consommation), puis en relançant la préparation du mois."
            )
        libelle = ligne.libelle
        ligne.delete()
        recalculer_totaux(f)
        journal.journaliser(
            par=par,
            operation="facture.retirer_ligne",
            libelle=f"Ligne retirée du brouillon de {f.client} ({f.nom_du_mois}) : {libelle}",
            objet=f,
            structure=f.structure,
        )


def supprimer_brouillon(*, facture: Facture, par: Acteur) -> None:
    par = exiger_staff(par)
    with transaction.atomic():
        f = _brouillon_verrouille(facture)
        texte = str(f)
        f.delete()  # its lines go with it (CASCADE)
        journal.journaliser(
            par=par,
            operation="facture.supprimer_brouillon",
            libelle=f"Brouillon supprimé : {texte}",
            structure=f.structure,
        )


# --- Émettre ---------------------------------------------------------------------------


def cooperative_ou_erreur() -> Cooperative:
    coop = Cooperative.objects.order_by("pk").first()
    if coop is None:
        raise FacturationError(
            "Renseignez d'abord la coopérative qui facture (raison sociale, SIRET, IBAN…)."
        )
    return coop


def vendeur(coop: Cooperative) -> dict:
    return {
        "nom": coop.raison_sociale,
        "forme": coop.forme,
        "capital": coop.capital,
        "adresse": coop.adresse,
        "code_postal": coop.code_postal,
        "ville": coop.ville,
        "pays": "FR",
        "siren": coop.siren,
        "siret": coop.siret,
        "rcs": coop.rcs,
        "tva": coop.tva_intracom,
        "email": coop.email,
        "telephone": coop.telephone,
        "iban": coop.iban,
        "bic": coop.bic,
        "penalites": coop.penalites,
    }


def acheteur(facture: Facture) -> dict:
    if facture.structure_id:
        s = facture.structure
        adresse, cp, ville = decouper_adresse(s.adresse_facturation)
        nom = (s.sigle_developpe and f"{s.nom} ({s.sigle_developpe})") or s.nom
        return {
            "nom": nom[:200],
            "adresse": adresse,
            "code_postal": cp,
            "ville": ville,
            "pays": "FR",
            "siren": s.siren or (s.siret[:9] if s.siret else ""),
            "siret": s.siret,
            "tva": "",
            "email": s.email_facturation or s.email_contact,
        }
    c = facture.client_externe
    adresse, cp, ville = decouper_adresse(c.adresse_facturation)
    return {
        "nom": c.nom,
        "adresse": adresse,
        "code_postal": cp,
        "ville": ville,
        "pays": "FR",
        "email": c.email,
    }


CODE_POSTAL_VILLE = re.compile(r"^(\d{5})\s+(.+)$")


def decouper_adresse(texte: str) -> tuple[str, str, str]:
    """« 1 quai du Halage\\n93450 L'Île-Saint-Denis » -> (« 1 quai du Halage », « 93450 »,
    « L'Île-Saint-Denis ») ; ce qui ne se découpe pas reste dans l'adresse."""
    lignes = [ligne.strip() for ligne in (texte or "").replace(",", "\n").splitlines()]
    lignes = [ligne for ligne in lignes if ligne]
    for i in range(len(lignes) - 1, -1, -1):
        m = CODE_POSTAL_VILLE.match(lignes[i])
        if m:
            return "\n".join(lignes[:i] + lignes[i + 1 :]), m.group(1), m.group(2)
    return "\n".join(lignes), "", ""


def emettre(*, facture: Facture, par: Acteur, le: datetime.date | None = None) -> Facture:
    """Donne à un brouillon son numéro légal, fige son contenu et garde son PDF Factur-X.
    Tout ou rien : si le PDF échoue, aucun numéro n'est consommé."""
    par = exiger_staff(par)
    le = le or timezone.localdate()
    if le > timezone.localdate():
        raise FacturationError("Une facture ne s'émet pas à une date future.")
    with transaction.atomic():
        f = _brouillon_verrouille(facture)
        lignes = list(f.lignes.order_by("rang", "pk"))
        if not lignes:
            raise FacturationError("Ce brouillon n'a aucune ligne : rien à émettre.")
        # The totals printed are those of the lines read here, under the row lock.
        _fixer_totaux(f, [(ligne.montant_ht, ligne.montant_tva) for ligne in lignes])
        if f.total_ttc <= 0 and not f.est_avoir:
            raise FacturationError("Le total de cette facture est nul : rien à émettre.")
        if le < f.periode_debut:
            raise FacturationError(
                f"Une facture ne s'émet pas avant la période qu'elle facture (du "
                f"{dates.date_courte(f.periode_debut)})."
            )
        _verifier_taux(lignes)
        coop = cooperative_ou_erreur()
        serie = SERIES[f.type]
        # The counter's row lock orders concurrent issues: dates never go backwards.
        rang = numerotation.prochain_numero(serie, le.year)
        derniere = (
            Facture.objects.emises()
            .filter(serie=serie, annee=le.year)
            .order_by("-rang")
            .values_list("date_emission", flat=True)
            .first()
        )
        if derniere and derniere > le:
            raise FacturationError(
                f"La dernière pièce de la série est datée du {dates.date_courte(derniere)} : "
                "les numéros suivent l'ordre des dates."
            )
        f.serie, f.annee, f.rang = serie, le.year, rang
        f.numero = numerotation.formater(serie, le.year, rang)
        f.date_emission = le
        f.date_echeance = le + datetime.timedelta(days=coop.delai_paiement_jours)
        f.vendeur = vendeur(coop)
        f.acheteur = acheteur(f)
        if not (f.acheteur.get("siren") or f.acheteur.get("email")):
            # Factur-X (BR-FR-12) needs an electronic address of the buyer.
            raise FacturationError(
                f"{f.client_nom} n'a ni SIREN ni e-mail de facturation : renseignez-en un sur "
                "sa fiche avant d'émettre."
            )
        f.statut = Facture.Statut.EMISE
        f.emise_le = timezone.now()
        f.emise_par = par.user
        pdf = rendu.pdf(document(f, lignes))
        f.save()
        DocumentPdf.objects.create(
            facture=f, contenu=pdf, sha256=hashlib.sha256(pdf).hexdigest(), taille=len(pdf)
        )
        journal.journaliser(
            par=par,
            operation="facture.emettre",
            libelle=f"{f.get_type_display()} {f.numero} émise : {f.client_nom}, "
            f"{format_euros(f.total_ttc)} TTC",
            objet=f,
            structure=f.structure,
        )
    return f


def _verifier_taux(lignes: list[LigneFacture]) -> None:
    """Chaque taux de TVA est un taux français (une convention ou un tarif saisi à 12 %
    donnerait une facture que la plateforme refuse, et qu'on ne corrigerait plus)."""
    for ligne in lignes:
        if ligne.taux_tva not in documents.TAUX_TVA_ADMIS:
            raise FacturationError(
                f"« {ligne.libelle} » : le taux de TVA {format_nombre(ligne.taux_tva)} % "
                "n'existe pas en France. Corrigez sa source, puis préparez le mois à nouveau."
            )


def tenter_emission(
    *, facture: Facture, par: Acteur, le: datetime.date | None = None
) -> tuple[Facture | None, str]:
    """Émet `facture` dans sa transaction ; rend (la facture émise, "") ou (None, le
    message qui dit pourquoi elle ne l'est pas). Rien n'est levé : l'émission d'un mois
    continue après un brouillon impossible."""
    try:
        return emettre(facture=facture, par=par, le=le), ""
    except FacturationError as exc:
        return None, f"{facture.client} : {exc}"
    except Exception:
        # One invoice that cannot be rendered does not stop the others; the trace is
        # logged for whoever runs the site.
        logger.exception("Émission du brouillon %s impossible", facture.pk)
        return None, f"{facture.client} : émission impossible (erreur technique, consignée)."


def emettre_brouillons(*, mois: datetime.date, par: Acteur, le: datetime.date | None = None):
    """Émet un à un, tout de suite, les brouillons du mois (chacun dans sa transaction) ;
    rend (émises, erreurs). Les pages passent par lancer_emission_du_mois (tâche de fond) ;
    la démo et le banc d'essai, par ici."""
    par = exiger_staff(par)
    emises, erreurs = [], []
    for f in Facture.objects.brouillons().filter(mois=mois.replace(day=1)).order_by("pk"):
        emise, erreur = tenter_emission(facture=f, par=par, le=le)
        if emise is not None:
            emises.append(emise)
        else:
            erreurs.append(erreur)
    return emises, erreurs


# --- Émettre en tâche de fond -----------------------------------------------------------


class LotEnCours(FacturationError):
    """Le même travail tourne déjà (deux clics, deux onglets) : `lot` est celui en cours."""

    def __init__(self, message: str, lot: Lot | None):
        super().__init__(message)
        self.lot = lot


def lancer_emission_du_mois(*, mois: datetime.date, par: Acteur) -> Lot:
    """Crée le lot qui émettra un à un les brouillons de `mois` et le confie à une tâche de
    fond après validation (facturation.taches.emettre_lot). Un seul lot en cours par mois :
    le second clic lève LotEnCours, qui porte le premier. Un lot resté sans nouvelles
    (processus de fond arrêté en route) est déclaré échoué et remplacé : le nouveau reprend
    les brouillons restants."""
    par = exiger_staff(par)
    mois = mois.replace(day=1)
    nature = Lot.Nature.EMISSION
    # Committed apart: a silent lot is declared failed even if nothing is left to issue.
    with transaction.atomic():
        _abandonner_lot_muet(nature=nature, mois=mois, par=par)
    with transaction.atomic():
        total = Facture.objects.brouillons().filter(mois=mois).count()
        if not total:
            raise FacturationError(f"Aucun brouillon à émettre pour {dates.mois_annee(mois)}.")
        lot = Lot(
            nature=nature,
            mois=mois,
            total=total,
            lance_par=par.user,
            request_id=par.request_id[:64],
            maj_le=timezone.now(),
        )
        try:
            with transaction.atomic():
                lot.save()
        except IntegrityError:
            # The database decides between two clicks: the second finds the first's lot.
            en_cours = Lot.objects.en_cours().filter(nature=nature, mois=mois).first()
            raise LotEnCours(
                f"L'émission des brouillons de {dates.mois_annee(mois)} est déjà lancée : "
                "voici son avancement.",
                en_cours,
            ) from None
        journal.journaliser(
            par=par,
            operation="facturation.lancer_emission",
            libelle=f"Émission des brouillons de {dates.mois_annee(mois)} lancée en tâche de "
            f"fond : {total} brouillon(s)",
            objet=lot,
        )
        # After commit: the worker must find the lot, and a rolled-back launch runs nothing.
        transaction.on_commit(partial(_mettre_en_file, lot.pk), robust=True)
    return lot


def _abandonner_lot_muet(*, nature: str, mois: datetime.date | None, par: Acteur) -> None:
    for lot in Lot.objects.select_for_update().en_cours().filter(nature=nature, mois=mois):
        if lot.sans_nouvelles:
            lot.statut = Lot.Statut.ECHOUE
            lot.fin = timezone.now()
            lot.erreurs = [*lot.erreurs, ARRET_SANS_NOUVELLES]
            lot.save(update_fields=["statut", "fin", "erreurs"])
            journal.journaliser(
                par=par,
                operation="facturation.abandonner_lot",
                libelle=f"{lot.libelle} sans nouvelles depuis plus de "
                f"{Lot.SANS_NOUVELLES.seconds // 60} minutes : déclarée échouée",
                objet=lot,
            )


ARRET_SANS_NOUVELLES = (
    "Le processus de fond s'est arrêté en route (plus aucune nouvelle) : les brouillons "
    "qui restent repartent avec l'émission suivante du mois."
)


def _mettre_en_file(lot_pk: int, tache: str = "emettre_lot") -> None:
    """Confie le lot à la tâche de fond `tache` (de taches.py). Une file injoignable n'est
    pas une page d'erreur : le lot le dit, et se relance d'un clic."""
    # taches imports this module: imported here, when the launch has committed.
    from . import taches

    try:
        resultat = getattr(taches, tache).enqueue(lot_id=lot_pk)
    except Exception:
        logger.exception("Lot %s : mise en file impossible", lot_pk)
        Lot.objects.filter(pk=lot_pk, statut=Lot.Statut.EN_ATTENTE).update(
            statut=Lot.Statut.ECHOUE,
            fin=timezone.now(),
            erreurs=["La tâche n'a pas pu être mise en file : relancez-la depuis sa page."],
        )
        return
    Lot.objects.filter(pk=lot_pk).update(tache_id=str(resultat.id)[:64])


# --- Le document imprimé ---------------------------------------------------------------


def _partie(d: dict) -> documents.Partie:
    champs = documents.Partie.__dataclass_fields__
    return documents.Partie(**{k: v for k, v in d.items() if k in champs})


def document(f: Facture, lignes: list[LigneFacture] | None = None) -> documents.Document:
    """Le contenu imprimé et transmis : celui figé à l'émission (ou, pour l'aperçu d'un
    brouillon, celui qu'il aurait aujourd'hui). `lignes` : celles de `f`, si déjà lues."""
    if lignes is None:
        lignes = list(f.lignes.order_by("rang", "pk"))
    coop = None if f.vendeur else Cooperative.objects.order_by("pk").first()
    v = f.vendeur or (
        vendeur(coop) if coop else {"nom": "(coopérative à renseigner)", "adresse": ""}
    )
    a = f.acheteur or acheteur(f)
    totaux: dict[tuple[str, Decimal], list[Decimal]] = defaultdict(
        lambda: [Decimal("0.00"), Decimal("0.00")]
    )
    exonerations: dict[tuple[str, Decimal], str] = {}
    for ligne in lignes:
        cle = (ligne.categorie_tva, ligne.taux_tva)
        totaux[cle][0] += ligne.montant_ht
        totaux[cle][1] += ligne.montant_tva
        if ligne.exoneration:
            exonerations.setdefault(cle, ligne.exoneration)
    emission = f.date_emission or timezone.localdate()
    delai = f.date_echeance or emission + datetime.timedelta(
        days=coop.delai_paiement_jours if coop else 30
    )
    origine = f.facture_origine
    return documents.Document(
        type_code=documents.TYPE_AVOIR if f.est_avoir else documents.TYPE_FACTURE,
        numero=f.numero or "",
        date_emission=emission,
        date_echeance=delai,
        periode_debut=f.periode_debut,
        periode_fin=f.periode_fin,
        vendeur=_partie(v),
        acheteur=_partie(a),
        lignes=tuple(
            documents.Ligne(
                numero=i,
                libelle=ligne.libelle,
                quantite=ligne.quantite,
                unite=ligne.unite,
                prix_unitaire_ht=ligne.prix_unitaire_ht,
                montant_ht=ligne.montant_ht,
                taux_tva=ligne.taux_tva,
                categorie_tva=ligne.categorie_tva,
                exoneration=ligne.exoneration,
                periode_debut=ligne.periode_debut,
                periode_fin=ligne.periode_fin,
            )
            for i, ligne in enumerate(lignes, start=1)
        ),
        totaux_tva=tuple(
            documents.TotalTva(cat, taux, ht, tva, exonerations.get((cat, taux), ""))
            for (cat, taux), (ht, tva) in sorted(totaux.items(), key=lambda kv: -kv[0][1])
        ),
        total_ht=f.total_ht,
        total_tva=f.total_tva,
        total_ttc=f.total_ttc,
        iban=v.get("iban", ""),
        bic=v.get("bic", ""),
        conditions_paiement=(
            f"Paiement au plus tard le {dates.date_longue(delai)}, par virement ou "
            "prélèvement SEPA."
        ),
        mentions=(
            v.get("penalites", ""),
            "Indemnité forfaitaire pour frais de recouvrement due au créancier en cas de "
            "retard de paiement d'un client professionnel : 40 € (art. L441-10 et D441-5 du "
            "Code de commerce).",
            "Pas d'escompte pour paiement anticipé.",
        ),
        facture_origine=origine.numero if origine else "",
        facture_origine_date=origine.date_emission if origine else None,
    )


# --- La coopérative -----------------------------------------------------------------------

CHAMPS_COOPERATIVE = ("raison_sociale", "siren", "siret", "rcs", "tva_intracom", "iban", "bic")


def enregistrer_cooperative(*, form, par: Acteur) -> Cooperative:
    """Les coordonnées de l'émetteur (une seule ligne). Les factures émises gardent celles
    de leur jour d'émission."""
    par = exiger(par)
    if par.user is None or not is_gestion(par.user):
        raise FacturationError("Seule l'équipe de gestion modifie la coopérative.")
    with transaction.atomic():
        avant = journal.instantane(form.instance, CHAMPS_COOPERATIVE) if form.instance.pk else {}
        coop = form.save()
        journal.journaliser(
            par=par,
            operation="cooperative.enregistrer",
            libelle=f"Coordonnées de facturation de {coop.raison_sociale} enregistrées",
            objet=coop,
            changements=journal.ecarts(avant, journal.instantane(coop, CHAMPS_COOPERATIVE))
            if avant
            else journal.creation(coop, CHAMPS_COOPERATIVE),
        )
    return coop


# --- Les comptes du journal des ventes ----------------------------------------------------


def enregistrer_comptes(*, comptes: dict[str, comptes_.Compte], par: Acteur) -> int:
    """Les comptes que la gestion choisit pour le journal des ventes (clé -> compte) ; rend
    le nombre de comptes changés. Une clé inchangée n'écrit rien ; les exports suivants, même
    d'une période passée, prennent les nouveaux comptes."""
    par = exiger(par)
    if par.user is None or not is_gestion(par.user):
        raise FacturationError("Seule l'équipe de gestion choisit les comptes.")
    inconnues = comptes.keys() - comptes_.PAR_CLE.keys()
    if inconnues:
        raise FacturationError(f"Clé de compte inconnue : {', '.join(sorted(inconnues))}.")
    # One line each: a tab or a line break would split a row of the journal file.
    comptes = {
        cle: comptes_.Compte(c.numero.strip(), " ".join(c.libelle.split())[:100])
        for cle, c in comptes.items()
    }
    for cle, compte in comptes.items():
        erreur = comptes_.verifier(cle, compte.numero)
        if erreur or not compte.libelle:
            raise FacturationError(
                f"{comptes_.PAR_CLE[cle].intitule} : {erreur or 'donnez un intitulé.'}"
            )
    with transaction.atomic():
        # Two saves at once: the second reads what the first wrote (no duplicate key).
        verrouiller("facturation:comptes")
        avant = comptes_.plan_depuis(CompteComptable.objects.all())
        changes = {cle: c for cle, c in comptes.items() if avant[cle] != c}
        for cle, c in changes.items():
            CompteComptable.objects.update_or_create(
                cle=cle, defaults={"numero": c.numero, "libelle": c.libelle}
            )
        if changes:
            journal.journaliser(
                par=par,
                operation="facturation.comptes",
                libelle=f"Comptes du journal des ventes : {len(changes)} changé(s)",
                changements={
                    comptes_.PAR_CLE[cle].intitule: (str(avant[cle]), str(c))
                    for cle, c in changes.items()
                },
            )
    return len(changes)
