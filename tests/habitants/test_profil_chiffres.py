"""Profil public, chiffres annuels, annuaire, page publique et tableau de bord."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gouvernance.models import Associe
from habitants.models import ChiffresAnnuels, Domaine, Structure
from tests.conftest import PERSONAS, client_as

pytestmark = pytest.mark.django_db

d = datetime.date
PROFIL = reverse("habitants:mon-espace-profil", args=["halage"])


def chiffres_url(annee, slug="halage"):
    return reverse("habitants:mon-espace-chiffres", args=[slug, annee])


def staff_chiffres_url(annee, slug="halage"):
    return reverse("habitants:structure-chiffres", args=[slug, annee])


def figures(**overrides):
    data = {
        "emplois_permanents": "12",
        "salaries_insertion": "40",
        "services_civiques": "1",
        "benevoles": "5",
        "commentaire": "",
    }
    data.update(overrides)
    return data


def png(size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 90, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def profile_data(**overrides):
    data = {
        "description": "Chantiers d'insertion sur les berges.",
        "site_web": "halage.example.org",
        "email_contact": "bonjour@halage.test",
        "telephone": "01 11 22 33 44",
    }
    data.update(overrides)
    return data


# --- profil public -----------------------------------------------------------------------


def test_member_edits_the_public_profile(membre_a, structure_a):
    client = client_as(membre_a)

    response = client.post(PROFIL, profile_data(nom="Autre nom", depart="2015-01-01"))

    assert response.status_code == 302
    assert response.url == reverse("habitants:mon-espace", args=["halage"])
    structure_a.refresh_from_db()
    assert structure_a.description == "Chantiers d'insertion sur les berges."
    assert structure_a.site_web == "https://halage.example.org"
    assert structure_a.email_contact == "bonjour@halage.test"
    # Only the public profile is theirs to change.
    assert (structure_a.nom, structure_a.depart) == ("Halage", None)
    fiche = client.get(reverse("habitants:annuaire-detail", args=["halage"]))
    assert "Chantiers d&#x27;insertion sur les berges." in fiche.text
    assert 'href="https://halage.example.org"' in fiche.text


def test_member_uploads_a_logo(membre_a, structure_a, settings):
    response = client_as(membre_a).post(PROFIL, {**profile_data(), "logo": png()})

    assert response.status_code == 302
    structure_a.refresh_from_db()
    assert structure_a.logo.name.startswith("logos/")
    assert (settings.MEDIA_ROOT / structure_a.logo.name).is_file()
    with Image.open(structure_a.logo.path) as img:
        assert img.size == (8, 8)
    espace = client_as(membre_a).get(reverse("habitants:mon-espace", args=["halage"]))
    assert f'src="/media/{structure_a.logo.name}" alt="Logo de Halage"' in espace.text


def test_a_file_that_is_not_an_image_is_refused(membre_a, structure_a, settings):
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 pas une image", content_type="image/png")

    response = client_as(membre_a).post(PROFIL, {**profile_data(), "logo": fake})

    assert response.status_code == 200
    assert "Téléversez une image valide" in response.context["form"].errors["logo"][0]
    structure_a.refresh_from_db()
    assert not structure_a.logo
    assert structure_a.description == "Solidarité et environnement."
    assert not (settings.MEDIA_ROOT / "logos").exists()


def test_profile_rejects_a_bad_website(membre_a, structure_a):
    response = client_as(membre_a).post(PROFIL, profile_data(site_web="pas une adresse"))
    assert response.status_code == 200
    assert "Saisissez une URL valide." in response.context["form"].errors["site_web"]
    structure_a.refresh_from_db()
    assert structure_a.site_web == ""


# --- chiffres annuels déclarés par la structure ---------------------------------------------


def test_member_declares_2015_figures(membre_a, structure_a):
    client = client_as(membre_a)
    assert client.get(chiffres_url(2015)).status_code == 200

    response = client.post(chiffres_url(2015), figures(commentaire="Dont 3 CDI."))

    assert response.status_code == 302
    assert response.url == reverse("habitants:mon-espace", args=["halage"])
    c = ChiffresAnnuels.objects.get(structure=structure_a, annee=2015)
    assert (c.emplois_permanents, c.salaries_insertion, c.services_civiques, c.benevoles) == (
        12,
        40,
        1,
        5,
    )
    assert c.statut == ChiffresAnnuels.Statut.DECLARE
    assert c.declare_par == membre_a and c.valide_par is None
    assert c.commentaire == "Dont 3 CDI."
    assert "Chiffres 2015 déclarés" in client.get(response.url).text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"benevoles": "-1"}, "benevoles", "supérieure ou égale à 0"),
        ({"emplois_permanents": "douze"}, "emplois_permanents", "Saisissez un nombre entier."),
        ({"emplois_permanents": "1.5"}, "emplois_permanents", "Saisissez un nombre entier."),
        ({"salaries_insertion": ""}, "salaries_insertion", "Ce champ est obligatoire."),
        ({"services_civiques": "1000001"}, "services_civiques", "100 000 au plus"),
    ],
)
def test_bad_figures_are_french_errors(membre_a, structure_a, overrides, field, message):
    response = client_as(membre_a).post(chiffres_url(2015), figures(**overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert not ChiffresAnnuels.objects.exists()


@pytest.mark.parametrize(
    "annee",
    [
        pytest.param(timezone.localdate().year + 1, id="annee-future"),
        pytest.param(1980, id="annee-lointaine"),
        pytest.param(2009, id="avant-l-arrivee"),
        pytest.param(65000, id="annee-absurde"),
    ],
)
def test_years_outside_the_declaration_period_are_404(membre_a, gestion, structure_a, annee):
    assert client_as(membre_a).get(chiffres_url(annee)).status_code == 404
    assert client_as(membre_a).post(chiffres_url(annee), figures()).status_code == 404
    assert client_as(gestion).post(staff_chiffres_url(annee), figures()).status_code == 404
    assert not ChiffresAnnuels.objects.exists()


def test_redeclaring_after_validation_needs_a_new_validation(membre_a, gestion, structure_a):
    member, staff = client_as(membre_a), client_as(gestion)
    member.post(chiffres_url(2015), figures())
    staff.post(staff_chiffres_url(2015), figures())
    assert ChiffresAnnuels.objects.get().statut == ChiffresAnnuels.Statut.VALIDE
    assert "Ces chiffres ont été validés" in member.get(chiffres_url(2015)).text

    member.post(chiffres_url(2015), figures(benevoles="9"))

    c = ChiffresAnnuels.objects.get()
    assert c.statut == ChiffresAnnuels.Statut.DECLARE
    assert (c.benevoles, c.valide_par, c.valide_le) == (9, None, None)


def test_staff_validates_and_corrects(membre_a, gestion, structure_a):
    client_as(membre_a).post(chiffres_url(2015), figures())

    response = client_as(gestion).post(
        staff_chiffres_url(2015), figures(salaries_insertion="38", commentaire="Corrigé : 38.")
    )

    assert response.status_code == 302
    c = ChiffresAnnuels.objects.get()
    assert c.statut == ChiffresAnnuels.Statut.VALIDE
    assert c.salaries_insertion == 38
    assert (c.declare_par, c.valide_par) == (membre_a, gestion)
    assert c.valide_le is not None
    assert c.commentaire == "Corrigé : 38."
    detail = client_as(gestion).get(response.url)
    assert "Validé le" in detail.text


def test_staff_can_enter_figures_nobody_declared(gestion, structure_a):
    client_as(gestion).post(staff_chiffres_url(2015), figures())
    c = ChiffresAnnuels.objects.get()
    assert (c.statut, c.valide_par, c.declare_par) == (
        ChiffresAnnuels.Statut.VALIDE,
        gestion,
        gestion,
    )


def test_staff_bad_figures_save_nothing(gestion, structure_a):
    response = client_as(gestion).post(staff_chiffres_url(2015), figures(benevoles="-3"))
    assert response.status_code == 200
    assert not ChiffresAnnuels.objects.exists()


@pytest.fixture
def annee_2015(structure_a, structure_b, domaine):
    ChiffresAnnuels.objects.create(
        structure=structure_a,
        annee=2015,
        emplois_permanents=12,
        salaries_insertion=40,
        services_civiques=1,
        benevoles=5,
        statut=ChiffresAnnuels.Statut.VALIDE,
    )
    ChiffresAnnuels.objects.create(
        structure=structure_b,
        annee=2015,
        emplois_permanents=3,
        salaries_insertion=0,
        services_civiques=2,
        benevoles=10,
    )
    # Another year must not leak into 2015's totals.
    ChiffresAnnuels.objects.create(
        structure=structure_b,
        annee=2014,
        emplois_permanents=100,
        salaries_insertion=100,
        services_civiques=100,
        benevoles=100,
    )
    Structure.objects.create(
        nom="Sans chiffres", slug="sans-chiffres", domaine=domaine, arrivee=d(2015, 6, 1)
    )


def test_figures_list_shows_each_structure_and_the_totals(gestion, annee_2015):
    response = client_as(gestion).get(reverse("habitants:chiffres-liste"), {"annee": 2015})

    assert response.status_code == 200
    assert response.context["annee"] == 2015
    assert response.context["totaux"] == {
        "emplois_permanents": 15,
        "salaries_insertion": 40,
        "services_civiques": 3,
        "benevoles": 15,
    }
    assert [s.nom for s in response.context["structures"]] == [
        "Halage",
        "Mode Estime",
        "Sans chiffres",
    ]
    assert (
        '<th scope="row">Total déclaré</th><td>15</td><td>40</td><td>3</td><td>15</td>'
        in response.text
    )
    assert "Non déclaré" in response.text


def test_figures_list_keeps_archived_structures(gestion, annee_2015):
    client = client_as(gestion)
    client.post(reverse("habitants:structure-archiver", args=["halage"]), follow=True)

    response = client.get(reverse("habitants:chiffres-liste"), {"annee": 2015})

    assert "Halage" in [s.nom for s in response.context["structures"]]
    assert response.context["totaux"]["salaries_insertion"] == 40
    assert 'Halage</a> <span class="badge text-bg-secondary">archivée</span>' in response.text


@pytest.mark.parametrize("annee", ["abc", "1900", "99999999999999999999999", ""])
def test_figures_list_with_a_bad_year_falls_back(gestion, annee_2015, annee):
    response = client_as(gestion).get(reverse("habitants:chiffres-liste"), {"annee": annee})
    assert response.status_code == 200
    assert response.context["annee"] == timezone.localdate().year - 1


# --- annuaire -------------------------------------------------------------------------------


@pytest.fixture
def lieu(domaine, structure_a, structure_b, referent_a):
    today = timezone.localdate()
    culture = Domaine.objects.create(nom="Culture et médias", ordre=0)

    def make(nom, **kw):
        return Structure.objects.create(nom=nom, slug=nom.lower().replace(" ", "-"), **kw)

    make("Radio Locale", domaine=culture, arrivee=d(2013, 1, 1), description="Une radio.")
    make("Sans domaine", arrivee=d(2013, 1, 1))
    make("Partie", domaine=domaine, arrivee=d(2013, 1, 1), depart=today - datetime.timedelta(1))
    make("Part ce soir", domaine=domaine, arrivee=d(2013, 1, 1), depart=today)
    make("Pas encore", domaine=domaine, arrivee=today + datetime.timedelta(1))
    make("Rangee", domaine=domaine, arrivee=d(2013, 1, 1), archivee=True)
    return culture


def test_annuaire_groups_present_structures_by_domain(membre_a, lieu, domaine):
    response = client_as(membre_a).get(reverse("habitants:annuaire"))

    assert response.status_code == 200
    groupes = [
        (dom.nom if dom else None, [s.nom for s in structures])
        for dom, structures in response.context["groupes"]
    ]
    assert groupes == [
        ("Culture et médias", ["Radio Locale"]),
        ("Insertion sociale et professionnelle", ["Halage", "Mode Estime", "Part ce soir"]),
        (None, ["Sans domaine"]),
    ]
    for absent in ("Partie", "Pas encore", "Rangee"):
        assert f">{absent}</a>" not in response.text
    assert "Autres activités" in response.text
    # The référent is the person to contact.
    assert 'Référent·e : <a href="mailto:referent@halage.test">Rémi Référent</a>' in response.text


def test_annuaire_search_and_domain_filter(membre_a, lieu):
    client = client_as(membre_a)
    by_text = client.get(reverse("habitants:annuaire"), {"q": "radio"})
    assert [s.nom for _, ss in by_text.context["groupes"] for s in ss] == ["Radio Locale"]
    by_domain = client.get(reverse("habitants:annuaire"), {"domaine": lieu.pk})
    assert [s.nom for _, ss in by_domain.context["groupes"] for s in ss] == ["Radio Locale"]
    garbage = client.get(reverse("habitants:annuaire"), {"domaine": "x"})
    assert garbage.status_code == 200


@pytest.mark.parametrize(
    ("slug", "status"),
    [("radio-locale", 200), ("partie", 404), ("pas-encore", 404), ("rangee", 404)],
)
def test_annuaire_detail_only_for_present_structures(membre_a, lieu, slug, status):
    assert (
        client_as(membre_a).get(reverse("habitants:annuaire-detail", args=[slug])).status_code
        == status
    )


# --- page publique ------------------------------------------------------------------------------


def test_public_page_lists_present_structures_and_the_contact(lieu):
    response = client_as(None).get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "phares/public.html"
    text = response.text
    for present in ("Halage", "Mode Estime", "Radio Locale", "Sans domaine", "Part ce soir"):
        assert present in text
    for absent in ("Partie<", "Pas encore", "Rangee"):
        assert absent not in text
    assert text.index("Culture et médias") < text.index("Insertion sociale et professionnelle")
    assert "Anne Hurand" in text
    assert "01 48 13 04 31" in text
    assert 'href="tel:0148130431"' in text
    assert "anne.hurand@lephares.coop" in text
    # Private details stay private.
    assert "referent@halage.test" not in text
    assert "Se connecter" in text


def test_public_page_with_nobody_yet(db):
    response = client_as(None).get("/")
    assert "Aucun habitant n'est enregistré pour le moment." in response.text
    assert "Anne Hurand" in response.text


# --- tableau de bord ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonyme"])
def test_dashboard_renders_for_each_persona(personas, persona):
    response = client_as(personas[persona]).get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "phares/dashboard.html"
    text = response.text
    staff = persona in ("gestion", "comptable")
    assert ("Le lieu aujourd" in text) == staff
    assert ("Ajouter une structure" in text) == (persona == "gestion")
    assert ("Mon espace · Halage" in text) == (persona in ("referent_a", "membre_a"))
    assert ("Mon espace · Mode Estime" in text) == (persona in ("habitant_b", "cogerant"))
    assert ("cogérant·e de la SCIC" in text) == (persona == "cogerant")
    assert ("associé·e de la SCIC" in text) == (persona == "associe")
    assert ("rattaché à aucune structure" in text) == (persona == "associe")


def test_dashboard_counts_for_staff(gestion, membre_a, structure_b, lieu):
    annee = timezone.localdate().year - 1
    halage = Structure.objects.get(slug="halage")
    ChiffresAnnuels.objects.create(
        structure=halage, annee=annee, emplois_permanents=1, salaries_insertion=0,
        services_civiques=0, benevoles=0,
    )  # fmt: skip
    Associe.objects.create(
        structure=halage, categorie=Associe.Categorie.BENEFICIAIRES, entree=d(2014, 1, 1)
    )

    context = client_as(gestion).get("/").context

    # Halage, Mode Estime, Radio Locale, Sans domaine, Part ce soir.
    assert context["nb_presentes"] == 5
    assert context["chiffres"] == {"declares": 1, "valides": 0}
    assert context["annee_chiffres"] == annee
