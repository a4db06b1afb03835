"""Déplacer ou modifier une réservation : les règles d'une réservation (horaires, durée,
capacité, présence, créneau libre hors elle-même, préavis), le forfait repris sans elle,
le prix redemandé s'il monte, le journal « avant → après », l'e-mail avec un .ics de
version supérieure ; une occurrence de série seule ; une demande déplacée par l'équipe."""

import datetime
from decimal import Decimal

import icalendar
import pytest
from django.core import mail

from espaces import ics, services
from espaces.models import ClientExterne, ForfaitSalles, Reservation
from phares.lib.acteur import Acteur
from phares.models import EntreeJournal
from tests.conftest import acteur
from tests.espaces.conftest import JOUR, NOW, creneau, paris
from tests.espaces.views_fixtures import inserer

pytestmark = pytest.mark.django_db

Statut = Reservation.Statut
UTC = datetime.UTC


def reserver(salle, structure, user, h1=9, h2=10, jour=JOUR):
    return services.reserver(
        ressource=salle,
        debut=paris(jour.year, jour.month, jour.day, h1),
        fin=paris(jour.year, jour.month, jour.day, h2),
        titre="Comité",
        structure=structure,
        par=acteur(user),
        nb_personnes=4,
        now=NOW,
    )


def modifier(r, user, h1, h2, *, jour=JOUR, titre=None, nb=None, par=None, **kw):
    return services.modifier_reservation(
        reservation=r,
        debut=paris(jour.year, jour.month, jour.day, *h1),
        fin=paris(jour.year, jour.month, jour.day, *h2),
        titre=titre or r.titre,
        nb_personnes=nb or r.nb_personnes,
        par=par or acteur(user),
        now=kw.pop("now", NOW),
        **kw,
    )


def evenement(message) -> icalendar.Event:
    (ics,) = [a for a in message.attachments if a[2].startswith("text/calendar")]
    content = ics[1].encode() if isinstance(ics[1], str) else ics[1]
    (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    return event


def test_deplacer_a_une_autre_heure(salle, structure_a, membre_a):
    r = reserver(salle, structure_a, membre_a)
    mail.outbox.clear()

    modifiee = modifier(r, membre_a, (14, 0), (15, 30), titre="Comité élargi")

    r.refresh_from_db()
    assert (r.debut, r.fin) == creneau(14, 0, 15, 30)
    assert r.titre == "Comité élargi"
    assert r.fin_bloquee == r.fin
    assert r.sequence == modifiee.sequence == 1
    entree = EntreeJournal.objects.get(operation="reservation.modifier")
    assert entree.libelle == (
        "Réservation modifiée : Salle Phare le 10/03/2026 de 14:00 à 15:30 pour Halage "
        "(avant : le 10/03/2026 de 09:00 à 10:00)"
    )
    assert entree.changements == {
        "début": ["10/03/2026 09:00", "10/03/2026 14:00"],
        "fin": ["10/03/2026 10:00", "10/03/2026 15:30"],
        "objet": ["Comité", "Comité élargi"],
    }
    assert entree.structure_id == structure_a.pk
    (message,) = mail.outbox
    assert (
        message.subject
        == "[PHARES] Réservation modifiée : Salle Phare, le mar. 10 mars 2026 à 14:00"
    )
    # The e-mail says dates like the pages; only the journal keeps DD/MM/YYYY.
    assert "(avant : le mar. 10 mars 2026, de 09:00 à 10:00)" in message.body
    assert "10/03/2026" not in message.body
    event = evenement(message)
    # Same UID, higher SEQUENCE: the calendar replaces the event it already has.
    assert str(event["uid"]) == f"reservation-{r.pk}@phares"
    assert event["sequence"] == 1
    assert event.decoded("dtstart") == datetime.datetime(2026, 3, 10, 13, 0, tzinfo=UTC)


def test_annuler_augmente_aussi_la_version(salle, structure_a, membre_a):
    r = reserver(salle, structure_a, membre_a)
    modifier(r, membre_a, (11, 0), (12, 0))
    mail.outbox.clear()

    services.annuler(reservation=r, par=acteur(membre_a), now=NOW)

    r.refresh_from_db()
    assert r.sequence == 2
    event = evenement(mail.outbox[0])
    assert (event["sequence"], str(event["status"])) == (2, "CANCELLED")


def test_un_creneau_qui_chevauche_le_sien_est_libre(salle, structure_a, membre_a):
    r = reserver(salle, structure_a, membre_a)

    modifier(r, membre_a, (9, 30), (10, 30))

    r.refresh_from_db()
    assert (r.debut, r.fin) == creneau(9, 30, 10, 30)


def test_un_creneau_pris_est_refuse_sans_rien_ecrire(
    salle, structure_a, structure_b, membre_a, habitant_b
):
    r = reserver(salle, structure_a, membre_a)
    reserver(salle, structure_b, habitant_b, 11, 12)
    mail.outbox.clear()
    entrees = EntreeJournal.objects.count()

    with pytest.raises(services.ConflitError, match="déjà réservée de 11:00 à 12:00"):
        modifier(r, membre_a, (10, 30), (11, 30))

    r.refresh_from_db()
    assert (r.debut, r.fin, r.sequence) == (*creneau(9, 0, 10, 0), 0)
    assert EntreeJournal.objects.count() == entrees
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("jour", "h1", "h2", "nb", "message"),
    [
        (datetime.date(2026, 3, 14), (9, 0), (10, 0), 4, "n'est pas ouverte ce jour-là"),
        (JOUR, (7, 0), (8, 0), 4, "est ouverte de 08:00 à 20:00"),
        (JOUR, (9, 0), (9, 15), 4, "Durée minimale : 30 min."),
        (JOUR, (8, 0), (19, 0), 4, "Durée maximale : 10 h."),
        (JOUR, (9, 0), (11, 0), 11, "accueille 10 personnes au plus"),
        (datetime.date(2026, 3, 1), (9, 0), (10, 0), 4, "Ce créneau est dans le passé."),
    ],
)
def test_les_regles_d_une_reservation(salle, structure_a, membre_a, jour, h1, h2, nb, message):
    r = reserver(salle, structure_a, membre_a)

    with pytest.raises(services.EspacesError, match=message):
        modifier(r, membre_a, h1, h2, jour=jour, nb=nb)

    r.refresh_from_db()
    assert (r.debut, r.nb_personnes, r.sequence) == (creneau(9, 0, 10, 0)[0], 4, 0)


def test_la_capacite_compte_meme_sans_deplacer(salle, structure_a, membre_a):
    r = reserver(salle, structure_a, membre_a)

    with pytest.raises(services.EspacesError, match="accueille 10 personnes au plus"):
        modifier(r, membre_a, (9, 0), (10, 0), nb=12)


def test_pas_au_dela_du_depart_de_la_structure(salle, structure_a, membre_a):
    r = reserver(salle, structure_a, membre_a)
    structure_a.depart = datetime.date(2026, 3, 12)
    structure_a.save()

    with pytest.raises(services.EspacesError, match=r"n'est pas hébergée au PHARES le ven\. 13"):
        modifier(r, membre_a, (9, 0), (10, 0), jour=datetime.date(2026, 3, 13))


def test_dans_le_preavis_l_equipe_seulement(salle, structure_a, membre_a, gestion):
    """Préavis de 24 h : à 12 h la veille, l'habitante ne déplace plus ; l'équipe, si."""
    r = reserver(salle, structure_a, membre_a)
    veille = paris(2026, 3, 9, 12)

    with pytest.raises(services.EspacesError, match="Modification possible jusqu'à 24 h avant"):
        modifier(r, membre_a, (11, 0), (12, 0), now=veille)
    modifier(r, gestion, (11, 0), (12, 0), now=veille)

    r.refresh_from_db()
    assert r.debut == creneau(11, 0, 12, 0)[0]


@pytest.mark.parametrize("etat", ["passee", "annulee"])
def test_une_reservation_passee_ou_annulee_ne_se_modifie_plus(
    salle, structure_a, membre_a, gestion, etat
):
    r = reserver(salle, structure_a, membre_a)
    if etat == "annulee":
        services.annuler(reservation=r, par=acteur(membre_a), now=NOW)
        attendu, now = "Cette réservation est annulée : elle ne peut plus être modifiée.", NOW
    else:
        attendu, now = (
            "Cette réservation est passée : elle ne peut plus être modifiée.",
            paris(2026, 3, 10, 11),
        )

    with pytest.raises(services.EspacesError) as exc:
        modifier(r, gestion, (14, 0), (15, 0), jour=datetime.date(2026, 3, 11), now=now)

    assert str(exc.value) == attendu


def test_la_regle_de_ce_qui_peut_encore_changer(salle, structure_a, membre_a, client_externe):
    """Une seule écriture (Reservation.refus_changement) pour les services et les pages :
    active et pas finie ; une demande échue ne change plus, même pas encore marquée."""
    r = reserver(salle, structure_a, membre_a)
    demande = inserer(
        salle,
        *creneau(11, 0, 12, 0),
        externe=client_externe,
        statut=Statut.EN_ATTENTE,
        expire_le=paris(2026, 3, 5, 8),
    )

    assert r.refus_changement(NOW) is None
    assert demande.refus_changement(NOW) is None
    assert r.refus_changement(paris(2026, 3, 10, 10)) == (
        "Cette réservation est passée : elle ne peut plus être modifiée ni annulée."
    )
    assert demande.refus_changement(paris(2026, 3, 5, 8)) == (
        "Cette demande a expiré : elle n'attend plus de réponse."
    )
    r.statut = Statut.REFUSEE
    assert r.refus_changement(NOW, pour="annulée") == (
        "Cette réservation est refusée : elle ne peut plus être annulée."
    )
    r.statut = Statut.ANNULEE
    assert r.refus_changement(NOW, pour="annulée") == (
        "Cette réservation est déjà annulée : elle n'est plus active."
    )


@pytest.mark.parametrize("qui", ["habitant_b", "comptable", "associe"])
def test_on_ne_modifie_pas_la_reservation_d_une_autre_structure(
    salle, structure_a, membre_a, personas, qui
):
    r = reserver(salle, structure_a, membre_a)

    with pytest.raises(services.EspacesError, match="Vous n'êtes pas membre de Halage"):
        modifier(r, personas[qui], (11, 0), (12, 0))


def test_un_utilisateur_a_la_place_d_un_acteur(salle, structure_a, membre_a):
    r = reserver(salle, structure_a, membre_a)

    with pytest.raises(TypeError):
        modifier(r, membre_a, (11, 0), (12, 0), par=membre_a)


def test_rien_ne_change_rien_n_est_ecrit(salle, structure_a, membre_a):
    r = reserver(salle, structure_a, membre_a)
    mail.outbox.clear()

    modifier(r, membre_a, (9, 0), (10, 0))

    r.refresh_from_db()
    assert r.sequence == 0
    assert not EntreeJournal.objects.filter(operation="reservation.modifier").exists()
    assert mail.outbox == []


# --- Le prix ---------------------------------------------------------------------------


@pytest.fixture
def forfait_2h(structure_a):
    return ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=2, debut=datetime.date(2015, 1, 1)
    )


def test_deplacer_ne_compte_pas_la_reservation_contre_elle_meme(
    salle, tarifs, forfait_2h, structure_a, membre_a
):
    r = reserver(salle, structure_a, membre_a, 9, 11)

    modifier(r, membre_a, (14, 0), (16, 0), prix_accepte=Decimal(0))

    r.refresh_from_db()
    assert (r.minutes_facturables, r.montant_ht) == (0, Decimal("0.00"))


def test_allonger_au_dela_du_forfait_est_repaye_et_redemande(
    salle, tarifs, forfait_2h, structure_a, membre_a
):
    """2 h incluses : passer de 2 h à 3 h en facture une, à 10 € HT (12 € TTC)."""
    r = reserver(salle, structure_a, membre_a, 9, 11)
    mail.outbox.clear()

    with pytest.raises(services.PrixError, match="Rien n'est modifié : le prix est maintenant"):
        modifier(r, membre_a, (9, 0), (12, 0), prix_accepte=r.montant.ttc)
    r.refresh_from_db()
    assert (r.fin, r.montant_ht, r.sequence) == (creneau(9, 0, 11, 0)[1], Decimal("0.00"), 0)
    assert mail.outbox == []

    modifier(r, membre_a, (9, 0), (12, 0), prix_accepte=Decimal("12.00"))
    r.refresh_from_db()
    assert (r.minutes_facturables, r.montant_ht) == (60, Decimal("10.00"))
    assert r.tarif == tarifs["salle_habitant_heure"]
    changements = EntreeJournal.objects.get(operation="reservation.modifier").changements
    assert changements["montant HT"] == ["0", "10"]
    assert changements["minutes facturables"] == ["0", "60"]


def test_changer_l_objet_garde_le_prix_fige(salle, tarifs, forfait_2h, structure_a, membre_a):
    """La première réservation du mois était dans le forfait ; une seconde l'a épuisé. Changer
    l'objet de la première ne la refait pas payer."""
    premiere = reserver(salle, structure_a, membre_a, 9, 11)
    reserver(salle, structure_a, membre_a, 14, 16)

    modifier(premiere, membre_a, (9, 0), (11, 0), titre="Comité de pilotage")

    premiere.refresh_from_db()
    assert (premiere.titre, premiere.montant_ht) == ("Comité de pilotage", Decimal("0.00"))


# --- Séries et demandes -------------------------------------------------------------------


def test_une_occurrence_de_serie_se_modifie_seule(salle, structure_a, membre_a):
    creneaux = services.occurrences(*creneau(9, 0, 10, 0), frequence="hebdomadaire", nombre=3)
    _, faites, _ = services.reserver_serie(
        ressource=salle,
        creneaux=creneaux,
        frequence="hebdomadaire",
        intervalle=1,
        jusqu_au=None,
        nombre=3,
        titre="Permanence",
        par=acteur(membre_a),
        structure=structure_a,
        now=NOW,
    )

    modifier(faites[1], membre_a, (14, 0), (15, 0), jour=datetime.date(2026, 3, 17))

    apres = list(Reservation.objects.order_by("debut"))
    assert [temps for temps in (r.debut for r in apres)] == [
        paris(2026, 3, 10, 9),
        paris(2026, 3, 17, 14),
        paris(2026, 3, 24, 9),
    ]
    assert {r.serie_id for r in apres} == {faites[0].serie_id}


def test_l_equipe_deplace_une_demande_puis_l_accepte(
    salle_formation, tarifs, structure_b, habitant_b, gestion
):
    """La demande de 9 h à 12 h tombe sur une réservation : l'équipe la déplace l'après-midi,
    puis l'accepte ; l'organisation reçoit l'e-mail de la modification puis de la confirmation."""
    client = ClientExterne.objects.create(
        nom="Fédération", email="contact@federation.test", adresse_facturation="Bordeaux"
    )
    demande = inserer(
        salle_formation,
        *creneau(9, 0, 12, 0),
        externe=client,
        statut=Statut.EN_ATTENTE,
        expire_le=paris(2026, 3, 9, 8),
    )
    reserver(salle_formation, structure_b, habitant_b, 10, 11)
    mail.outbox.clear()

    with pytest.raises(services.EspacesError, match="Seule l'équipe de gestion"):
        modifier(demande, habitant_b, (14, 0), (17, 0))
    modifier(demande, gestion, (14, 0), (17, 0))
    demande.refresh_from_db()
    assert (demande.statut, demande.debut) == (Statut.EN_ATTENTE, creneau(14, 0, 17, 0)[0])
    assert demande.montant_ht == Decimal("75.00")  # three hours at 25 € beat the half-day (80 €)
    services.decider_demande(reservation=demande, accepter=True, par=acteur(gestion), now=NOW)

    demande.refresh_from_db()
    assert (demande.statut, demande.sequence) == (Statut.CONFIRMEE, 2)
    assert [m.subject.split(" : ")[0] for m in mail.outbox] == [
        "[PHARES] Demande de salle modifiée",
        "[PHARES] Réservation confirmée",
    ]
    assert mail.outbox[0].to == ["contact@federation.test"]


def test_une_demande_deplacee_n_attend_pas_apres_son_debut(salle_formation, gestion):
    client = ClientExterne.objects.create(
        nom="Fédération", email="contact@federation.test", adresse_facturation="Bordeaux"
    )
    demande = inserer(
        salle_formation,
        *creneau(9, 0, 12, 0),
        externe=client,
        statut=Statut.EN_ATTENTE,
        expire_le=paris(2026, 3, 9, 8),
    )

    modifier(demande, gestion, (14, 0), (16, 0), jour=datetime.date(2026, 3, 4))

    demande.refresh_from_db()
    assert demande.expire_le == paris(2026, 3, 4, 14)


def test_une_commande_deplace_aussi(salle, structure_a, membre_a):
    r = reserver(salle, structure_a, membre_a)

    modifier(r, None, (15, 0), (16, 0), par=Acteur.systeme("test"))

    assert EntreeJournal.objects.get(operation="reservation.modifier").par_libelle == (
        "système (test)"
    )


def test_les_flux_d_agenda_portent_la_version(salle, structure_a, membre_a):
    r = reserver(salle, structure_a, membre_a)
    modifier(r, membre_a, (14, 0), (15, 0))

    flux = ics.calendrier(Reservation.objects.all(), nom="Salle Phare")

    (event,) = icalendar.Calendar.from_ical(flux).walk("VEVENT")
    assert event["sequence"] == 1
    assert event.decoded("dtstart") == datetime.datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
