"""Demandes publiques de salle : elles ne retiennent pas le créneau, elles sont bornées
(adresse, connexion, salle et jour, total), elles expirent ; l'équipe les accepte (si le
créneau est encore libre) ou les refuse. Services et pages ; chaque test relit la base.
Les courses (connexions parallèles) : test_concurrence.py."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from espaces import services
from espaces.models import ClientExterne, Reservation, Ressource, TypeEspace
from phares.lib import reseau
from phares.lib.acteur import ANONYME, Acteur
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as, preuve_de_travail
from tests.espaces.conftest import JOUR, NOW, creneau, make_salle, paris

pytestmark = pytest.mark.django_db

Statut = Reservation.Statut
VISITEUR = Acteur(user=None, origine=ANONYME, request_id="req-demande-0001")
CONTACT = settings.PHARES_CONTACT["email"]


def organisation(email="contact@federation.test", nom="Fédération des centres sociaux"):
    return services.Organisation(
        nom=nom, email=email, adresse_facturation="1 place du Marché, 33000 Bordeaux"
    )


def demander(salle, debut, fin, *, email="contact@federation.test", ip="203.0.113.7", now=NOW):
    return services.demander_salle(
        ressource=salle,
        debut=debut,
        fin=fin,
        titre="Assemblée générale",
        nb_personnes=20,
        organisation=organisation(email),
        ip=ip,
        par=VISITEUR,
        now=now,
    )


def reserver(salle, debut, fin, structure, par, now=NOW):
    return services.reserver(
        ressource=salle,
        debut=debut,
        fin=fin,
        titre="Réunion d'équipe",
        structure=structure,
        par=acteur(par),
        now=now,
    )


@pytest.fixture
def salles(etage):
    """Trois salles louées aux extérieurs, 30 personnes."""
    return [
        make_salle(
            etage,
            nom=f"Salle {nom}",
            slug=f"salle-{nom.lower()}",
            type_espace=TypeEspace.SALLE_REUNION,
            capacite=30,
            ouverte_aux_externes=True,
        )
        for nom in ("Seine", "Marne", "Oise")
    ]


# --- Le créneau n'est pas retenu ---------------------------------------------------------


def test_une_demande_ne_retient_pas_le_creneau(salle_formation, structure_a, membre_a):
    demande = demander(salle_formation, *creneau(9, 0, 12, 0))

    r = reserver(salle_formation, *creneau(10, 0, 11, 0), structure_a, membre_a)

    assert r.statut == Statut.CONFIRMEE
    demande.refresh_from_db()
    # Still waiting: the team will refuse it or offer another slot.
    assert demande.statut == Statut.EN_ATTENTE
    assert (demande.par, demande.structure, demande.externe.nom) == (
        None,
        None,
        "Fédération des centres sociaux",
    )
    assert demande.expire_le == NOW + datetime.timedelta(days=7)


def test_deux_demandes_sur_le_meme_creneau(salle_formation):
    demander(salle_formation, *creneau(9, 0, 12, 0))
    demander(salle_formation, *creneau(9, 0, 12, 0), email="autre@asso.test", ip="198.51.100.2")

    assert Reservation.objects.filter(statut=Statut.EN_ATTENTE).count() == 2


def test_une_demande_proche_expire_a_son_debut(salle_formation):
    debut, fin = creneau(9, 0, 12, 0, jour=datetime.date(2026, 3, 4))

    assert demander(salle_formation, debut, fin).expire_le == debut


def test_une_demande_sur_un_creneau_confirme_est_refusee(salle_formation, structure_a, membre_a):
    reserver(salle_formation, *creneau(11, 0, 12, 0), structure_a, membre_a)

    with pytest.raises(services.ConflitError, match="déjà réservée de 11:00 à 12:15"):
        demander(salle_formation, *creneau(9, 0, 12, 0))

    assert not Reservation.objects.filter(statut=Statut.EN_ATTENTE).exists()
    assert not ClientExterne.objects.exists()


def test_l_attaque_des_adresses_jetables_ne_bloque_plus_les_salles(
    salles, structure_a, membre_a, gestion
):
    """Dix adresses jetables (et autant de connexions) × trois demandes de 8 h à 18 h : les
    salles tenaient des jours, le plafond global était plein. Désormais chaque salle et jour
    garde au plus 5 demandes, aucune ne retient le créneau, et une vraie demande passe."""
    refus = []
    for i in range(10):
        for salle in salles:
            try:
                demander(
                    salle,
                    *creneau(8, 0, 18, 0),
                    email=f"jetable{i}@example.test",
                    ip=f"192.0.2.{i + 1}",
                )
            except services.EspacesError as exc:
                refus.append(str(exc))

    assert Reservation.objects.filter(statut=Statut.EN_ATTENTE).count() == 15
    assert len(refus) == 15
    assert all("a déjà 5 demandes en attente le mar. 10 mars 2026" in m for m in refus)
    # The habitant books every one of those rooms that very day.
    for salle in salles:
        r = reserver(salle, *creneau(9, 0, 11, 0), structure_a, membre_a)
        assert r.statut == Statut.CONFIRMEE
    # A genuine outside request, another day, is taken.
    vraie = demander(
        salles[0],
        *creneau(9, 0, 12, 0, jour=JOUR + datetime.timedelta(days=1)),
        email="secretariat@vraie-asso.test",
        ip="198.51.100.50",
    )
    assert vraie.statut == Statut.EN_ATTENTE


# --- Bornes ------------------------------------------------------------------------------


def test_trois_demandes_en_attente_par_adresse(salle_formation):
    for jour in (10, 11, 12):
        demander(
            salle_formation,
            *creneau(9, 0, 10, 0, jour=datetime.date(2026, 3, jour)),
            email="Contact@Federation.test",
            ip=f"192.0.2.{jour}",
        )

    with pytest.raises(services.EspacesError) as exc:
        demander(salle_formation, *creneau(9, 0, 10, 0, jour=datetime.date(2026, 3, 13)))

    assert str(exc.value) == (
        "Vous avez déjà 3 demandes en attente : l'équipe vous répond avant d'en enregistrer "
        "d'autres."
    )
    assert Reservation.objects.count() == 3
    assert ClientExterne.objects.count() == 3


def test_une_demande_decidee_libere_une_place_de_l_adresse(salle_formation, gestion):
    premieres = [
        demander(salle_formation, *creneau(9, 0, 10, 0, jour=datetime.date(2026, 3, j)), ip=ip)
        for j, ip in ((10, "192.0.2.1"), (11, "192.0.2.2"), (12, "192.0.2.3"))
    ]
    services.decider_demande(reservation=premieres[0], accepter=False, par=acteur(gestion), now=NOW)

    demander(salle_formation, *creneau(9, 0, 10, 0, jour=datetime.date(2026, 3, 13)), ip="1.1.1.1")

    assert Reservation.objects.filter(statut=Statut.EN_ATTENTE).count() == 3


def test_cinq_demandes_par_connexion_en_24_heures(salle_formation, gestion):
    jours = [datetime.date(2026, 3, j) for j in (10, 11, 12, 13, 16, 17)]
    for i, jour in enumerate(jours[:5]):
        demander(salle_formation, *creneau(9, 0, 10, 0, jour=jour), email=f"a{i}@asso.test")
    # Decided or not, they were sent from this connection.
    services.decider_demande(
        reservation=Reservation.objects.first(), accepter=False, par=acteur(gestion), now=NOW
    )

    with pytest.raises(services.EspacesError) as exc:
        demander(salle_formation, *creneau(9, 0, 10, 0, jour=jours[5]), email="a5@asso.test")

    assert str(exc.value) == (
        "5 demandes sont déjà parties de cette connexion en 24 heures : pour en faire "
        f"d'autres, écrivez à l'équipe du PHARES ({CONTACT})."
    )
    assert Reservation.objects.count() == 5
    # Another connection, or the same one a day later, may send.
    demander(
        salle_formation, *creneau(9, 0, 10, 0, jour=jours[5]), email="a5@asso.test", ip="1.1.1.1"
    )
    demain = NOW + datetime.timedelta(hours=24)
    demander(
        salle_formation, *creneau(9, 0, 10, 0, jour=jours[5]), email="a6@asso.test", now=demain
    )
    assert Reservation.objects.count() == 7


def test_l_adresse_ip_n_est_jamais_gardee(salle_formation):
    r = demander(salle_formation, *creneau(9, 0, 10, 0), ip="203.0.113.77")

    r.refresh_from_db()
    assert r.empreinte_ip == reseau.empreinte("203.0.113.77")
    assert "203.0.113.77" not in str(list(Reservation.objects.values()))
    assert "203.0.113.77" not in str(list(EntreeJournal.objects.values()))


def test_cinq_demandes_par_salle_et_par_jour(salle_formation):
    for i in range(5):
        demander(salle_formation, *creneau(9, 0, 10, 0), email=f"a{i}@asso.test", ip=f"10.0.0.{i}")

    with pytest.raises(services.EspacesError) as exc:
        demander(salle_formation, *creneau(14, 0, 15, 0), email="z@asso.test", ip="10.0.1.1")

    assert str(exc.value) == (
        "Salle Estuaire a déjà 5 demandes en attente le mar. 10 mars 2026 : "
        "choisissez un autre jour, "
        f"ou écrivez à l'équipe du PHARES ({CONTACT})."
    )
    demander(
        salle_formation,
        *creneau(14, 0, 15, 0, jour=JOUR + datetime.timedelta(days=1)),
        email="z@asso.test",
        ip="10.0.1.1",
    )
    assert Reservation.objects.count() == 6


def test_cent_demandes_en_attente_au_plus(salle_formation, client_externe):
    Reservation.objects.bulk_create(
        Reservation(
            ressource=salle_formation,
            debut=debut,
            fin=debut + datetime.timedelta(hours=1),
            fin_bloquee=debut + datetime.timedelta(hours=1),
            statut=Statut.EN_ATTENTE,
            expire_le=NOW + datetime.timedelta(days=7),
            externe=client_externe,
            titre="Déjà là",
        )
        for debut in (paris(2026, 4, 1, 9) + datetime.timedelta(days=k) for k in range(100))
    )

    with pytest.raises(services.EspacesError) as exc:
        demander(salle_formation, *creneau(9, 0, 10, 0), email="nouvelle@asso.test")

    assert str(exc.value) == (
        "Trop de demandes sont en attente en ce moment : écrivez directement à l'équipe du "
        f"PHARES ({CONTACT})."
    )
    assert Reservation.objects.count() == 100


def test_une_demande_refusee_n_ecrit_rien(salle_formation):
    avant = EntreeJournal.objects.count()

    with pytest.raises(services.EspacesError, match="dans le passé"):
        demander(salle_formation, *creneau(9, 0, 10, 0, jour=datetime.date(2026, 2, 27)))

    assert not Reservation.objects.exists() and not ClientExterne.objects.exists()
    assert EntreeJournal.objects.count() == avant
    assert mail.outbox == []


def test_une_demande_est_journalisee(salle_formation):
    r = demander(salle_formation, *creneau(9, 0, 12, 0))

    (entree,) = EntreeJournal.objects.all()
    assert entree.operation == "demande.creer"
    assert entree.libelle == (
        "Demande de Salle Estuaire le 10/03/2026 de 09:00 à 12:00 pour Fédération des centres "
        "sociaux (extérieur)"
    )
    assert (entree.par, entree.par_libelle) == (None, "visiteur non connecté")
    assert entree.request_id == "req-demande-0001"
    assert (entree.objet_type, entree.objet_id) == ("espaces.reservation", str(r.pk))
    assert entree.structure_id is None
    assert entree.changements["statut"] == ["—", "En attente"]


def test_l_alerte_de_l_equipe_dit_les_dates_comme_les_pages(salle_formation):
    demander(salle_formation, *creneau(9, 0, 12, 0))

    _accuse, alerte = mail.outbox
    assert alerte.subject == (
        "[PHARES] Demande de salle : Fédération des centres sociaux, le mar. 10 mars 2026"
    )
    assert "Salle Estuaire, le mar. 10 mars 2026 de 09:00 à 12:00, 20 personne(s)" in alerte.body
    assert "jusqu'au lun. 9 mars 2026 à 08:00." in alerte.body
    assert "/2026" not in alerte.body


# --- Expiration --------------------------------------------------------------------------


def test_les_demandes_expirees_sont_marquees(salle_formation, salles):
    vieille = demander(salle_formation, *creneau(9, 0, 10, 0, jour=datetime.date(2026, 3, 3)))
    plus_tard = datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC)
    assert Reservation.objects.demandes_en_attente(plus_tard).count() == 0
    assert Reservation.objects.get(pk=vieille.pk).statut == Statut.EN_ATTENTE

    demander(salles[0], *creneau(9, 0, 10, 0), email="autre@asso.test", now=plus_tard)

    assert Reservation.objects.get(pk=vieille.pk).statut == Statut.EXPIREE
    entree = EntreeJournal.objects.get(operation="demande.expirer")
    assert entree.libelle == "1 demande de salle expirée sans réponse"
    assert (entree.par, entree.par_libelle) == (None, "système (expiration)")
    assert entree.request_id == "req-demande-0001"


def test_le_statut_effectif_et_le_filtre_disent_la_meme_chose(
    salle_formation, structure_a, membre_a, client_externe
):
    """Une demande échue et pas encore marquée est expirée pour le modèle comme pour le
    filtre des listes ; les autres gardent leur statut."""
    attend = demander(salle_formation, *creneau(9, 0, 10, 0))
    echue = demander(salle_formation, *creneau(11, 0, 12, 0), email="b@asso.test")
    marquee = demander(salle_formation, *creneau(13, 0, 14, 0), email="c@asso.test")
    sans_limite = demander(salle_formation, *creneau(15, 0, 16, 0), email="d@asso.test")
    Reservation.objects.filter(pk=echue.pk).update(expire_le=NOW - datetime.timedelta(hours=1))
    Reservation.objects.filter(pk=marquee.pk).update(statut=Statut.EXPIREE)
    Reservation.objects.filter(pk=sans_limite.pk).update(expire_le=None)
    reserver(salle_formation, *creneau(17, 0, 18, 0), structure_a, membre_a)

    toutes = list(Reservation.objects.all())
    assert {r.pk: r.statut_effectif(NOW) for r in toutes if r.externe_id} == {
        attend.pk: Statut.EN_ATTENTE,
        echue.pk: Statut.EXPIREE,
        marquee.pk: Statut.EXPIREE,
        sans_limite.pk: Statut.EN_ATTENTE,
    }
    for statut in Statut.values:
        assert set(Reservation.objects.de_statut(statut, NOW)) == {
            r for r in toutes if r.statut_effectif(NOW) == statut
        }, statut
    assert Reservation.objects.get(pk=echue.pk).statut == Statut.EN_ATTENTE  # nothing written


@pytest.mark.parametrize("operation", ["annuler", "modifier"])
def test_une_demande_echue_ne_s_annule_ni_ne_se_modifie(salle_formation, gestion, operation):
    """Pas encore marquée expirée (personne n'a fait de demande depuis) : l'équipe ne peut
    plus l'annuler ni la déplacer, avec le message de l'expiration."""
    r = demander(salle_formation, *creneau(9, 0, 10, 0))
    plus_tard = r.expire_le + datetime.timedelta(minutes=1)
    mail.outbox.clear()

    with pytest.raises(services.EspacesError) as exc:
        if operation == "annuler":
            services.annuler(reservation=r, par=acteur(gestion), now=plus_tard)
        else:
            services.modifier_reservation(
                reservation=r,
                debut=r.debut + datetime.timedelta(hours=1),
                fin=r.fin + datetime.timedelta(hours=1),
                titre=r.titre,
                nb_personnes=r.nb_personnes,
                par=acteur(gestion),
                now=plus_tard,
            )

    assert str(exc.value) == "Cette demande a expiré : elle n'attend plus de réponse."
    r.refresh_from_db()
    assert (r.statut, r.debut, r.sequence) == (Statut.EN_ATTENTE, creneau(9, 0, 10, 0)[0], 0)
    assert mail.outbox == []


# --- Décision de l'équipe -----------------------------------------------------------------


def test_accepter_refuser_deja_traitee(salle_formation, gestion):
    acceptee = demander(salle_formation, *creneau(9, 0, 10, 0))
    refusee = demander(salle_formation, *creneau(11, 0, 12, 0))
    mail.outbox.clear()

    services.decider_demande(reservation=acceptee, accepter=True, par=acteur(gestion), now=NOW)
    services.decider_demande(reservation=refusee, accepter=False, par=acteur(gestion), now=NOW)
    with pytest.raises(services.EspacesError, match="déjà été traitée"):
        services.decider_demande(reservation=acceptee, accepter=False, par=acteur(gestion), now=NOW)

    assert Reservation.objects.get(pk=acceptee.pk).statut == Statut.CONFIRMEE
    assert Reservation.objects.get(pk=refusee.pk).statut == Statut.REFUSEE
    decisions = EntreeJournal.objects.filter(
        operation__in=["demande.accepter", "demande.refuser"]
    ).order_by("pk")
    assert [(e.operation, e.changements["statut"]) for e in decisions] == [
        ("demande.accepter", ["En attente", "Confirmée"]),
        ("demande.refuser", ["En attente", "Refusée"]),
    ]
    assert decisions[0].libelle.startswith("Demande acceptée : Salle Estuaire le 10/03/2026")
    assert [m.subject.split(" :")[0] for m in mail.outbox] == [
        "[PHARES] Réservation confirmée",
        "[PHARES] Demande de salle refusée",
    ]


def test_accepter_une_demande_expiree(salle_formation, gestion):
    r = demander(salle_formation, *creneau(9, 0, 10, 0))

    with pytest.raises(services.EspacesError) as exc:
        services.decider_demande(
            reservation=r,
            accepter=True,
            par=acteur(gestion),
            now=NOW + datetime.timedelta(days=8),
        )

    assert str(exc.value) == "Cette demande a expiré : elle n'attend plus de réponse."
    assert Reservation.objects.get(pk=r.pk).statut == Statut.EXPIREE


def test_accepter_une_demande_dont_le_creneau_a_ete_pris(
    salle_formation, structure_a, membre_a, gestion
):
    """Une habitante a réservé par-dessus : accepter dit qui tient le créneau, et la demande
    reste en attente pour que l'équipe la déplace ou la refuse."""
    demande = demander(salle_formation, *creneau(9, 0, 12, 0))
    reserver(salle_formation, *creneau(10, 0, 11, 0), structure_a, membre_a)
    journal_avant = EntreeJournal.objects.count()
    mail.outbox.clear()

    with pytest.raises(services.ConflitError) as exc:
        services.decider_demande(reservation=demande, accepter=True, par=acteur(gestion), now=NOW)

    assert str(exc.value) == (
        "Salle Estuaire a été réservée entre-temps par Halage (Maud Membre), de 10:00 à 11:15 "
        "le mar. 10 mars 2026 (battement compris) : la demande reste en attente. Proposez un "
        "autre créneau à Fédération des centres sociaux ou refusez la demande."
    )
    assert Reservation.objects.get(pk=demande.pk).statut == Statut.EN_ATTENTE
    assert EntreeJournal.objects.count() == journal_avant
    assert mail.outbox == []
    # Refusing it still works.
    services.decider_demande(reservation=demande, accepter=False, par=acteur(gestion), now=NOW)
    assert Reservation.objects.get(pk=demande.pk).statut == Statut.REFUSEE


@pytest.mark.parametrize("qui", ["comptable", "referent_a", "anonyme"])
def test_seule_la_gestion_decide(salle_formation, personas, qui):
    demande = demander(salle_formation, *creneau(9, 0, 12, 0))
    par = VISITEUR if qui == "anonyme" else acteur(personas[qui])

    with pytest.raises(services.EspacesError, match="Seule l'équipe de gestion décide"):
        services.decider_demande(reservation=demande, accepter=True, par=par, now=NOW)

    assert Reservation.objects.get(pk=demande.pk).statut == Statut.EN_ATTENTE


def test_le_systeme_decide_aussi(salle_formation):
    demande = demander(salle_formation, *creneau(9, 0, 12, 0))

    services.decider_demande(
        reservation=demande, accepter=False, par=Acteur.systeme("nettoyage"), now=NOW
    )

    assert Reservation.objects.get(pk=demande.pk).statut == Statut.REFUSEE


# --- Par les pages -----------------------------------------------------------------------

DEMANDE = reverse("espaces:demande-publique")


def demande_data(salle, **extra) -> dict:
    data = {
        "salle": salle.pk,
        "date": JOUR.isoformat(),
        "heure_debut": "09:00",
        "heure_fin": "12:00",
        "titre": "Assemblée générale",
        "nb_personnes": "8",
        "organisation": "Fédération des centres sociaux",
        "contact": "Jeanne Martin",
        "email": "contact@federation.test",
        "telephone": "05 56 00 00 00",
        "adresse_facturation": "1 place du Marché, 33000 Bordeaux",
        "site_web": "",
        **preuve_de_travail(),
    }
    data.update(extra)
    return data


@pytest.fixture
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_la_page_compte_les_demandes_par_connexion(maintenant, salle_formation, client):
    for i in range(5):
        response = client.post(
            DEMANDE, demande_data(salle_formation, email=f"a{i}@asso.test"), REMOTE_ADDR="192.0.2.9"
        )
        assert "Demande envoyée" in response.text

    response = client.post(
        DEMANDE, demande_data(salle_formation, email="a5@asso.test"), REMOTE_ADDR="192.0.2.9"
    )

    assert response.status_code == 200
    assert "5 demandes sont déjà parties de cette connexion en 24 heures" in response.text
    assert Reservation.objects.count() == 5
    # Another connection may (another day: this one has its 5 requests for the room).
    ok = client.post(
        DEMANDE,
        demande_data(salle_formation, email="a5@asso.test", date="2026-03-11"),
        REMOTE_ADDR="192.0.2.10",
    )
    assert "Demande envoyée" in ok.text


def test_derriere_le_proxy_la_connexion_est_le_dernier_maillon(
    maintenant, salle_formation, client, settings
):
    """Le visiteur écrit ce qu'il veut en tête de X-Forwarded-For : seul le maillon ajouté par
    notre proxy compte."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # BEHIND_TLS_PROXY=true
    for i in range(6):
        client.post(
            DEMANDE,
            demande_data(salle_formation, email=f"a{i}@asso.test"),
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 192.0.2.9",
        )

    assert Reservation.objects.count() == 5
    assert set(Reservation.objects.values_list("empreinte_ip", flat=True)) == {
        reseau.empreinte("192.0.2.9")
    }


@pytest.fixture
def demande_en_attente(maintenant, salle_formation):
    return demander(salle_formation, *creneau(9, 0, 12, 0))


PLANNINGS = [
    pytest.param(reverse("espaces:jour") + "?date=2026-03-10", id="jour"),
    pytest.param(
        reverse("espaces:semaine", args=["salle-estuaire"]) + "?semaine=2026-03-10", id="semaine"
    ),
]


@pytest.mark.parametrize("url", PLANNINGS)
@pytest.mark.parametrize("persona", ["gestion", "comptable"])
def test_l_equipe_voit_les_demandes_en_attente(demande_en_attente, personas, persona, url):
    page = client_as(personas[persona]).get(url).text

    assert "09:00–12:00</span> demande en attente" in page
    assert reverse("espaces:reservation-detail", args=[demande_en_attente.pk]) in page
    assert "Fédération des centres sociaux (extérieur)" in page


@pytest.mark.parametrize("url", PLANNINGS)
def test_un_habitant_voit_le_creneau_libre(demande_en_attente, membre_a, url):
    page = client_as(membre_a).get(url).text

    assert "demande en attente" not in page and "Fédération" not in page
    assert "occupé" not in page
    reserver_url = reverse("espaces:reserver", args=["salle-estuaire"])
    assert f"{reserver_url}?date=2026-03-10&amp;heure_debut=08:00&amp;heure_fin=09:00" in page


def test_le_filtre_en_attente_ne_montre_que_ce_qui_attend(maintenant, salle_formation, gestion):
    vivante = demander(salle_formation, *creneau(9, 0, 10, 0))
    passee = demander(
        salle_formation, *creneau(9, 0, 10, 0, jour=datetime.date(2026, 3, 3)), email="x@a.test"
    )
    Reservation.objects.filter(pk=passee.pk).update(expire_le=NOW - datetime.timedelta(hours=1))
    client = client_as(gestion)

    en_attente = client.get(reverse("espaces:reservation-liste") + "?statut=en_attente")
    expirees = client.get(reverse("espaces:reservation-liste") + "?statut=expiree")

    assert [r.pk for r in en_attente.context["page"]] == [vivante.pk]
    assert [r.pk for r in expirees.context["page"]] == [passee.pk]


def test_une_demande_echue_se_lit_expiree_sans_rien_ecrire(
    demande_en_attente, gestion, time_machine
):
    """Personne n'a encore marqué la demande : la fiche et la liste la disent « Expirée » et
    la fiche ne propose plus ni Accepter, ni Modifier, ni Annuler. Lire n'écrit rien."""
    time_machine.move_to(demande_en_attente.expire_le + datetime.timedelta(minutes=1), tick=False)
    staff = client_as(gestion)
    journal = EntreeJournal.objects.count()

    fiche = staff.get(reverse("espaces:reservation-detail", args=[demande_en_attente.pk])).text
    liste = staff.get(reverse("espaces:reservation-liste") + "?statut=expiree")

    assert '<dd class="col-sm-9">Expirée</dd>' in fiche
    for bouton in ("Accepter la demande", "Refuser", "Modifier", "Annuler la demande"):
        assert bouton not in fiche
    assert [r.pk for r in liste.context["page"]] == [demande_en_attente.pk]
    assert "<td>Expirée</td>" in liste.text and "<td>En attente</td>" not in liste.text
    assert Reservation.objects.get(pk=demande_en_attente.pk).statut == Statut.EN_ATTENTE
    assert EntreeJournal.objects.count() == journal


def test_ressource_inexistante_ou_fermee_aux_externes(maintenant, salle, client):
    response = client.post(DEMANDE, demande_data(salle))

    assert "Sélectionnez un choix valide." in response.text
    assert not Ressource.objects.filter(reservations__isnull=False).exists()


def test_accepter_par_la_page_un_creneau_pris_entre_temps(
    demande_en_attente, salle_formation, structure_a, membre_a, gestion
):
    reserver(salle_formation, *creneau(11, 0, 12, 0), structure_a, membre_a)
    staff = client_as(gestion)

    response = staff.post(
        reverse("espaces:reservation-decider", args=[demande_en_attente.pk]),
        {"decision": "accepter"},
    )

    page = staff.get(response.url).text
    assert "a été réservée entre-temps par Halage (Maud Membre), de 11:00 à 12:15" in page
    assert "Accepter la demande" in page  # still pending: the team may refuse it
    assert Reservation.objects.get(pk=demande_en_attente.pk).statut == Statut.EN_ATTENTE
