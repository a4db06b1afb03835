"""La vie du pôle dans un vrai navigateur, par les libellés visibles : un référent crée un
projet avec une autre structure comme partenaire, note deux actions à son journal et y
ajoute une photo ; la chargée de développement saisit une subvention et la voit annoncée
parmi celles qui se terminent sur son tableau de bord."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from habitants.projets.models import Jalon, Partenaire, Photo, Projet, Subvention
from tests.browser.conftest import field, login
from tests.browser.test_accessibilite import audit
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_png(tmp_path):
    chemin = tmp_path / "repas.png"
    buffer = io.BytesIO()
    Image.new("RGB", (1800, 1200), "teal").save(buffer, format="PNG")
    chemin.write_bytes(buffer.getvalue())
    return chemin


def test_un_referent_raconte_un_projet_et_la_gestion_suit_ses_subventions(
    page, live_server, axes, referent_a, structure_b, gestion, tmp_path
):
    url = live_server.url
    login(page, url, referent_a.email, PASSWORD)
    page.get_by_role("link", name="Vie du pôle", exact=True).first.click()
    expect(page.get_by_role("heading", name="Projets collectifs", exact=True)).to_be_visible()
    page.get_by_role("link", name="Nouveau projet").click()

    field(page, "Nom").fill("Jardin partagé")
    field(page, "Axe").select_option(label=str(axes[1]))
    field(page, "Début").fill("2015-03-01")
    field(page, "Fin").fill("2015-02-01")
    # Halage (the référent's structure) is ticked as porteur; Mode Estime joins as partner.
    expect(
        page.get_by_role("group", name="Structures porteuses").get_by_label("Halage")
    ).to_be_checked()
    page.get_by_role("group", name="Structures partenaires").get_by_label("Mode Estime").check()
    assert not (problemes := audit(page, "nouveau projet")), problemes
    page.get_by_role("button", name="Créer le projet").click()
    expect(page.get_by_text("La fin du projet ne peut pas précéder son début.")).to_be_visible()
    assert not Projet.objects.exists()

    field(page, "Fin").fill("2015-12-31")
    page.get_by_role("button", name="Créer le projet").click()
    expect(page.get_by_role("heading", name="Jardin partagé")).to_be_visible()
    expect(page.get_by_text("Mode Estime")).to_be_visible()

    for date, titre in (("2015-04-02", "Premières plantations"), ("2015-06-20", "Fête du jardin")):
        page.get_by_role("link", name="Ajouter une étape").first.click()
        field(page, "Date").fill(date)
        field(page, "Action ou étape").fill(titre)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("heading", name=titre)).to_be_visible()
    projet = Projet.objects.get(nom="Jardin partagé")
    assert list(projet.jalons.values_list("titre", flat=True)) == [
        "Fête du jardin",
        "Premières plantations",
    ]
    assert projet.participations.get(structure=structure_b).role == "partenaire"

    page.get_by_role("link", name="Ajouter une photo").click()
    field(page, "Photo").set_input_files(str(photo_png(tmp_path)))
    field(page, "Légende").fill("Premières plantations au jardin")
    field(page, "Description pour qui ne voit pas l'image").fill(
        "Des bacs de terre et des pousses."
    )
    field(page, "Prise le").fill("2015-04-02")
    page.get_by_role("button", name="Envoyer la photo").click()
    expect(page.get_by_text("Premières plantations au jardin").first).to_be_visible()
    photo = Photo.objects.get()
    assert photo.projet == projet and not photo.publique
    assert (photo.largeur, photo.hauteur) == (1800, 1200)
    page.goto(f"{url}/projets/{projet.slug}/")
    expect(page.get_by_role("img", name="Des bacs de terre et des pousses.")).to_be_visible()
    assert Jalon.objects.count() == 2

    # The chargée de développement records a grant ending in four months.
    page.context.clear_cookies()
    Partenaire.objects.create(nom="Région Île-de-France", categorie="region")
    fin = timezone.localdate() + datetime.timedelta(days=120)
    login(page, url, gestion.email, PASSWORD)
    page.goto(f"{url}/subventions/nouvelle/")
    field(page, "Financeur").select_option(label="Région Île-de-France")
    field(page, "Pour le projet").select_option(label="Jardin partagé")
    field(page, "Objet").fill("Aménagement du jardin")
    field(page, "État").select_option(label="Accordée")
    field(page, "Montant demandé (€)").fill("12 000")
    field(page, "Montant accordé (€)").fill("10 000,50")
    field(page, "Montant reçu (€)").fill("20 000")
    field(page, "Début de la période").fill("2015-01-01")
    field(page, "Fin de la période").fill(fin.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("ne peut pas dépasser le montant accordé")).to_be_visible()
    assert not Subvention.objects.exists()
    field(page, "Montant reçu (€)").fill("5 000")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Aménagement du jardin")).to_be_visible()
    assert Subvention.objects.get().montant_accorde == 10000.50

    page.goto(f"{url}/")
    encart = page.get_by_role("region", name="Subventions qui se terminent")
    expect(encart.get_by_text("Dans les 6 mois")).to_be_visible()
    expect(encart.get_by_role("link", name="Aménagement du jardin")).to_be_visible()
    assert not (problemes := audit(page, "tableau de bord de la gestion")), problemes
