"""Le bureau des organisations extérieures, pour l'équipe : la liste (recherche, filtre,
pagination), la fiche (coordonnées, réservations et demandes avec leur statut, factures lues
par la facturation), sa correction par la gestion (validation en français, journal), et la
réservation extérieure pour un client déjà connu ou nouveau, créneau venu du planning.
Chaque test relit la base."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espaces import services
from espaces.facturation.models import Facture
from espaces.models import ClientExterne, Reservation
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as
from tests.espaces.views_fixtures import (
    NOW,
    construire_lieu,
    contient,
    creneau_data,
    inserer,
    paris,
)

pytestmark = pytest.mark.django_db

Statut = Reservation.Statut
LISTE = reverse("espaces:client-liste")
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


def client_ext(nom="Fédération des centres sociaux", email="contact@federation.test", **extra):
    return ClientExterne.objects.create(
        nom=nom,
        email=email,
        adresse_facturation=extra.pop("adresse_facturation", "1 place du Marché, 33000 Bordeaux"),
        **extra,
    )


def fiche(c) -> str:
    return reverse("espaces:client-detail", args=[c.pk])


def modifier(c) -> str:
    return reverse("espaces:client-modifier", args=[c.pk])


@pytest.fixture
def federation(lieu):
    """Une réservation confirmée payante, une demande en attente, une refusée, une échue
    (pas encore marquée), et une réservation passée."""
    c = client_ext(contact="Jeanne Martin", telephone="05 56 00 00 00")
    inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 12),
        externe=c,
        titre="Assemblée générale",
        montant_ht=Decimal("100.00"),
        taux_tva=Decimal("20.00"),
    )
    inserer(
        lieu.salle_a,
        paris(2026, 3, 12, 14),
        paris(2026, 3, 12, 16),
        externe=c,
        titre="Séminaire",
        statut=Statut.EN_ATTENTE,
        expire_le=paris(2026, 3, 9, 8),
    )
    inserer(
        lieu.salle_a,
        paris(2026, 3, 13, 9),
        paris(2026, 3, 13, 10),
        externe=c,
        titre="Refusée",
        statut=Statut.REFUSEE,
    )
    inserer(
        lieu.salle_a,
        paris(2026, 3, 3, 9),
        paris(2026, 3, 3, 10),
        externe=c,
        titre="Échue",
        statut=Statut.EN_ATTENTE,
        expire_le=NOW - datetime.timedelta(hours=1),
    )
    inserer(
        lieu.salle_a,
        paris(2026, 2, 10, 9),
        paris(2026, 2, 10, 10),
        externe=c,
        titre="Formation de février",
    )
    return c


# --- La liste ----------------------------------------------------------------------------


def test_la_liste_dit_l_activite_de_chaque_client(federation, gestion):
    client_ext(nom="Amicale des locataires", email="amicale@example.test")

    response = client_as(gestion).get(LISTE)

    assert [c.nom for c in response.context["page"]] == [
        "Amicale des locataires",
        "Fédération des centres sociaux",
    ]
    fede = response.context["page"][1]
    # Confirmed: the future one and February's; pending: the live one (not the lapsed one).
    assert (fede.nb_reservations, fede.nb_demandes) == (2, 1)
    assert "2 clients extérieurs" in response.text
    assert f'href="{fiche(federation)}"' in response.text


@pytest.mark.parametrize(
    ("q", "attendus"),
    [
        ("fédé", ["Fédération des centres sociaux"]),
        ("FEDERATION", ["Fédération des centres sociaux"]),
        ("AMICALE@", ["Amicale des locataires"]),
        ("jeanne", ["Fédération des centres sociaux"]),
        ("personne", []),
        ("", ["Amicale des locataires", "Fédération des centres sociaux"]),
    ],
)
def test_chercher_par_nom_contact_ou_e_mail(federation, comptable, q, attendus):
    client_ext(nom="Amicale des locataires", email="amicale@example.test")

    response = client_as(comptable).get(LISTE, {"q": q})

    assert [c.nom for c in response.context["page"]] == attendus


def test_filtrer_par_activite(federation, gestion):
    client_ext(nom="Amicale des locataires", email="amicale@example.test")
    staff = client_as(gestion)

    demande = staff.get(LISTE, {"activite": "demande"}).context["page"]
    a_venir = staff.get(LISTE, {"activite": "a_venir"}).context["page"]
    absurde = staff.get(LISTE, {"activite": "n-importe", "q": "a\x00b"})

    assert [c.nom for c in demande] == ["Fédération des centres sociaux"]
    assert [c.nom for c in a_venir] == ["Fédération des centres sociaux"]
    assert absurde.status_code == 200


def compter(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_la_liste_et_la_fiche_font_un_nombre_fixe_de_requetes(federation, lieu, gestion):
    staff = client_as(gestion)
    peu = (compter(staff, LISTE), compter(staff, fiche(federation)))

    for i in range(40):
        c = client_ext(nom=f"Association {i:02d}", email=f"asso{i}@example.test")
        debut = paris(2026, 4, 1, 9) + datetime.timedelta(days=i)
        inserer(lieu.salle_a, debut, debut + datetime.timedelta(hours=1), externe=c)
    for j in range(30):
        inserer(
            lieu.salle_a,
            paris(2026, 5, 4, 8) + datetime.timedelta(days=j),
            paris(2026, 5, 4, 9) + datetime.timedelta(days=j),
            externe=federation,
        )
    beaucoup = (compter(staff, LISTE), compter(staff, fiche(federation)))

    assert beaucoup == peu
    # Session and user, groups, the page and its count; the page's own reads are few.
    assert peu[0] <= 8 and peu[1] <= 12, peu


# --- La fiche -----------------------------------------------------------------------------


def test_la_fiche_montre_coordonnees_historique_et_etats(federation, gestion):
    page = client_as(gestion).get(fiche(federation))
    texte = page.content.decode()

    for attendu in (
        "Jeanne Martin",
        "contact@federation.test",
        'href="tel:0556000000"',
        "1 place du Marché, 33000 Bordeaux",
    ):
        assert attendu in texte
    lignes = [(r.titre, r.statut_lu.label) for r in page.context["page"]]
    # Upcoming first (closest first), then past (latest first); the effective status.
    assert lignes == [
        ("Échue", "Expirée"),
        ("Assemblée générale", "Confirmée"),
        ("Séminaire", "En attente"),
        ("Refusée", "Refusée"),
        ("Formation de février", "Confirmée"),
    ]
    assert f"120,00{NBSP}€" in texte
    assert contient(page, "Modifier la fiche")
    # Booking for this client: a link per room open to outside clients.
    assert (
        f"{reverse('espaces:reserver-externe', args=['salle-a'])}?client={federation.pk}" in texte
    )


def test_la_comptabilite_lit_la_fiche_sans_la_modifier(federation, comptable):
    page = client_as(comptable).get(fiche(federation))

    assert page.status_code == 200
    assert "Modifier la fiche" not in page.text
    assert "Réserver pour" not in page.text
    assert client_as(comptable).get(modifier(federation)).status_code == 403


def test_la_fiche_montre_les_factures_par_la_facturation(federation, comptable):
    emise = Facture.objects.create(
        client_externe=federation,
        mois=datetime.date(2026, 2, 1),
        periode_debut=datetime.date(2026, 2, 1),
        periode_fin=datetime.date(2026, 2, 28),
        total_ht=100,
        total_tva=20,
        total_ttc=120,
    )
    Facture.objects.filter(pk=emise.pk).update(
        statut=Facture.Statut.EMISE,
        serie="F",
        annee=2026,
        rang=7,
        numero="F2026-0007",
        date_emission=datetime.date(2026, 2, 28),
        date_echeance=datetime.date(2026, 3, 30),
    )
    autre = client_ext(nom="Autre", email="autre@example.test")
    Facture.objects.create(
        client_externe=autre,
        mois=datetime.date(2026, 2, 1),
        periode_debut=datetime.date(2026, 2, 1),
        periode_fin=datetime.date(2026, 2, 28),
    )

    page = client_as(comptable).get(fiche(federation)).text

    assert "Facture F2026-0007" in page
    assert reverse("facturation:detail", args=[emise.pk]) in page
    assert "À payer" in page
    # Another client's draft is not on this page.
    assert page.count("Brouillon") == 0


def test_une_fiche_sans_facture_le_dit(federation, gestion):
    page = client_as(gestion).get(fiche(federation))

    assert contient(page, "Aucune facture pour Fédération des centres sociaux")


def test_les_autres_fiches_de_la_meme_adresse(federation, gestion):
    doublon = client_ext(nom="FCS (2e demande)", email="CONTACT@federation.test")

    page = client_as(gestion).get(fiche(federation)).text

    assert f'href="{fiche(doublon)}"' in page and "FCS (2e demande)" in page


def test_fiche_inconnue(gestion):
    assert client_as(gestion).get("/espaces/clients/999999/").status_code == 404
    assert client_as(gestion).get(f"/espaces/clients/{2**70}/").status_code == 404


# --- Corriger la fiche ------------------------------------------------------------------------


def donnees(**extra) -> dict:
    return {
        "organisation": "Fédération des centres sociaux de Gironde",
        "contact": "Jeanne Martin",
        "email": "compta@federation.test",
        "telephone": "05 56 00 00 01",
        "adresse_facturation": "3 cours Victor Hugo\n33000 Bordeaux",
        **extra,
    }


def test_la_gestion_corrige_la_fiche(federation, gestion):
    staff = client_as(gestion)
    response = staff.post(modifier(federation), donnees())

    assert response.url == fiche(federation)
    federation.refresh_from_db()
    assert (federation.nom, federation.email, federation.adresse_facturation) == (
        "Fédération des centres sociaux de Gironde",
        "compta@federation.test",
        "3 cours Victor Hugo\n33000 Bordeaux",
    )
    entree = EntreeJournal.objects.get(operation="client_externe.modifier")
    assert entree.par == gestion
    assert entree.objet_id == str(federation.pk)
    assert entree.changements["e-mail"] == ["contact@federation.test", "compta@federation.test"]
    assert "contact" not in {k.lower() for k in entree.changements} - {"e-mail"}
    assert contient(staff.get(response.url), "Fiche de Fédération des centres")


def test_rien_ne_change_rien_n_est_ecrit(federation, gestion):
    initial = {
        "organisation": federation.nom,
        "contact": federation.contact,
        "email": federation.email,
        "telephone": federation.telephone,
        "adresse_facturation": federation.adresse_facturation,
    }
    response = client_as(gestion).post(modifier(federation), initial)

    assert response.status_code == 302
    assert not EntreeJournal.objects.filter(operation="client_externe.modifier").exists()


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("organisation", "", "Ce champ est obligatoire."),
        ("email", "pas-une-adresse", "Saisissez une adresse de courriel valide."),
        ("email", "x" * 250 + "@example.org", "au plus 254 caractères"),
        ("adresse_facturation", "x" * 501, "au plus 500 caractères"),
        ("telephone", "0" * 31, "au plus 30 caractères"),
        ("organisation", "a\x00b", "Le caractère nul n’est pas autorisé."),
    ],
)
def test_une_saisie_refusee_est_dite_en_francais(federation, gestion, champ, valeur, message):
    avant = ClientExterne.objects.values().get(pk=federation.pk)

    response = client_as(gestion).post(modifier(federation), donnees(**{champ: valeur}))

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[champ])
    assert ClientExterne.objects.values().get(pk=federation.pk) == avant
    assert not EntreeJournal.objects.exists()


def test_le_service_refuse_les_autres_que_la_gestion(federation, comptable, membre_a):
    organisation = services.Organisation(
        nom="Pirate", email="pirate@example.org", adresse_facturation="Ailleurs"
    )
    for user in (comptable, membre_a):
        with pytest.raises(services.EspacesError, match="Seule l'équipe de gestion"):
            services.modifier_client(client=federation, organisation=organisation, par=acteur(user))
    assert ClientExterne.objects.get(pk=federation.pk).nom == "Fédération des centres sociaux"


def test_le_service_valide_comme_le_modele(federation, gestion):
    organisation = services.Organisation(nom="Fédé", email="f@example.test", adresse_facturation="")

    with pytest.raises(services.EspacesError, match="Indiquez : adresse de facturation"):
        services.modifier_client(client=federation, organisation=organisation, par=acteur(gestion))


# --- Réserver pour un client depuis le planning -----------------------------------------------

EXTERNE = reverse("espaces:reserver-externe", args=["salle-a"])


def test_un_lien_du_planning_preremplit_le_creneau_et_dit_le_prix(lieu, gestion):
    page = client_as(gestion).get(
        EXTERNE, {"date": "2026-03-10", "heure_debut": "14:00", "heure_fin": "17:00"}
    )

    form = page.context["form"]
    assert (form.initial["heure_debut"], form.initial["heure_fin"]) == (
        datetime.time(14),
        datetime.time(17),
    )
    # Three hours at the outside rates: 3 × 30 € the hour, cheaper than the half day (100 €).
    assert f"90,00{NBSP}€ HT (108,00{NBSP}€ TTC) pour 3 h" in page.text


def test_le_formulaire_de_reservation_mene_a_la_reservation_exterieure(lieu, gestion, membre_a):
    creneau = "?date=2026-03-10&heure_debut=14:00&heure_fin=15:00"
    url = reverse("espaces:reserver", args=["salle-a"]) + creneau

    page = client_as(gestion).get(url).text
    habitant = client_as(membre_a).get(url).text

    lien = f"{EXTERNE}?date=2026-03-10&amp;heure_debut=14%3A00&amp;heure_fin=15%3A00"
    assert lien in page and "Réserver ce créneau pour une organisation extérieure" in page
    assert "organisation extérieure" not in habitant


def test_reserver_pour_un_client_deja_connu(federation, gestion, mailoutbox):
    page = client_as(gestion).get(EXTERNE, {"client": federation.pk})
    assert page.context["form"].initial["client"] == federation.pk
    assert f'<option value="{federation.pk}" selected>' in page.text

    response = client_as(gestion).post(
        EXTERNE,
        creneau_data(de="14:00", a="15:00", titre="Conseil d'administration", nb_personnes=8)
        | {"client": federation.pk, "organisation": "Ignorée", "email": "ignoree@example.test"},
    )

    r = Reservation.objects.get(titre="Conseil d'administration")
    assert response.url == reverse("espaces:reservation-detail", args=[r.pk])
    assert (r.externe, r.statut, r.par) == (federation, Statut.CONFIRMEE, gestion)
    assert ClientExterne.objects.count() == 1
    # Whoever booked, and the organisation.
    assert [m.to for m in mailoutbox] == [[gestion.email, "contact@federation.test"]]


def test_reserver_pour_une_nouvelle_organisation(lieu, gestion):
    response = client_as(gestion).post(
        EXTERNE,
        creneau_data(de="14:00", a="15:00", titre="AG", nb_personnes=8)
        | {
            "client": "",
            "organisation": "Amicale des locataires",
            "email": "amicale@example.test",
            "adresse_facturation": "2 rue des Lilas",
        },
    )

    assert response.status_code == 302
    r = Reservation.objects.get(titre="AG")
    assert (r.externe.nom, r.externe.email) == ("Amicale des locataires", "amicale@example.test")


def test_ni_client_ni_organisation(lieu, gestion):
    response = client_as(gestion).post(
        EXTERNE, creneau_data(de="14:00", a="15:00", titre="AG", nb_personnes=8)
    )

    assert response.status_code == 200
    erreurs = response.context["form"].errors
    for champ in ("organisation", "email", "adresse_facturation"):
        assert erreurs[champ] == ["Pour une nouvelle organisation, ce champ est obligatoire."]
    assert not Reservation.objects.exists() and not ClientExterne.objects.exists()


@pytest.mark.parametrize("valeur", ["999999", str(2**70), "abc", "\x00"])
def test_un_client_inconnu_est_une_erreur_de_saisie(lieu, gestion, valeur):
    response = client_as(gestion).post(
        EXTERNE,
        creneau_data(de="14:00", a="15:00", titre="AG", nb_personnes=8) | {"client": valeur},
    )
    page = client_as(gestion).get(EXTERNE, {"client": valeur})

    assert response.status_code == 200 and "client" in response.context["form"].errors
    assert page.status_code == 200
    assert not Reservation.objects.exists()


def test_le_service_veut_un_client_ou_une_organisation(federation, lieu, gestion):
    organisation = services.Organisation(
        nom="Autre", email="autre@example.test", adresse_facturation="Ici"
    )
    for kwargs in ({}, {"client": federation, "organisation": organisation}):
        with pytest.raises(services.EspacesError, match="Choisissez un client extérieur"):
            services.reserver_pour_externe(
                ressource=lieu.salle_a,
                debut=paris(2026, 3, 10, 14),
                fin=paris(2026, 3, 10, 15),
                titre="AG",
                nb_personnes=3,
                par=acteur(gestion),
                now=NOW,
                **kwargs,
            )
    assert ClientExterne.objects.count() == 1
