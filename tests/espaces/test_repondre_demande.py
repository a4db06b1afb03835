"""Répondre à une demande publique depuis sa fiche : accepter, refuser (avec un motif),
proposer un autre créneau (la demande y est déplacée par le service de modification et reste
en attente). Chaque réponse part avec l'e-mail que l'équipe a relu et modifié, et s'écrit au
journal ; un refus du service (créneau pris, demande déjà traitée) ne laisse rien : ni
déplacement, ni journal, ni e-mail. Chaque test relit la base."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from espaces import notifications, services
from espaces.models import Reservation
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as, preuve_de_travail
from tests.espaces.views_fixtures import NOW, construire_lieu, contient, inserer, paris

pytestmark = pytest.mark.django_db

Statut = Reservation.Statut


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


@pytest.fixture
def demande(lieu, client):
    """Une vraie demande publique : Salle A, mardi 10 mars 2026 de 9 h à 12 h."""
    response = client.post(
        reverse("espaces:demande-publique"),
        {
            "salle": lieu.salle_a.pk,
            "date": "2026-03-10",
            "heure_debut": "09:00",
            "heure_fin": "12:00",
            "titre": "Assemblée générale",
            "nb_personnes": "8",
            "organisation": "Fédération des centres sociaux",
            "contact": "Jeanne Martin",
            "email": "contact@federation.test",
            "telephone": "05 56 00 00 00",
            "adresse_facturation": "1 place du Marché, 33000 Bordeaux",
            "message": "Nous aurons besoin du vidéoprojecteur.",
            **preuve_de_travail(),
        },
    )
    assert "Demande envoyée" in response.text
    # Its receipt and the team's alert wait for the test's first commit (fixtures run before
    # tests/conftest.py sends them): they are not what these tests look at.
    transaction.get_connection().run_on_commit.clear()
    return Reservation.objects.get(statut=Statut.EN_ATTENTE)


@pytest.fixture
def staff(gestion):
    return client_as(gestion)


def url(nom, r) -> str:
    return reverse(f"espaces:demande-{nom}", args=[r.pk])


def fiche(r) -> str:
    return reverse("espaces:reservation-detail", args=[r.pk])


def journal(operation):
    return list(EntreeJournal.objects.filter(operation=operation))


# --- La fiche ------------------------------------------------------------------------------


def test_la_fiche_dit_qui_demande_et_propose_trois_reponses(demande, staff):
    page = staff.get(fiche(demande))
    texte = page.content.decode()

    for attendu in (
        "Fédération des centres sociaux",
        "Jeanne Martin",
        "mailto:contact@federation.test",
        "05 56 00 00 00",
        "1 place du Marché, 33000 Bordeaux",
        "Nous aurons besoin du vidéoprojecteur.",
    ):
        assert attendu in texte, attendu
    reponses = page.context["reponses"]
    assert set(reponses) == {"accepter", "refuser", "proposer"}
    # Drafts in French, about this request, with the markers the staff fill in.
    accepter = reponses["accepter"].initial["message"]
    assert accepter.startswith("Bonjour Jeanne Martin,")
    assert "Salle A vous est réservée le mar. 10 mars 2026 de 09:00 à 12:00" in accepter
    assert notifications.MARQUE_MOTIF in reponses["refuser"].initial["message"]
    assert notifications.MARQUE_CRENEAU in reponses["proposer"].initial["message"]
    assert reponses["proposer"].initial["heure_debut"] == datetime.time(9)
    for bouton in (
        "Accepter la demande et envoyer l'e-mail",
        "Refuser la demande et envoyer l'e-mail",
        "Proposer ce créneau et envoyer l'e-mail",
    ):
        assert bouton in texte
    # Organisation links to its client page for the staff.
    assert reverse("espaces:client-detail", args=[demande.externe_id]) in texte


def test_la_comptabilite_lit_la_fiche_sans_repondre(demande, comptable):
    page = client_as(comptable).get(fiche(demande))

    assert page.status_code == 200
    assert "Nous aurons besoin du vidéoprojecteur." in page.text
    assert page.context["reponses"] is None
    assert url("accepter", demande) not in page.text


# --- Accepter -------------------------------------------------------------------------------


def test_accepter_avec_l_e_mail_modifie(demande, staff, gestion, mailoutbox):
    texte = "Bonjour Jeanne,\n\nC'est d'accord pour mardi ; la salle sera prête à 8 h 45.\n"

    response = staff.post(url("accepter", demande), {"accepter-message": texte})

    assert response.url == fiche(demande)
    demande.refresh_from_db()
    assert demande.statut == Statut.CONFIRMEE
    (mail,) = mailoutbox
    assert mail.to == ["contact@federation.test"]
    assert mail.body == texte
    assert mail.subject == "[PHARES] Réservation confirmée : Salle A, le mar. 10 mars 2026 à 09:00"
    assert mail.attachments[0][0] == "reservation.ics"
    (entree,) = journal("demande.accepter")
    assert entree.par == gestion
    assert entree.changements["statut"] == ["En attente", "Confirmée"]
    assert entree.changements["e-mail à"] == ["—", "contact@federation.test"]
    assert entree.changements["e-mail"][1].startswith("Bonjour Jeanne, C'est d'accord")
    assert contient(staff.get(response.url), "Demande acceptée : Salle A")


def test_accepter_un_creneau_pris_entre_temps_ne_change_rien(
    demande, lieu, staff, structure_a, membre_a, mailoutbox
):
    services.reserver(
        ressource=lieu.salle_a,
        debut=paris(2026, 3, 10, 11),
        fin=paris(2026, 3, 10, 12),
        titre="Comité",
        structure=structure_a,
        par=acteur(membre_a),
        now=NOW,
    )
    mailoutbox.clear()

    response = staff.post(url("accepter", demande), {"accepter-message": "Texte modifié."})

    # The page again, with what was written and why: the request still waits.
    assert response.status_code == 200
    assert contient(response, "a été réservée entre-temps par Halage (Maud Membre)")
    assert response.context["reponses"]["accepter"].data["accepter-message"] == "Texte modifié."
    assert Reservation.objects.get(pk=demande.pk).statut == Statut.EN_ATTENTE
    assert mailoutbox == [] and journal("demande.accepter") == []


def test_un_e_mail_vide_est_refuse(demande, staff, mailoutbox):
    response = staff.post(url("accepter", demande), {"accepter-message": "   "})

    assert response.status_code == 200
    assert response.context["reponse_ouverte"] == "accepter"
    assert response.context["reponses"]["accepter"].errors["message"]
    assert Reservation.objects.get(pk=demande.pk).statut == Statut.EN_ATTENTE
    assert mailoutbox == []


# --- Refuser ----------------------------------------------------------------------------------


def test_refuser_avec_un_motif_et_l_e_mail_modifie(demande, staff, mailoutbox):
    texte = "Bonjour,\n\nNous ne pouvons pas vous accueillir : [motif]\n\nEssayons en avril ?\n"

    response = staff.post(
        url("refuser", demande),
        {"refuser-motif": "la salle est en travaux ce jour-là.", "refuser-message": texte},
    )

    assert response.url == fiche(demande)
    assert Reservation.objects.get(pk=demande.pk).statut == Statut.REFUSEE
    (mail,) = mailoutbox
    assert mail.subject.startswith("[PHARES] Demande de salle refusée : Salle A")
    assert mail.body == (
        "Bonjour,\n\nNous ne pouvons pas vous accueillir : la salle est en travaux ce "
        "jour-là.\n\nEssayons en avril ?\n"
    )
    (entree,) = journal("demande.refuser")
    assert entree.changements["motif"] == ["—", "la salle est en travaux ce jour-là."]
    assert entree.changements["statut"] == ["En attente", "Refusée"]


def test_refuser_sans_motif_ne_change_rien(demande, staff, mailoutbox):
    response = staff.post(
        url("refuser", demande), {"refuser-motif": "", "refuser-message": "Bonjour."}
    )

    assert response.status_code == 200
    assert response.context["reponse_ouverte"] == "refuser"
    assert response.context["reponses"]["refuser"].errors["motif"]
    assert Reservation.objects.get(pk=demande.pk).statut == Statut.EN_ATTENTE
    assert mailoutbox == [] and journal("demande.refuser") == []


def test_le_service_exige_le_motif(demande, gestion):
    with pytest.raises(services.EspacesError, match="Donnez le motif du refus"):
        services.decider_demande(
            reservation=demande, accepter=False, message="Bonjour.", motif=" ", par=acteur(gestion)
        )
    assert Reservation.objects.get(pk=demande.pk).statut == Statut.EN_ATTENTE


def test_une_demande_deja_traitee(demande, staff, gestion, mailoutbox):
    services.decider_demande(reservation=demande, accepter=True, par=acteur(gestion))
    mailoutbox.clear()

    response = staff.post(
        url("refuser", demande), {"refuser-motif": "Trop tard", "refuser-message": "Bonjour."}
    )

    assert response.url == fiche(demande)
    assert contient(staff.get(response.url), "Cette demande a déjà été traitée.")
    assert Reservation.objects.get(pk=demande.pk).statut == Statut.CONFIRMEE
    assert mailoutbox == []


# --- Proposer un autre créneau -----------------------------------------------------------------


def proposition(jour="2026-03-11", de="14:00", a="17:00", message=None) -> dict:
    return {
        "proposer-date": jour,
        "proposer-heure_debut": de,
        "proposer-heure_fin": a,
        "proposer-message": message
        or "Bonjour Jeanne,\n\nLe 10 est pris ; que diriez-vous du [créneau proposé] ?\n",
    }


def test_proposer_un_autre_creneau(demande, staff, gestion, mailoutbox):
    response = staff.post(url("proposer", demande), proposition())

    assert response.url == fiche(demande)
    demande.refresh_from_db()
    # Moved by the modification service, still waiting for the organisation's answer.
    assert (demande.statut, demande.debut, demande.fin) == (
        Statut.EN_ATTENTE,
        paris(2026, 3, 11, 14),
        paris(2026, 3, 11, 17),
    )
    assert demande.sequence == 1
    # Three hours at the outside rates, priced again for the new slot.
    assert demande.montant.ttc > 0
    (mail,) = mailoutbox
    assert mail.to == ["contact@federation.test"]
    assert mail.subject == (
        "[PHARES] Autre créneau proposé pour votre demande : Salle A, le mer. 11 mars 2026 à 14:00"
    )
    assert mail.body == (
        "Bonjour Jeanne,\n\nLe 10 est pris ; que diriez-vous du mer. 11 mars 2026 de 14:00 "
        "à 17:00 ?\n"
    )
    (deplacement,) = journal("reservation.modifier")
    assert "Demande modifiée" in deplacement.libelle
    (entree,) = journal("demande.proposer")
    assert entree.par == gestion
    assert entree.changements["créneau"] == [
        "le 10/03/2026 de 09:00 à 12:00",
        "le 11/03/2026 de 14:00 à 17:00",
    ]
    assert contient(staff.get(response.url), "Autre créneau proposé : Salle A")


def test_proposer_un_creneau_pris_ne_change_rien(
    demande, lieu, staff, structure_a, membre_a, mailoutbox
):
    inserer(
        lieu.salle_a,
        paris(2026, 3, 11, 15),
        paris(2026, 3, 11, 16),
        structure=structure_a,
        titre="Comité",
    )
    avant = Reservation.objects.values().get(pk=demande.pk)
    entrees = EntreeJournal.objects.count()

    response = staff.post(url("proposer", demande), proposition())

    assert response.status_code == 200
    assert contient(response, "Salle A est déjà réservée de 15:00 à 16:00 le mer. 11 mars 2026")
    # The slot and the text the staff typed are kept on the page.
    form = response.context["reponses"]["proposer"]
    assert form.data["proposer-heure_debut"] == "14:00"
    assert response.context["reponse_ouverte"] == "proposer"
    assert Reservation.objects.values().get(pk=demande.pk) == avant
    assert EntreeJournal.objects.count() == entrees
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        (proposition(de="07:00", a="09:00"), "Salle A est ouverte de 08:00 à 20:00."),
        (proposition(jour="2026-03-01"), "Ce créneau est dans le passé."),
        (proposition(jour="2026-03-10", de="09:00", a="12:00"), "C'est déjà le créneau"),
    ],
)
def test_proposer_un_creneau_impossible(demande, staff, mailoutbox, donnees, message):
    avant = Reservation.objects.values().get(pk=demande.pk)

    response = staff.post(url("proposer", demande), donnees)

    assert response.status_code == 200
    assert contient(response, message)
    assert Reservation.objects.values().get(pk=demande.pk) == avant
    assert mailoutbox == [] and journal("demande.proposer") == []


@pytest.mark.parametrize(
    "donnees",
    [
        proposition(jour="pas une date"),
        proposition(de="25:00"),
        proposition(de="17:00", a="14:00"),
        proposition(message="x" * 5001),
        {"proposer-message": "a\x00b"},
    ],
)
def test_une_saisie_illisible_est_une_erreur_de_formulaire(demande, staff, mailoutbox, donnees):
    response = staff.post(url("proposer", demande), donnees)

    assert response.status_code == 200
    assert response.context["reponses"]["proposer"].errors
    assert Reservation.objects.get(pk=demande.pk).debut == paris(2026, 3, 10, 9)
    assert mailoutbox == []


def test_une_proposition_annulee_n_envoie_rien(demande, gestion, mailoutbox):
    """Tout ou rien : si la transaction qui l'entoure est annulée, ni déplacement, ni
    journal, ni e-mail (il part à la validation, pas avant)."""
    mailoutbox.clear()
    with transaction.atomic():
        services.proposer_creneau(
            reservation=demande,
            debut=paris(2026, 3, 11, 14),
            fin=paris(2026, 3, 11, 17),
            message="Bonjour, [créneau proposé] ?",
            par=acteur(gestion),
            now=NOW,
        )
        assert mailoutbox == []
        transaction.set_rollback(True)

    assert Reservation.objects.get(pk=demande.pk).debut == paris(2026, 3, 10, 9)
    assert journal("demande.proposer") == [] and journal("reservation.modifier") == []
    assert mailoutbox == []


def test_une_demande_echue_ne_se_propose_plus(demande, staff, time_machine, mailoutbox):
    time_machine.move_to(demande.expire_le + datetime.timedelta(minutes=1), tick=False)

    response = staff.post(url("proposer", demande), proposition())

    assert response.url == fiche(demande)
    assert contient(staff.get(response.url), "Cette demande a expiré")
    assert Reservation.objects.get(pk=demande.pk).debut == paris(2026, 3, 10, 9)
    assert mailoutbox == []


# --- Qui répond -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["comptable", "referent_a", "membre_a", "habitant_b"])
def test_seule_la_gestion_repond(demande, personas, persona, mailoutbox):
    client = client_as(personas[persona])
    avant = Reservation.objects.values().get(pk=demande.pk)

    statuts = {
        client.post(url("accepter", demande), {"accepter-message": "Oui"}).status_code,
        client.post(
            url("refuser", demande), {"refuser-motif": "Non", "refuser-message": "Non"}
        ).status_code,
        client.post(url("proposer", demande), proposition()).status_code,
    }

    assert statuts == {403}
    assert Reservation.objects.values().get(pk=demande.pk) == avant
    assert mailoutbox == []


def test_le_service_de_proposition_est_pour_la_gestion(demande, comptable):
    with pytest.raises(services.EspacesError, match="Seule l'équipe de gestion"):
        services.proposer_creneau(
            reservation=demande,
            debut=paris(2026, 3, 11, 14),
            fin=paris(2026, 3, 11, 17),
            message="Bonjour",
            par=acteur(comptable),
            now=NOW,
        )


def test_le_tableau_de_bord_decide_toujours_avec_l_e_mail_du_gabarit(demande, staff, mailoutbox):
    """Décider sur place (sans e-mail écrit) reste possible : le gabarit habituel part."""
    staff.post(reverse("espaces:reservation-decider", args=[demande.pk]), {"decision": "refuser"})

    (mail,) = mailoutbox
    assert "Nous ne pouvons pas accueillir votre demande sur ce créneau" in mail.body
    (entree,) = journal("demande.refuser")
    assert "motif" not in entree.changements and "e-mail" not in entree.changements


def test_les_fins_de_ligne_du_navigateur_sont_rendues_simples(demande, staff, mailoutbox):
    """Un navigateur poste les lignes d'une zone de texte avec CRLF : l'e-mail part avec
    des fins de ligne simples."""
    staff.post(url("accepter", demande), {"accepter-message": "Bonjour,\r\n\r\nC'est d'accord."})

    (mail,) = mailoutbox
    assert mail.body == "Bonjour,\n\nC'est d'accord.\n"
