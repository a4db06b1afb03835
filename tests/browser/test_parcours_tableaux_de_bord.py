"""Les tableaux de bord qui agissent, dans un vrai navigateur, par les libellés visibles : la
gestion accepte une demande extérieure sur place (htmx ne remplace que cette demande) et en
refuse une autre sans JavaScript (le formulaire revient au tableau de bord) ; la comptabilité
passe du tableau de bord à la liste des impayés en un clic."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from espaces import services
from espaces.facturation.models import Facture
from espaces.models import Reservation
from phares.lib import temps
from phares.lib.acteur import ANONYME, Acteur
from phares.models import EntreeJournal
from tests.browser.conftest import login
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD
from tests.espaces.views_fixtures import construire_lieu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISITEUR = Acteur(user=None, origine=ANONYME, request_id="req-parcours-tableau")


def demander(salle, jour: datetime.date, titre: str, email: str) -> Reservation:
    return services.demander_salle(
        ressource=salle,
        debut=temps.aware(jour, datetime.time(9)),
        fin=temps.aware(jour, datetime.time(12)),
        titre=titre,
        nb_personnes=8,
        organisation=services.Organisation(
            nom="Fédération des centres sociaux",
            email=email,
            adresse_facturation="1 place du Marché, 33000 Bordeaux",
        ),
        ip="203.0.113.9",
        par=VISITEUR,
    )


def test_la_gestion_decide_des_demandes_depuis_son_tableau_de_bord(
    page, browser, browser_context_args, live_server, gestion, structure_a
):
    lieu = construire_lieu(structure_a)
    mardi = temps.monday_of(timezone.localdate()) + datetime.timedelta(days=8)
    ag = demander(lieu.salle_a, mardi, "Assemblée de la fédération", "ag@federation.test")
    seminaire = demander(
        lieu.salle_a, mardi + datetime.timedelta(days=1), "Séminaire des bénévoles", "s@f.test"
    )

    login(page, live_server.url, gestion.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    demandes = page.get_by_role("region", name="Demandes de salle à traiter")
    expect(demandes).to_contain_text("2 demandes extérieures en attente")
    assert not (problemes := audit(page, "tableau de bord de la gestion")), problemes
    # The staff's menu (more links, the search box) wraps rather than overflowing a laptop.
    for largeur in (1280, 1024):
        page.set_viewport_size({"width": largeur, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= largeur

    demandes.get_by_role(
        "button", name="Accepter la demande « Assemblée de la fédération »"
    ).click()

    # htmx replaced this request only: its answer is said in place, the other one waits.
    item = demandes.get_by_role("listitem").filter(has_text="Assemblée de la fédération")
    expect(item.get_by_role("status")).to_contain_text("Demande acceptée. Salle A")
    expect(item.get_by_role("button")).to_have_count(0)
    expect(
        demandes.get_by_role("button", name="Refuser la demande « Séminaire des bénévoles »")
    ).to_be_visible()
    assert page.url == f"{live_server.url}/"
    assert Reservation.objects.get(pk=ag.pk).statut == Reservation.Statut.CONFIRMEE
    assert EntreeJournal.objects.filter(operation="demande.accepter", par=gestion).count() == 1

    # Without JavaScript, the same form posts and comes back to the dashboard.
    contexte = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        sans_js = contexte.new_page()
        sans_js.set_default_timeout(10_000)
        login(sans_js, live_server.url, gestion.email, PASSWORD)
        sans_js.get_by_role("button", name="Refuser la demande « Séminaire des bénévoles »").click()
        expect(sans_js.get_by_text("Demande refusée. Salle A")).to_be_visible()
        expect(sans_js.get_by_role("region", name="Demandes de salle à traiter")).to_contain_text(
            "Aucune demande en attente."
        )
        assert sans_js.url == f"{live_server.url}/"
    finally:
        contexte.close()
    assert Reservation.objects.get(pk=seminaire.pk).statut == Reservation.Statut.REFUSEE


def test_la_comptabilite_va_aux_impayes_en_un_clic(page, live_server, comptable, structure_a):
    aujourd_hui = timezone.localdate()
    mois = (aujourd_hui - datetime.timedelta(days=60)).replace(day=1)
    Facture.objects.create(
        structure=structure_a,
        mois=mois,
        periode_debut=mois,
        periode_fin=mois + datetime.timedelta(days=27),
        serie="F",
        annee=mois.year,
        rang=1,
        numero=f"F{mois.year}-0001",
        date_emission=mois,
        date_echeance=aujourd_hui - datetime.timedelta(days=20),
        total_ht=Decimal("100.00"),
        total_tva=Decimal("20.00"),
        total_ttc=Decimal("120.00"),
        statut=Facture.Statut.EMISE,
    )

    login(page, live_server.url, comptable.email, PASSWORD)
    retards = page.get_by_role("region", name="Factures en retard")
    expect(retards).to_contain_text("1 facture en retard : 120,00 €")
    expect(retards).to_contain_text("20 jours de retard")
    retards.get_by_role("link", name="Voir tous les impayés").click()

    expect(page.get_by_role("heading", level=1, name="Impayés et relances")).to_be_visible()
    expect(page.get_by_text(f"F{mois.year}-0001").first).to_be_visible()


def test_sur_telephone_et_a_l_impression(browser, browser_context_args, live_server, gestion):
    """Le tableau de bord de la gestion, avec une demande à décider : une colonne sur un
    téléphone, rien de plus large que l'écran ; imprimé, ni navigation ni boutons."""
    lieu = construire_lieu(None)
    mardi = temps.monday_of(timezone.localdate()) + datetime.timedelta(days=8)
    demander(lieu.salle_a, mardi, "Assemblée de la fédération", "ag@federation.test")
    contexte = browser.new_context(
        **browser_context_args,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = contexte.new_page()
        page.set_default_timeout(10_000)
        login(page, live_server.url, gestion.email, PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not (problemes := audit(page, "tableau de bord sur téléphone")), problemes

        page.emulate_media(media="print")
        page.set_viewport_size({"width": 794, "height": 1123})
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator("main .btn:visible")).to_have_count(0)
        expect(page.get_by_role("heading", name="Demandes de salle à traiter")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 794
    finally:
        contexte.close()
