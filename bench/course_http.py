"""Course de réservations par HTTP : N personnes de N structures réservent la même salle
au même créneau, en même temps, contre un vrai serveur (gunicorn, plusieurs workers).

Imprime combien ont gagné (doit être 1), combien ont reçu le message de conflit, et les
temps de réponse. Par défaut sur PostgreSQL (base phares_bench, recréée) :

    .venv/bin/python bench/course_http.py [N]
"""

import datetime
import html
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
DB = os.environ.get("BENCH_DATABASE_URL", "postgres://phares:phares@127.0.0.1:5432/phares_bench")
ENV = {
    **os.environ,
    "DATABASE_URL": DB,
    "PHARES_FAST_PASSWORD_HASHER": "true",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "CRITICAL",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> None:
    dbname = urllib.parse.urlparse(DB).path.lstrip("/")
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {dbname}"],
        check=True,
    )
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-qc",
            f"CREATE DATABASE {dbname} OWNER phares",
        ],
        check=True,
    )
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=ENV, check=True)
    subprocess.run(
        [PY, "manage.py", "demo", "-v0"], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL
    )
    # The demo's passwords use the default hasher; give the racers the fast one.
    subprocess.run(
        [
            PY,
            "manage.py",
            "shell",
            "-c",
            "from phares.models import User\n"
            "for u in User.objects.filter(email__startswith='referent.'):\n"
            "    u.set_password('phares2015'); u.save()",
        ],
        cwd=ROOT,
        env=ENV,
        check=True,
    )


def csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class Session:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path, timeout=30).read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        resp = self.opener.open(req, timeout=30)
        return resp.status, resp.geturl(), resp.read().decode()


def main() -> None:
    prepare()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            ROOT / ".venv/bin/gunicorn",
            "phares.wsgi",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        emails = subprocess.run(
            [
                PY,
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                "from phares.models import User\n"
                "print('\\n'.join(User.objects.filter(email__startswith='referent.').order_by('email').values_list('email', flat=True)))",
            ],
            cwd=ROOT,
            env=ENV,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        racers = emails
        jour = datetime.date.today() + datetime.timedelta(days=14)
        while jour.isoweekday() > 5:
            jour += datetime.timedelta(days=1)
        salle = "salle-seine"
        sessions, forms = [], []
        for email in racers:
            if len(sessions) == N:
                break
            s = Session(base)
            token = csrf(s.get("/comptes/login/"))
            s.post(
                "/comptes/login/",
                {"csrfmiddlewaretoken": token, "login": email, "password": "phares2015"},
            )
            try:
                page = s.get(f"/reservations/salles/{salle}/reserver/")
            except urllib.error.HTTPError:
                continue  # a structure that has left the building: cannot book
            selected = re.search(r'<option value="(\d+)" selected', page)
            if selected is None:
                continue
            structure = selected.group(1)
            sessions.append(s)
            forms.append(
                {
                    "csrfmiddlewaretoken": csrf(page),
                    "date": jour.isoformat(),
                    "heure_debut": "10:00",
                    "heure_fin": "12:00",
                    "titre": f"Course {email}",
                    "nb_personnes": "5",
                    "structure": structure,
                    "frequence": "",
                    "intervalle": "1",
                }
            )
        barrier = threading.Barrier(len(sessions))
        results: list[tuple[str, float]] = [("", 0.0)] * len(sessions)
        autres: list[str] = []

        def run(i: int) -> None:
            barrier.wait()
            t0 = time.perf_counter()
            _, url, page = sessions[i].post(f"/reservations/salles/{salle}/reserver/", forms[i])
            page = html.unescape(page)
            elapsed = (time.perf_counter() - t0) * 1000
            if "/reservations/" in url and "reserver" not in url:
                results[i] = ("gagné", elapsed)
            elif "déjà réservée" in page:  # the service's check saw the winner
                results[i] = ("conflit", elapsed)
            elif "vient d'être réservée" in page:  # the database constraint decided
                results[i] = ("contrainte", elapsed)
            else:
                alert = re.search(r'role="alert">\s*(?:<p[^>]*>)?([^<]+)', page)
                results[i] = ("autre", elapsed)
                autres.append(alert.group(1).strip() if alert else url)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sessions))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        kinds = ("gagné", "conflit", "contrainte", "autre")
        counts = {k: sum(1 for r in results if r[0] == k) for k in kinds}
        times = sorted(r[1] for r in results)
        base_name = DB.rsplit("/", 1)[-1]
        print(
            f"{len(sessions)} personnes, même salle, même créneau, 4 workers gunicorn, {base_name}"
        )
        print(f"  gagnées : {counts['gagné']}")
        print(f"  refusées par la vérification du service : {counts['conflit']}")
        print(f"  refusées par la contrainte d'exclusion : {counts['contrainte']}")
        print(f"  autres réponses : {counts['autre']}")
        print(
            f"  temps de réponse ms : médiane {statistics.median(times):.0f}, max {times[-1]:.0f}"
        )
        bookings = subprocess.run(
            [
                PY,
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                "from espaces.models import Reservation\n"
                f"print(Reservation.objects.filter(ressource__slug='{salle}', debut__date='{jour}',"
                " titre__startswith='Course referent.', statut='confirmee').count())",
            ],
            cwd=ROOT,
            env=ENV,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(f"  réservations confirmées en base pour ce créneau : {bookings}")
        for message in autres:
            print(f"  autre réponse : {message}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
