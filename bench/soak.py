"""Endurance : une charge mêlée pendant `--duree` secondes (600 par défaut) contre gunicorn
(4 workers, réglages de production en http simple) sur PostgreSQL, par plusieurs clients en
parallèle (des fils, chacun sa session) : parcourir les pages, réserver un créneau de salle
puis l'annuler, lire la liste et la fiche des factures, l'aperçu du rapport annuel.

Imprime les erreurs (doit être 0 : toute réponse 5xx, toute 4xx, tout échec de connexion ;
un créneau déjà pris n'en est pas une), le p95 par page, et la mémoire résidente de chaque
worker gunicorn (VmRSS de /proc/<pid>/status) au début (après une chauffe : un passage sur
chaque page puis la même charge, un dixième de la durée, 15 à 60 s) et à la fin, avec la
croissance en %. Sort en erreur (code 1) s'il y a eu des erreurs ou si un worker a grossi
de plus de 10 %.

    .venv/bin/python bench/soak.py                      # 10 minutes, 6 clients
    .venv/bin/python bench/soak.py --duree 120 --clients 4 --garder

Base `phares_bench_soak` (la démo, factures de décembre 2015 émises), recréée sauf
`--garder`, sur le serveur et avec le rôle de DATABASE_URL (voir bench/serveur.py).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: its scripts would shadow top-level module names

from bench import serveur as srv  # noqa: E402

SALLES = ("salle-seine", "salle-ile")
WORKERS = 4
SEUIL_MEMOIRE = 10.0  # % de croissance tolérée par worker


# --- Préparation, dans un processus Django (--preparer) -----------------------------------


def preparer(construire: bool, clients: int, sortie: Path) -> None:
    """Construit la base si demandé, puis ouvre une session par client : la gestion, et
    des référent·es de structures présentes (chacun·e réserve pour la sienne)."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from espaces.facturation.models import Facture
    from espaces.models import Ressource
    from habitants.models import Membre, Structure
    from phares.models import User

    if construire:
        from bench.pages import charger_demo

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        charger_demo(grand_livre=False)
    presentes = Structure.objects.presentes(timezone.localdate())
    referents = list(
        Membre.objects.filter(role=Membre.Role.REFERENT, structure__in=presentes, fin__isnull=True)
        .select_related("user", "structure")
        .order_by("structure__slug")
    )
    salles = list(
        Ressource.objects.filter(categorie="salle", slug__in=SALLES).values_list("slug", flat=True)
    ) or list(Ressource.objects.filter(categorie="salle").values_list("slug", flat=True)[:2])
    factures = Facture.objects.emises().order_by("-pk")
    personas = [("gestion", User.objects.get(email="gestion@phares.test"), None)]
    for m in referents[: max(0, clients - 1)]:
        personas.append(("référent", m.user, m.structure))
    resultat = []
    for i in range(clients):
        role, user, structure = personas[i % len(personas)]
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        facture = (factures.filter(structure=structure) if structure else factures).first()
        resultat.append(
            {
                "role": role,
                "email": user.email,
                "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "structure": structure.slug if structure else None,
                "facture": facture.pk if facture else None,
            }
        )
    sortie.write_text(json.dumps({"clients": resultat, "salles": salles}))


# --- Les clients ------------------------------------------------------------------------------


class Erreur(Exception):
    pass


class Client:
    """Une personne connectée qui enchaîne des actions ; chaque requête est chronométrée
    sous le nom de sa page."""

    def __init__(self, base: str, infos: dict, salles: list[str], mesures, erreurs, graine: int):
        self.base = base
        self.infos = infos
        self.salles = salles
        self.cookies = {"sessionid": infos["session"]}
        self.mesures = mesures
        self.erreurs = erreurs
        self.hasard = random.Random(graine)
        self.mes_reservations: list[int] = []
        self.refus = 0

    def requete(self, nom: str, path: str, data: dict | None = None) -> tuple[str, str]:
        corps = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=corps)
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=120) as reponse:
                page = reponse.read().decode()
                url = reponse.geturl()
                for entete in reponse.headers.get_all("Set-Cookie") or []:
                    cle, _, reste = entete.partition("=")
                    self.cookies[cle.strip()] = reste.split(";", 1)[0]
        except urllib.error.HTTPError as exc:
            self.erreurs.append((nom, path, f"HTTP {exc.code}"))
            raise Erreur from exc
        except OSError as exc:
            self.erreurs.append((nom, path, f"{type(exc).__name__} {exc}"))
            raise Erreur from exc
        finally:
            self.mesures[nom].append((time.perf_counter() - t0) * 1000)
        if "/comptes/login/" in url:
            self.erreurs.append((nom, path, "renvoyé à la connexion"))
            raise Erreur
        return url, page

    def pages(self) -> list[tuple[str, str]]:
        salle = self.salles[0]
        communes = [
            ("accueil", "/"),
            ("jour", "/reservations/jour/"),
            ("semaine", f"/reservations/salles/{salle}/"),
            ("vélos", "/reservations/velos/"),
            ("réservations", "/reservations/"),
            ("annuaire", "/annuaire/"),
            ("factures", "/factures/"),
        ]
        if self.infos["facture"]:
            communes.append(("facture", f"/factures/{self.infos['facture']}/"))
        if self.infos["role"] == "gestion":
            return [
                *communes,
                ("structures", "/habitants/"),
                ("rapport 2015", "/rapports/2015/"),
                ("séances", "/gouvernance/"),
                ("journal", "/journal/"),
            ]
        return [*communes, ("mon espace", f"/mon-espace/{self.infos['structure']}/")]

    def parcourir(self) -> None:
        self.requete(*self.hasard.choice(self.pages()))

    def reserver(self) -> None:
        salle = self.hasard.choice(self.salles)
        jour = datetime.date.today() + datetime.timedelta(days=self.hasard.randint(3, 40))
        while jour.weekday() >= 5:
            jour += datetime.timedelta(days=1)
        heure = self.hasard.randint(8, 17)
        chemin = f"/reservations/salles/{salle}/reserver/"
        _, page = self.requete("réserver (page)", chemin)
        structure = re.search(r'<option value="(\d+)" selected', page)
        donnees = {
            "csrfmiddlewaretoken": _csrf(page),
            "date": jour.isoformat(),
            "heure_debut": f"{heure:02d}:00",
            "heure_fin": f"{heure + 1:02d}:00",
            "titre": f"Endurance {self.infos['email']}",
            "nb_personnes": "4",
            "structure": structure.group(1) if structure else "",
            "frequence": "",
            "intervalle": "1",
        }
        url, page = self.requete("réserver (envoi)", chemin, donnees)
        prix = re.search(r'name="prix_accepte" value="([^"]+)"', page)
        if "reserver" in url and prix:  # beyond the monthly allowance: confirm the price
            donnees |= {"prix_accepte": prix.group(1), "csrfmiddlewaretoken": _csrf(page)}
            url, page = self.requete("réserver (confirmation)", chemin, donnees)
        faite = re.search(r"/reservations/(\d+)/$", url)
        if faite:
            self.mes_reservations.append(int(faite.group(1)))
        else:
            self.refus += 1  # slot taken meanwhile, or beyond a rule: the form says why

    def annuler(self) -> None:
        if not self.mes_reservations:
            return self.reserver()
        pk = self.mes_reservations.pop(self.hasard.randrange(len(self.mes_reservations)))
        chemin = f"/reservations/{pk}/annuler/"
        _, page = self.requete("annuler (page)", chemin)
        url, _ = self.requete(
            "annuler (envoi)", chemin, {"csrfmiddlewaretoken": _csrf(page), "portee": "une"}
        )
        if not url.endswith("/reservations/"):
            self.refus += 1

    def factures(self) -> None:
        self.requete("factures", "/factures/")
        if self.infos["facture"]:
            self.requete("facture", f"/factures/{self.infos['facture']}/")

    def rapport(self) -> None:
        if self.infos["role"] == "gestion":
            self.requete("rapport 2015", "/rapports/2015/")
        else:
            self.parcourir()

    def tourner(self, fin: float, pause: float) -> None:
        actions = [self.parcourir] * 10 + [self.reserver] * 3 + [self.annuler] * 3
        actions += [self.factures] * 2 + [self.rapport]
        while time.monotonic() < fin:
            with contextlib.suppress(Erreur):  # counted in self.erreurs
                self.hasard.choice(actions)()
            if pause:
                time.sleep(pause)

    def premier_passage(self) -> None:
        for nom, chemin in self.pages():
            with contextlib.suppress(Erreur):
                self.requete(nom, chemin)


def _csrf(page: str) -> str:
    trouve = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return trouve.group(1) if trouve else ""


def p95(valeurs: list[float]) -> float:
    if len(valeurs) < 2:
        return valeurs[0] if valeurs else 0.0
    return statistics.quantiles(valeurs, n=20, method="inclusive")[18]


def charger(clients, duree, pause, mesures, erreurs, serveur, *, bavard: bool) -> float:
    """Fait tourner les clients pendant `duree` secondes ; imprime l'avancement."""
    t0 = time.monotonic()
    fils = [threading.Thread(target=c.tourner, args=(t0 + duree, pause)) for c in clients]
    for t in fils:
        t.start()
    pas = min(60, max(5, duree / 10))
    for t in fils:
        while t.is_alive():
            t.join(timeout=pas)
            if bavard and t.is_alive():
                total = sum(len(v) for v in mesures.values())
                rss = sum(memoire(serveur).values()) // 1024
                print(
                    f"  {time.monotonic() - t0:5.0f} s : {total} requêtes, {len(erreurs)} "
                    f"erreurs, workers {rss} Mo en tout",
                    flush=True,
                )
    return time.monotonic() - t0


def memoire(serveur) -> dict[int, int]:
    return {pid: srv.rss_ko(pid) for pid in srv.pids_workers(serveur)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duree", type=int, default=600, help="secondes de charge (600)")
    parser.add_argument("--clients", type=int, default=6, help="clients en parallèle (6)")
    parser.add_argument("--workers", type=int, default=WORKERS, help="workers gunicorn (4)")
    parser.add_argument(
        "--chauffe", type=int, help="secondes de chauffe avant la mémoire de début (durée/10)"
    )
    parser.add_argument("--pause", type=float, default=0.0, help="pause entre deux actions (s)")
    parser.add_argument("--garder", action="store_true", help="réutiliser phares_bench_soak")
    parser.add_argument("--preparer", help=argparse.SUPPRESS)
    parser.add_argument("--construire", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.clients < 1 or args.duree < 1 or args.workers < 1:
        raise SystemExit("--duree, --clients et --workers doivent être positifs.")
    if args.preparer:
        preparer(args.construire, args.clients, Path(args.preparer))
        return

    database_url = srv.adresse_base("phares_bench_soak")
    env = srv.environnement(database_url, secrets.token_urlsafe(50), srv.VAR / "media-soak")
    construire = not (args.garder and srv.base_existe(database_url))
    if construire:
        print(f"Base {srv.sans_secret(database_url)} recréée, démo…", flush=True)
        srv.recreer_base(database_url)
    srv.collectstatic(env)
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        commande = [srv.PY, __file__, "--clients", str(args.clients), "--preparer", f.name]
        subprocess.run(
            commande + (["--construire"] if construire else []), cwd=srv.ROOT, env=env, check=True
        )
        prep = json.loads(Path(f.name).read_text())
    port = srv.port_libre()
    serveur = srv.lancer_gunicorn(env, args.workers, port)
    mesures: dict[str, list[float]] = defaultdict(list)
    erreurs: list[tuple[str, str, str]] = []
    clients = [
        Client(f"http://127.0.0.1:{port}", infos, prep["salles"], mesures, erreurs, graine=i)
        for i, infos in enumerate(prep["clients"])
    ]
    chauffe = args.chauffe if args.chauffe is not None else min(60, max(15, args.duree // 10))
    try:
        for c in clients:
            c.premier_passage()
        # Warm-up: every worker has seen every page and every form (compiled templates,
        # Django's caches) before its memory is read; its errors count all the same.
        print(f"Chauffe : {chauffe} s de la même charge…", flush=True)
        charger(clients, chauffe, args.pause, mesures, erreurs, serveur, bavard=False)
        debut_memoire = memoire(serveur)
        mesures.clear()
        print(
            f"{args.clients} clients ({', '.join(c.infos['role'] for c in clients)}), "
            f"{args.workers} workers gunicorn, {args.duree} s…",
            flush=True,
        )
        duree = charger(clients, args.duree, args.pause, mesures, erreurs, serveur, bavard=True)
        fin_memoire = memoire(serveur)
    finally:
        srv.arreter(serveur)

    total = sum(len(v) for v in mesures.values())
    refus = sum(c.refus for c in clients)
    print(f"\n{total} requêtes en {duree:.0f} s ({total / duree:.1f}/s) ; {refus} refus attendus "
          "(créneau déjà pris, règle de la salle)")  # fmt: skip
    print(f"Erreurs : {len(erreurs)}")
    for (nom, chemin, quoi), n in sorted(_compter(erreurs).items())[:20]:
        print(f"  {n} × {nom} {chemin} : {quoi}")
    print(f"\n{'page':<26} {'requêtes':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for nom, valeurs in sorted(mesures.items()):
        print(
            f"{nom:<26} {len(valeurs):>8} {statistics.median(valeurs):>8.0f} "
            f"{p95(valeurs):>8.0f} {max(valeurs):>8.0f}"
        )
    print(f"\nMémoire des workers (VmRSS), début → fin (seuil +{SEUIL_MEMOIRE:.0f} %) :")
    croissance_max = 0.0
    for pid in sorted(set(debut_memoire) | set(fin_memoire)):
        avant, apres = debut_memoire.get(pid), fin_memoire.get(pid)
        if avant is None or apres is None:
            etat = "remplacé pendant l'essai" if apres is None else "nouveau pendant l'essai"
            print(f"  worker {pid} : {etat}")
            croissance_max = float("inf")
            continue
        croissance = 100 * (apres - avant) / avant
        croissance_max = max(croissance_max, croissance)
        print(
            f"  worker {pid} : {avant / 1024:.1f} Mo → {apres / 1024:.1f} Mo ({croissance:+.1f} %)"
        )
    ok = not erreurs and croissance_max <= SEUIL_MEMOIRE
    print("\nRésultat : " + ("tenu." if ok else "NON TENU (erreurs ou mémoire)."))
    sys.exit(0 if ok else 1)


def _compter(erreurs):
    compte: dict[tuple, int] = defaultdict(int)
    for e in erreurs:
        compte[(e[0], re.sub(r"\d+", "N", e[1]), e[2])] += 1
    return compte


if __name__ == "__main__":
    main()
