"""Chaque opération de réservation : qui agit pour qui, une entrée au journal (une pour
une série), ses e-mails après la validation seulement, et le prix comme valeur typée."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from espaces import selectors, services
from espaces.models import ClientExterne, ForfaitSalles, Reservation, SerieReservations, Tarif
from espaces.services._erreurs import enregistrer
from phares.lib.acteur import Acteur
from phares.lib.money import Montant
from phares.models import EntreeJournal
from tests.conftest import client_as
from tests.espaces.conftest import JOUR, NOW, creneau, paris

pytestmark = pytest.mark.django_db

Statut = Reservation.Statut


def personne(user, rid="req-0001-test"):
    return Acteur.personne(user, request_id=rid)


def reserver(salle, structure, par, h1=9, h2=10, jour=JOUR, **kw):
    return services.reserver(
        ressource=salle,
        debut=paris(jour.year, jour.month, jour.day, h1),
        fin=paris(jour.year, jour.month, jour.day, h2),
        titre="Comité de pilotage",
        structure=structure,
        par=par,
        now=NOW,
        **kw,
    )


ORGANISATION = services.Organisation(
    nom="Fédération des centres sociaux",
    email="contact@federation.test",
    adresse_facturation="1 place du Marché, 33000 Bordeaux",
    contact="Jeanne Martin",
)


# --- Qui agit pour qui --------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["comptable", "habitant_b", "associe"])
def test_on_ne_reserve_pas_pour_une_structure_dont_on_n_est_pas_membre(
    salle, structure_a, personas, qui
):
    with pytest.raises(services.EspacesError) as exc:
        reserver(salle, structure_a, personne(personas[qui]))

    assert str(exc.value) == (
        "Vous n'êtes pas membre de Halage : vous ne pouvez pas agir pour elle."
    )
    assert not Reservation.objects.exists() and not EntreeJournal.objects.exists()


@pytest.mark.parametrize("qui", ["membre_a", "referent_a", "gestion", "systeme"])
def test_membres_equipe_et_systeme_reservent(salle, structure_a, personas, qui):
    par = Acteur.systeme("demo") if qui == "systeme" else personne(personas[qui])

    r = reserver(salle, structure_a, par)

    assert r.par == (None if qui == "systeme" else personas[qui])


@pytest.mark.parametrize("qui", ["comptable", "membre_a"])
def test_seule_la_gestion_reserve_pour_un_exterieur(salle_formation, personas, qui):
    with pytest.raises(services.EspacesError, match="Seule l'équipe de gestion réserve"):
        services.reserver_pour_externe(
            ressource=salle_formation,
            debut=paris(2026, 3, 10, 9),
            fin=paris(2026, 3, 10, 12),
            titre="AG",
            nb_personnes=10,
            organisation=ORGANISATION,
            par=personne(personas[qui]),
            now=NOW,
        )
    assert not ClientExterne.objects.exists()


@pytest.mark.parametrize("qui", ["comptable", "habitant_b"])
def test_on_n_annule_pas_la_reservation_d_une_autre_structure(
    salle, structure_a, membre_a, personas, qui
):
    r = reserver(salle, structure_a, personne(membre_a))

    with pytest.raises(services.EspacesError, match="pas membre de Halage"):
        services.annuler(reservation=r, par=personne(personas[qui]), now=NOW)

    assert Reservation.objects.get(pk=r.pk).statut == Statut.CONFIRMEE


def test_un_service_refuse_un_utilisateur_a_la_place_d_un_acteur(salle, structure_a, membre_a):
    with pytest.raises(TypeError, match=r"^par= attend un phares\.lib\.acteur\.Acteur"):
        reserver(salle, structure_a, membre_a)
    assert not Reservation.objects.exists()


def test_objet_trop_long(salle, structure_a, membre_a):
    with pytest.raises(services.EspacesError, match=r"^L'objet tient en 200 caractères au plus\.$"):
        services.reserver(
            ressource=salle,
            debut=paris(2026, 3, 10, 9),
            fin=paris(2026, 3, 10, 10),
            titre="x" * 201,
            structure=structure_a,
            par=personne(membre_a),
            now=NOW,
        )
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("adresse_facturation", "x" * 501, "Adresse de facturation : 500 caractères au plus."),
        ("nom", "x" * 201, "Organisation : 200 caractères au plus."),
        ("nom", "  ", "Indiquez : organisation."),
        ("email", "pas-une-adresse", "Adresse e-mail invalide."),
    ],
)
def test_un_client_exterieur_borne(salle_formation, gestion, champ, valeur, message):
    organisation = services.Organisation(**{**ORGANISATION.__dict__, champ: valeur})

    with pytest.raises(services.EspacesError) as exc:
        services.reserver_pour_externe(
            ressource=salle_formation,
            debut=paris(2026, 3, 10, 9),
            fin=paris(2026, 3, 10, 12),
            titre="AG",
            nb_personnes=10,
            organisation=organisation,
            par=personne(gestion),
            now=NOW,
        )

    assert str(exc.value) == message
    assert not ClientExterne.objects.exists() and not Reservation.objects.exists()


# --- Journal : une entrée par opération -----------------------------------------------------


def test_reserver_ecrit_une_entree(salle, structure_a, membre_a):
    r = reserver(salle, structure_a, personne(membre_a))

    (entree,) = EntreeJournal.objects.all()
    assert entree.operation == "reservation.creer"
    assert entree.libelle == (
        "Réservation de Salle Phare le 10/03/2026 de 09:00 à 10:00 pour Halage"
    )
    assert (entree.par, entree.request_id) == (membre_a, "req-0001-test")
    assert (entree.structure_id, entree.structure_nom) == (structure_a.pk, "Halage")
    assert (entree.objet_type, entree.objet_id) == ("espaces.reservation", str(r.pk))
    assert entree.changements["début"] == ["—", "10/03/2026 09:00"]
    assert entree.changements["statut"] == ["—", "Confirmée"]


def test_un_refus_n_ecrit_rien(salle, structure_a, structure_b, membre_a, habitant_b):
    reserver(salle, structure_a, personne(membre_a))
    avant = EntreeJournal.objects.count()

    with pytest.raises(services.ConflitError):
        reserver(salle, structure_b, personne(habitant_b))

    assert EntreeJournal.objects.count() == avant


def test_annuler_ecrit_avant_apres(salle, structure_a, membre_a, referent_a):
    r = reserver(salle, structure_a, personne(membre_a))

    services.annuler(reservation=r, par=personne(referent_a, "req-annulation"), now=NOW)

    entree = EntreeJournal.objects.get(operation="reservation.annuler")
    assert entree.libelle == (
        "Réservation annulée : Salle Phare le 10/03/2026 de 09:00 à 10:00 pour Halage"
    )
    assert entree.changements == {"statut": ["Confirmée", "Annulée"]}
    assert (entree.par, entree.request_id) == (referent_a, "req-annulation")


def test_une_serie_une_entree_a_la_creation_et_a_l_annulation(salle, structure_a, membre_a):
    creneaux = services.occurrences(
        paris(2026, 3, 9, 9), paris(2026, 3, 9, 10), frequence="hebdomadaire", nombre=8
    )
    serie, faites, _ = services.reserver_serie(
        ressource=salle,
        creneaux=creneaux,
        frequence="hebdomadaire",
        intervalle=1,
        jusqu_au=None,
        nombre=8,
        titre="Permanence",
        par=personne(membre_a),
        structure=structure_a,
        now=NOW,
    )
    assert len(faites) == 8

    (entree,) = EntreeJournal.objects.all()
    assert entree.operation == "serie.creer"
    assert entree.libelle == (
        "Série de 8 réservations de Salle Phare, chaque semaine, du 09/03/2026 au 27/04/2026, "
        "de 09:00 à 10:00, pour Halage"
    )
    assert (entree.objet_type, entree.objet_id) == ("espaces.seriereservations", str(serie.pk))

    services.annuler_serie(reservation=faites[5], a_partir=True, par=personne(membre_a), now=NOW)

    entree = EntreeJournal.objects.get(operation="serie.annuler")
    assert entree.libelle == (
        "Série annulée à partir du 13/04/2026 : 3 réservations de Salle Phare pour Halage"
    )
    assert EntreeJournal.objects.count() == 2


def test_reserver_un_velo_une_entree(velos, structure_a, membre_a):
    services.reserver_velo(
        debut=paris(2026, 3, 10, 9),
        fin=paris(2026, 3, 10, 10),
        titre="Livraison",
        structure=structure_a,
        par=personne(membre_a),
        now=NOW,
    )

    (entree,) = EntreeJournal.objects.all()
    assert entree.libelle == "Réservation de Vélo 1 le 10/03/2026 de 09:00 à 10:00 pour Halage"


def test_reservation_exterieure_le_client_et_la_reservation_ensemble(
    salle_formation, tarifs, gestion
):
    r = services.reserver_pour_externe(
        ressource=salle_formation,
        debut=paris(2026, 3, 10, 9),
        fin=paris(2026, 3, 10, 12),
        titre="AG",
        nb_personnes=10,
        organisation=ORGANISATION,
        par=personne(gestion),
        now=NOW,
    )

    assert (r.statut, r.par, r.externe.contact) == (Statut.CONFIRMEE, gestion, "Jeanne Martin")
    (entree,) = EntreeJournal.objects.all()
    assert entree.libelle == (
        "Réservation extérieure de Salle Estuaire le 10/03/2026 de 09:00 à 12:00 pour "
        "Fédération des centres sociaux (extérieur)"
    )
    assert entree.structure_id is None


# --- E-mails : après la validation seulement ----------------------------------------------


def test_une_reservation_annulee_avec_sa_transaction_n_envoie_rien(salle, structure_a, membre_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        reserver(salle, structure_a, personne(membre_a))
        raise RuntimeError("la suite de l'opération échoue")

    assert not Reservation.objects.exists()
    assert not EntreeJournal.objects.exists()
    assert mail.outbox == []


def test_les_e_mails_partent_apres_la_validation(salle, structure_a, membre_a):
    with transaction.atomic():
        r = reserver(salle, structure_a, personne(membre_a))
        assert mail.outbox == []  # not yet: the transaction may still roll back

    (message,) = mail.outbox
    assert message.to == ["membre@halage.test"]
    # The link comes from PHARES_URL: there is no request after the commit.
    assert f"http://phares.test/reservations/{r.pk}/" in message.body


def test_le_ics_joint_dit_son_jeu_de_caracteres_une_fois(salle, structure_a, membre_a):
    reserver(salle, structure_a, personne(membre_a))

    (message,) = mail.outbox
    (partie,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    entete = partie["Content-Type"]
    assert entete.count("charset") == 1
    assert partie.get_param("method") == "PUBLISH"
    assert partie.get_content_charset() == "utf-8"


@pytest.fixture(autouse=True)
def _phares_url(settings):
    settings.PHARES_URL = "http://phares.test"


class ServeurEnPanne:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP injoignable")


def test_un_serveur_de_courrier_en_panne_n_annule_pas_la_reservation(
    time_machine, settings, caplog, structure_a, membre_a
):
    from tests.espaces.views_fixtures import construire_lieu, creneau_data

    time_machine.move_to(NOW, tick=False)
    construire_lieu(structure_a)
    settings.EMAIL_BACKEND = f"{__name__}.ServeurEnPanne"
    client = client_as(membre_a)

    with caplog.at_level(logging.ERROR, logger="phares.lib.emails"):
        response = client.post(
            reverse("espaces:reserver", args=["salle-a"]),
            creneau_data(titre="Comité", nb_personnes="3", structure=structure_a.pk),
        )

    assert response.status_code == 302
    r = Reservation.objects.get()
    assert r.statut == Statut.CONFIRMEE
    assert "Envoi impossible" in caplog.text
    assert "Réservation confirmée" in client.get(response.url).text


# --- Écrire où la base tranche, verrou des forfaits -----------------------------------------


def test_enregistrer_transforme_le_refus_de_la_base_sans_casser_la_transaction(
    salle, structure_a, membre_a
):
    """Le refus d'une contrainte (ici, une fin avant le début) devient ConflitError, avec le
    message composé après coup ; la transaction continue."""
    r = reserver(salle, structure_a, personne(membre_a))
    with transaction.atomic():
        r.fin = r.debut - datetime.timedelta(hours=1)
        with pytest.raises(services.ConflitError, match=r"^composé après le refus$"):
            enregistrer(r, lambda: "composé après le refus", update_fields=["fin"])
        assert Reservation.objects.get(pk=r.pk).fin > r.debut  # the transaction still reads

    assert Reservation.objects.get(pk=r.pk).fin == paris(2026, 3, 10, 10)


def test_une_serie_prend_le_verrou_de_ses_forfaits_une_fois(
    salle, velos, structure_a, membre_a, monkeypatch
):
    """Tous les mois de la série d'un coup, pas un verrou par occurrence ; rien pour ce qui
    ne se paie pas sur le forfait (un vélo)."""
    pris: list[tuple[str, ...]] = []
    monkeypatch.setattr("espaces.services.tarifs.verrouiller", lambda *cles: pris.append(cles))
    creneaux = services.occurrences(
        paris(2026, 3, 23, 9), paris(2026, 3, 23, 10), frequence="hebdomadaire", nombre=4
    )

    services.reserver_serie(
        ressource=salle,
        creneaux=creneaux,
        frequence="hebdomadaire",
        intervalle=1,
        jusqu_au=None,
        nombre=4,
        titre="Permanence",
        par=personne(membre_a),
        structure=structure_a,
        now=NOW,
    )

    (cles,) = pris
    assert sorted(cles) == [
        f"forfait:{structure_a.pk}:2026-03",
        f"forfait:{structure_a.pk}:2026-04",
    ]
    pris.clear()
    services.reserver_velo(
        debut=paris(2026, 3, 10, 9),
        fin=paris(2026, 3, 10, 10),
        titre="Livraison",
        structure=structure_a,
        par=personne(membre_a),
        now=NOW,
    )
    assert pris == []


# --- Prix : une valeur typée, calculable sans rien écrire ------------------------------------


def test_le_prix_s_estime_sans_rien_ecrire(salle, tarifs, structure_a, membre_a):
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=2, debut=datetime.date(2015, 1, 1)
    )
    premiere = reserver(salle, structure_a, personne(membre_a), 9, 11)

    prix = selectors.prix_reservation(salle, *creneau(14, 0, 15, 30), structure=structure_a)

    assert prix == selectors.Prix(
        tarif=tarifs[Tarif.Code.SALLE_HABITANT_HEURE],
        minutes_facturables=90,
        montant=Montant(
            ht=Decimal("15.00"),
            taux_tva=Decimal("20.00"),
            tva=Decimal("3.00"),
            ttc=Decimal("18.00"),
        ),
    )
    assert Reservation.objects.count() == 1
    # Moving the first booking: it does not count against itself.
    deplacee = selectors.prix_reservation(
        salle, *creneau(14, 0, 16, 0), structure=structure_a, exclure_pk=premiere.pk
    )
    assert deplacee.est_gratuit and deplacee.tarif is None


def test_la_tva_vient_du_tarif(salle_formation, gestion):
    reduit = Tarif.objects.create(
        code=Tarif.Code.SALLE_HEURE,
        montant_ht=Decimal("33.33"),
        taux_tva=Decimal("5.50"),
        debut=datetime.date(2026, 1, 1),
    )

    prix = selectors.prix_reservation(salle_formation, *creneau(9, 0, 10, 0), externe=True)
    r = services.reserver_pour_externe(
        ressource=salle_formation,
        debut=paris(2026, 3, 10, 9),
        fin=paris(2026, 3, 10, 10),
        titre="AG",
        nb_personnes=10,
        organisation=ORGANISATION,
        par=personne(gestion),
        now=NOW,
    )

    assert (prix.tarif, prix.montant.taux_tva, prix.montant.tva) == (
        reduit,
        Decimal("5.50"),
        Decimal("1.83"),
    )
    r.refresh_from_db()
    assert (r.montant_ht, r.taux_tva) == (Decimal("33.33"), Decimal("5.50"))
    assert r.montant == prix.montant
    assert r.montant.ttc == Decimal("35.16")


def test_gratuit_sans_tarif_ni_taux(salle, structure_a):
    prix = selectors.prix_reservation(salle, *creneau(9, 0, 10, 0), structure=structure_a)

    assert prix == selectors.Prix(tarif=None, minutes_facturables=0, montant=Montant.zero())
    assert SerieReservations.objects.count() == 0
