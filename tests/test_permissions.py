"""Every URL × every persona, with the exact status each one must get.

The table is data: a new URL is a new row (test_every_url_is_in_the_table
fails until it is). Arguments starting with "$" are looked up in the `world`
fixture at run time.
"""

import datetime
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from espaces import services
from espaces.models import ClientExterne, Convention, Reservation, Tarif
from habitants.models import Invitation, Membre, Structure, hash_token
from tests.conftest import acteur, client_as
from tests.espaces.views_fixtures import construire_lieu, inserer
from tests.matrice import (
    ANON,
    INVITE_TOKEN,
    LOGIN,
    PERSONAS,
    SIGNED_IN,
    STAFF_GESTION,
    Row,
    everyone,
    facture_de_a,
    gestion_only,
    members_of_a,
    referent_of_a,
    signed_in,
    staff_read,
)
from tests.phares import matrice_imports
from tests.projets import (
    matrice_emplois,
    matrice_evenements,
    matrice_financements,
    matrice_projets,
    matrice_vie,
)
from tests.rapports import matrice_rapports

ROWS = [
    # --- phares ---------------------------------------------------------------
    Row("home", expected=everyone(200)),
    # allauth pages that must stay reachable without an account
    Row("account_login", expected={ANON: 200, **{p: 302 for p in SIGNED_IN}}),
    Row("account_reset_password", expected=everyone(200)),
    Row("account_email", expected=signed_in(200)),
    Row("mfa_index", expected=signed_in(200)),
    # The staff's search: gestion and accounting; habitants never (403), whatever they type.
    Row("recherche", expected=staff_read(200)),
    Row("recherche", query="?q=halage", expected=staff_read(200), label="recherche-halage"),
    Row(
        # An exact invoice number found alone: straight to the invoice.
        "recherche",
        query="?q=F2015-0001",
        expected=staff_read(302),
        label="recherche-numero-facture",
    ),
    # "Annuler" in the message after cancelling a booking: whoever cancelled it (Halage's
    # référent) or gestion; the button does not exist for anyone else (404).
    Row(
        "operation-annuler",
        ("$jeton_annulation",),
        method="post",
        expected=signed_in(404, referent_a=302, gestion=302),
    ),
    # --- annuaire: any signed-in person -----------------------------------------
    Row("habitants:annuaire", expected=signed_in(200)),
    Row("habitants:annuaire-detail", ("$slug_a",), expected=signed_in(200)),
    Row(
        "habitants:annuaire-detail",
        ("$slug_archivee",),
        expected=signed_in(404),
        label="annuaire-detail-archivee",
    ),
    # --- staff pages ------------------------------------------------------------
    Row("habitants:structure-liste", expected=staff_read(200)),
    Row("habitants:structure-detail", ("$slug_a",), expected=staff_read(200)),
    Row(
        "habitants:structure-detail",
        ("inconnue",),
        expected=staff_read(404),
        label="structure-detail-inconnue",
    ),
    Row("habitants:structure-nouvelle", expected=gestion_only(200)),
    Row("habitants:chiffres-liste", expected=gestion_only(200)),
    Row("habitants:domaine-liste", expected=gestion_only(200)),
    Row("habitants:domaine-modifier", ("$domaine_pk",), expected=gestion_only(200)),
    Row("habitants:structure-modifier", ("$slug_a",), expected=gestion_only(200)),
    Row("habitants:structure-inviter", ("$slug_a",), expected=gestion_only(200)),
    Row("habitants:structure-chiffres", ("$slug_a", "$annee"), expected=gestion_only(200)),
    Row(
        "habitants:structure-archiver",
        ("$slug_a",),
        expected=gestion_only(200),
        label="structure-archiver-confirmation",
    ),
    Row(
        "habitants:structure-archiver",
        ("$slug_a",),
        method="post",
        expected=gestion_only(302),
    ),
    Row(
        "habitants:structure-restaurer",
        ("$slug_archivee",),
        method="post",
        expected=gestion_only(302),
    ),
    Row(
        "habitants:structure-membre-retirer",
        ("$slug_a", "$membre_a_pk"),
        expected=gestion_only(200),
        label="structure-membre-retirer-confirmation",
    ),
    Row(
        "habitants:structure-membre-retirer",
        ("$slug_a", "$membre_a_pk"),
        method="post",
        expected=gestion_only(302),
    ),
    Row(
        "habitants:structure-invitation-renvoyer",
        ("$slug_a", "$invitation_a_pk"),
        method="post",
        expected=gestion_only(302),
    ),
    Row(
        "habitants:structure-invitation-annuler",
        ("$slug_a", "$invitation_a_pk"),
        method="post",
        expected=gestion_only(302),
    ),
    # --- mon espace ---------------------------------------------------------------
    # One structure → redirected to it; none → the explanatory page.
    Row(
        "habitants:mon-espace-index",
        expected=signed_in(200, referent_a=302, membre_a=302, habitant_b=302, cogerant=302),
    ),
    Row("habitants:mon-espace", ("$slug_a",), expected=members_of_a(200)),
    Row(
        "habitants:mon-espace",
        ("$slug_b",),
        expected=signed_in(404, habitant_b=200, cogerant=200),
        label="mon-espace-b",
    ),
    Row(
        "habitants:mon-espace",
        ("$slug_archivee",),
        expected=signed_in(404),
        label="mon-espace-archivee",
    ),
    Row("habitants:mon-espace-profil", ("$slug_a",), expected=members_of_a(200)),
    Row("habitants:mon-espace-chiffres", ("$slug_a", "$annee"), expected=members_of_a(200)),
    Row("habitants:mon-espace-inviter", ("$slug_a",), expected=referent_of_a(200)),
    Row(
        "habitants:mon-espace-membre-retirer",
        ("$slug_a", "$membre_a_pk"),
        expected=referent_of_a(200),
        label="mon-espace-membre-retirer-confirmation",
    ),
    Row(
        "habitants:mon-espace-membre-retirer",
        ("$slug_a", "$membre_a_pk"),
        method="post",
        expected=referent_of_a(302),
    ),
    Row(
        "habitants:mon-espace-invitation-renvoyer",
        ("$slug_a", "$invitation_a_pk"),
        method="post",
        expected=referent_of_a(302),
    ),
    Row(
        "habitants:mon-espace-invitation-renvoyer",
        ("$slug_a", "$invitation_b_pk"),
        method="post",
        expected=members_of_a(404, membre=403),
        label="mon-espace-invitation-renvoyer-autre-structure",
    ),
    Row(
        # Halage's référent cannot reach a Mode Estime membership through Halage's URL.
        "habitants:mon-espace-membre-retirer",
        ("$slug_a", "$membre_b_pk"),
        method="post",
        expected=members_of_a(404, membre=403),
        label="mon-espace-membre-retirer-autre-structure",
    ),
    Row(
        "habitants:mon-espace-invitation-annuler",
        ("$slug_a", "$invitation_a_pk"),
        method="post",
        expected=referent_of_a(302),
    ),
    Row(
        "habitants:mon-espace-invitation-annuler",
        ("$slug_a", "$invitation_b_pk"),
        method="post",
        expected=members_of_a(404, membre=403),
        label="mon-espace-invitation-annuler-autre-structure",
    ),
    # --- invitation link: the token is the credential -------------------------------
    Row("habitants:invitation-accepter", (INVITE_TOKEN,), expected=everyone(200)),
    Row(
        "habitants:invitation-accepter",
        ("jeton-inconnu",),
        expected=everyone(404),
        label="invitation-accepter-inconnue",
    ),
    # --- espaces: the building, for the staff ---------------------------------------
    Row("espaces:batiment", expected=staff_read(200)),
    Row("espaces:espace-detail", ("salle-a",), expected=staff_read(200)),
    Row("espaces:convention-liste", expected=staff_read(200)),
    Row("espaces:tarif-liste", expected=staff_read(200)),
    Row("espaces:batiment-modifier", expected=gestion_only(200)),
    Row("espaces:espace-nouveau", expected=gestion_only(200)),
    Row("espaces:espace-modifier", ("salle-a",), expected=gestion_only(200)),
    Row("espaces:espace-regles", ("salle-a",), expected=gestion_only(200)),
    Row("espaces:convention-nouvelle", expected=gestion_only(200)),
    Row("espaces:convention-terminer", ("$convention_pk",), expected=gestion_only(200)),
    Row("espaces:forfaits", expected=gestion_only(200)),
    # Floor plans: anyone signed in (structure names are in the directory already; no rent
    # on them); only gestion places the spaces. Occupancy by month and the agreements that
    # end, with their rents: the staff.
    Row("espaces:plans", expected=signed_in(302)),
    Row("espaces:plan-etage", ("$etage_pk",), expected=signed_in(200)),
    Row(
        "espaces:plan-etage",
        ("$etage_pk",),
        query="?date=2015-06-30",
        label="plan-etage-2015",
        expected=signed_in(200),
    ),
    Row(
        "espaces:plan-etage",
        (2**31,),
        label="plan-etage-inconnu",
        expected=signed_in(404),
    ),
    Row("espaces:plan-placer", ("$etage_pk",), expected=gestion_only(200)),
    Row(
        "espaces:plan-placer",
        (2**31,),
        label="plan-placer-inconnu",
        expected=gestion_only(404),
    ),
    Row("espaces:occupation-mensuelle", expected=staff_read(200)),
    Row(
        "espaces:occupation-mensuelle",
        query="?annee=2015",
        label="occupation-mensuelle-2015",
        expected=staff_read(200),
    ),
    Row("espaces:echeances", expected=staff_read(200)),
    Row("espaces:velos-regles", expected=gestion_only(200)),
    Row("espaces:reserver-externe", ("salle-a",), expected=gestion_only(200)),
    # Postage and printing: the staff, and members for their own structure.
    Row("espaces:consommation-liste", expected=signed_in(200, associe=403)),
    # Recording them: gestion and members only; accounting reads, it does not write.
    Row(
        "espaces:consommation-liste",
        method="post",
        expected=signed_in(200, comptable=403, associe=403),
        label="consommation-liste-post",
    ),
    # A current tariff is ended or replaced by gestion (GET: the form; POST: acts).
    Row(
        "espaces:tarif-terminer",
        ("$tarif_pk",),
        expected=gestion_only(200),
        label="tarif-terminer-confirmation",
    ),
    Row("espaces:tarif-terminer", ("$tarif_pk",), method="post", expected=gestion_only(200)),
    Row(
        "espaces:tarif-terminer",
        ("$tarif_termine_pk",),
        expected=gestion_only(404),
        label="tarif-terminer-deja-termine",
    ),
    Row("espaces:tarif-remplacer", ("$tarif_pk",), expected=gestion_only(200)),
    Row("espaces:tarif-remplacer", ("$tarif_pk",), method="post", expected=gestion_only(200)),
    Row(
        "espaces:tarif-remplacer",
        ("$tarif_termine_pk",),
        expected=gestion_only(404),
        label="tarif-remplacer-deja-termine",
    ),
    # --- espaces: booking ---------------------------------------------------------------
    Row("espaces:jour", expected=signed_in(200)),
    Row("espaces:semaine", ("salle-a",), expected=signed_in(200)),
    Row(
        "espaces:semaine",
        ("bureau-101",),
        expected=signed_in(404),
        label="semaine-pas-une-salle",
    ),
    Row("espaces:reservation-liste", expected=signed_in(200)),
    Row("espaces:calendriers", expected=signed_in(200)),
    # Booking needs a structure present in the building (or the gestion team).
    Row("espaces:reserver", ("salle-a",), expected=signed_in(200, comptable=403, associe=403)),
    Row("espaces:velos", expected=signed_in(200, comptable=403, associe=403)),
    # The accounting team reads bookings: it does not book (an empty form is 200 for those
    # who may), nor book for an outside organisation, nor decide a request (below).
    Row(
        "espaces:reserver",
        ("salle-a",),
        method="post",
        expected=signed_in(200, comptable=403, associe=403),
        label="reserver-post",
    ),
    Row(
        "espaces:velos",
        method="post",
        expected=signed_in(200, comptable=403, associe=403),
        label="velos-post",
    ),
    Row(
        "espaces:reserver-externe",
        ("salle-a",),
        method="post",
        expected=gestion_only(200),
        label="reserver-externe-post",
    ),
    Row(
        "espaces:reservation-detail",
        ("$reservation_a_pk",),
        expected={**members_of_a(200), "gestion": 200, "comptable": 200},
    ),
    Row(
        "espaces:reservation-detail",
        ("$reservation_b_pk",),
        expected=signed_in(404, gestion=200, comptable=200, habitant_b=200, cogerant=200),
        label="reservation-detail-b",
    ),
    # The accounting team reads bookings but does not cancel them.
    Row(
        "espaces:reservation-annuler",
        ("$reservation_a_pk",),
        method="post",
        expected={**members_of_a(302), "gestion": 302, "comptable": 403},
    ),
    Row(
        "espaces:reservation-decider",
        ("$demande_pk",),
        method="post",
        expected=gestion_only(302),
    ),
    # Cancelling asks first: GET shows what will be cancelled, only POST acts.
    Row(
        "espaces:reservation-annuler",
        ("$reservation_a_pk",),
        expected={**members_of_a(200), "gestion": 200, "comptable": 403},
        label="reservation-annuler-confirmation",
    ),
    # The price of a booking before confirming (htmx fragment): the booking form's rights,
    # and never another structure's allowance (404, as its bookings).
    Row(
        "espaces:reserver-estimation",
        ("salle-a",),
        expected=signed_in(200, comptable=403, associe=403),
    ),
    Row(
        "espaces:reserver-estimation",
        ("salle-a",),
        query="?date=2026-03-10&heure_debut=09:00&heure_fin=10:00&structure=$structure_a_pk",
        expected=signed_in(
            404, gestion=200, referent_a=200, membre_a=200, comptable=403, associe=403
        ),
        label="reserver-estimation-a",
    ),
    Row(
        "espaces:reserver-estimation",
        ("salle-a",),
        query="?date=2026-03-10&heure_debut=09:00&heure_fin=10:00&structure=$structure_b_pk",
        expected=signed_in(
            404, gestion=200, habitant_b=200, cogerant=200, comptable=403, associe=403
        ),
        label="reserver-estimation-b",
    ),
    # Moving a booking: its structure's members and gestion; accounting reads only.
    Row(
        "espaces:reservation-modifier",
        ("$reservation_a_pk",),
        expected={**members_of_a(200), "gestion": 200, "comptable": 403},
    ),
    Row(
        "espaces:reservation-modifier",
        ("$reservation_a_pk",),
        method="post",
        expected={**members_of_a(200), "gestion": 200, "comptable": 403},
        label="reservation-modifier-post",
    ),
    Row(
        "espaces:reservation-modifier",
        ("$reservation_b_pk",),
        expected=signed_in(404, gestion=200, comptable=403, habitant_b=200, cogerant=200),
        label="reservation-modifier-b",
    ),
    # A past or cancelled booking: back to its page, which says why.
    Row(
        "espaces:reservation-modifier",
        ("$reservation_passee_pk",),
        expected={**members_of_a(302), "gestion": 302, "comptable": 403},
        label="reservation-modifier-passee",
    ),
    Row(
        "espaces:reservation-modifier",
        ("$reservation_annulee_pk",),
        expected={**members_of_a(302), "gestion": 302, "comptable": 403},
        label="reservation-modifier-annulee",
    ),
    # Moving on the planning grid (drag and drop): the same rights; another structure's
    # booking is a 404 for the service, not merely a hidden handle. Without data: the page
    # says why (302 back), nothing moves.
    Row(
        "espaces:reservation-deplacer",
        ("$reservation_a_pk",),
        method="post",
        expected={**members_of_a(302), "gestion": 302, "comptable": 403},
    ),
    Row(
        "espaces:reservation-deplacer",
        ("$reservation_a_pk",),
        expected=signed_in(405),
        label="reservation-deplacer-get",
    ),
    # A pending outside request: gestion moves it (then accepts it).
    Row(
        "espaces:reservation-modifier",
        ("$demande_pk",),
        expected=signed_in(404, gestion=200, comptable=403),
        label="reservation-modifier-demande",
    ),
    # Answering a request from its page (accept, refuse, propose another slot), each with
    # an e-mail: gestion only, POST only; without data the page comes back with the errors.
    *[
        row
        for nom in ("demande-accepter", "demande-refuser", "demande-proposer")
        for row in (
            Row(f"espaces:{nom}", ("$demande_pk",), method="post", expected=gestion_only(200)),
            Row(
                f"espaces:{nom}",
                ("$demande_pk",),
                expected=gestion_only(405),
                label=f"{nom}-get",
            ),
            Row(
                f"espaces:{nom}",
                ("$reservation_a_pk",),
                method="post",
                expected=gestion_only(200),
                label=f"{nom}-reservation",
            ),
        )
    ],
    # --- espaces: the outside organisations (clients), for the staff ---------------------
    Row("espaces:client-liste", expected=staff_read(200)),
    Row(
        "espaces:client-liste",
        query="?q=federation&activite=demande",
        expected=staff_read(200),
        label="client-liste-recherche",
    ),
    Row("espaces:client-detail", ("$client_externe_pk",), expected=staff_read(200)),
    Row(
        "espaces:client-detail",
        (2**40,),
        expected=staff_read(404),
        label="client-detail-inconnu",
    ),
    Row("espaces:client-modifier", ("$client_externe_pk",), expected=gestion_only(200)),
    Row(
        "espaces:client-modifier",
        ("$client_externe_pk",),
        method="post",
        expected=gestion_only(200),
        label="client-modifier-post",
    ),
    # --- espaces: public request form and calendar feeds (the token is the credential) ---
    Row("espaces:demande-publique", expected=everyone(200)),
    # What the public form shows of a room's day (htmx fragment): anyone, read only; a
    # POST is refused.
    Row("espaces:demande-disponibilites", expected=everyone(200)),
    Row(
        "espaces:demande-disponibilites",
        query="?salle=$salle_a_pk&date=2026-03-10&heure_debut=09:00&heure_fin=12:00",
        expected=everyone(200),
        label="demande-disponibilites-salle-a",
    ),
    Row(
        "espaces:demande-disponibilites",
        method="post",
        expected=everyone(405),
        label="demande-disponibilites-post",
    ),
    Row("espaces:ics-personne", ("$jeton_valide",), expected=everyone(200)),
    Row(
        "espaces:ics-personne",
        ("$jeton_revoque",),
        expected=everyone(404),
        label="ics-personne-revoque",
    ),
    Row(
        "espaces:ics-personne",
        ("jeton-inconnu",),
        expected=everyone(404),
        label="ics-personne-inconnu",
    ),
    Row("espaces:ics-salle", ("$jeton_valide", "salle-a"), expected=everyone(200)),
    Row(
        "espaces:ics-salle",
        ("$jeton_revoque", "salle-a"),
        expected=everyone(404),
        label="ics-salle-revoque",
    ),
    Row("espaces:ics-structure", ("$jeton_valide", "halage"), expected=everyone(200)),
    Row(
        # membre_a's token does not open Mode Estime's bookings.
        "espaces:ics-structure",
        ("$jeton_valide", "mode-estime"),
        expected=everyone(404),
        label="ics-structure-autre",
    ),
]

ROWS += [
    # --- facturation --------------------------------------------------------------
    # The list: staff, and référents (of Halage, of Mode Estime); other people 403.
    Row(
        "facturation:liste",
        expected=signed_in(403, gestion=200, comptable=200, referent_a=200, habitant_b=200),
    ),
    Row("facturation:detail", ("$facture_a_pk",), expected=facture_de_a(200)),
    Row("facturation:pdf", ("$facture_a_pk",), expected=facture_de_a(200)),
    Row(
        "facturation:detail",
        ("$facture_b_pk",),
        label="facture-detail-b",
        expected=signed_in(404, gestion=200, comptable=200, habitant_b=200, cogerant=403),
    ),
    # A draft is the staff's: nobody else learns it exists.
    Row(
        "facturation:detail",
        ("$brouillon_a_pk",),
        label="facture-detail-brouillon",
        expected=signed_in(404, gestion=200, comptable=200),
    ),
    Row(
        "facturation:pdf",
        ("$brouillon_a_pk",),
        label="facture-pdf-brouillon",
        expected=signed_in(404, gestion=200, comptable=200),
    ),
    Row("facturation:preparer", method="post", expected=staff_read(302)),
    Row("facturation:emettre-mois", method="post", expected=staff_read(302)),
    Row("facturation:ligne-ajouter", ("$brouillon_a_pk",), method="post", expected=staff_read(400)),
    Row(
        "facturation:ligne-retirer",
        ("$brouillon_a_pk", "$ligne_manuelle_pk"),
        method="post",
        expected=staff_read(302),
    ),
    Row("facturation:emettre", ("$brouillon_a_pk",), method="post", expected=staff_read(302)),
    Row("facturation:supprimer", ("$brouillon_a_pk",), method="post", expected=staff_read(302)),
    Row("facturation:cooperative", expected=gestion_only(200)),
    # Payments, credit notes, overdue invoices: the staff's, referents see them on invoices.
    Row("facturation:avoir", ("$facture_a_pk",), expected=staff_read(200)),
    Row(
        "facturation:avoir",
        ("$brouillon_a_pk",),
        label="avoir-brouillon",
        expected=signed_in(403, gestion=404, comptable=404),
    ),
    Row("facturation:impayes", expected=staff_read(200)),
    Row("facturation:relancer", method="post", expected=staff_read(302)),
    Row("facturation:relancer-tous", method="post", expected=staff_read(302)),
    Row("facturation:paiements", expected=staff_read(200)),
    Row("facturation:paiement-nouveau", expected=staff_read(200)),
    Row(
        "facturation:paiement-nouveau",
        query="?client=$client_a",
        label="paiement-nouveau-client",
        expected=staff_read(200),
    ),
    Row(
        "facturation:paiement-nouveau",
        query="?client=s-999999",
        label="paiement-nouveau-inconnu",
        expected=staff_read(404),
    ),
    Row("facturation:paiement", ("$paiement_a_pk",), expected=staff_read(200)),
    Row(
        "facturation:paiement-annuler",
        ("$paiement_a_pk",),
        method="post",
        expected=staff_read(400),
    ),
    # Exports for the accountant: the staff only; the period is in the query string.
    Row("facturation:exports", expected=staff_read(200)),
    *[
        Row(
            "facturation:export-fichier",
            (nom,),
            query="?du=2015-03-01&au=2015-03-31",
            label=f"export-{nom}",
            expected=staff_read(200),
        )
        for nom in ("documents", "lignes", "paiements", "ventes")
    ],
    Row(
        "facturation:export-fichier",
        ("ventes",),
        query="?du=2015-03-31&au=2015-03-01",
        label="export-periode-invalide",
        expected=staff_read(400),
    ),
    Row(
        "facturation:export-fichier",
        ("inconnu",),
        query="?du=2015-03-01&au=2015-03-31",
        label="export-inconnu",
        expected=staff_read(404),
    ),
    # The accounts of the sales journal: gestion chooses them, accounting reads them.
    Row("facturation:comptes", expected=staff_read(200)),
    Row("facturation:comptes", method="post", label="comptes-post", expected=gestion_only(400)),
    # The progress of a month's issue (background task): the staff's, like the drafts.
    Row("facturation:lot", ("$lot_pk",), expected=staff_read(200)),
    Row("facturation:lot", (2**31,), label="lot-inconnu", expected=staff_read(404)),
    # SEPA direct debit: mandates and batches are the staff's (a référent reads the
    # mandate of their structure on their invoice list).
    Row("facturation:mandats", expected=staff_read(200)),
    Row("facturation:mandat-nouveau", expected=staff_read(200)),
    Row(
        "facturation:mandat-nouveau",
        method="post",
        label="mandat-nouveau-post",
        expected=staff_read(400),
    ),
    Row(
        "facturation:mandat-revoquer",
        ("$mandat_b_pk",),
        label="mandat-revoquer-confirmation",
        expected=staff_read(200),
    ),
    Row("facturation:mandat-revoquer", ("$mandat_b_pk",), method="post", expected=staff_read(302)),
    Row(
        "facturation:mandat-revoquer",
        ("999999",),
        label="mandat-revoquer-inconnu",
        expected=staff_read(404),
    ),
    Row("facturation:prelevements", expected=staff_read(200)),
    Row("facturation:prelevement-nouveau", expected=staff_read(200)),
    Row(
        "facturation:prelevement-nouveau",
        method="post",
        label="prelevement-nouveau-post",
        expected=staff_read(400),
    ),
    Row("facturation:prelevement", ("$remise_pk",), expected=staff_read(200)),
    Row(
        "facturation:prelevement",
        ("999999",),
        label="prelevement-inconnu",
        expected=staff_read(404),
    ),
    Row("facturation:prelevement-xml", ("$remise_pk",), expected=staff_read(200)),
    Row(
        "facturation:prelevement-encaisser",
        ("$remise_pk",),
        method="post",
        expected=staff_read(302),
    ),
    Row(
        "facturation:prelevement-annuler",
        ("$remise_pk",),
        method="post",
        expected=staff_read(400),
    ),
]


def gouvernance_lecture(ok) -> dict:
    """Séances et décisions : associé·es, cogérant·es et gestion ; les autres membres 403."""
    return signed_in(403, gestion=ok, cogerant=ok, associe=ok)


def gouvernance_redaction(ok) -> dict:
    """Écrire : cogérant·es (mandat en cours) et gestion ; un·e associé·e lit seulement."""
    return signed_in(403, gestion=ok, cogerant=ok)


ROWS += [
    # --- gouvernance ------------------------------------------------------------------
    Row("gouvernance:seance-liste", expected=gouvernance_lecture(200)),
    Row("gouvernance:seance-nouvelle", expected=gouvernance_redaction(200)),
    Row(
        "gouvernance:seance-nouvelle",
        method="post",
        expected=gouvernance_redaction(400),
        label="seance-nouvelle-post",
    ),
    Row("gouvernance:proposer", expected=gouvernance_lecture(200)),
    Row(
        "gouvernance:proposer",
        method="post",
        expected=gouvernance_lecture(400),
        label="proposer-post",
    ),
    Row("gouvernance:seance-detail", ("$seance_pk",), expected=gouvernance_lecture(200)),
    Row(
        "gouvernance:seance-detail",
        ("$seance_approuvee_pk",),
        expected=gouvernance_lecture(200),
        label="seance-detail-approuvee",
    ),
    Row(
        "gouvernance:seance-detail",
        (999999,),
        expected=gouvernance_lecture(404),
        label="seance-detail-inconnue",
    ),
    Row(
        "gouvernance:seance-modifier",
        ("$seance_pk",),
        method="post",
        expected=gouvernance_redaction(400),
    ),
    Row(
        "gouvernance:seance-redaction",
        ("$seance_pk",),
        method="post",
        expected=gouvernance_redaction(302),
    ),
    Row(
        "gouvernance:seance-presences",
        ("$seance_pk",),
        method="post",
        expected=gouvernance_redaction(400),
    ),
    Row(
        "gouvernance:point-ajouter",
        ("$seance_pk",),
        method="post",
        expected=gouvernance_redaction(400),
    ),
    Row(
        "gouvernance:point-retirer",
        ("$seance_pk", "$point_pk"),
        method="post",
        expected=gouvernance_redaction(302),
    ),
    Row(
        # A point of another meeting is not reachable through this one.
        "gouvernance:point-retirer",
        ("$seance_approuvee_pk", "$point_pk"),
        method="post",
        expected=gouvernance_redaction(302),
        label="point-retirer-seance-approuvee",
    ),
    Row(
        "gouvernance:decision-ajouter",
        ("$seance_pk",),
        method="post",
        expected=gouvernance_redaction(400),
    ),
    Row(
        "gouvernance:decision-modifier",
        ("$seance_pk", "$decision_pk"),
        expected=gouvernance_redaction(200),
    ),
    Row(
        "gouvernance:decision-modifier",
        ("$seance_pk", "$decision_pk"),
        method="post",
        expected=gouvernance_redaction(400),
        label="decision-modifier-post",
    ),
    Row(
        # Approved minutes: back to the meeting's page, which says why.
        "gouvernance:decision-modifier",
        ("$seance_approuvee_pk", "$decision_approuvee_pk"),
        expected=gouvernance_redaction(302),
        label="decision-modifier-approuvee",
    ),
    Row(
        "gouvernance:decision-modifier",
        ("$seance_approuvee_pk", "$decision_pk"),
        expected=gouvernance_redaction(404),
        label="decision-modifier-autre-seance",
    ),
    Row(
        "gouvernance:decision-retirer",
        ("$seance_pk", "$decision_pk"),
        method="post",
        expected=gouvernance_redaction(302),
    ),
    Row(
        "gouvernance:action-ajouter",
        ("$seance_pk",),
        method="post",
        expected=gouvernance_redaction(400),
    ),
    Row(
        "gouvernance:action-retirer",
        ("$seance_pk", "$action_pk"),
        method="post",
        expected=gouvernance_redaction(302),
    ),
    Row(
        "gouvernance:seance-convoquer",
        ("$seance_pk",),
        expected=gouvernance_redaction(200),
        label="seance-convoquer-confirmation",
    ),
    Row(
        "gouvernance:seance-convoquer",
        ("$seance_pk",),
        method="post",
        expected=gouvernance_redaction(302),
    ),
    Row(
        "gouvernance:seance-approuver",
        ("$seance_pk",),
        expected=gouvernance_redaction(200),
        label="seance-approuver-confirmation",
    ),
    Row(
        "gouvernance:seance-approuver",
        ("$seance_pk",),
        method="post",
        expected=gouvernance_redaction(302),
    ),
    Row(
        "gouvernance:seance-supprimer",
        ("$seance_pk",),
        expected=gouvernance_redaction(200),
        label="seance-supprimer-confirmation",
    ),
    Row(
        "gouvernance:seance-supprimer",
        ("$seance_pk",),
        method="post",
        expected=gouvernance_redaction(302),
    ),
    Row(
        "gouvernance:seance-pdf",
        ("$seance_approuvee_pk",),
        expected=gouvernance_lecture(200),
    ),
    Row(
        # A draft's minutes: a preview for who writes them, nothing for the others.
        "gouvernance:seance-pdf",
        ("$seance_pk",),
        expected=gouvernance_redaction(200) | {"associe": 404},
        label="seance-pdf-projet",
    ),
    Row("gouvernance:seance-ics", ("$seance_pk",), expected=gouvernance_lecture(200)),
    Row("gouvernance:action-liste", expected=gouvernance_lecture(200)),
    Row(
        "gouvernance:action-statut",
        ("$action_pk",),
        method="post",
        expected=gouvernance_redaction(302),
    ),
    Row("gouvernance:colleges", expected=gouvernance_redaction(200)),
    Row("gouvernance:decision-liste", expected=gouvernance_lecture(200)),
    Row(
        "gouvernance:decision-liste",
        query="?q=tarif&annee=2015&categorie=tarifs&statut=adoptee&type=cogerance",
        expected=gouvernance_lecture(200),
        label="decision-liste-filtree",
    ),
    Row("gouvernance:decision-csv", expected=gouvernance_lecture(200)),
    Row("gouvernance:decision-registre-pdf", (2015,), expected=gouvernance_lecture(200)),
    Row(
        "gouvernance:decision-registre-pdf",
        (1999,),
        expected=gouvernance_lecture(404),
        label="decision-registre-pdf-vide",
    ),
    Row("gouvernance:decision-detail", ("$reference",), expected=gouvernance_lecture(200)),
    Row(
        # A draft decision has no reference: nothing to open in the register.
        "gouvernance:decision-detail",
        ("2015-07-D09",),
        expected=gouvernance_lecture(404),
        label="decision-detail-inconnue",
    ),
]


def gouvernance_lecture(ok) -> dict:
    """Registre, capital, mandats, postes : la gestion, les cogérant·es et les associé·es
    lisent ; la comptabilité et un membre d'une structure non associée, non (403)."""
    return signed_in(403, gestion=ok, cogerant=ok, associe=ok)


def gouvernance_ecriture(ok) -> dict:
    """Tenir le registre et le capital : la gestion et les cogérant·es."""
    return signed_in(403, gestion=ok, cogerant=ok)


ROWS += [
    # --- gouvernance -----------------------------------------------------------------
    Row("gouvernance:registre", expected=gouvernance_lecture(200)),
    Row(
        "gouvernance:registre",
        query="?le=2015-06-30&etat=tous&categorie=salaries&q=Alix",
        label="registre-filtre",
        expected=gouvernance_lecture(200),
    ),
    Row(
        "gouvernance:associe-detail", ("$associe_structure_pk",), expected=gouvernance_lecture(200)
    ),
    Row(
        "gouvernance:associe-detail",
        (999999,),
        label="associe-detail-inconnu",
        expected=gouvernance_lecture(404),
    ),
    Row("gouvernance:associe-nouveau", expected=gouvernance_ecriture(200)),
    Row(
        "gouvernance:associe-nouveau",
        method="post",
        label="associe-nouveau-post",
        expected=gouvernance_ecriture(200),
    ),
    Row(
        "gouvernance:associe-modifier",
        ("$associe_structure_pk",),
        expected=gouvernance_ecriture(200),
    ),
    Row(
        "gouvernance:associe-modifier",
        ("$associe_structure_pk",),
        method="post",
        label="associe-modifier-post",
        expected=gouvernance_ecriture(200),
    ),
    Row(
        "gouvernance:associe-sortie", ("$associe_structure_pk",), expected=gouvernance_ecriture(200)
    ),
    Row(
        "gouvernance:associe-sortie",
        ("$associe_structure_pk",),
        method="post",
        label="associe-sortie-post",
        expected=gouvernance_ecriture(200),
    ),
    Row("gouvernance:capital", expected=gouvernance_lecture(200)),
    Row(
        "gouvernance:capital",
        query="?le=2015-12-31&type=souscription&annee=2015",
        label="capital-filtre",
        expected=gouvernance_lecture(200),
    ),
    Row("gouvernance:capital-etat", (2015,), expected=gouvernance_lecture(200)),
    Row(
        "gouvernance:capital-etat",
        (12345,),
        label="capital-etat-hors-plage",
        expected=gouvernance_lecture(404),
    ),
    Row("gouvernance:souscrire", ("$associe_structure_pk",), expected=gouvernance_ecriture(200)),
    Row(
        "gouvernance:souscrire",
        ("$associe_structure_pk",),
        method="post",
        label="souscrire-post",
        expected=gouvernance_ecriture(200),
    ),
    Row("gouvernance:liberer", ("$associe_structure_pk",), expected=gouvernance_ecriture(200)),
    Row(
        "gouvernance:liberer",
        ("$associe_structure_pk",),
        method="post",
        label="liberer-post",
        expected=gouvernance_ecriture(200),
    ),
    Row(
        "gouvernance:retrait-demander",
        ("$associe_structure_pk",),
        expected=gouvernance_ecriture(200),
    ),
    Row(
        "gouvernance:retrait-demander",
        ("$associe_structure_pk",),
        method="post",
        label="retrait-demander-post",
        expected=gouvernance_ecriture(200),
    ),
    Row("gouvernance:rembourser", ("$demande_retrait_pk",), expected=gouvernance_ecriture(200)),
    Row(
        "gouvernance:rembourser",
        ("$demande_retrait_pk",),
        method="post",
        label="rembourser-post",
        expected=gouvernance_ecriture(200),
    ),
    Row(
        "gouvernance:retrait-annuler", ("$demande_retrait_pk",), expected=gouvernance_ecriture(200)
    ),
    Row(
        "gouvernance:retrait-annuler",
        ("$demande_retrait_pk",),
        method="post",
        label="retrait-annuler-post",
        expected=gouvernance_ecriture(200),
    ),
    Row("gouvernance:contre-passer", ("$mouvement_pk",), expected=gouvernance_ecriture(200)),
    Row(
        "gouvernance:contre-passer",
        ("$mouvement_pk",),
        method="post",
        label="contre-passer-post",
        expected=gouvernance_ecriture(200),
    ),
    Row("gouvernance:mandats", expected=gouvernance_lecture(200)),
    Row("gouvernance:mandat-nouveau", expected=gestion_only(200)),
    Row(
        "gouvernance:mandat-nouveau",
        method="post",
        label="mandat-nouveau-post",
        expected=gestion_only(200),
    ),
    Row("gouvernance:mandat-terminer", ("$mandat_pk",), expected=gestion_only(200)),
    Row(
        "gouvernance:mandat-terminer",
        ("$mandat_pk",),
        method="post",
        label="mandat-terminer-post",
        expected=gestion_only(200),
    ),
    Row("gouvernance:postes", expected=gouvernance_lecture(200)),
    Row(
        "gouvernance:postes",
        query="?annee=2015",
        label="postes-2015",
        expected=gouvernance_lecture(200),
    ),
    Row("gouvernance:poste-nouveau", expected=gestion_only(200)),
    Row("gouvernance:poste-modifier", ("$poste_pk",), expected=gestion_only(200)),
    Row(
        "gouvernance:poste-modifier",
        ("$poste_pk",),
        method="post",
        label="poste-modifier-post",
        expected=gestion_only(200),
    ),
]

# The life of the pole: one module per sub-domain, each with its rows and its part of `world`.
MATRICES_PROJETS = [
    matrice_projets,
    matrice_financements,
    matrice_emplois,
    matrice_vie,
    matrice_evenements,
]
for _matrice in MATRICES_PROJETS:
    ROWS += _matrice.ROWS
# The annual report (rapports), with its own part of `world`.
ROWS += matrice_rapports.ROWS
# Imports and exports of lists (/imports/), with their part of `world`.
ROWS += matrice_imports.ROWS


@pytest.fixture
def world(personas, domaine, structure_a, structure_b, gestion):
    now = timezone.now()

    def invitation(structure, email, token):
        return Invitation.objects.create(
            structure=structure,
            email=email,
            token_hash=hash_token(token),
            invitee_par=gestion,
            expire_le=now + datetime.timedelta(days=14),
        )

    archivee = Structure.objects.create(
        nom="Ancienne",
        slug="ancienne",
        arrivee=datetime.date(2010, 1, 1),
        archivee=True,
        archivee_le=now,
    )
    lieu = construire_lieu(structure_a)
    # Three days ahead: outside the 24 h notice, so members may cancel it.
    debut = now + datetime.timedelta(days=3)
    fin = debut + datetime.timedelta(hours=1)
    reservation_a = inserer(lieu.salle_a, debut, fin, structure=structure_a, titre="Halage")
    reservation_b = inserer(
        lieu.salle_a, fin, fin + datetime.timedelta(hours=1), structure=structure_b
    )
    passee = inserer(
        lieu.salle_a,
        debut - datetime.timedelta(days=6),
        fin - datetime.timedelta(days=6),
        structure=structure_a,
        titre="Passée",
    )
    annulee = inserer(
        lieu.salle_a,
        debut + datetime.timedelta(days=1),
        fin + datetime.timedelta(days=1),
        structure=structure_a,
        titre="Annulée",
        statut=Reservation.Statut.ANNULEE,
    )
    client_externe = ClientExterne.objects.create(
        nom="Fédération", email="contact@federation.test", adresse_facturation="Bordeaux"
    )
    demande = inserer(
        lieu.formation,
        debut,
        fin,
        externe=client_externe,
        statut=Reservation.Statut.EN_ATTENTE,
        expire_le=debut,
    )
    tarif_termine = Tarif.objects.create(
        code=Tarif.Code.VELO_HEURE,
        montant_ht=1,
        debut=datetime.date(2015, 1, 1),
        fin=datetime.date(2015, 12, 31),
    )
    factures = factures_du_monde(structure_a, structure_b)
    monde_registre = registre_du_monde(personas, domaine)
    jeton_revoque = services.nouveau_jeton(par=acteur(personas["referent_a"]))
    services.revoquer(par=acteur(personas["referent_a"]))
    return {
        "personas": personas,
        "convention_pk": lieu.convention_a.pk,
        "etage_pk": lieu.etage_1.pk,
        "reservation_a_pk": reservation_a.pk,
        "reservation_b_pk": reservation_b.pk,
        "reservation_passee_pk": passee.pk,
        "reservation_annulee_pk": annulee.pk,
        "structure_a_pk": structure_a.pk,
        "structure_b_pk": structure_b.pk,
        "demande_pk": demande.pk,
        "client_externe_pk": client_externe.pk,
        "salle_a_pk": lieu.salle_a.pk,
        "tarif_pk": lieu.tarifs[Tarif.Code.IMPRESSION].pk,
        "tarif_termine_pk": tarif_termine.pk,
        "jeton_valide": services.nouveau_jeton(par=acteur(personas["membre_a"])),
        "jeton_revoque": jeton_revoque,
        "jeton_annulation": services.proposer_retablissement(
            reservation=annulee, par=acteur(personas["referent_a"])
        ).jeton,
        "slug_a": structure_a.slug,
        "slug_b": structure_b.slug,
        "slug_archivee": archivee.slug,
        "domaine_pk": domaine.pk,
        "annee": timezone.localdate().year - 1,
        "membre_a_pk": Membre.objects.get(user=personas["membre_a"]).pk,
        "membre_b_pk": Membre.objects.get(user=personas["habitant_b"]).pk,
        "invitation_a_pk": invitation(structure_a, "invitee@halage.test", "jeton-a").pk,
        "invitation_b_pk": invitation(structure_b, "invitee@modeestime.test", "jeton-b").pk,
        "invitation_nouvelle_pk": invitation(structure_a, "nouvelle@halage.test", INVITE_TOKEN).pk,
        **factures,
        **gouvernance_du_monde(personas["cogerant"]),
        **monde_registre,
        **{
            k: v
            for m in MATRICES_PROJETS
            for k, v in m.monde(personas, structure_a, structure_b).items()
        },
        **matrice_rapports.monde(personas, structure_a, structure_b),
        **matrice_imports.monde(personas),
    }


def registre_du_monde(personas, domaine) -> dict:
    """A partner structure associate of the SCIC (neither Halage nor Mode Estime: their
    members stay non-associates), with shares and a pending withdrawal request; the
    cogérant's mandate; a staff position."""
    from gouvernance.models import Mandat, PosteDedie
    from gouvernance.services import capital, registre
    from phares.lib.acteur import Acteur

    systeme = Acteur.systeme("test")
    partenaire = Structure.objects.create(nom="Partenaire", slug="partenaire", domaine=domaine)
    associe = registre.admettre_associe(
        structure=partenaire,
        representant_nom="Paule Partenaire",
        categorie="partenaires",
        entree=datetime.date(2015, 1, 1),
        par=systeme,
    )
    mouvement = capital.souscrire(
        associe=associe, date=datetime.date(2015, 2, 1), parts=5, libere=Decimal(500), par=systeme
    )
    demande = capital.demander_retrait(
        associe=associe, date=datetime.date(2015, 6, 1), parts=1, par=systeme
    )
    poste = PosteDedie.objects.create(
        fonction="accueil",
        intitule="Accueil",
        employeur="SCIC",
        etp=Decimal("0.5"),
        debut=datetime.date(2015, 1, 1),
    )
    return {
        "associe_structure_pk": associe.pk,
        "mouvement_pk": mouvement.pk,
        "demande_retrait_pk": demande.pk,
        "mandat_pk": Mandat.objects.get(personne=personas["cogerant"]).pk,
        "poste_pk": poste.pk,
    }


def factures_du_monde(structure_a, structure_b) -> dict:
    """An issued invoice for each structure (written as issuing leaves them, without
    rendering a PDF per test) and a draft of Halage with a manual line."""
    from espaces.facturation.models import (
        DocumentPdf,
        Facture,
        Imputation,
        LigneFacture,
        Lot,
        Paiement,
    )

    mois = datetime.date(2015, 3, 1)
    fin = datetime.date(2015, 3, 31)

    def emise(structure, rang):
        f = Facture.objects.create(
            structure=structure,
            mois=mois,
            periode_debut=mois,
            periode_fin=fin,
            statut=Facture.Statut.BROUILLON,
            total_ht=100,
            total_tva=20,
            total_ttc=120,
        )
        LigneFacture.objects.create(
            facture=f,
            rang=1,
            origine="manuelle",
            libelle="Loyer",
            quantite=1,
            prix_unitaire_ht=100,
            montant_ht=100,
            taux_tva=20,
            montant_tva=20,
        )
        Facture.objects.filter(pk=f.pk).update(
            statut=Facture.Statut.EMISE,
            serie="F",
            annee=2015,
            rang=rang,
            numero=f"F2015-{rang:04d}",
            date_emission=fin,
            date_echeance=fin,
            acheteur={"nom": structure.nom},
        )
        DocumentPdf.objects.create(facture=f, contenu=b"%PDF-1.7", sha256="0" * 64, taille=8)
        return f

    brouillon = Facture.objects.create(
        structure=structure_a,
        mois=datetime.date(2015, 4, 1),
        periode_debut=datetime.date(2015, 4, 1),
        periode_fin=datetime.date(2015, 4, 30),
    )
    ligne = LigneFacture.objects.create(
        facture=brouillon,
        rang=1,
        origine="manuelle",
        libelle="Emploi mutualisé",
        quantite=1,
        prix_unitaire_ht=10,
        montant_ht=10,
        taux_tva=20,
        montant_tva=2,
    )
    facture_a = emise(structure_a, 1)
    paiement = Paiement.objects.create(
        structure=structure_a, date=fin, montant=50, moyen=Paiement.Moyen.CHEQUE
    )
    Imputation.objects.create(paiement=paiement, facture=facture_a, montant=50)
    lot = Lot.objects.create(nature=Lot.Nature.EMISSION, mois=mois, total=2, faites=2)
    facture_b = emise(structure_b, 2)
    return {
        "lot_pk": lot.pk,
        "facture_a_pk": facture_a.pk,
        "paiement_a_pk": paiement.pk,
        "client_a": f"s-{structure_a.pk}",
        "facture_b_pk": facture_b.pk,
        "brouillon_a_pk": brouillon.pk,
        "ligne_manuelle_pk": ligne.pk,
        **prelevements_du_monde(facture_b),
    }


def prelevements_du_monde(facture_b) -> dict:
    """A SEPA mandate of Mode Estime and an open batch (today) presenting its invoice,
    written as generating leaves them (without building and validating XML per test)."""
    import hashlib

    from espaces.facturation.models import LignePrelevement, MandatSepa, Prelevement

    mandat = MandatSepa.objects.create(
        structure=facture_b.structure,
        reference="PHARES-MODE-ESTIME-1",
        date_signature=datetime.date(2015, 1, 5),
        titulaire="Mode Estime",
        iban="FR7630006000011234567890189",
    )
    xml = '<?xml version="1.0" encoding="utf-8"?><Document/>'
    remise = Prelevement.objects.create(
        date_prelevement=timezone.localdate(),
        message_id="MONDE-1",
        xml=xml,
        sha256=hashlib.sha256(xml.encode()).hexdigest(),
        total=120,
        nombre=1,
    )
    LignePrelevement.objects.create(
        prelevement=remise, facture=facture_b, mandat=mandat, montant=120, reference="F2015-0002-1"
    )
    return {"mandat_b_pk": mandat.pk, "remise_pk": remise.pk}


def gouvernance_du_monde(cogerant) -> dict:
    """Une cogérance en cours (un point, une décision, une action) et une approuvée (écrite
    comme l'approbation la laisse, sans rendre un PDF par test)."""
    from gouvernance.models import Action, Decision, DocumentPv, Participant, Point, Seance
    from phares.lib import temps

    juillet = temps.aware(datetime.date(2015, 7, 7), datetime.time(18))
    brouillon = Seance.objects.create(
        type="cogerance", titre="Cogérance de juillet 2015", debut=juillet, lieu="PHARES"
    )
    Participant.objects.create(
        seance=brouillon, personne=cogerant, nom="Claude", presence="present"
    )
    point = Point.objects.create(seance=brouillon, rang=1, titre="Budget")
    decision = Decision.objects.create(
        seance=brouillon, rang=1, titre="Tarif", texte="Tarif du co-travail.",
        categorie="tarifs", mode="consensus", resultat="adoptee",
    )  # fmt: skip
    action = Action.objects.create(
        seance=brouillon, libelle="Devis", responsable=cogerant, echeance=datetime.date(2015, 8, 1)
    )
    approuvee = Seance.objects.create(
        type="cogerance", titre="Cogérance de juin 2015", lieu="PHARES",
        debut=juillet - datetime.timedelta(days=28), president=cogerant, secretaire=cogerant,
    )  # fmt: skip
    Participant.objects.create(
        seance=approuvee, personne=cogerant, nom="Claude", presence="present"
    )
    decision_approuvee = Decision.objects.create(
        seance=approuvee, rang=1, titre="Tarif du co-travail", texte="120 € par mois.",
        categorie="tarifs", mode="consensus", resultat="adoptee",
        reference="2015-06-D01", rang_mois=1,
    )  # fmt: skip
    Seance.objects.filter(pk=approuvee.pk).update(
        statut="approuvee", annee_pv=2015, rang_pv=1, numero="PV2015-0001",
        approuvee_le=juillet,
    )  # fmt: skip
    DocumentPv.objects.create(
        seance_id=approuvee.pk, contenu=b"%PDF-1.7", sha256="0" * 64, taille=8
    )
    return {
        "seance_pk": brouillon.pk,
        "seance_approuvee_pk": approuvee.pk,
        "point_pk": point.pk,
        "decision_pk": decision.pk,
        "decision_approuvee_pk": decision_approuvee.pk,
        "action_pk": action.pk,
        "reference": decision_approuvee.reference,
    }


def resolve_args(args, world) -> list:
    return [world[a[1:]] if isinstance(a, str) and a.startswith("$") else a for a in args]


def resolve_query(query: str, world) -> str:
    return re.sub(r"\$(\w+)", lambda m: str(world[m.group(1)]), query)


def _ecart(response, url: str, expected) -> str:
    """What is wrong with the answer to `url`, or "" when it is the expected one."""
    if expected == LOGIN:
        login = f"{reverse('account_login')}?next={quote(url)}"
        if response.status_code != 302 or response.url != login:
            return f"{response.status_code} {getattr(response, 'url', '')} au lieu de {login}"
        return ""
    if response.status_code != expected:
        return f"{response.status_code} au lieu de {expected}"
    if expected == 302 and response.url.startswith(reverse("account_login")):
        return f"renvoyé à la connexion ({response.url})"
    return ""


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_status(row, world):
    """Each persona in turn, each in a savepoint rolled back after its request: every one
    meets the same world (an archiving POST by one does not archive for the next), which
    is built once per row instead of once per persona."""
    from django.core.cache import cache

    url = reverse(row.name, args=resolve_args(row.args, world)) + resolve_query(row.query, world)
    ecarts = []
    for persona in PERSONAS:
        with transaction.atomic():
            cache.clear()
            client = client_as(world["personas"][persona])
            response = getattr(client, row.method)(url)
            if ecart := _ecart(response, url, row.expected[persona]):
                ecarts.append(f"  {persona} : {ecart}")
            transaction.set_rollback(True)
    assert not ecarts, f"{row.method.upper()} {url}\n" + "\n".join(ecarts)


def test_table_covers_every_persona():
    for row in ROWS:
        assert set(row.expected) == set(PERSONAS), row.id


def _names(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}"


def test_every_url_is_in_the_table():
    """A new page in habitants, espaces, facturation, gouvernance, projets, rapports or the
    imports (or the home page) must get its row above."""
    names = {
        n
        for n in _names(get_resolver().url_patterns)
        if n.startswith(
            (
                "habitants:",
                "espaces:",
                "facturation:",
                "gouvernance:",
                "projets:",
                "rapports:",
                "imports:",
            )
        )
    }
    names.add("home")
    # The shell's own pages (search, the messages' undo button).
    names |= {"recherche", "operation-annuler"}
    assert len(names) > 45
    assert names - {row.name for row in ROWS} == set()


POST_ONLY = [row for row in ROWS if row.method == "post" and 302 in row.expected.values()]
# Actions that ask first: GET shows the confirmation page, only POST acts.
CONFIRMEES = {r.name for r in ROWS if r.label.endswith("-confirmation")}


@pytest.mark.parametrize("row", POST_ONLY, ids=[r.id for r in POST_ONLY])
def test_post_only_actions_refuse_get(row, world):
    """A link or a prefetch must never archive or remove anything."""
    allowed = next(p for p, s in row.expected.items() if s == 302)
    url = reverse(row.name, args=resolve_args(row.args, world))
    response = client_as(world["personas"][allowed]).get(url)
    if row.name in CONFIRMEES:
        assert response.status_code == 200
        assert 'method="post"' in response.text and "Ne rien faire et revenir" in response.text
    else:
        assert response.status_code == 405
    assert Structure.objects.filter(archivee=True).count() == 1
    assert Membre.objects.filter(fin__isnull=False).count() == 0
    assert Invitation.objects.filter(annulee_le__isnull=False).count() == 0
    assert Reservation.objects.get(pk=world["reservation_a_pk"]).statut == "confirmee"
    assert Reservation.objects.get(pk=world["demande_pk"]).statut == "en_attente"


def test_forbidden_post_changes_nothing(world):
    """403/404 answers are not just pages: the action did not happen."""
    for persona in ("comptable", "membre_a", "habitant_b"):
        client = client_as(world["personas"][persona])
        client.post(reverse("habitants:structure-archiver", args=[world["slug_a"]]))
        client.post(
            reverse(
                "habitants:mon-espace-membre-retirer",
                args=[world["slug_a"], world["membre_a_pk"]],
            )
        )
        client.post(
            reverse(
                "habitants:mon-espace-invitation-annuler",
                args=[world["slug_a"], world["invitation_a_pk"]],
            )
        )
    assert not Structure.objects.get(slug=world["slug_a"]).archivee
    assert Membre.objects.get(pk=world["membre_a_pk"]).fin is None
    assert Invitation.objects.get(pk=world["invitation_a_pk"]).annulee_le is None


def test_forbidden_booking_actions_change_nothing(world):
    """Cancelling another structure's booking, deciding a request, ending an agreement:
    refused, and nothing moved."""
    personas = world["personas"]
    for persona in ("comptable", "habitant_b", "cogerant", "associe"):
        client_as(personas[persona]).post(
            reverse("espaces:reservation-annuler", args=[world["reservation_a_pk"]])
        )
    for persona in ("comptable", "referent_a", "membre_a"):
        client = client_as(personas[persona])
        client.post(
            reverse("espaces:reservation-decider", args=[world["demande_pk"]]),
            {"decision": "accepter"},
        )
        client.post(
            reverse("espaces:convention-terminer", args=[world["convention_pk"]]),
            {"fin": "2015-06-30"},
        )
        client.post(reverse("espaces:reservation-annuler", args=[world["reservation_b_pk"]]))
    assert Reservation.objects.get(pk=world["reservation_a_pk"]).statut == "confirmee"
    assert Reservation.objects.get(pk=world["reservation_b_pk"]).statut == "confirmee"
    assert Reservation.objects.get(pk=world["demande_pk"]).statut == "en_attente"
    assert Convention.objects.get(pk=world["convention_pk"]).fin is None


def test_out_of_range_ids_are_404_not_500(world):
    client = client_as(world["personas"][STAFF_GESTION])
    huge = 2**70
    assert client.get(f"/habitants/domaines/{huge}/").status_code == 404
    assert client.get(f"/habitants/{world['slug_a']}/chiffres/{huge}/").status_code == 404
    response = client.post(f"/habitants/fiche/{world['slug_a']}/membres/{huge}/retirer/")
    assert response.status_code == 404
    assert client.get("/invitation/" + "x" * 500 + "/").status_code == 404
    assert client.get(f"/reservations/{huge}/").status_code == 404
    assert client.post(f"/reservations/{huge}/annuler/").status_code == 404
    assert client.get(f"/espaces/conventions/{huge}/terminer/").status_code == 404
    assert client.get("/calendriers/" + "x" * 500 + "/moi.ics").status_code == 404
    assert client.get(f"/factures/lots/{huge}/").status_code == 404
