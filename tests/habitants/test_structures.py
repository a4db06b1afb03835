"""Fiches des structures, côté équipe : création, modification, archivage,
filtres de la liste, identifiants d'URL, présence datée."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from gouvernance.models import Associe
from habitants.models import ChiffresAnnuels, Domaine, Invitation, Membre, Structure, hash_token
from tests.conftest import client_as, make_user

pytestmark = pytest.mark.django_db

d = datetime.date
NOUVELLE = reverse("habitants:structure-nouvelle")
LISTE = reverse("habitants:structure-liste")


def structure_data(**overrides) -> dict:
    data = {
        "nom": "La Ressourcerie du Pont",
        "sigle_developpe": "",
        "forme_juridique": "association",
        "siren": "552 100 554",
        "siret": "552 100 554 00013",
        "domaine": "",
        "description": "Réemploi et réparation.",
        "site_web": "ressourcerie.example.org",
        "email_contact": "contact@ressourcerie.test",
        "telephone": "01 02 03 04 05",
        "adresse_facturation": "1 quai du Halage",
        "email_facturation": "",
        "arrivee": "2015-10-01",
        "depart": "",
    }
    data.update(overrides)
    return data


def listed(response) -> list[str]:
    return [s.nom for s in response.context["page"]]


# --- création -----------------------------------------------------------------------


def test_gestion_creates_a_structure(gestion, domaine):
    client = client_as(gestion)
    response = client.post(NOUVELLE, structure_data(domaine=domaine.pk))

    s = Structure.objects.get(nom="La Ressourcerie du Pont")
    assert response.status_code == 302
    assert response.url == reverse("habitants:structure-detail", args=[s.slug])
    assert s.slug == "la-ressourcerie-du-pont"
    # Spaces typed in the numbers are dropped, the scheme is added to the site.
    assert (s.siren, s.siret) == ("552100554", "55210055400013")
    assert s.site_web == "https://ressourcerie.example.org"
    assert s.domaine == domaine
    assert s.arrivee == d(2015, 10, 1)
    assert s.depart is None
    assert not s.archivee
    page = client.get(response.url)
    assert "La Ressourcerie du Pont" in page.text
    assert "La structure « La Ressourcerie du Pont » est créée." in page.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"siret": "12345678901234", "siren": ""},
            "siret",
            "Ce numéro SIRET n'est pas valide",
            id="siret-cle-fausse",
        ),
        pytest.param(
            {"siren": "123456789", "siret": ""},
            "siren",
            "Ce numéro SIREN n'est pas valide",
            id="siren-cle-fausse",
        ),
        pytest.param(
            {"siret": "1234", "siren": ""}, "siret", "Le SIRET compte 14 chiffres", id="siret-court"
        ),
        pytest.param(
            {"siret": "ABCDEFGHIJKLMN", "siren": ""},
            "siret",
            "Le SIRET compte 14 chiffres",
            id="siret-lettres",
        ),
        pytest.param(
            {"siren": "552100554", "siret": "73282932000017"},
            "siret",
            "Le SIRET doit commencer par le SIREN de la structure.",
            id="siret-autre-siren",
        ),
        pytest.param(
            {"arrivee": "2015-10-01", "depart": "2015-09-30"},
            "depart",
            "Le départ ne peut pas précéder l'arrivée.",
            id="depart-avant-arrivee",
        ),
        pytest.param(
            {"arrivee": "", "depart": "2015-09-30"},
            "arrivee",
            "Indiquez l'arrivée avant le départ.",
            id="depart-sans-arrivee",
        ),
        pytest.param(
            {"arrivee": "31/02/2015"}, "arrivee", "Saisissez une date valide.", id="date-invalide"
        ),
        pytest.param({"nom": ""}, "nom", "Ce champ est obligatoire.", id="nom-vide"),
        pytest.param(
            {"nom": "HALAGE"}, "nom", "Une structure porte déjà ce nom.", id="nom-doublon"
        ),
        pytest.param(
            {"email_contact": "pas-un-email"},
            "email_contact",
            "Saisissez une adresse de courriel valide.",
            id="email-invalide",
        ),
        pytest.param(
            {"domaine": "999999"},
            "domaine",
            "Sélectionnez un choix valide.",
            id="domaine-inconnu",
        ),
    ],
)
def test_bad_input_is_a_french_error_on_the_field(gestion, structure_a, overrides, field, message):
    before = Structure.objects.count()

    response = client_as(gestion).post(NOUVELLE, structure_data(**overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in e for e in errors[field]), errors[field]
    assert message in response.text.replace("&#x27;", "'")
    assert Structure.objects.count() == before


def test_same_siret_twice_is_refused(gestion):
    client = client_as(gestion)
    client.post(NOUVELLE, structure_data())

    response = client.post(NOUVELLE, structure_data(nom="Autre nom"))

    assert response.status_code == 200
    assert "Une autre structure porte déjà ce SIRET." in str(response.context["form"].errors)
    assert list(Structure.objects.values_list("nom", flat=True)) == ["La Ressourcerie du Pont"]


def test_comptable_cannot_create(comptable):
    response = client_as(comptable).post(NOUVELLE, structure_data())
    assert response.status_code == 403
    assert not Structure.objects.exists()


# --- modification -------------------------------------------------------------------


def test_gestion_edits_a_structure_and_keeps_its_url(gestion, structure_a, domaine):
    url = reverse("habitants:structure-modifier", args=[structure_a.slug])
    response = client_as(gestion).post(
        url,
        structure_data(
            nom="Halage Insertion",
            siren="",
            siret="",
            domaine=domaine.pk,
            arrivee="2010-01-01",
            depart="2015-08-31",
        ),
    )

    assert response.status_code == 302
    structure_a.refresh_from_db()
    assert structure_a.nom == "Halage Insertion"
    assert structure_a.slug == "halage"  # links already shared keep working
    assert structure_a.depart == d(2015, 8, 31)
    assert structure_a.description == "Réemploi et réparation."


def test_changing_only_the_case_of_its_own_name_is_allowed(gestion, structure_a):
    url = reverse("habitants:structure-modifier", args=[structure_a.slug])
    response = client_as(gestion).post(
        url, structure_data(nom="HALAGE", siren="", siret="", arrivee="2010-01-01")
    )
    assert response.status_code == 302
    structure_a.refresh_from_db()
    assert structure_a.nom == "HALAGE"


def test_edit_to_another_structure_name_is_a_form_error(gestion, structure_a, structure_b):
    url = reverse("habitants:structure-modifier", args=[structure_b.slug])
    response = client_as(gestion).post(url, structure_data(nom="halage", siren="", siret=""))
    assert response.status_code == 200
    assert "Une structure porte déjà ce nom." in response.context["form"].errors["nom"]
    structure_b.refresh_from_db()
    assert structure_b.nom == "Mode Estime"


# --- archivage ----------------------------------------------------------------------


@pytest.fixture
def halage_with_history(structure_a, referent_a, membre_a, gestion):
    ChiffresAnnuels.objects.create(
        structure=structure_a,
        annee=2015,
        emplois_permanents=12,
        salaries_insertion=40,
        services_civiques=1,
        benevoles=5,
    )
    Invitation.objects.create(
        structure=structure_a,
        email="attente@halage.test",
        token_hash=hash_token("jeton-en-attente"),
        invitee_par=gestion,
        expire_le=timezone.now() + datetime.timedelta(days=3),
    )
    return structure_a


def test_archive_hides_the_structure_but_keeps_its_history(
    gestion, halage_with_history, structure_b, referent_a
):
    s = halage_with_history
    staff = client_as(gestion)

    response = staff.post(reverse("habitants:structure-archiver", args=[s.slug]))

    assert response.status_code == 302
    s.refresh_from_db()
    assert s.archivee and s.archivee_le is not None
    # Gone from the default list, the directory and the public page…
    assert listed(staff.get(LISTE)) == ["Mode Estime"]
    assert "Halage" in listed(staff.get(LISTE, {"archivees": "inclure"}))
    assert listed(staff.get(LISTE, {"archivees": "seules"})) == ["Halage"]
    annuaire = client_as(referent_a).get(reverse("habitants:annuaire"))
    assert "Halage" not in annuaire.text and "Mode Estime" in annuaire.text
    assert (
        client_as(referent_a).get(reverse("habitants:annuaire-detail", args=["halage"])).status_code
        == 404
    )
    public = client_as(None).get("/")
    assert "Halage" not in public.text and "Mode Estime" in public.text
    # …its members lose access to a structure that no longer runs…
    assert (
        client_as(referent_a).get(reverse("habitants:mon-espace", args=["halage"])).status_code
        == 404
    )
    # …its pending invitation no longer works…
    assert (
        client_as(None)
        .get(reverse("habitants:invitation-accepter", args=["jeton-en-attente"]))
        .status_code
        == 410
    )
    # …but nothing of its history is lost.
    assert Membre.objects.filter(structure=s, fin__isnull=True).count() == 2
    assert ChiffresAnnuels.objects.get(structure=s, annee=2015).salaries_insertion == 40
    detail = staff.get(reverse("habitants:structure-detail", args=[s.slug]))
    assert detail.status_code == 200
    assert "archivée" in detail.text
    assert "Rémi Référent" in detail.text and "Maud Membre" in detail.text
    assert "<td>40</td>" in detail.text


def test_archived_figures_still_count_for_their_year(gestion, halage_with_history, structure_b):
    """Archiving is not deleting: the 2015 figures and the 2015 head count stay true."""
    ChiffresAnnuels.objects.create(
        structure=structure_b,
        annee=2015,
        emplois_permanents=3,
        salaries_insertion=0,
        services_civiques=0,
        benevoles=2,
    )
    staff = client_as(gestion)
    staff.post(reverse("habitants:structure-archiver", args=["halage"]))

    from habitants import selectors

    assert selectors.totaux_annuels(annee=2015)["emplois_permanents"] == 15
    assert {s.nom for s in selectors.structures_presentes_pendant(annee=2015)} == {
        "Halage",
        "Mode Estime",
    }


def test_restore_brings_it_back(gestion, structure_a, referent_a):
    staff = client_as(gestion)
    staff.post(reverse("habitants:structure-archiver", args=["halage"]))

    response = staff.post(reverse("habitants:structure-restaurer", args=["halage"]))

    assert response.status_code == 302
    structure_a.refresh_from_db()
    assert not structure_a.archivee and structure_a.archivee_le is None
    assert "Halage" in listed(staff.get(LISTE))
    assert (
        client_as(referent_a).get(reverse("habitants:mon-espace", args=["halage"])).status_code
        == 200
    )


def test_archiving_twice_says_so(gestion, structure_a):
    staff = client_as(gestion)
    staff.post(reverse("habitants:structure-archiver", args=["halage"]))
    archivee_le = Structure.objects.get(pk=structure_a.pk).archivee_le

    response = staff.post(reverse("habitants:structure-archiver", args=["halage"]), follow=True)

    assert response.status_code == 200
    assert "Cette structure est déjà archivée." in response.text
    assert Structure.objects.get(pk=structure_a.pk).archivee_le == archivee_le


# --- liste et filtres ---------------------------------------------------------------


@pytest.fixture
def parc(domaine):
    """Des structures à toutes les étapes de leur présence, aujourd'hui."""
    today = timezone.localdate()
    autre = Domaine.objects.create(nom="Culture", ordre=2)

    def make(nom, dom, arrivee, depart=None, **extra):
        return Structure.objects.create(
            nom=nom,
            slug=slugify(nom),
            domaine=dom,
            arrivee=arrivee,
            depart=depart,
            **extra,
        )

    s = {
        "presente": make("Présente", domaine, d(2014, 1, 1)),
        "part_ce_soir": make("Part ce soir", autre, d(2014, 1, 1), today),
        "partie_hier": make("Partie hier", domaine, d(2014, 1, 1), today - datetime.timedelta(1)),
        "arrive_demain": make("Arrive demain", autre, today + datetime.timedelta(1)),
        "sans_date": make("Sans date", None, None),
        "archivee": make("Archivée", domaine, d(2014, 1, 1), archivee=True),
    }
    Associe.objects.create(
        structure=s["presente"], categorie=Associe.Categorie.BENEFICIAIRES, entree=d(2014, 6, 1)
    )
    Associe.objects.create(
        structure=s["partie_hier"],
        categorie=Associe.Categorie.BENEFICIAIRES,
        entree=d(2014, 6, 1),
        sortie=today - datetime.timedelta(1),
        motif_sortie=Associe.MotifSortie.PERTE_QUALITE,
    )
    s["autre_domaine"] = autre
    return s


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Arrive demain", "Part ce soir", "Partie hier", "Présente", "Sans date"]),
        ({"presence": "presentes"}, ["Part ce soir", "Présente"]),
        ({"presence": "parties"}, ["Partie hier"]),
        ({"presence": "a_venir"}, ["Arrive demain", "Sans date"]),
        ({"associe": "oui"}, ["Présente"]),
        ({"associe": "non"}, ["Arrive demain", "Part ce soir", "Partie hier", "Sans date"]),
        ({"q": "  PART "}, ["Part ce soir", "Partie hier"]),
        ({"archivees": "seules"}, ["Archivée"]),
        ({"presence": "presentes", "associe": "non"}, ["Part ce soir"]),
        # Garbage in the query string is ignored, never a 500.
        ({"presence": "hier", "domaine": "abc", "page": "x"}, None),
    ],
)
def test_list_filters(comptable, parc, query, expected):
    response = client_as(comptable).get(LISTE, query)
    assert response.status_code == 200
    if expected is None:
        expected = ["Arrive demain", "Part ce soir", "Partie hier", "Présente", "Sans date"]
    assert listed(response) == expected


def test_list_filter_by_domaine(comptable, parc, domaine):
    client = client_as(comptable)
    assert listed(client.get(LISTE, {"domaine": domaine.pk})) == ["Partie hier", "Présente"]
    both = client.get(LISTE, {"domaine": parc["autre_domaine"].pk, "archivees": "inclure"})
    assert listed(both) == ["Arrive demain", "Part ce soir"]


def test_list_marks_associees_and_departed(comptable, parc):
    response = client_as(comptable).get(LISTE)
    rows = {s.nom: s for s in response.context["page"]}
    # Marked through the registry gouvernance fills (habitants does not import it).
    assert response.context["qualites"] == [
        {"libelle": "Associée de la SCIC", "ids": {parc["presente"].pk}}
    ]
    assert rows["Partie hier"].est_partie() and not rows["Part ce soir"].est_partie()
    assert response.text.count("badge-partie") == 1


def test_list_paginates_and_keeps_filters(gestion, domaine):
    Structure.objects.bulk_create(
        Structure(nom=f"Structure {i:02}", slug=f"structure-{i:02}", domaine=domaine)
        for i in range(60)
    )
    client = client_as(gestion)
    first = client.get(LISTE, {"q": "structure"})
    assert len(first.context["page"]) == 50
    assert "q=structure&amp;page=2" in first.text
    second = client.get(LISTE, {"q": "structure", "page": 2})
    assert listed(second) == [f"Structure {i:02}" for i in range(50, 60)]


def _make_structures(n, domaine):
    start = Structure.objects.count()
    for i in range(start, n):
        s = Structure.objects.create(
            nom=f"Structure {i:02}",
            slug=f"structure-{i:02}",
            domaine=domaine,
            arrivee=d(2014, 1, 1),
            depart=d(2015, 6, 30) if i % 3 == 0 else None,
        )
        if i % 2:
            Associe.objects.create(
                structure=s, categorie=Associe.Categorie.BENEFICIAIRES, entree=d(2014, 1, 1)
            )


def test_list_query_count_does_not_grow_with_structures(
    gestion, domaine, django_assert_max_num_queries
):
    client = client_as(gestion)
    counts = []
    for n in (5, 60):
        _make_structures(n, domaine)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LISTE, {"associe": "non", "presence": "presentes"})
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    # session, user, groups, count, page, domaines, associées… not one per row.
    with django_assert_max_num_queries(10):
        client.get(LISTE)


def _requetes(client, url):
    client.get(url)  # the first hit may write the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(ctx)


def test_la_fiche_montre_les_membres_actifs_et_les_anciens(gestion, structure_a, referent_a):
    today = timezone.localdate()
    for email, debut, fin in (
        ("ancienne@halage.test", datetime.date(2015, 1, 1), datetime.date(2016, 6, 30)),
        ("jusqu-a-ce-soir@halage.test", datetime.date(2015, 1, 1), today),
        ("a-venir@halage.test", today + datetime.timedelta(days=10), None),
    ):
        Membre.objects.create(user=make_user(email), structure=structure_a, debut=debut, fin=fin)

    page = client_as(gestion).get(reverse("habitants:structure-detail", args=["halage"]))

    membres, _, anciens = page.text.partition("Anciens membres (1)")
    assert "referent@halage.test" in membres and "jusqu-a-ce-soir@halage.test" in membres
    assert "ancienne@halage.test" in anciens and "ancienne@halage.test" not in membres
    assert "a-venir@halage.test" not in page.text


def test_la_fiche_et_mon_espace_a_nombre_de_requetes_fixe(
    gestion, structure_a, referent_a, membre_a
):
    """Une lecture par sorte de chose, quel que soit le nombre de membres, d'anciens ou de
    forfaits ; les forfaits de salles lus une fois pour le dernier et celui du jour."""
    from decimal import Decimal

    from espaces.models import ForfaitSalles
    from habitants.projets.models import EmploiMutualise, PartEmploi

    def emploi(intitule):
        e = EmploiMutualise.objects.create(
            intitule=intitule, employeur=structure_a, etp=1, debut=datetime.date(2015, 3, 1)
        )
        PartEmploi.objects.create(emploi=e, structure=structure_a, pourcentage=Decimal(60))

    emploi("Couturière")
    fiche = reverse("habitants:structure-detail", args=["halage"])
    espace = reverse("habitants:mon-espace", args=["halage"])
    avant = (_requetes(client_as(gestion), fiche)[1], _requetes(client_as(referent_a), espace)[1])
    for i in range(4):
        Membre.objects.create(
            user=make_user(f"m{i}@halage.test"),
            structure=structure_a,
            debut=datetime.date(2015, 1, 1),
            fin=None if i % 2 else datetime.date(2016, 1, 1),
        )
    ForfaitSalles.objects.create(
        structure=structure_a,
        heures_par_mois=10,
        debut=datetime.date(2015, 1, 1),
        fin=datetime.date(2015, 12, 31),
    )
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=20, debut=datetime.date(2016, 1, 1)
    )
    emploi("Menuisier")

    page, n_fiche = _requetes(client_as(gestion), fiche)
    _, n_espace = _requetes(client_as(referent_a), espace)

    assert "20 h incluses par mois (depuis le 1er janv. 2016)" in page.text
    assert (n_fiche, n_espace) == avant
    # Fiche: session, person; the structure; the panels (projects, jobs with its own
    # share, commitments, packages, month's bookings, offices, next bookings, associate,
    # also read for the badge); members and former members, invitations, figures, journal.
    # Mon espace: session, person, membership with its structure; the panels (projects,
    # packages, month's bookings, offices, next bookings); the navigation's structures;
    # members, invitations, figures.
    assert avant == (15, 12)


# --- identifiants d'URL --------------------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "slug"),
    [
        # Structure pages live under /habitants/fiche/: no name can shadow a fixed URL.
        ("Nouvelle", "nouvelle"),
        ("Chiffres", "chiffres"),
        ("Domaines", "domaines"),
        ("Été solidaire !", "ete-solidaire"),
        ("!!!", "structure"),
    ],
)
def test_slug_never_collides_with_fixed_urls(gestion, nom, slug):
    response = client_as(gestion).post(NOUVELLE, structure_data(nom=nom, siren="", siret=""))

    s = Structure.objects.get(nom=nom)
    assert s.slug == slug
    assert response.url == f"/habitants/fiche/{slug}/"
    detail = client_as(gestion).get(response.url)
    assert detail.status_code == 200
    assert detail.context["structure"] == s
    # The fixed pages are still what they were.
    assert client_as(gestion).get(NOUVELLE).context["structure"] is None


def test_same_slug_base_gets_a_suffix(gestion):
    client = client_as(gestion)
    client.post(NOUVELLE, structure_data(nom="Café", siren="", siret=""))
    client.post(NOUVELLE, structure_data(nom="Cafe", siren="", siret=""))
    assert dict(Structure.objects.values_list("nom", "slug")) == {"Café": "cafe", "Cafe": "cafe-2"}


# --- présence datée ---------------------------------------------------------------------


def test_presence_dates_are_inclusive():
    s = Structure(nom="Éphémère", arrivee=d(2015, 6, 1), depart=d(2015, 8, 31))
    assert not s.est_presente(d(2015, 5, 31))
    assert s.est_presente(d(2015, 6, 1))
    assert s.est_presente(d(2015, 8, 31))  # present on its departure day
    assert not s.est_partie(d(2015, 8, 31))
    assert not s.est_presente(d(2015, 9, 1))  # gone the day after
    assert s.est_partie(d(2015, 9, 1))
    assert s.periode == "juin – août 2015"


def test_presence_without_departure_or_arrival():
    toujours = Structure(nom="Toujours", arrivee=d(2015, 10, 1))
    assert toujours.est_presente(d(2030, 1, 1)) and not toujours.est_partie(d(2030, 1, 1))
    assert toujours.periode == "depuis octobre 2015"
    inconnue = Structure(nom="Inconnue")
    assert not inconnue.est_presente(d(2015, 6, 1)) and not inconnue.est_partie(d(2015, 6, 1))


def test_presence_queryset_agrees_with_the_property(domaine):
    Structure.objects.create(
        nom="Éphémère", slug="ephemere", arrivee=d(2015, 6, 1), depart=d(2015, 8, 31)
    )
    for day in (d(2015, 5, 31), d(2015, 6, 1), d(2015, 8, 31), d(2015, 9, 1)):
        s = Structure.objects.get(slug="ephemere")
        assert Structure.objects.presentes(day).filter(pk=s.pk).exists() == s.est_presente(day)
        assert Structure.objects.parties(day).filter(pk=s.pk).exists() == s.est_partie(day)


def test_departure_day_in_the_staff_list(gestion, structure_a, time_machine):
    structure_a.depart = d(2015, 8, 31)
    structure_a.save()
    client = client_as(gestion)

    time_machine.move_to(datetime.datetime(2015, 8, 31, 18, tzinfo=datetime.UTC), tick=False)
    assert listed(client.get(LISTE, {"presence": "presentes"})) == ["Halage"]
    assert listed(client.get(LISTE, {"presence": "parties"})) == []

    time_machine.move_to(datetime.datetime(2015, 9, 1, 8, tzinfo=datetime.UTC), tick=False)
    assert listed(client.get(LISTE, {"presence": "presentes"})) == []
    assert listed(client.get(LISTE, {"presence": "parties"})) == ["Halage"]


# --- domaines d'activité ----------------------------------------------------------------


def test_gestion_adds_and_renames_domains(gestion, domaine):
    client = client_as(gestion)
    url = reverse("habitants:domaine-liste")

    added = client.post(url, {"nom": "Culture", "ordre": "2"})
    assert added.status_code == 302
    culture = Domaine.objects.get(nom="Culture")
    assert culture.ordre == 2

    edited = client.post(
        reverse("habitants:domaine-modifier", args=[culture.pk]),
        {"nom": "Culture et médias", "ordre": "0"},
    )
    assert edited.status_code == 302
    culture.refresh_from_db()
    assert (culture.nom, culture.ordre) == ("Culture et médias", 0)
    assert [d.nom for d in client.get(url).context["domaines"]] == [
        "Culture et médias",
        "Insertion sociale et professionnelle",
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"nom": "Insertion sociale et professionnelle", "ordre": "1"}, "nom", "existe déjà"),
        ({"nom": "Culture", "ordre": "-1"}, "ordre", "supérieure ou égale à 0"),
        ({"nom": "Culture", "ordre": "premier"}, "ordre", "Saisissez un nombre entier."),
        ({"nom": "", "ordre": "1"}, "nom", "Ce champ est obligatoire."),
    ],
)
def test_bad_domain_is_a_form_error(gestion, domaine, data, field, message):
    response = client_as(gestion).post(reverse("habitants:domaine-liste"), data)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert Domaine.objects.count() == 1
