"""Le test de fumée de bin/verifier-topologie : nginx (TLS) devant deux instances gunicorn et
un db_worker, tous sur la même base PostgreSQL neuve.

    topologie.py preparer                 crée les comptes, une structure et une salle
    topologie.py verifier --https … --http … --instance … --instance …
    topologie.py journaux FICHIER…        chaque ligne est un objet JSON

Les requêtes passent par http.client (bibliothèque standard), comme un navigateur : cookies,
jeton CSRF du formulaire, Referer. Le certificat auto-signé de nginx est vérifié (--ca).
Réglages Django et mots de passe : l'environnement que pose bin/verifier-topologie.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import ssl
import sys
import time
import urllib.parse
from html import unescape
from http.cookies import SimpleCookie

GESTION = "gestion@topologie.test"
CIBLE = "cible@topologie.test"  # the account whose failed sign-ins are counted
SALLE = "salle-topologie"
TROP_DE_TENTATIVES = "Trop de tentatives de connexion échouées"
MAUVAIS_MOT_DE_PASSE = "mot de passe"  # allauth: « L'adresse e-mail et/ou le mot de passe… »


class Echec(Exception):
    pass


def verifie(condition, message: str) -> None:
    if not condition:
        raise Echec(message)


def etape(message: str) -> None:
    print(f"[topologie] {message}", flush=True)


# --- Données de départ (ORM) ------------------------------------------------------------


def django_pret() -> None:
    import django

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phares.settings")
    django.setup()


def preparer() -> None:
    django_pret()
    from decimal import Decimal

    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group
    from django.db import transaction

    from espaces.models import Batiment, Espace, Etage, Ressource, Tarif, TypeEspace
    from habitants.models import Domaine, Structure
    from phares.models import User

    mot_de_passe = os.environ["TOPOLOGIE_MOT_DE_PASSE"]
    aujourd_hui = datetime.date.today()
    with transaction.atomic():
        for email, groupes in ((GESTION, ["gestion"]), (CIBLE, [])):
            user = User.objects.create_user(
                email=email, password=mot_de_passe, first_name="Essai", last_name="Topologie"
            )
            for nom in groupes:
                user.groups.add(Group.objects.get_or_create(name=nom)[0])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        domaine = Domaine.objects.create(nom="Insertion", ordre=1)
        Structure.objects.create(
            nom="Halage",
            slug="halage",
            domaine=domaine,
            arrivee=datetime.date(aujourd_hui.year - 1, 1, 1),
            description="Solidarité et environnement.",
            email_contact="contact@halage.test",
        )
        batiment = Batiment.objects.create(
            nom="Les PHARES", adresse="6 rue Arnold Géraux", surface_m2=Decimal("3500")
        )
        etage = Etage.objects.create(batiment=batiment, niveau=1, nom="Premier étage")
        espace = Espace.objects.create(
            etage=etage, nom="Salle Topologie", slug=SALLE, type=TypeEspace.SALLE_REUNION,
            capacite=10, surface_m2=Decimal("30"),
        )  # fmt: skip
        Ressource.objects.create(
            categorie=Ressource.Categorie.SALLE, nom="Salle Topologie", slug=SALLE, espace=espace
        )
        for code, montant in (
            (Tarif.Code.SALLE_HEURE, "25"),
            (Tarif.Code.SALLE_HABITANT_HEURE, "10"),
        ):
            Tarif.objects.create(
                code=code, montant_ht=Decimal(montant), debut=datetime.date(2015, 1, 1)
            )
    etape("données : 2 comptes, 1 structure, 1 salle")


# --- Un navigateur minimal --------------------------------------------------------------


class Navigateur:
    """Cookies, en-têtes fixes, pas de redirection suivie (on veut voir les 302)."""

    def __init__(self, base: str, *, ca: str | None = None, entetes=None, cookies=None):
        self.base = base.rstrip("/")
        self.url = urllib.parse.urlsplit(self.base)
        self.ca = ca
        self.entetes = dict(entetes or {})
        self.cookies = cookies if cookies is not None else {}
        self.secure = {}  # cookie -> its Secure flag, as last set

    def _connexion(self):
        if self.url.scheme == "https":
            contexte = ssl.create_default_context(cafile=self.ca)
            return http.client.HTTPSConnection(self.url.netloc, timeout=30, context=contexte)
        return http.client.HTTPConnection(self.url.netloc, timeout=30)

    def requete(self, methode: str, chemin: str, *, donnees=None, entetes=None):
        corps = None
        h = {**self.entetes, **(entetes or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if donnees is not None:
            corps = urllib.parse.urlencode(donnees)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        c = self._connexion()
        try:
            c.request(methode, chemin, body=corps, headers=h)
            r = c.getresponse()
            texte = r.read().decode("utf-8", "replace")
            reponse = Reponse(r.status, r.getheaders(), texte)
        finally:
            c.close()
        for valeur in reponse.toutes("set-cookie"):
            cookie = SimpleCookie()
            cookie.load(valeur)
            for nom, morceau in cookie.items():
                self.cookies[nom] = morceau.value
                self.secure[nom] = bool(morceau["secure"])
        return reponse

    def get(self, chemin, **kw):
        return self.requete("GET", chemin, **kw)

    def envoyer(self, chemin: str, donnees: dict, *, page: str | None = None):
        """POST d'un formulaire avec le jeton CSRF de la page (relue si absente)."""
        if page is None:
            page = self.get(chemin).texte
        jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        verifie(jeton, f"{chemin} : pas de jeton CSRF dans le formulaire")
        origine = f"https://{self.url.netloc}"
        return self.requete(
            "POST",
            chemin,
            donnees={"csrfmiddlewaretoken": jeton.group(1), **donnees},
            entetes={"Referer": origine + chemin, "Origin": origine},
        )


class Reponse:
    def __init__(self, statut, entetes, texte):
        self.statut = statut
        self._entetes = [(k.lower(), v) for k, v in entetes]
        self.texte = texte

    def entete(self, nom: str) -> str | None:
        return next((v for k, v in self._entetes if k == nom.lower()), None)

    def toutes(self, nom: str) -> list[str]:
        return [v for k, v in self._entetes if k == nom.lower()]

    def json(self):
        return json.loads(self.texte)


# --- Les vérifications ------------------------------------------------------------------


def sondes(nom: str, nav: Navigateur) -> None:
    for chemin in ("/sante/", "/sante/pret/"):
        r = nav.get(chemin)
        verifie(r.statut == 200, f"{nom}{chemin} : statut {r.statut} ({r.texte[:200]})")
        verifie(r.json() == {"statut": "ok"}, f"{nom}{chemin} : {r.texte[:200]}")


def connecter(nav: Navigateur, email: str, mot_de_passe: str):
    return nav.envoyer("/comptes/login/", {"login": email, "password": mot_de_passe})


def reserver(nav: Navigateur, titre: str) -> int:
    chemin = f"/reservations/salles/{SALLE}/reserver/"
    page = nav.get(chemin)
    verifie(page.statut == 200, f"{chemin} : statut {page.statut}")
    structure = re.search(r'<option value="(\d+)"[^>]*>\s*Halage', page.texte)
    verifie(structure, f"{chemin} : la structure Halage n'est pas proposée")
    jour = datetime.date.today() + datetime.timedelta(days=7)
    donnees = {
        "date": jour.isoformat(),
        "heure_debut": "10:00",
        "heure_fin": "11:00",
        "titre": titre,
        "nb_personnes": "4",
        "structure": structure.group(1),
    }
    r = nav.envoyer(chemin, donnees, page=page.texte)
    if r.statut == 200:
        # A booking that costs something is confirmed with its price (« Confirmer (X € TTC) »).
        prix = re.search(r'name="prix_accepte"[^>]*value="([^"]+)"', r.texte) or re.search(
            r'value="([^"]+)"[^>]*name="prix_accepte"', r.texte
        )
        verifie(prix, f"{chemin} : refusée ({erreurs(r.texte)})")
        r = nav.envoyer(chemin, {**donnees, "prix_accepte": unescape(prix.group(1))}, page=r.texte)
    verifie(r.statut == 302, f"{chemin} : statut {r.statut} ({erreurs(r.texte)})")
    pk = re.fullmatch(r".*/reservations/(\d+)/", r.entete("Location") or "")
    verifie(pk, f"{chemin} : redirigé vers {r.entete('Location')}")
    return int(pk.group(1))


def erreurs(page: str) -> str:
    trouvees = re.findall(
        r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)<', page, re.S
    )
    return " | ".join(unescape(t).strip() for t in trouvees if t.strip())[:300] or "sans message"


def verifier(args) -> None:
    debut = time.monotonic()
    mot_de_passe = os.environ["TOPOLOGIE_MOT_DE_PASSE"]
    https = Navigateur(args.https, ca=args.ca)
    http_ = Navigateur(args.http)
    # Directly on an instance, as nginx would send it (TLS ended at the proxy).
    derriere = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
    instances = {f"instance {chr(65 + i)}": url for i, url in enumerate(args.instance)}

    etape("sondes de santé : nginx en http et en https, chaque instance")
    sondes("nginx http ", http_)
    sondes("nginx https ", https)
    for nom, url in instances.items():
        sondes(nom + " ", Navigateur(url))
        # A load balancer probing the instance by its address: not in ALLOWED_HOSTS.
        r = Navigateur(url, entetes={"Host": "10.0.0.5:8001"}).get("/sante/pret/")
        verifie(r.statut == 200, f"{nom} : sonde par adresse IP, statut {r.statut}")

    etape("http → https, fichiers statiques servis par nginx, photos privées refusées")
    r = http_.get("/comptes/login/")
    verifie(r.statut == 301, f"http /comptes/login/ : statut {r.statut}, pas de redirection")
    verifie(
        (r.entete("Location") or "").startswith("https://"), f"redirigé vers {r.entete('Location')}"
    )
    accueil = https.get("/")
    verifie(accueil.statut == 200, f"https / : statut {accueil.statut}")
    verifie(accueil.entete("Strict-Transport-Security"), "https / : pas de HSTS")
    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', accueil.texte)
    verifie(css, "la page d'accueil ne référence aucune CSS hachée")
    r = https.get(css.group(1))
    verifie(r.statut == 200, f"{css.group(1)} : statut {r.statut}")
    verifie("immutable" in (r.entete("Cache-Control") or ""), f"{css.group(1)} : pas de cache long")
    verifie(r.entete("X-Request-ID") is None, f"{css.group(1)} : servi par Django, pas par nginx")
    r = https.get("/media/projets/photos/ab/web.jpg")
    verifie(r.statut == 404, f"photo privée par /media/ : statut {r.statut}")

    etape("connexion par nginx (formulaire allauth, CSRF)")
    r = connecter(https, GESTION, mot_de_passe)
    verifie(r.statut == 302, f"connexion : statut {r.statut} ({erreurs(r.texte)})")
    verifie("sessionid" in https.cookies, "connexion : pas de cookie de session")
    verifie(https.secure.get("sessionid"), "connexion : cookie de session sans l'attribut Secure")

    etape("réservation d'une salle par nginx (formulaire de réservation)")
    titre = f"Comité topologie {os.getpid()}"
    pk = reserver(https, titre)
    for nom, url in instances.items():
        nav = Navigateur(url, entetes=derriere, cookies=dict(https.cookies))
        r = nav.get(f"/reservations/{pk}/")
        verifie(r.statut == 200, f"{nom} : réservation {pk}, statut {r.statut}")
        verifie(
            titre in unescape(r.texte), f"{nom} : la réservation {pk} ne montre pas « {titre} »"
        )
    etape(f"réservation {pk} relue par {' et '.join(instances)}")

    etape("limite de connexion partagée : 5 échecs répartis sur A et B, le 6e refusé")
    noms = list(instances)
    for n in range(5):
        nom = noms[n % len(noms)]
        nav = Navigateur(instances[nom], entetes={**derriere, "X-Forwarded-For": f"10.0.0.{n + 1}"})
        r = connecter(nav, CIBLE, "pas-le-bon-mot-de-passe")
        verifie(r.statut == 200, f"échec {n + 1} sur {nom} : statut {r.statut}")
        verifie(
            TROP_DE_TENTATIVES not in unescape(r.texte), f"échec {n + 1} sur {nom} : déjà bloqué"
        )
        verifie(
            MAUVAIS_MOT_DE_PASSE in unescape(r.texte),
            f"échec {n + 1} sur {nom} : {erreurs(r.texte)}",
        )
    for n, nom in enumerate(noms):
        # The right password, from yet another address: the account's counter decides.
        nav = Navigateur(instances[nom], entetes={**derriere, "X-Forwarded-For": f"10.0.1.{n + 1}"})
        r = connecter(nav, CIBLE, mot_de_passe)
        refusee = r.statut == 200 and TROP_DE_TENTATIVES in unescape(r.texte)
        verifie(refusee, f"6e tentative sur {nom} : acceptée ({r.statut}, {erreurs(r.texte)})")
        verifie("sessionid" not in nav.cookies, f"6e tentative sur {nom} : connecté quand même")
    etape("6e tentative refusée sur chaque instance")

    etape("tâche de fond : publiée par l'instance A, rendue par le db_worker")
    annee = datetime.date.today().year - 1
    nom_a, url_a = next(iter(instances.items()))
    nav = Navigateur(url_a, entetes=derriere, cookies=dict(https.cookies))
    chemin = f"/rapports/{annee}/publier/"
    r = nav.envoyer(chemin, {})
    verifie(r.statut == 302, f"{nom_a} {chemin} : statut {r.statut} ({erreurs(r.texte)})")
    request_id = r.entete("X-Request-ID")
    django_pret()
    from django_tasks_db.models import DBTaskResult

    from rapports.models import Edition

    edition = Edition.objects.get(annee=annee)
    verifie(
        edition.request_id == request_id, "l'édition ne vient pas de la requête de l'instance A"
    )
    limite = time.monotonic() + 90
    while edition.statut in (Edition.Statut.EN_ATTENTE, Edition.Statut.EN_COURS):
        verifie(
            time.monotonic() < limite, f"édition {annee} toujours « {edition.statut} » après 90 s"
        )
        time.sleep(0.5)
        edition.refresh_from_db()
    verifie(
        edition.statut == Edition.Statut.PUBLIEE,
        f"édition {annee} : {edition.statut}, {edition.erreur}",
    )
    resultat = DBTaskResult.objects.get(pk=edition.tache_id)
    verifie(resultat.status == "SUCCESSFUL" and resultat.worker_ids, f"tâche : {resultat.status}")
    etape(
        f"rapport {annee} publié par le worker {resultat.worker_ids[0]} ({len(edition.pdf)} octets)"
    )
    r = https.get(f"/rapports/{annee}/editions/{edition.version}/pdf/")
    verifie(r.statut == 200 and r.entete("Content-Type") == "application/pdf", f"PDF : {r.statut}")

    etape(f"OK en {time.monotonic() - debut:.1f} s")


def journaux(fichiers: list[str]) -> None:
    """Chaque ligne écrite par les processus est un objet JSON (time, level, logger, message) ;
    au moins une ligne de requête porte un identifiant de personne."""
    lignes = requetes_avec_personne = 0
    for fichier in fichiers:
        with open(fichier, encoding="utf-8") as f:
            for numero, ligne in enumerate(f, 1):
                if not ligne.strip():
                    continue
                try:
                    objet = json.loads(ligne)
                except ValueError:
                    raise Echec(f"{fichier}:{numero} n'est pas du JSON : {ligne[:200]}") from None
                manque = {"time", "level", "logger", "message"} - set(objet)
                verifie(not manque, f"{fichier}:{numero} sans {sorted(manque)}")
                lignes += 1
                verifie(
                    GESTION not in ligne and CIBLE not in ligne,
                    f"{fichier}:{numero} contient une adresse e-mail",
                )
                if objet["logger"] == "phares.requetes" and objet.get("user_id"):
                    requetes_avec_personne += 1
    verifie(lignes, "aucune ligne de journal")
    verifie(requetes_avec_personne, "aucune ligne de requête avec l'id de la personne")
    etape(f"journaux : {lignes} lignes JSON, {requetes_avec_personne} requêtes avec user_id")


def main() -> int:
    parser = argparse.ArgumentParser()
    sous = parser.add_subparsers(dest="commande", required=True)
    sous.add_parser("preparer")
    v = sous.add_parser("verifier")
    v.add_argument("--https", required=True)
    v.add_argument("--http", required=True)
    v.add_argument("--ca", required=True)
    v.add_argument("--instance", action="append", required=True)
    j = sous.add_parser("journaux")
    j.add_argument("fichiers", nargs="+")
    args = parser.parse_args()
    try:
        if args.commande == "preparer":
            preparer()
        elif args.commande == "verifier":
            verifier(args)
        else:
            journaux(args.fichiers)
    except Echec as exc:
        print(f"[topologie] ÉCHEC : {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
