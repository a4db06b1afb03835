"""Les pages principales servies par HTTP, contre le plancher du cadre, à trois tailles de
données. Pour chaque jeu :

- une base PostgreSQL à lui (`phares_bench_pages_1x`, `_10x`, `_100k`, recréée sauf
  `--garder`) : « 1x » la démo 2015, « 10x » la démo et un pôle de 200 structures sur dix
  ans (bench/rapport.py, `agrandir`), « 100k » la démo et des réservations jusqu'à 100 000
  lignes (créneaux d'une heure sans chevauchement, 5 % annulées, quelques demandes en
  attente) ;
- gunicorn (2 workers sync, connexions persistantes CONN_MAX_AGE=60, réglages de production
  en http simple, comme bin/verifier-production) avec les adresses de bench/urls.py : celles
  de PHARES plus `/plancher/`, une page `@login_required` qui étend la mise en page du site
  sans rien y ajouter ;
- `wrk -t2 -c8 --latency` sur chaque page, par persona (session ouverte d'avance), par tours :
  le plancher, cinq pages, le plancher…, chaque page comparée à la moyenne des deux planchers
  qui encadrent son tour ;
- les requêtes SQL par page, comptées à part (client de test Django et
  CaptureQueriesContext, même base, mêmes réglages).

Imprime un tableau par jeu : page, persona, req/s, p50, p95, poids, requêtes, ratio au
plancher, et si la cible est tenue (req/s ≥ ⅓ du plancher et p95 < 3 × celui du plancher).

    .venv/bin/python bench/pages.py                       # 1x et 100k, 5 s par page
    .venv/bin/python bench/pages.py --jeux 1x,10x,100k --duree 10
    .venv/bin/python bench/pages.py --jeux 100k --garder --pages jour,réservations

La démo émet d'ordinaire les factures des douze mois de 2015 (~200 PDF Factur-X, ~45 s) :
ici seulement celles de décembre (`--grand-livre` pour toute l'année), assez pour que la liste
et la fiche d'une facture aient de quoi s'afficher.
Bases `phares_bench_pages_<jeu>` sur le serveur de DATABASE_URL, avec son rôle et son mot de
passe (défaut : phares@127.0.0.1:5432 ; il faut CREATEDB), ou `<BENCH_DATABASE_URL>_<jeu>`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path[0] == str(ROOT / "bench"):
    sys.path[0] = str(ROOT)  # not bench/: its scripts would shadow top-level module names

from bench import serveur as srv  # noqa: E402

JEUX = ("1x", "10x", "100k")
# 8 connections on 2 threads; a slow page must not count as an error before 30 s.
WRK = ["wrk", "-t2", "-c8", "--timeout", "30s", "--latency"]
RESERVATIONS_100K = 100_000

PERSONAS = {
    "gestion": "gestion@phares.test",
    "référent": "referent.halage@phares.test",
    "cogérant": "cogerant@phares.test",
}

# (nom, persona, adresse) ; {salle}, {facture}, {seance} sont lus dans la base du jeu.
PAGES = [
    ("accueil", "gestion", "/"),
    ("jour", "gestion", "/reservations/jour/"),
    ("semaine salle", "gestion", "/reservations/salles/{salle}/"),
    ("vélos", "gestion", "/reservations/velos/"),
    ("réservations", "gestion", "/reservations/"),
    ("annuaire", "gestion", "/annuaire/"),
    ("structures", "gestion", "/habitants/"),
    ("fiche structure", "gestion", "/habitants/fiche/halage/"),
    ("factures", "gestion", "/factures/"),
    ("facture", "gestion", "/factures/{facture}/"),
    ("séances", "gestion", "/gouvernance/"),
    ("décisions", "gestion", "/gouvernance/decisions/"),
    ("projets", "gestion", "/projets/"),
    ("rapport 2015", "gestion", "/rapports/2015/"),
    ("journal", "gestion", "/journal/"),
    ("accueil", "référent", "/"),
    ("jour", "référent", "/reservations/jour/"),
    ("semaine salle", "référent", "/reservations/salles/{salle}/"),
    ("vélos", "référent", "/reservations/velos/"),
    ("réservations", "référent", "/reservations/"),
    ("annuaire", "référent", "/annuaire/"),
    ("mon espace", "référent", "/mon-espace/halage/"),
    ("factures", "référent", "/factures/"),
    ("accueil", "cogérant", "/"),
    ("séances", "cogérant", "/gouvernance/"),
    ("séance", "cogérant", "/gouvernance/seances/{seance}/"),
    ("décisions", "cogérant", "/gouvernance/decisions/"),
]

WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BANC p50=%d p95=%d requetes=%d octets=%d erreurs=%d statut=%d\\n",
    latency:percentile(50), latency:percentile(95), summary.requests, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


# --- Préparation, dans un processus Django à part (--preparer) -----------------------------


def _django():
    import django

    django.setup()


def charger_demo(grand_livre: bool) -> None:
    from django.core.management import call_command

    from espaces.facturation import demo as demo_factures

    if not grand_livre:
        # Like tests/conftest.py (_demo_sans_grand_livre), but December is still issued:
        # the invoice list and an invoice page must have something to show.
        demo_factures.MOIS_EMIS = (12,)
    call_command("demo", verbosity=0)


def remplir_reservations(total: int) -> int:
    """Ajoute des réservations d'une heure (8 h – 18 h, jours ouvrés) en remontant depuis
    dans quatre semaines, jusqu'à `total` lignes, sans chevaucher une réservation active
    (la contrainte d'exclusion l'interdirait) : 5 % annulées, quelques demandes
    extérieures en attente dans les semaines à venir."""
    from django.db import transaction
    from django.utils import timezone

    from espaces.models import ClientExterne, Reservation, Ressource
    from habitants.models import Structure
    from phares.lib import temps

    manque = total - Reservation.objects.count()
    if manque <= 0:
        return 0
    ressources = list(Ressource.objects.filter(active=True).order_by("pk"))
    aujourd_hui = timezone.localdate()
    structures = list(Structure.objects.presentes(aujourd_hui).order_by("pk"))
    externes = list(ClientExterne.objects.order_by("pk")[:5])
    occupe: dict[tuple[int, datetime.date], list[tuple]] = {}
    for r in Reservation.objects.filter(statut__in=Reservation.STATUTS_ACTIFS).only(
        "ressource_id", "debut", "fin_bloquee"
    ):
        jour = timezone.localtime(r.debut).date()
        occupe.setdefault((r.ressource_id, jour), []).append((r.debut, r.fin_bloquee))
    lot, n = [], 0
    jour = aujourd_hui + datetime.timedelta(days=28)
    with transaction.atomic():
        while n < manque:
            jour -= datetime.timedelta(days=1)
            if jour.weekday() >= 5:
                continue
            for ressource in ressources:
                pris = occupe.get((ressource.pk, jour), [])
                for heure in range(8, 18):
                    if n >= manque:
                        break
                    debut = temps.aware(jour, datetime.time(heure))
                    fin = debut + datetime.timedelta(hours=1)
                    if any(d < fin and f > debut for d, f in pris):
                        continue
                    resa = Reservation(
                        ressource=ressource,
                        debut=debut,
                        fin=fin,
                        fin_bloquee=fin,
                        structure=structures[n % len(structures)],
                        titre=f"Réunion (banc) {n}",
                        nb_personnes=1 + n % 8,
                        cree_le=debut - datetime.timedelta(days=10),
                    )
                    if n % 20 == 7:
                        resa.statut = Reservation.Statut.ANNULEE
                        resa.annulee_le = debut - datetime.timedelta(days=2)
                    elif externes and jour > aujourd_hui and n % 97 == 3:
                        resa.statut = Reservation.Statut.EN_ATTENTE
                        resa.structure = None
                        resa.externe = externes[n % len(externes)]
                        resa.expire_le = debut - datetime.timedelta(days=1)
                        resa.titre = f"Demande extérieure (banc) {n}"
                    lot.append(resa)
                    n += 1
            if len(lot) >= 5000:
                Reservation.objects.bulk_create(lot, batch_size=2500)
                lot = []
        Reservation.objects.bulk_create(lot, batch_size=2500)
    return n


def construire(jeu: str, grand_livre: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    charger_demo(grand_livre)
    print(f"  [{jeu}] migrate + démo : {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    if jeu == "10x":
        from bench.rapport import agrandir

        agrandir()
    elif jeu == "100k":
        remplir_reservations(RESERVATIONS_100K)
    if jeu != "1x":
        print(f"  [{jeu}] données ajoutées : {time.perf_counter() - t0:.0f} s", flush=True)
    with connection.cursor() as c:
        c.execute("ANALYZE")


def mesurer_requetes(pages: list[str] | None, sortie: Path) -> None:
    """Ouvre une session par persona (force_login : une ligne de django_session), résout
    les adresses, compte requêtes et octets de chaque page (2e appel, le 1er chauffe)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from espaces.facturation.models import Facture
    from espaces.models import Reservation, Ressource
    from gouvernance.models import Seance
    from habitants.models import Structure
    from phares.models import User

    valeurs = {
        "salle": Ressource.objects.filter(categorie="salle").order_by("pk").first().slug,
        "facture": Facture.objects.emises().order_by("-pk").values_list("pk", flat=True).first(),
        "seance": Seance.objects.order_by("-debut").values_list("pk", flat=True).first(),
    }
    clients, cookies = {}, {}
    for persona, email in PERSONAS.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=email))
        clients[persona] = client
        cookies[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    resultats = []
    choix = [("plancher", "gestion", "/plancher/")] + [
        p for p in PAGES if not pages or any(nom in p[0] for nom in pages)
    ]
    for nom, persona, modele in choix:
        url = modele.format(**valeurs)
        client = clients[persona]
        client.get(url)
        with CaptureQueriesContext(connection) as requetes:
            reponse = client.get(url)
        resultats.append(
            {
                "nom": nom,
                "persona": persona,
                "url": url,
                "statut": reponse.status_code,
                "requetes": len(requetes),
                "octets": len(reponse.content),
            }
        )
    donnees = {
        "structures": Structure.objects.count(),
        "reservations": Reservation.objects.count(),
        "factures": Facture.objects.count(),
    }
    sortie.write_text(json.dumps({"pages": resultats, "cookies": cookies, "donnees": donnees}))


def preparer(args) -> None:
    _django()
    if args.construire:
        construire(args.preparer, args.grand_livre)
    mesurer_requetes(args.pages, Path(args.sortie))


# --- Mesure HTTP ----------------------------------------------------------------------------


@dataclass
class Mesure:
    req_s: float
    reponses: int
    p50_ms: float
    p95_ms: float
    erreurs: int

    @staticmethod
    def moyenne(a: Mesure, b: Mesure) -> Mesure:
        return Mesure(
            req_s=(a.req_s + b.req_s) / 2,
            reponses=a.reponses + b.reponses,
            p50_ms=(a.p50_ms + b.p50_ms) / 2,
            p95_ms=(a.p95_ms + b.p95_ms) / 2,
            erreurs=a.erreurs + b.erreurs,
        )


def wrk(url: str, cookie: str, duree: int, lua: Path) -> Mesure:
    sortie = subprocess.run(
        [*WRK, f"-d{duree}s", "-s", str(lua), "-H", f"Cookie: sessionid={cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    req_s = float(re.search(r"Requests/sec:\s+([\d.]+)", sortie).group(1))
    banc = dict(kv.split("=") for kv in re.search(r"BANC (.*)", sortie).group(1).split())
    return Mesure(
        req_s=req_s,
        reponses=int(banc["requetes"]),
        p50_ms=int(banc["p50"]) / 1000,
        p95_ms=int(banc["p95"]) / 1000,
        erreurs=int(banc["erreurs"]) + int(banc["statut"]),
    )


def statut_http(url: str, cookie: str) -> int:
    """Le statut sans suivre de redirection : une page qui renvoie au formulaire de
    connexion ne doit pas passer pour une page servie."""

    class SansRedirection(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    ouvreur = urllib.request.build_opener(SansRedirection)
    req = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    try:
        with ouvreur.open(req, timeout=60) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def mesurer_jeu(jeu: str, args, lua: Path) -> list[str]:
    database_url = srv.adresse_base(f"phares_bench_pages_{jeu}")
    if os.environ.get("BENCH_DATABASE_URL"):  # one base per data set
        database_url = f"{database_url}_{jeu}"
    env = srv.environnement(database_url, secrets.token_urlsafe(50), srv.VAR / f"media-{jeu}")
    garder = args.garder and srv.base_existe(database_url)
    t0 = time.perf_counter()
    if not garder:
        print(f"[{jeu}] base {srv.sans_secret(database_url)} recréée", flush=True)
        srv.recreer_base(database_url)
        shutil.rmtree(srv.VAR / f"media-{jeu}", ignore_errors=True)
    else:
        print(f"[{jeu}] base {srv.sans_secret(database_url)} gardée", flush=True)
    srv.collectstatic(env)  # the pages need the manifest, the query count too
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        commande = [srv.PY, __file__, "--preparer", jeu, "--sortie", f.name]
        if not garder:
            commande.append("--construire")
        if args.grand_livre:
            commande.append("--grand-livre")
        if args.pages:
            commande += ["--pages", ",".join(args.pages)]
        subprocess.run(commande, cwd=srv.ROOT, env=env, check=True)
        prep = json.loads(Path(f.name).read_text())
    print(f"[{jeu}] prêt en {time.perf_counter() - t0:.0f} s : {prep['donnees']}", flush=True)
    port = srv.port_libre()
    base = f"http://127.0.0.1:{port}"
    serveur = srv.lancer_gunicorn(env, 2, port)
    lignes = []
    try:
        pages = prep["pages"]
        plancher, autres = pages[0], pages[1:]
        cookie = prep["cookies"]
        for p in pages:
            p["http"] = statut_http(base + p["url"], cookie[p["persona"]])

        def mesurer(page: dict, duree: int) -> Mesure:
            mesure = wrk(base + page["url"], cookie[page["persona"]], duree, lua)
            # wrk stops at `duree` but gunicorn still serves the requests already queued:
            # wait for them, or the next page would pay for a slow one.
            statut_http(base + plancher["url"], cookie["gestion"])
            statut_http(base + plancher["url"], cookie["gestion"])
            return mesure

        mesurer(plancher, 2)  # warm-up
        # The floor before and after each round: a page is compared with their mean, so
        # that the load of a shared machine drifting during a round weighs on both sides.
        sols = [mesurer(plancher, args.duree)]
        tours = []
        for i in range(0, len(autres), args.par_tour):
            tour = autres[i : i + args.par_tour]
            tours.append([(p, mesurer(p, args.duree) if p["http"] == 200 else None) for p in tour])
            sols.append(mesurer(plancher, args.duree))
        resultats = []
        for i, tour in enumerate(tours):
            resultats.append((plancher, sols[i], sols[i]))
            reference = Mesure.moyenne(sols[i], sols[i + 1])
            resultats += [(p, m, reference) for p, m in tour]
        resultats.append((plancher, sols[-1], sols[-1]))
        prep["donnees"]["charge"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        lignes = tableau(jeu, prep["donnees"], resultats)
    finally:
        srv.arreter(serveur)
    return lignes


def tableau(jeu: str, donnees: dict, resultats: list) -> list[str]:
    lignes = [
        "",
        f"Jeu {jeu} : {donnees['structures']} structures, {donnees['reservations']} réservations, "
        f"{donnees['factures']} factures ; charge de la machine {donnees['charge']}",
        f"{'page':<16} {'persona':<9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ko':>6} "
        f"{'requêtes':>8} {'ratio':>6}  cible",
    ]
    tenues = total = 0
    for page, m, sol in resultats:
        tete = f"{page['nom']:<16} {page['persona']:<9}"
        poids = f"{page['octets'] / 1024:>6.0f} {page['requetes']:>8}"
        if m is None:
            lignes.append(
                f"{tete} {'—':>7} {'—':>7} {'—':>7} {poids} {'—':>6}  HTTP {page['http']}"
            )
            continue
        if not m.reponses:
            total += 1
            lignes.append(f"{tete} {0:>7} {'—':>7} {'—':>7} {poids} {'—':>6}  NON (aucune réponse)")
            continue
        mesure = f"{m.req_s:>7.1f} {m.p50_ms:>7.1f} {m.p95_ms:>7.1f} {poids}"
        if page["nom"] == "plancher":
            lignes.append(f"{tete} {mesure} {'1':>6}  (plancher)")
            continue
        ratio = sol.req_s / m.req_s
        ok = m.req_s >= sol.req_s / 3 and m.p95_ms < 3 * sol.p95_ms and not m.erreurs
        total += 1
        tenues += ok
        note = "oui" if ok else "NON"
        if m.erreurs:
            note += f" ({m.erreurs} erreurs)"
        lignes.append(f"{tete} {mesure} {ratio:>5.1f}×  {note}")
    lignes.append(
        f"Cible tenue par {tenues} page(s) sur {total} "
        "(req/s ≥ ⅓ du plancher et p95 < 3 × le sien, le plancher étant la moyenne des deux "
        "qui encadrent le tour de la page ; ratio = req/s du plancher / req/s de la page)."
    )
    return lignes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jeux", default="1x,100k", help="parmi 1x, 10x, 100k (défaut 1x,100k)")
    parser.add_argument("--duree", type=int, default=5, help="secondes de wrk par page (5)")
    parser.add_argument("--pages", type=lambda s: [p.strip() for p in s.split(",") if p.strip()],
                        help="seulement les pages dont le nom contient l'un de ces mots")  # fmt: skip
    parser.add_argument("--garder", action="store_true", help="réutiliser une base déjà construite")
    parser.add_argument("--par-tour", type=int, default=5, help="pages par tour de plancher (5)")
    parser.add_argument(
        "--grand-livre", action="store_true", help="émettre les 12 mois de factures"
    )
    parser.add_argument("--preparer", help=argparse.SUPPRESS)
    parser.add_argument("--construire", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sortie", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.preparer:
        preparer(args)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk est introuvable : sudo apt-get install wrk (paquet Debian).")
    jeux = [j.strip() for j in args.jeux.split(",") if j.strip()]
    inconnus = [j for j in jeux if j not in JEUX]
    if inconnus:
        raise SystemExit(f"Jeu inconnu : {', '.join(inconnus)} (choisir parmi {', '.join(JEUX)}).")
    print(
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cœurs ; gunicorn 2 workers "
        f"sync, wrk -t2 -c8 -d{args.duree}s ; PostgreSQL ; réglages de production (http)",
        flush=True,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(WRK_LUA)
        lua.flush()
        tableaux = []
        for jeu in jeux:
            lignes = mesurer_jeu(jeu, args, Path(lua.name))
            print("\n".join(lignes), flush=True)
            tableaux.append(lignes)


if __name__ == "__main__":
    main()
