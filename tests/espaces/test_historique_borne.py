"""Disponibilités et listes qui ne grandissent pas avec l'historique : une réservation bloque
48 heures au plus (services et base), les recherches de chevauchement bornées des deux côtés
trouvent encore ce qui a commencé la veille, et la liste des réservations pagine par clés,
sans COUNT, sans ligne perdue ni répétée quand des débuts sont égaux."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espaces import selectors, services
from espaces.models import DUREE_BLOQUEE_MAX, Reservation, Ressource
from espaces.selectors.disponibilites import disponibilites
from espaces.services import reservations as reservations_service
from espaces.services.espaces import CHAMPS_REGLES
from tests.conftest import acteur, client_as
from tests.espaces.conftest import JOUR, NOW, creneau, paris

pytestmark = pytest.mark.django_db

Statut = Reservation.Statut
LISTE = reverse("espaces:reservation-liste")


def ligne(ressource, debut, fin_bloquee, *, structure, fin=None, statut=Statut.CONFIRMEE):
    """Une ligne écrite sans le service (la base seule décide)."""
    return Reservation.objects.create(
        ressource=ressource,
        debut=debut,
        fin=fin or min(fin_bloquee, debut + datetime.timedelta(hours=1)),
        fin_bloquee=fin_bloquee,
        structure=structure,
        statut=statut,
        titre="Ligne de test",
    )


# --- L'invariant : 48 heures bloquées au plus -------------------------------------------


def test_le_service_refuse_un_creneau_bloque_trop_long(salle, structure_a, referent_a):
    # A rule written before the limits (the form caps both at 24 h): 10 h + 40 h of battement.
    Ressource.objects.filter(pk=salle.pk).update(duree_max_minutes=600, battement_minutes=2400)
    salle.refresh_from_db()
    debut, fin = creneau(9, 0, 19, 0)

    with pytest.raises(services.EspacesError) as exc:
        services.reserver(
            ressource=salle,
            debut=debut,
            fin=fin,
            titre="Séminaire",
            structure=structure_a,
            par=acteur(referent_a),
            now=NOW,
        )

    assert "plus de 48 heures, battement compris" in str(exc.value)
    assert not Reservation.objects.exists()


def test_le_service_accepte_un_battement_de_24_heures(salle, structure_a, referent_a):
    Ressource.objects.filter(pk=salle.pk).update(battement_minutes=24 * 60)
    salle.refresh_from_db()
    debut, fin = creneau(9, 0, 19, 0)

    r = services.reserver(
        ressource=salle,
        debut=debut,
        fin=fin,
        titre="Séminaire",
        structure=structure_a,
        par=acteur(referent_a),
        now=NOW,
    )

    assert r.fin_bloquee - r.debut == datetime.timedelta(hours=34)


@pytest.mark.parametrize(
    ("champ", "message"),
    [
        ("battement_minutes", "Le battement est de 24 heures au plus"),
        ("duree_max_minutes", "La durée maximale est de 24 heures au plus"),
    ],
)
def test_les_regles_d_une_salle_restent_dans_la_journee(salle, gestion, champ, message):
    regles = {c: getattr(salle, c) for c in CHAMPS_REGLES} | {champ: 24 * 60 + 1}

    with pytest.raises(services.EspacesError, match=message):
        services.enregistrer_regles(ressource=salle, regles=regles, par=acteur(gestion))

    salle.refresh_from_db()
    assert getattr(salle, champ) <= 24 * 60


def test_la_base_refuse_plus_de_48_heures_bloquees(salle, structure_a):
    debut = paris(2026, 3, 10, 9)
    ligne(salle, debut, debut + DUREE_BLOQUEE_MAX, structure=structure_a)  # exactly: allowed

    with pytest.raises(IntegrityError), transaction.atomic():
        ligne(
            salle,
            debut + datetime.timedelta(days=5),
            debut + datetime.timedelta(days=5) + DUREE_BLOQUEE_MAX + datetime.timedelta(seconds=1),
            structure=structure_a,
        )

    assert Reservation.objects.count() == 1


def test_la_validation_du_modele_le_dit_en_francais(salle, structure_a):
    debut = paris(2026, 3, 10, 9)
    r = Reservation(
        ressource=salle,
        debut=debut,
        fin=debut + datetime.timedelta(hours=1),
        fin_bloquee=debut + datetime.timedelta(hours=49),
        structure=structure_a,
        titre="Trop long",
    )

    with pytest.raises(Exception) as exc:
        r.full_clean()

    assert "48 heures au plus, battement compris" in str(exc.value)


# --- Les recherches bornées trouvent ce qui a commencé avant la fenêtre -------------------


@pytest.fixture
def de_la_veille(salle, structure_a):
    """Bloque exactement DUREE_BLOQUEE_MAX : du lundi 9 h au mercredi 9 h (mardi = JOUR)."""
    debut = paris(2026, 3, 9, 9)
    return ligne(salle, debut, debut + DUREE_BLOQUEE_MAX, structure=structure_a)


def test_chevauchant_trouve_ce_qui_a_commence_la_veille(salle, de_la_veille):
    matin = creneau(8, 0, 9, 0)
    fin_juste = (paris(2026, 3, 11, 8, 59), paris(2026, 3, 11, 10))  # its last minute
    apres = (paris(2026, 3, 11, 9), paris(2026, 3, 11, 10))  # [a, b[: it ends at 9:00

    chevauchant = Reservation.objects.filter(ressource=salle).chevauchant
    assert list(chevauchant(*matin)) == [de_la_veille]
    assert list(chevauchant(*fin_juste)) == [de_la_veille]
    assert list(chevauchant(*apres)) == []


def test_la_verification_du_service_et_les_plannings_la_voient(salle, de_la_veille, time_machine):
    time_machine.move_to(NOW, tick=False)
    debut, fin = creneau(14, 0, 15, 0)

    assert reservations_service.conflit(salle, debut, fin) == de_la_veille
    occupation = reservations_service.Occupation.lire(salle, [(debut, fin)])
    assert occupation.prises == [de_la_veille]
    dispo = disponibilites(salle, JOUR, now=NOW)
    assert [p.etat for p in dispo.plages] == ["occupe"]
    assert dispo.occupe(debut, fin)
    lundi = JOUR - datetime.timedelta(days=1)
    semaine = selectors.semaine(salle, lundi)
    # Tuesday is held all day (its battement), Thursday is free.
    assert [b for b in semaine[1].blocs if b.libre] == []
    assert semaine[1].prochain_libre is None and semaine[3].prochain_libre is not None
    assert [r.pk for r in selectors.reservations_entre([salle], *creneau(8, 0, 20, 0))] == [
        de_la_veille.pk
    ]


def test_velos_libres_et_reservations_du_jour_bornes(velos, structure_a):
    debut = paris(2026, 3, 9, 9)
    ligne(velos[0], debut, debut + DUREE_BLOQUEE_MAX, structure=structure_a)
    ligne(velos[1], debut - DUREE_BLOQUEE_MAX, debut, structure=structure_a)  # ends at 9:00

    libres = selectors.velos_libres(*creneau(10, 0, 11, 0))

    assert [v.nom for v in libres] == ["Vélo 2", "Vélo 3"]
    une_heure = (debut, debut + datetime.timedelta(hours=1))
    assert [v.nom for v in selectors.velos_libres(*une_heure)] == ["Vélo 2", "Vélo 3"]


def test_salles_libres_bornees(salle, salle_formation, de_la_veille):
    assert selectors.salles_libres(*creneau(14, 0, 15, 0)) == [salle_formation]
    mercredi = (paris(2026, 3, 11, 9), paris(2026, 3, 11, 10))  # it ends at 9:00
    assert set(selectors.salles_libres(*mercredi)) == {salle, salle_formation}


def test_reservations_du_jour_voit_une_salle_prise_depuis_la_veille(salle, de_la_veille):
    Reservation.objects.filter(pk=de_la_veille.pk).update(
        fin=de_la_veille.debut + DUREE_BLOQUEE_MAX
    )

    assert list(selectors.reservations_du_jour(JOUR)) == [de_la_veille]


# --- La liste des réservations : par clés, sans COUNT -----------------------------------


@pytest.fixture
def beaucoup(salle, salle_formation, structure_a, structure_b):
    """131 lignes dont des paquets au même début (annulées : elles ne tiennent rien, donc
    peuvent se superposer), à venir et passées par rapport à NOW."""
    rows = []
    for jour in (-30, -2, 0, 3, 8):
        for h in (9, 14):
            debut = NOW + datetime.timedelta(days=jour, hours=h - 8)
            for i in range(13):
                rows.append(
                    Reservation(
                        ressource=salle if i % 2 else salle_formation,
                        debut=debut,
                        fin=debut + datetime.timedelta(hours=2),
                        fin_bloquee=debut + datetime.timedelta(hours=2),
                        structure=structure_a if i % 3 else structure_b,
                        statut=Statut.ANNULEE if i else Statut.CONFIRMEE,
                        titre=f"Réunion {jour} {h} {i}",
                    )
                )
    # One in progress at NOW: still upcoming.
    rows.append(
        Reservation(
            ressource=salle,
            debut=NOW - datetime.timedelta(minutes=30),
            fin=NOW + datetime.timedelta(minutes=30),
            fin_bloquee=NOW + datetime.timedelta(minutes=30),
            structure=structure_a,
            statut=Statut.ANNULEE,
            titre="En cours",
        )
    )
    return Reservation.objects.bulk_create(rows)


def toutes_les_pages(client, url):
    """Les pk de chaque page, en suivant « Page suivante », et les requêtes de chacune."""
    pages, requetes = [], []
    while url:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append([r.pk for r in page])
        requetes.append([q["sql"] for q in ctx.captured_queries])
        url = f"{LISTE}?{page.suivante}" if page.suivante else None
    return pages, requetes


def ordre_attendu(rows, now):
    a_venir = sorted((r for r in rows if r.fin > now), key=lambda r: (r.debut, r.pk))
    passees = sorted((r for r in rows if r.fin <= now), key=lambda r: (r.debut, r.pk), reverse=True)
    return [r.pk for r in a_venir + passees]


def test_les_pages_sont_completes_et_stables(beaucoup, gestion, time_machine):
    time_machine.move_to(NOW, tick=False)
    client = client_as(gestion)

    pages, _ = toutes_les_pages(client, LISTE)

    assert [len(p) for p in pages] == [50, 50, 31]
    tout = [pk for p in pages for pk in p]
    assert len(tout) == len(set(tout)) == 131
    assert tout == ordre_attendu(beaucoup, NOW)


def test_les_pages_suivent_la_reference_de_la_premiere(beaucoup, gestion, time_machine):
    """Le temps passe entre deux pages : une réservation qui finit entre-temps ne passe pas
    d'une partie à l'autre (elle serait vue deux fois ou jamais)."""
    time_machine.move_to(NOW, tick=False)
    client = client_as(gestion)
    premiere = client.get(LISTE).context["page"]
    time_machine.move_to(NOW + datetime.timedelta(days=4), tick=False)

    suite, _ = toutes_les_pages(client, f"{LISTE}?{premiere.suivante}")

    tout = [r.pk for r in premiere] + [pk for p in suite for pk in p]
    assert tout == ordre_attendu(beaucoup, NOW)


def test_les_pages_d_une_structure_et_filtrees(beaucoup, membre_a, structure_a, time_machine):
    time_machine.move_to(NOW, tick=False)

    pages, _ = toutes_les_pages(client_as(membre_a), LISTE + "?statut=annulee")

    attendues = [r for r in beaucoup if r.structure_id == structure_a.pk and r.statut == "annulee"]
    assert [pk for p in pages for pk in p] == ordre_attendu(attendues, NOW)
    assert len(pages) == 2


@pytest.mark.parametrize(("quand", "n"), [("a_venir", 79), ("passees", 52)])
def test_a_venir_ou_passees_ne_lit_que_sa_partie(beaucoup, gestion, time_machine, quand, n):
    time_machine.move_to(NOW, tick=False)

    pages, requetes = toutes_les_pages(client_as(gestion), f"{LISTE}?quand={quand}")

    attendues = [r for r in beaucoup if (r.fin > NOW) == (quand == "a_venir")]
    assert [pk for p in pages for pk in p] == ordre_attendu(attendues, NOW)
    assert len(attendues) == n
    lectures = [[sql for sql in page if 'FROM "espaces_reservation"' in sql] for page in requetes]
    # « À venir »: in progress, then not started (one query each); then the rest of its part.
    assert [len(page) for page in lectures] == ([2, 1] if quand == "a_venir" else [1, 1])


def test_la_liste_ne_compte_pas_la_table(beaucoup, gestion, time_machine):
    time_machine.move_to(NOW, tick=False)

    _, requetes = toutes_les_pages(client_as(gestion), LISTE)

    sur_les_reservations = [
        sql for page in requetes for sql in page if 'FROM "espaces_reservation"' in sql
    ]
    assert sur_les_reservations
    assert not [sql for sql in sur_les_reservations if "COUNT(" in sql.upper()]
    assert not [sql for sql in sur_les_reservations if " OFFSET " in sql.upper()]


@pytest.mark.parametrize(
    "apres",
    [
        "x",
        "v.1.2.3",
        "p.a.b.c.d",
        "v.99999999999999999999.1.1.2",
        # Readable, but its reference is 1 January of year 1: the in-progress part, 48 hours
        # before it, cannot be computed.
        "c.1.1.-62135596800000000.2",
    ],
)
def test_un_lien_abime_ramene_a_la_premiere_page(beaucoup, gestion, time_machine, apres):
    time_machine.move_to(NOW, tick=False)

    response = client_as(gestion).get(LISTE, {"apres": apres})

    assert response.status_code == 200
    assert response.context["page"].numero == 1
    assert len(response.context["page"]) == 50
