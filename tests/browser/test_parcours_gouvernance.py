"""La gouvernance dans un vrai navigateur, par les libellés visibles : un cogérant tient la
cogérance de juin sur une seule page (présences, deux décisions, une action, procès-verbal),
l'approuve, télécharge le PDF et trouve ses décisions figées ; une associée cherche dans le
registre des décisions."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from gouvernance.models import Associe, Decision, Mandat, Seance
from tests.browser.conftest import field, login
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scic(cogerant, associe):
    """Le persona cogérant et une autre cogérante ; l'associée du persona `associe`."""
    martine = make_user("martine@phares.test", first_name="Martine", last_name="Roux")
    Mandat.objects.create(personne=martine, debut=datetime.date(2014, 6, 1))
    assert Associe.objects.filter(personne=associe).exists()
    return martine


def test_tenir_la_cogerance_puis_chercher_dans_le_registre(
    page, live_server, cogerant, associe, scic
):
    url = live_server.url
    login(page, url, cogerant.email, PASSWORD)
    page.get_by_role("link", name="Gouvernance", exact=True).first.click()
    expect(page.get_by_role("heading", name="Gouvernance de la SCIC")).to_be_visible()
    assert not (problemes := audit(page, "gouvernance")), problemes

    page.get_by_role("link", name="Ouvrir une séance").click()
    field(page, "Type de séance").select_option(label="Cogérance mensuelle")
    field(page, "Date").fill("2015-06-09")
    field(page, "Début").fill("18:00")
    field(page, "Fin").fill("20:00")
    assert not (problemes := audit(page, "ouvrir une séance")), problemes
    page.get_by_role("button", name="Ouvrir la séance").click()
    expect(page.get_by_role("heading", name="Cogérance de juin 2015")).to_be_visible()
    assert not (problemes := audit(page, "séance en cours")), problemes

    # Who is there: Claude present, Martine gives her proxy to Claude.
    claude = page.get_by_role("group", name="Claude Cogérant")
    claude.get_by_label("Présence").select_option(label="Présent·e")
    martine = page.get_by_role("group", name="Martine Roux")
    martine.get_by_label("Présence").select_option(label="Représenté·e")
    martine.get_by_label("Si représenté·e : procuration à").select_option(label="Claude Cogérant")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(
        page.get_by_text("Présences enregistrées : 1 présent·es, 1 représenté·es.")
    ).to_be_visible()

    # Two decisions: one by consensus, one by vote (too many votes first: refused).
    field(page, "Intitulé").fill("Tarif du poste en co-travail")
    field(page, "Texte de la décision").fill("120 € HT par mois à compter du 1er juillet.")
    field(page, "Catégorie").select_option(label="Tarifs")
    page.get_by_role("button", name="Noter la décision").click()
    expect(
        page.get_by_text("Décision notée : Tarif du poste en co-travail (adoptée).")
    ).to_be_visible()

    field(page, "Intitulé").fill("Service de vélos mutualisés")
    field(page, "Texte de la décision").fill("Deux vélos pour les habitants.")
    field(page, "Catégorie").select_option(label="Projets")
    page.get_by_label("Vote", exact=True).check()
    field(page, "Pour").fill("2")
    field(page, "Contre").fill("1")
    field(page, "Abstentions").fill("0")
    page.get_by_role("button", name="Noter la décision").click()
    expect(
        page.get_by_text(re.compile("3 voix pour 2 présent·es ou représenté·es"))
    ).to_be_visible()
    field(page, "Contre").fill("0")
    page.get_by_role("button", name="Noter la décision").click()
    expect(
        page.get_by_text("Décision notée : Service de vélos mutualisés (adoptée).")
    ).to_be_visible()

    page.get_by_text("Ajouter une action").click()
    field(page, "Action").fill("Acheter et assurer deux vélos")
    field(page, "Responsable").select_option(label="Martine Roux")
    field(page, "Échéance").fill("2015-07-31")
    field(page, "Décision liée").select_option(label="Service de vélos mutualisés")
    page.get_by_role("button", name="Ajouter l'action").click()
    expect(page.get_by_text("Action de suivi ajoutée.")).to_be_visible()
    expect(
        page.get_by_role("cell", name=re.compile("^Acheter et assurer deux vélos"))
    ).to_be_visible()

    field(page, "Présidence de séance").select_option(label="Claude Cogérant")
    field(page, "Secrétaire de séance").select_option(label="Martine Roux")
    field(page, "Résumé des débats").fill("Tour de table des habitants ; devis des vélos.")
    page.get_by_role("button", name="Enregistrer le procès-verbal").click()
    expect(page.get_by_text("Procès-verbal enregistré.")).to_be_visible()
    assert not (problemes := audit(page, "séance remplie")), problemes

    page.get_by_role("link", name="Approuver le procès-verbal…").click()
    expect(
        page.get_by_role("heading", name=re.compile("Approuver le procès-verbal"))
    ).to_be_visible()
    page.get_by_role("button", name="Approuver le procès-verbal").click()
    expect(page.get_by_text(re.compile("Procès-verbal PV2015-0001 approuvé"))).to_be_visible()
    expect(page.get_by_text("Procès-verbal n° PV2015-0001")).to_be_visible()
    assert not (problemes := audit(page, "séance approuvée")), problemes

    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile("Télécharger le procès-verbal")).click()
    assert telechargement.value.suggested_filename == "PV2015-0001.pdf"
    seance = Seance.objects.get()
    assert telechargement.value.path().read_bytes() == bytes(seance.document.contenu)

    # Approved: the decisions are no longer editable.
    expect(page.get_by_role("button", name="Noter la décision")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Modifier"))).to_have_count(0)
    expect(page.get_by_role("link", name="Fiche de la décision 2015-06-D02")).to_be_visible()
    assert sorted(Decision.objects.values_list("reference", flat=True)) == [
        "2015-06-D01",
        "2015-06-D02",
    ]

    # An associate searches the register.
    page.get_by_role("button", name="Se déconnecter").click()
    login(page, url, associe.email, PASSWORD)
    page.get_by_role("link", name="Gouvernance", exact=True).first.click()
    page.get_by_role("link", name="Registre des décisions").first.click()
    expect(page.get_by_role("heading", name="Registre des décisions")).to_be_visible()
    field(page, "Texte ou référence").fill("vélos")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("1 décision", exact=True)).to_be_visible()
    assert not (problemes := audit(page, "registre")), problemes
    page.get_by_role("link", name="2015-06-D02").click()
    expect(
        page.get_by_role("heading", name="Décision 2015-06-D02 — Service de vélos mutualisés")
    ).to_be_visible()
    expect(page.get_by_text("Acheter et assurer deux vélos")).to_be_visible()
    assert not (problemes := audit(page, "fiche de décision")), problemes


def test_sans_javascript_sur_telephone(browser, browser_context_args, live_server, cogerant, scic):
    """La même page sans JavaScript, sur un téléphone : chaque formulaire poste et revient à
    sa section avec le message ; rien ne dépasse la largeur de l'écran."""
    from gouvernance.services import seances
    from phares.lib import temps
    from tests.conftest import acteur

    seance = seances.creer_seance(
        type=Seance.Type.COGERANCE,
        debut=temps.aware(datetime.date(2015, 7, 7), datetime.time(18)),
        fin=None,
        lieu="PHARES",
        par=acteur(cogerant),
    )
    context = browser.new_context(
        **browser_context_args, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, live_server.url, cogerant.email, PASSWORD)
    page.goto(f"{live_server.url}/gouvernance/seances/{seance.pk}/")
    page.get_by_role("group", name="Claude Cogérant").get_by_label("Présence").select_option(
        label="Présent·e"
    )
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présences enregistrées : 1 présent·es")).to_be_visible()
    assert page.url.endswith("#presences")
    field(page, "Intitulé").fill("Repas mensuels des habitants")
    field(page, "Texte de la décision").fill("Un repas par mois au réfectoire.")
    field(page, "Catégorie").select_option(label="Habitants")
    page.get_by_role("button", name="Noter la décision").click()
    expect(
        page.get_by_text("Décision notée : Repas mensuels des habitants (adoptée).")
    ).to_be_visible()
    largeur = page.evaluate("document.documentElement.scrollWidth")
    assert largeur <= 390, f"{largeur} px de large sur téléphone"
    context.close()
