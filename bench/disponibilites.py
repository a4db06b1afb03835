"""Disponibilités et listes de réservations selon la taille de l'historique.

Remplit la table des réservations (1 000, 10 000, 100 000 lignes, par insertions groupées :
l'historique recule dans le passé, la densité d'un jour reste la même) et imprime pour chaque
taille le temps médian de ce que lit une page ou une réservation :

- salles libres et vélos libres sur un créneau ;
- la vérification du créneau dans la transaction d'une réservation ;
- les heures libres et occupées d'une salle un jour (vue jour, formulaire public) ;
- la même recherche écrite à l'ancienne, bornée d'un seul côté, pour comparer ;
- la liste des réservations de l'équipe : première page et page profonde (par clés), puis
  l'ancienne (pages numérotées, COUNT, tri sur expressions) ;
- « mes réservations » (une structure), l'encart des prochaines réservations, le nombre de
  demandes en attente du tableau de bord.

SQLite dans un fichier temporaire par défaut ; PostgreSQL avec DATABASE_URL (la base est
créée au besoin et la table des réservations vidée au départ). `--plans` (PostgreSQL) écrit
les plans EXPLAIN ANALYZE à la plus grande taille dans bench/plans/.

    .venv/bin/python bench/disponibilites.py
    DATABASE_URL=postgres://phares:phares@127.0.0.1:5432/phares_bench_dispo \\
        .venv/bin/python bench/disponibilites.py --plans
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.outils import django_en_processus, durees_ms, plan_du_compte  # noqa: E402

django_en_processus(hachage_rapide=False)

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from espaces import selectors  # noqa: E402
from espaces.filters import parties_de_la_liste  # noqa: E402
from espaces.models import (  # noqa: E402
    Batiment,
    Espace,
    Etage,
    Reservation,
    Ressource,
    TypeEspace,
)
from espaces.selectors.disponibilites import disponibilites  # noqa: E402
from espaces.services.reservations import Occupation, verrouiller_ressource  # noqa: E402
from habitants.models import Domaine, Structure  # noqa: E402
from phares.lib import temps  # noqa: E402
from phares.lib.pagination import Curseur, page_par_cles  # noqa: E402

TAILLES = (1_000, 10_000, 100_000)
SALLES, VELOS, STRUCTURES = 10, 20, 20
# Four bookings a day per room or bike (one with a battement), Monday to Saturday.
CRENEAUX = ((9, 0, 10, 30, 15), (11, 0, 12, 0, 0), (14, 0, 16, 0, 15), (17, 0, 18, 0, 0))
# The dormant Nadine's free-bike lookup at 100,000 bookings on this machine (issue 12).
NADINE_100K_MS = 1319.0
TITRE = "Banc dispo"


def lieu() -> tuple[list[Ressource], list[Ressource], list[Structure]]:
    batiment = Batiment.objects.create(nom="Banc", adresse="1 rue du Banc", surface_m2=1000)
    etage = Etage.objects.create(batiment=batiment, niveau=1, nom="Étage du banc")
    salles = []
    for i in range(SALLES):
        espace = Espace.objects.create(
            etage=etage,
            nom=f"Salle banc {i}",
            slug=f"salle-banc-{i}",
            type=TypeEspace.SALLE_REUNION,
            capacite=20,
        )
        salles.append(
            Ressource.objects.create(
                categorie=Ressource.Categorie.SALLE,
                nom=espace.nom,
                slug=espace.slug,
                espace=espace,
                jours_ouverture="123456",
                battement_minutes=15,
            )
        )
    velos = [
        Ressource.objects.create(
            categorie=Ressource.Categorie.VELO, nom=f"Vélo banc {i:02}", slug=f"velo-banc-{i}"
        )
        for i in range(VELOS)
    ]
    domaine = Domaine.objects.create(nom="Banc", ordre=99)
    structures = [
        Structure.objects.create(
            nom=f"Structure banc {i}",
            slug=f"structure-banc-{i}",
            domaine=domaine,
            arrivee=datetime.date(2000, 1, 1),
        )
        for i in range(STRUCTURES)
    ]
    return salles, velos, structures


def jours_en_arriere(horizon: datetime.date):
    """Les jours ouvrés (lundi-samedi) de `horizon` vers le passé."""
    jour = horizon
    while True:
        if jour.isoweekday() != 7:
            yield jour
        jour -= datetime.timedelta(days=1)


def remplir(total: int, ressources, structures, horizon: datetime.date, deja: int) -> None:
    """Ajoute des réservations jusqu'à `total`, en reculant dans le passé depuis `horizon` :
    chaque (ressource, jour, créneau) une fois, donc jamais de chevauchement."""
    par_jour = len(ressources) * len(CRENEAUX)
    jours = jours_en_arriere(horizon)
    for _ in range(deja // par_jour):
        next(jours)
    rows, n = [], deja - deja % par_jour
    while n < total:
        jour = next(jours)
        for ressource in ressources:
            for h1, m1, h2, m2, battement in CRENEAUX:
                n += 1
                if n <= deja:
                    continue
                debut = temps.aware(jour, datetime.time(h1, m1))
                fin = temps.aware(jour, datetime.time(h2, m2))
                battement = battement if ressource.categorie == "salle" else 0
                statut = Reservation.Statut.CONFIRMEE
                if n % 13 == 0:
                    statut = Reservation.Statut.ANNULEE
                elif n % 97 == 0:
                    statut = Reservation.Statut.REFUSEE
                rows.append(
                    Reservation(
                        ressource=ressource,
                        debut=debut,
                        fin=fin,
                        fin_bloquee=fin + datetime.timedelta(minutes=battement),
                        structure=structures[n % len(structures)],
                        statut=statut,
                        titre=TITRE,
                        cree_le=debut - datetime.timedelta(days=10),
                    )
                )
                if len(rows) == 5000:
                    Reservation.objects.bulk_create(rows)
                    rows = []
                if n >= total:
                    break
            if n >= total:
                break
    Reservation.objects.bulk_create(rows)


def mediane(f, runs: int = 25) -> tuple[float, float]:
    """Médiane et minimum en ms : sur une machine partagée, le minimum dit ce que coûte la
    lecture elle-même, la médiane ce qu'elle coûte avec la charge du moment."""
    durees = durees_ms(f, runs)
    return statistics.median(durees), min(durees)


def requete(user, **get):
    request = RequestFactory().get("/reservations/", get)
    request.user = user
    return request


def ancienne_liste(qs, now, page: int):
    """La liste d'avant : pages numérotées (COUNT à chaque page) sur un tri par expressions."""
    p = Paginator(qs.a_venir_puis_passees(now), 50).get_page(page)
    return p.paginator.count, list(p)


def page_profonde(qs, now, rang: int = 50_000) -> Curseur:
    """Le curseur d'une page profonde (comme après 1 000 clics sur « Page suivante ») : au rang
    `rang` des passées, ou au plus loin qu'il y en a (les à venir si peu sont passées)."""
    passees = qs.finies(now).order_by("-debut", "-pk")
    n = passees.count()
    if n > 100:
        r = passees[min(rang, n - 60)]
        return Curseur("p", r.debut, r.pk, now, min(rang, n) // 50)
    a_venir = qs.a_venir(now).order_by("debut", "pk")
    r = a_venir[max(a_venir.count() - 60, 0)]
    return Curseur("v", r.debut, r.pk, now, 2)


def mesures(salles, velos, structures, jour: datetime.date) -> dict[str, tuple[float, float]]:
    now = timezone.now()
    debut, fin = temps.aware(jour, datetime.time(10)), temps.aware(jour, datetime.time(11))
    salle, structure = salles[3], structures[4]
    tout = selectors.reservations_visibles(None, staff=True)
    d_jour, f_jour = temps.day_bounds(jour)

    def ancienne_recherche_velos():
        occupes = Reservation.objects.confirmees().filter(
            ressource__categorie="velo", debut__lt=fin, fin_bloquee__gt=debut
        )
        return list(selectors.velos().exclude(pk__in=occupes.values("ressource_id")))

    def ancienne_dispo():
        return list(
            Reservation.objects.confirmees()
            .filter(ressource=salle, debut__lt=f_jour, fin_bloquee__gt=d_jour)
            .values_list("debut", "fin_bloquee")
        )

    def verification():
        with transaction.atomic():
            verrouiller_ressource(salle)
            return Occupation.lire(salle, [(debut, fin)]).conflit(debut, fin)

    def ancienne_verification():
        with transaction.atomic():
            verrouiller_ressource(salle)
            return list(
                Reservation.objects.confirmees()
                .filter(ressource=salle, debut__lt=fin, fin_bloquee__gt=debut)
                .select_related("structure", "externe", "par")
            )

    def liste(**get):
        def f():
            page = page_par_cles(
                requete(None, **get),
                parties_de_la_liste(qs_liste(get), None),
                champ="debut",
                now=now,
            )
            return [(r.ressource.nom, r.structure) for r in page]

        return f

    def qs_liste(get):
        if "structure" in get:
            return tout.filter(structure=structure)
        return tout

    profond = page_profonde(Reservation.objects.all(), now)
    return {
        "salles libres (créneau)": mediane(lambda: selectors.salles_libres(debut, fin)),
        "vélos libres (créneau)": mediane(lambda: selectors.velos_libres(debut, fin)),
        "  vélos libres, bornée d'un côté (avant)": mediane(ancienne_recherche_velos),
        "vérification dans la transaction": mediane(verification),
        "  vérification, bornée d'un côté (avant)": mediane(ancienne_verification),
        "heures libres d'une salle un jour": mediane(lambda: disponibilites(salle, jour, now=now)),
        "  heures libres, bornée d'un côté (avant)": mediane(ancienne_dispo),
        "liste de l'équipe, page 1": mediane(liste()),
        "liste de l'équipe, page profonde": mediane(liste(apres=profond.ecrire())),
        "  page 1 numérotée + COUNT (avant)": mediane(lambda: ancienne_liste(tout, now, 1), 5),
        "  page 1 000 numérotée (avant)": mediane(lambda: ancienne_liste(tout, now, 1000), 5),
        "mes réservations (une structure), page 1": mediane(liste(structure=structure.pk)),
        "prochaines réservations (encart)": mediane(
            lambda: list(selectors.prochaines_reservations([structure.pk], now=now)[:10])
        ),
        "demandes en attente (nombre)": mediane(lambda: selectors.demandes_en_attente().count()),
    }


def plans(salles, velos, structures, jour: datetime.date) -> None:
    """EXPLAIN ANALYZE (PostgreSQL) des lectures mesurées, dans bench/plans/."""
    dossier = ROOT / "bench" / "plans"
    dossier.mkdir(exist_ok=True)
    now = timezone.now()
    debut, fin = temps.aware(jour, datetime.time(10)), temps.aware(jour, datetime.time(11))
    salle, structure = salles[3], structures[4]
    d_jour, f_jour = temps.day_bounds(jour)
    confirmees = Reservation.objects.confirmees()
    tout = selectors.reservations_visibles(None, staff=True)
    profond = page_profonde(Reservation.objects.all(), now)
    from phares.lib.pagination import apres

    requetes = {
        "velos_libres": confirmees.filter(ressource__categorie="velo").chevauchant(debut, fin),
        "velos_libres_avant": confirmees.filter(
            ressource__categorie="velo", debut__lt=fin, fin_bloquee__gt=debut
        ),
        "verification_transaction": confirmees.filter(ressource=salle)
        .chevauchant(debut, fin)
        .select_related("structure", "externe", "par")
        .order_by("debut"),
        "verification_transaction_avant": confirmees.filter(
            ressource=salle, debut__lt=fin, fin_bloquee__gt=debut
        ),
        "disponibilites_jour": confirmees.filter(ressource=salle)
        .chevauchant(d_jour, f_jour)
        .values_list("debut", "fin_bloquee"),
        "disponibilites_jour_avant": confirmees.filter(
            ressource=salle, debut__lt=f_jour, fin_bloquee__gt=d_jour
        ).values_list("debut", "fin_bloquee"),
        "jour_toutes_salles": selectors.reservations_entre(salles, d_jour, f_jour),
        "reservations_du_jour": selectors.reservations_du_jour(jour),
        "liste_equipe_en_cours": tout.en_cours(now).order_by("debut", "pk")[:51],
        "liste_equipe_a_venir": tout.a_venir(now).order_by("debut", "pk")[:51],
        "liste_equipe_a_venir_sans_partie_en_cours": tout.pas_finies(now).order_by("debut", "pk")[
            :51
        ],
        "liste_equipe_passees": tout.finies(now).order_by("-debut", "-pk")[:51],
        "liste_equipe_page_profonde": apres(
            tout.finies(now).order_by("-debut", "-pk"),
            "debut",
            profond.valeur,
            profond.pk,
            decroissant=True,
        )[:51],
        "liste_equipe_avant": tout.a_venir_puis_passees(now)[:50],
        "liste_filtre_statut_refusee": tout.filter(statut="refusee")
        .finies(now)
        .order_by("-debut", "-pk")[:51],
        "liste_filtre_salle": tout.filter(ressource=salle)
        .finies(now)
        .order_by("-debut", "-pk")[:51],
        "liste_filtre_dates": tout.filter(debut__gte=d_jour - datetime.timedelta(days=400))
        .filter(debut__lt=f_jour - datetime.timedelta(days=300))
        .finies(now)
        .order_by("-debut", "-pk")[:51],
        "mes_reservations_membre_a_venir": tout.filter(
            structure__in=Structure.objects.filter(pk__in=[structure.pk])
        )
        .a_venir(now)
        .order_by("debut", "pk")[:51],
        "mes_reservations_passees": tout.filter(structure=structure)
        .finies(now)
        .order_by("-debut", "-pk")[:51],
        "prochaines_reservations": selectors.prochaines_reservations([structure.pk], now=now)[:10],
        "demandes_en_attente_nombre": selectors.demandes_en_attente(),
    }
    for nom, qs in requetes.items():
        if nom == "demandes_en_attente_nombre":
            texte = plan_du_compte(qs)
        else:
            texte = qs.explain(analyze=True, buffers=True)
        sql = str(qs.query)
        (dossier / f"{nom}.txt").write_text(f"-- {sql}\n\n{texte}\n")
    print(f"plans EXPLAIN ANALYZE écrits dans {dossier.relative_to(ROOT)}/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", action="store_true", help="écrire les plans (PostgreSQL)")
    parser.add_argument("--tailles", default=",".join(map(str, TAILLES)))
    args = parser.parse_args()
    tailles = [int(t) for t in args.tailles.split(",")]
    base = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql" and "bench" not in str(base):
        sys.exit(
            f"La table des réservations est vidée : donnez une base de banc (« bench » dans "
            f"son nom), pas {base}."
        )
    call_command("migrate", verbosity=0)
    Reservation.objects.all().delete()
    Ressource.objects.filter(slug__contains="-banc-").delete()
    Espace.objects.filter(slug__startswith="salle-banc-").delete()
    Structure.objects.filter(slug__startswith="structure-banc-").delete()
    Etage.objects.filter(nom="Étage du banc").delete()
    Batiment.objects.filter(nom="Banc").delete()
    Domaine.objects.filter(nom="Banc").delete()
    salles, velos, structures = lieu()
    aujourd_hui = timezone.localdate()
    # A Tuesday three weeks ahead, and the history from a few days after it back into the
    # past: the same bookings around that day whatever the size (1,000 rows: ~8 days).
    jour = temps.monday_of(aujourd_hui) + datetime.timedelta(days=22)
    horizon = jour + datetime.timedelta(days=4)
    moteur = connection.vendor
    print(f"{moteur}, {SALLES} salles, {VELOS} vélos, 4 réservations par jour et ressource")
    resultats: dict[int, dict[str, tuple[float, float]]] = {}
    deja = 0
    for taille in tailles:
        t0 = time.perf_counter()
        remplir(taille, salles + velos, structures, horizon, deja)
        deja = taille
        if moteur == "postgresql":
            with connection.cursor() as c:
                c.execute("ANALYZE espaces_reservation")
        else:
            with connection.cursor() as c:
                c.execute("ANALYZE")
        print(f"{taille:>7} réservations écrites en {time.perf_counter() - t0:.1f} s")
        resultats[taille] = mesures(salles, velos, structures, jour)
    noms = list(resultats[tailles[0]])
    print(f"\nmédiane / minimum en ms ({moteur})")
    print(f"{'':46}" + "".join(f"{t:>18}" for t in tailles))
    for nom in noms:
        cases = (f"{resultats[t][nom][0]:.2f} / {resultats[t][nom][1]:.2f}" for t in tailles)
        print(f"{nom:46}" + "".join(f"{c:>18}" for c in cases))
    plus_grande = resultats[tailles[-1]]
    velos_ms = plus_grande["vélos libres (créneau)"][0]
    print(
        f"\nvélos libres à {tailles[-1]} : {velos_ms:.2f} ms, contre {NADINE_100K_MS:.0f} ms pour "
        f"Nadine à 100 000 (ticket 12) : {NADINE_100K_MS / velos_ms:.0f}× plus rapide"
    )
    if args.plans and moteur == "postgresql":
        plans(salles, velos, structures, jour)


if __name__ == "__main__":
    main()
