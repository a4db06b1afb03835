"""Course de réservations par HTTP : N personnes de N structures réservent la même salle
au même créneau, au même instant, contre un vrai serveur (gunicorn, 4 workers, réglages de
production en http simple, PostgreSQL).

Imprime combien ont gagné (doit être 1), combien ont reçu le message de conflit (la
vérification du service, ou la contrainte d'exclusion de la base), les temps de réponse et
le nombre de réservations confirmées en base pour ce créneau (1).

    .venv/bin/python bench/course_http.py [N]          # N = 20 par défaut

La base `phares_bench` est recréée (la démo, sans son grand livre de factures) sur le serveur
de DATABASE_URL, avec son rôle et son mot de passe (défaut : phares@127.0.0.1:5432 ; il faut
CREATEDB) ; BENCH_DATABASE_URL donne l'adresse complète d'une autre base. Chaque coureur·se
est référent·e d'une structure créée pour la course : N n'a d'autre limite que la machine.
"""

from __future__ import annotations

import datetime
import html
import json
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: its scripts would shadow top-level module names

from bench import serveur as srv  # noqa: E402

SALLE = "salle-seine"
WORKERS = 4


def jour_de_course() -> datetime.date:
    jour = datetime.date.today() + datetime.timedelta(days=14)
    while jour.isoweekday() > 5:
        jour += datetime.timedelta(days=1)
    return jour


# --- Dans un processus Django (--preparer N) ------------------------------------------------


def preparer(n: int, sortie: Path) -> None:
    """Migre, charge la démo (sans émettre ses factures : ~45 s de PDF), crée N structures
    présentes avec chacune sa ou son référent·e, et ouvre leurs sessions (une ligne de
    django_session chacune, comme après une connexion : pas de limite de connexions par
    adresse à contourner)."""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from espaces.facturation import demo as demo_factures
    from habitants.models import Domaine, Membre, Structure
    from phares.models import User

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    demo_factures.MOIS_EMIS = ()  # like tests/conftest.py: no invoice PDFs
    call_command("demo", verbosity=0)
    domaine = Domaine.objects.order_by("pk").first()
    debut = datetime.date(2015, 1, 1)
    structures = Structure.objects.bulk_create(
        Structure(
            nom=f"Course {i:04d}",
            slug=f"course-{i:04d}",
            domaine=domaine,
            description="Structure créée pour la course de réservations.",
            arrivee=debut,
        )
        for i in range(n)
    )
    personnes = User.objects.bulk_create(
        User(email=f"course{i:04d}@phares.test", first_name="Course", last_name=f"{i:04d}")
        for i in range(n)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in personnes
    )
    Membre.objects.bulk_create(
        Membre(user=u, structure=s, role=Membre.Role.REFERENT, debut=debut)
        for u, s in zip(personnes, structures, strict=True)
    )
    cookies = []
    for u in personnes:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(u)
        cookies.append((u.email, client.cookies[settings.SESSION_COOKIE_NAME].value))
    sortie.write_text(json.dumps(cookies))


def compter_en_base(jour: datetime.date) -> int:
    import django

    django.setup()
    from espaces.models import Reservation

    return Reservation.objects.filter(
        ressource__slug=SALLE,
        debut__date=jour,
        titre__startswith="Course ",
        statut=Reservation.Statut.CONFIRMEE,
    ).count()


# --- La course --------------------------------------------------------------------------------


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


class Navigateur:
    """Une personne connectée : sa session, et le jeton CSRF que le serveur lui donne."""

    def __init__(self, base: str, session: str):
        self.base = base
        self.cookies = {"sessionid": session}

    def _ouvrir(self, req: urllib.request.Request):
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        reponse = urllib.request.urlopen(req, timeout=120)
        for entete in reponse.headers.get_all("Set-Cookie") or []:
            nom, _, reste = entete.partition("=")
            self.cookies[nom.strip()] = reste.split(";", 1)[0]
        return reponse

    def get(self, path: str) -> str:
        return self._ouvrir(urllib.request.Request(self.base + path)).read().decode()

    def post(self, path: str, data: dict) -> tuple[str, str]:
        req = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(data).encode())
        reponse = self._ouvrir(req)
        return reponse.geturl(), reponse.read().decode()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    if n < 2:
        raise SystemExit("Il faut au moins 2 personnes pour une course.")
    if len(sys.argv) > 3 and sys.argv[2] == "--preparer":
        preparer(n, Path(sys.argv[3]))
        return
    if len(sys.argv) > 3 and sys.argv[2] == "--compter":
        print(compter_en_base(datetime.date.fromisoformat(sys.argv[3])))
        return
    database_url = srv.adresse_base("phares_bench")
    env = srv.environnement(database_url, secrets.token_urlsafe(50), srv.VAR / "media-course")
    print(f"Base {srv.sans_secret(database_url)} recréée ; démo et {n} structures…", flush=True)
    srv.recreer_base(database_url)
    srv.collectstatic(env)
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run(
            [srv.PY, __file__, str(n), "--preparer", f.name], cwd=srv.ROOT, env=env, check=True
        )
        coureurs = json.loads(Path(f.name).read_text())
    port = srv.port_libre()
    base = f"http://127.0.0.1:{port}"
    serveur = srv.lancer_gunicorn(env, WORKERS, port)
    jour = jour_de_course()
    try:
        navigateurs, formulaires = [], []
        for email, session in coureurs:
            nav = Navigateur(base, session)
            page = nav.get(f"/reservations/salles/{SALLE}/reserver/")
            structure = re.search(r'<option value="(\d+)" selected', page)
            if structure is None:
                raise SystemExit(f"{email} : pas de structure proposée sur la page de réservation.")
            navigateurs.append(nav)
            formulaires.append(
                {
                    "csrfmiddlewaretoken": csrf(page),
                    "date": jour.isoformat(),
                    "heure_debut": "10:00",
                    "heure_fin": "12:00",
                    "titre": f"Course {email}",
                    "nb_personnes": "5",
                    "structure": structure.group(1),
                    "frequence": "",
                    "intervalle": "1",
                }
            )
        barriere = threading.Barrier(len(navigateurs))
        resultats: list[tuple[str, float]] = [("", 0.0)] * len(navigateurs)
        autres: list[str] = []

        def courir(i: int) -> None:
            barriere.wait()
            t0 = time.perf_counter()
            try:
                url, page = navigateurs[i].post(
                    f"/reservations/salles/{SALLE}/reserver/", formulaires[i]
                )
            except urllib.error.HTTPError as exc:
                resultats[i] = ("autre", (time.perf_counter() - t0) * 1000)
                autres.append(f"HTTP {exc.code}")
                return
            page = html.unescape(page)
            ms = (time.perf_counter() - t0) * 1000
            if "/reservations/" in url and "reserver" not in url:
                resultats[i] = ("gagné", ms)
            elif "déjà réservée" in page:  # the service's check saw the winner
                resultats[i] = ("conflit", ms)
            elif "vient d'être réservée" in page:  # the database constraint decided
                resultats[i] = ("contrainte", ms)
            else:
                alerte = re.search(r'role="alert">\s*(?:<p[^>]*>)?([^<]+)', page)
                resultats[i] = ("autre", ms)
                autres.append(alerte.group(1).strip() if alerte else url)

        fils = [threading.Thread(target=courir, args=(i,)) for i in range(len(navigateurs))]
        for t in fils:
            t.start()
        for t in fils:
            t.join()
    finally:
        srv.arreter(serveur)
    genres = ("gagné", "conflit", "contrainte", "autre")
    compte = {g: sum(1 for r in resultats if r[0] == g) for g in genres}
    temps = sorted(r[1] for r in resultats)
    en_base = subprocess.run(
        [srv.PY, __file__, str(n), "--compter", jour.isoformat()],
        cwd=srv.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(
        f"{len(navigateurs)} personnes de {len(navigateurs)} structures, même salle, même "
        f"créneau, {WORKERS} workers gunicorn, {srv.nom_base(database_url)}"
    )
    print(f"  gagnées : {compte['gagné']}")
    print(f"  refusées par la vérification du service : {compte['conflit']}")
    print(f"  refusées par la contrainte d'exclusion : {compte['contrainte']}")
    print(f"  autres réponses : {compte['autre']}")
    print(f"  temps de réponse ms : médiane {statistics.median(temps):.0f}, max {temps[-1]:.0f}")
    print(f"  réservations confirmées en base pour ce créneau : {en_base}")
    for message in sorted(set(autres)):
        print(f"  autre réponse ({autres.count(message)}) : {message}")


if __name__ == "__main__":
    main()
