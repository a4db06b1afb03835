"""Capital en parts sociales : un grand livre en ajout seul.

Souscrire des parts (à la valeur nominale des réglages), les libérer (verser, en une ou
plusieurs fois, jamais au-delà du souscrit), demander un retrait, rembourser une demande à
la valeur nominale (déduction faite de ce qui reste à libérer), contre-passer une erreur.

Le plancher : aucun remboursement ne fait descendre le capital souscrit sous le quart du
capital le plus élevé atteint (art. 7 de la loi du 10 septembre 1947), ni sous le minimum
des statuts (art. L231-5 du Code de commerce). Le calcul lit tout le grand livre : chaque
écriture du capital prend d'abord le verrou `gouvernance:capital` (verrou consultatif de
transaction sur PostgreSQL, BEGIN IMMEDIATE sur SQLite), sans quoi deux remboursements
simultanés liraient le même capital et passeraient ensemble sous le plancher.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from phares.lib import dates, journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.money import format_euros
from phares.lib.verrous import verrouiller

from .. import reglages, selectors
from ..models import Associe, DemandeRetrait, MouvementCapital
from ._erreurs import GouvernanceError

VERROU = "gouvernance:capital"
CENTIME = Decimal("0.01")
# What a DecimalField(12, 2) holds.
MONTANT_MAX = Decimal("9999999999.99")
PARTS_MAX = 1_000_000
CHAMPS = ("associe", "type", "date", "parts", "souscrit", "libere", "reference", "motif")


def _date_passee(date: datetime.date) -> None:
    if date > timezone.localdate():
        raise GouvernanceError(
            "La date d'effet ne peut pas être dans le futur : enregistrez le mouvement le "
            "jour où il a lieu."
        )


def _montant(montant: Decimal, *, libelle: str = "Le montant") -> Decimal:
    if not isinstance(montant, Decimal) or not montant.is_finite():
        raise TypeError("Un montant est un Decimal.")
    if montant != montant.quantize(CENTIME):
        raise GouvernanceError(f"{libelle} s'écrit en euros et centimes (deux décimales).")
    if montant > MONTANT_MAX:
        raise GouvernanceError(f"{libelle} dépasse ce que le grand livre enregistre.")
    return montant


def _parts(parts: int) -> int:
    if not isinstance(parts, int) or parts < 1:
        raise GouvernanceError("Le nombre de parts est un entier d'au moins 1.")
    if parts > PARTS_MAX:
        raise GouvernanceError(f"{PARTS_MAX} parts au plus en une fois.")
    return parts


def _valeur(parts: int) -> Decimal:
    montant = parts * reglages.valeur_nominale()
    if montant > MONTANT_MAX:
        raise GouvernanceError("Ce nombre de parts dépasse ce que le grand livre enregistre.")
    return montant


def _d(date: datetime.date) -> str:
    return dates.date_longue(date)


def _verifier_compte(associe: Associe, nouveaux: list[tuple], *, depuis: datetime.date) -> None:
    """Le compte de l'associé reste cohérent chaque soir à partir de `depuis`, avec les
    mouvements `nouveaux` (date, parts, souscrit, libéré) : pas de parts négatives, pas plus
    de libéré que de souscrit, pas de libéré négatif."""
    par_jour: dict[datetime.date, list[Decimal]] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    existants = MouvementCapital.objects.filter(associe=associe).values_list(
        "date", "parts", "souscrit", "libere"
    )
    for date, parts, souscrit, libere in [*existants, *nouveaux]:
        jour = par_jour[date]
        jour[0] += parts
        jour[1] += souscrit
        jour[2] += libere
    parts = 0
    souscrit = libere = Decimal(0)
    for date in sorted(par_jour):
        p, s, lib = par_jour[date]
        parts, souscrit, libere = parts + p, souscrit + s, libere + lib
        if date < depuis:
            continue
        if parts < 0:
            raise GouvernanceError(
                f"{associe} n'aurait plus que {parts} part(s) le {_d(date)} : on ne rembourse "
                "ni ne retire plus de parts qu'il n'en détient."
            )
        if libere > souscrit:
            raise GouvernanceError(
                f"Le capital libéré de {associe} ({format_euros(libere)}) dépasserait son "
                f"capital souscrit ({format_euros(souscrit)}) le {_d(date)} : on ne libère "
                "jamais plus que ce qui a été souscrit."
            )
        if libere < 0:
            raise GouvernanceError(
                f"Le capital libéré de {associe} deviendrait négatif le {_d(date)}."
            )


def _inserer(mouvement: MouvementCapital, par: Acteur, libelle: str) -> MouvementCapital:
    mouvement.enregistre_par = par.user
    try:
        with transaction.atomic():
            mouvement.save()
    except IntegrityError as exc:
        # The one-to-one column refuses a second reversal of the same movement.
        raise GouvernanceError("Ce mouvement a déjà été contre-passé.") from exc
    journal.journaliser(
        par=par,
        operation=f"capital.{mouvement.type}",
        libelle=libelle,
        objet=mouvement,
        structure=mouvement.associe.structure,
        changements=journal.creation(mouvement, CHAMPS),
    )
    return mouvement


def _associe_le(associe: Associe, date: datetime.date, action: str) -> None:
    if not associe.est_associe_le(date):
        sortie = f" au {_d(associe.sortie)}" if associe.sortie else ""
        raise GouvernanceError(
            f"{associe} n'est pas associé le {_d(date)} (associé du {_d(associe.entree)}"
            f"{sortie}) : on {action} qu'en étant associé."
        )


def souscrire(
    *,
    associe: Associe,
    date: datetime.date,
    parts: int,
    par: Acteur,
    libere: Decimal = Decimal(0),
    reference: str = "",
) -> MouvementCapital:
    """Souscription de `parts` parts à la valeur nominale ; `libere` est versé le même jour
    (0 : rien encore, le montant souscrit : tout)."""
    par = exiger(par)
    _parts(parts)
    _date_passee(date)
    montant = _valeur(parts)
    _montant(libere, libelle="Le versement")
    if libere < 0 or libere > montant:
        raise GouvernanceError(
            f"Le versement à la souscription va de 0 à {format_euros(montant)} "
            f"({parts} × {format_euros(reglages.valeur_nominale())})."
        )
    with transaction.atomic():
        verrouiller(VERROU)
        associe = Associe.objects.select_related("structure", "personne").get(pk=associe.pk)
        _associe_le(associe, date, "ne souscrit")
        mouvement = _inserer(
            MouvementCapital(
                associe=associe,
                type=MouvementCapital.Type.SOUSCRIPTION,
                date=date,
                parts=parts,
                souscrit=montant,
                libere=Decimal(0),
                reference=reference,
            ),
            par,
            f"Souscription de {parts} part(s) ({format_euros(montant)}) par {associe} le "
            f"{date:%d/%m/%Y}",
        )
        if libere:
            _liberer(associe, date, libere, par, reference)
    return mouvement


def _liberer(
    associe: Associe, date: datetime.date, montant: Decimal, par: Acteur, reference: str
) -> MouvementCapital:
    nouveau = (date, 0, Decimal(0), montant)
    try:
        _verifier_compte(associe, [nouveau], depuis=date)
    except GouvernanceError:
        reste = selectors.solde(associe, le=date).a_liberer
        raise GouvernanceError(
            f"Ce versement de {format_euros(montant)} dépasse ce que {associe} doit encore : "
            f"{format_euros(reste)} restent à libérer au {_d(date)}. On ne libère jamais plus "
            "que le capital souscrit."
        ) from None
    return _inserer(
        MouvementCapital(
            associe=associe,
            type=MouvementCapital.Type.LIBERATION,
            date=date,
            parts=0,
            souscrit=Decimal(0),
            libere=montant,
            reference=reference,
        ),
        par,
        f"Libération de {format_euros(montant)} par {associe} le {date:%d/%m/%Y}",
    )


def liberer(
    *, associe: Associe, date: datetime.date, montant: Decimal, par: Acteur, reference: str = ""
) -> MouvementCapital:
    """Versement sur des parts souscrites ; partiel permis, jamais au-delà du souscrit (à
    cette date comme à toutes les suivantes)."""
    par = exiger(par)
    _montant(montant)
    if montant <= 0:
        raise GouvernanceError("Le montant versé est positif.")
    _date_passee(date)
    with transaction.atomic():
        verrouiller(VERROU)
        associe = Associe.objects.select_related("structure", "personne").get(pk=associe.pk)
        if date < associe.entree:
            raise GouvernanceError(
                f"{associe} est associé depuis le {_d(associe.entree)} : pas de versement avant."
            )
        return _liberer(associe, date, montant, par, reference)


def parts_demandees(associe: Associe) -> int:
    """Les parts de l'associé que ses demandes en attente réclament déjà."""
    return sum(d.parts for d in selectors.demandes_en_attente().filter(associe=associe))


def creer_demande(
    *, associe: Associe, date: datetime.date, parts: int, par: Acteur, motif: str = ""
) -> DemandeRetrait:
    """Dans la transaction (et sous le verrou) de l'appelant : enregistre la demande."""
    detenues = selectors.solde(associe, le=timezone.localdate()).parts
    deja = parts_demandees(associe)
    if parts > detenues - deja:
        deja_txt = f", dont {deja} déjà demandée(s)" if deja else ""
        raise GouvernanceError(
            f"{associe} détient {detenues} part(s){deja_txt} : une demande de retrait porte "
            f"sur {max(detenues - deja, 0)} part(s) au plus."
        )
    demande = DemandeRetrait.objects.create(
        associe=associe, date=date, parts=parts, motif=motif, enregistree_par=par.user
    )
    journal.journaliser(
        par=par,
        operation="capital.demande_retrait",
        libelle=f"Demande de retrait de {parts} part(s) par {associe}, reçue le {date:%d/%m/%Y}",
        objet=demande,
        structure=associe.structure,
        changements=journal.creation(demande, ["associe", "date", "parts", "motif"]),
    )
    return demande


def demander_retrait(
    *, associe: Associe, date: datetime.date, parts: int, par: Acteur, motif: str = ""
) -> DemandeRetrait:
    """Enregistre une demande de remboursement de parts, qui attend son remboursement."""
    par = exiger(par)
    _parts(parts)
    _date_passee(date)
    with transaction.atomic():
        verrouiller(VERROU)
        associe = Associe.objects.select_related("structure", "personne").get(pk=associe.pk)
        if date < associe.entree:
            raise GouvernanceError(
                f"{associe} est associé depuis le {_d(associe.entree)} : pas de demande avant."
            )
        return creer_demande(associe=associe, date=date, parts=parts, par=par, motif=motif)


def _demande_en_attente(demande: DemandeRetrait) -> DemandeRetrait:
    demande = (
        selectors.demandes_retrait()
        .select_related("associe__structure", "associe__personne")
        .get(pk=demande.pk)
    )
    if demande.annulee_le is not None:
        raise GouvernanceError("Cette demande de retrait a été annulée.")
    if demande.remboursee:
        raise GouvernanceError("Cette demande de retrait est déjà remboursée.")
    return demande


def annuler_demande(*, demande: DemandeRetrait, motif: str, par: Acteur) -> DemandeRetrait:
    """L'associé renonce à son retrait (ou la demande était une erreur)."""
    par = exiger(par)
    motif = " ".join(motif.split())
    if not motif:
        raise GouvernanceError("Dites pourquoi la demande est annulée.")
    with transaction.atomic():
        verrouiller(VERROU)
        demande = _demande_en_attente(demande)
        avant = journal.instantane(demande, ["annulee_le", "motif_annulation"])
        demande.annulee_le = timezone.localdate()
        demande.motif_annulation = motif
        demande.save(update_fields=["annulee_le", "motif_annulation"])
        journal.journaliser(
            par=par,
            operation="capital.demande_annuler",
            libelle=f"Demande de retrait de {demande.parts} part(s) de {demande.associe} "
            f"annulée : {motif}",
            objet=demande,
            structure=demande.associe.structure,
            changements=journal.ecarts(
                avant, journal.instantane(demande, ["annulee_le", "motif_annulation"])
            ),
        )
    return demande


def _verifier_plancher(date: datetime.date, souscrit: Decimal) -> None:
    """Avec le remboursement (date, souscrit < 0), le capital de chaque soir à partir de
    `date` reste au-dessus du plancher fixé par le plus haut capital atteint."""
    existants = list(MouvementCapital.objects.values_list("date", "souscrit"))
    courbe = selectors.capital_fin_de_journee([*existants, (date, souscrit)])
    haut = selectors.plus_haut(courbe)
    plancher = selectors.plancher(haut.montant)
    for jour, montant in courbe:
        if jour >= date and montant < plancher:
            depuis = f" (le {_d(haut.le)})" if haut.le else ""
            raise GouvernanceError(
                f"Remboursement refusé : le capital souscrit descendrait à "
                f"{format_euros(montant)} le {_d(jour)}, sous son plancher de "
                f"{format_euros(plancher)} — le quart du capital le plus élevé atteint, "
                f"{format_euros(haut.montant)}{depuis} (art. 7 de la loi du 10 septembre "
                "1947), ou le minimum des statuts (art. L231-5 du Code de commerce). Le "
                "remboursement attendra de nouvelles souscriptions."
            )


def montant_rendu(*, solde: selectors.Solde, parts: int) -> Decimal:
    """Ce que rend le remboursement de `parts` parts d'un associé dont le compte est
    `solde` : la valeur nominale, déduction faite de ce qui reste à libérer (jamais plus que
    le libéré). 10 parts de 100 € dont 600 € versés : tout rembourser rend 600 € ; en
    rembourser 2 ne rend rien et réduit de 200 € ce qui reste dû."""
    valeur = parts * reglages.valeur_nominale()
    return min(max(valeur - solde.a_liberer, Decimal(0)), solde.libere)


def rembourser(
    *, demande: DemandeRetrait, date: datetime.date, par: Acteur, reference: str = ""
) -> MouvementCapital:
    """Rembourse les parts d'une demande à la valeur nominale, déduction faite de ce qui
    reste à libérer : le capital souscrit baisse de parts × valeur, le libéré de ce qui est
    rendu. Refusé sous le plancher du capital, ou si l'associé, encore associé après ce jour,
    n'y garderait aucune part (sa sortie s'enregistre d'abord)."""
    par = exiger(par)
    _date_passee(date)
    with transaction.atomic():
        verrouiller(VERROU)
        demande = _demande_en_attente(demande)
        associe = demande.associe
        if date < demande.date:
            raise GouvernanceError(
                f"La demande a été reçue le {_d(demande.date)} : le remboursement ne peut "
                "pas la précéder."
            )
        avant = selectors.solde(associe, le=date)
        if avant.parts < demande.parts:
            raise GouvernanceError(
                f"{associe} ne détient que {avant.parts} part(s) le {_d(date)}, la demande "
                f"en rembourse {demande.parts}."
            )
        reste_associe = associe.sortie is None or associe.sortie > date
        if reste_associe and avant.parts - demande.parts < 1:
            raise GouvernanceError(
                f"{associe} est encore associé après le {_d(date)} : il garde au moins une "
                "part. Pour tout rembourser, enregistrez d'abord sa sortie."
            )
        souscrit = _valeur(demande.parts)
        rendu = montant_rendu(solde=avant, parts=demande.parts)
        nouveau = (date, -demande.parts, -souscrit, -rendu)
        _verifier_compte(associe, [nouveau], depuis=date)
        _verifier_plancher(date, -souscrit)
        return _inserer(
            MouvementCapital(
                associe=associe,
                type=MouvementCapital.Type.REMBOURSEMENT,
                date=date,
                parts=-demande.parts,
                souscrit=-souscrit,
                libere=-rendu,
                demande=demande,
                reference=reference,
            ),
            par,
            f"Remboursement de {demande.parts} part(s) à {associe} le {date:%d/%m/%Y} : "
            f"{format_euros(rendu)} rendus",
        )


def contre_passer(*, mouvement: MouvementCapital, motif: str, par: Acteur) -> MouvementCapital:
    """Annule un mouvement saisi par erreur : une ligne de variations opposées, à la même
    date d'effet (le capital de chaque jour redevient ce qu'il aurait été), avec le motif.
    Le mouvement d'origine reste dans le grand livre. Une demande de retrait dont le
    remboursement est contre-passé redevient en attente."""
    par = exiger(par)
    motif = " ".join(motif.split())
    if not motif:
        raise GouvernanceError("Dites pourquoi ce mouvement est contre-passé.")
    with transaction.atomic():
        verrouiller(VERROU)
        origine = MouvementCapital.objects.select_related(
            "associe__structure", "associe__personne", "demande"
        ).get(pk=mouvement.pk)
        if origine.type == MouvementCapital.Type.CONTRE_PASSATION:
            raise GouvernanceError(
                "Une contre-passation ne se contre-passe pas : enregistrez de nouveau le bon "
                "mouvement."
            )
        if MouvementCapital.objects.filter(contre_passe=origine).exists():
            raise GouvernanceError("Ce mouvement a déjà été contre-passé.")
        associe = origine.associe
        nouveau = (origine.date, -origine.parts, -origine.souscrit, -origine.libere)
        try:
            _verifier_compte(associe, [nouveau], depuis=origine.date)
        except GouvernanceError as exc:
            raise GouvernanceError(
                f"{exc} Contre-passez d'abord les mouvements suivants qui en dépendent "
                "(libérations, remboursements)."
            ) from None
        # Pending requests must still find their parts (a reversed refund's request is
        # pending again).
        detenues = selectors.solde(associe, le=timezone.localdate()).parts - origine.parts
        demandees = parts_demandees(associe)
        if origine.type == MouvementCapital.Type.REMBOURSEMENT and origine.demande_id:
            demandees += origine.demande.parts
        if demandees > detenues:
            raise GouvernanceError(
                f"Des demandes de retrait en attente portent sur ces parts ({demandees} "
                f"demandée(s), {detenues} détenue(s) après la contre-passation) : "
                "annulez-les d'abord."
            )
        return _inserer(
            MouvementCapital(
                associe=associe,
                type=MouvementCapital.Type.CONTRE_PASSATION,
                date=origine.date,
                parts=-origine.parts,
                souscrit=-origine.souscrit,
                libere=-origine.libere,
                contre_passe=origine,
                motif=motif,
            ),
            par,
            f"Contre-passation de : {origine.get_type_display().lower()} du "
            f"{origine.date:%d/%m/%Y} ({associe}) — {motif}",
        )
