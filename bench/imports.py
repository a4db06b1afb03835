"""Imports et exports de 50 000 lignes, par les pages (client de test de Django) : envoi du
fichier et aperçu, relecture de l'aperçu, confirmation, second import du même fichier
(rien ne change), exports CSV et XLSX. Puis 2 000 conventions et 2 000 tarifs, écrits ligne
à ligne par les services d'espaces. Imprime le temps, les lignes par seconde et la mémoire
maximale du processus.

    .venv/bin/python bench/imports.py                 # SQLite, base jetable
    BENCH_LIGNES=10000 BENCH_ESPACES=500 .venv/bin/python bench/imports.py
    DATABASE_URL=postgres://… .venv/bin/python bench/imports.py
"""

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.outils import django_en_processus  # noqa: E402

django_en_processus(hachage_rapide=False)

from django.contrib.auth.models import Group  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from espaces.models import Batiment, Convention, Espace, Etage, Tarif, TypeEspace  # noqa: E402
from habitants.models import Membre, Structure  # noqa: E402
from phares.lib import tableurs  # noqa: E402
from phares.models import EntreeJournal, ImportEnAttente, User  # noqa: E402

N = int(os.environ.get("BENCH_LIGNES", "50000"))
# Agreements and tariffs are written one by one by the services: tens or hundreds of rows in
# real life, a few thousand here.
NE = min(N, int(os.environ.get("BENCH_ESPACES", "2000")))


def mo_max() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mesure(nom: str, lignes: int, fonction):
    debut = time.perf_counter()
    resultat = fonction()
    duree = time.perf_counter() - debut
    print(
        f"{nom:<48} {duree:7.2f} s  {lignes / duree:9.0f} lignes/s  (mémoire max {mo_max():.0f} Mo)"
    )
    return resultat


def structures_csv() -> bytes:
    rangees = (
        [
            f"Structure {i:05d}",
            "Association loi 1901",
            f"{1 + i % 28:02d}/{1 + i % 12:02d}/2015",
            f"contact{i}@bench.test",
            "+33 1 23 45 67 89",
            "Une description ; avec un point-virgule",
        ]
        for i in range(N)
    )
    entetes = ["nom", "forme juridique", "arrivée", "e-mail de contact", "téléphone", "description"]
    return tableurs.ecrire_csv(entetes, rangees)


def membres_csv() -> bytes:
    rangees = ([f"p{i}@bench.test", "Prénom", f"Nom {i}", "structure-00001", "Membre", "", "", ""]
               for i in range(N))  # fmt: skip
    entetes = ["e-mail", "prénom", "nom", "structure", "rôle", "fonction", "début", "fin"]
    return tableurs.ecrire_csv(entetes, rangees)


def conventions_csv() -> bytes:
    rangees = ([f"structure-{i:05d}", f"b-{i}", "", "01/01/2016", "", "450,50", "", ""]
               for i in range(NE))  # fmt: skip
    entetes = ["structure", "espace", "poste", "début", "fin", "loyer mensuel HT",
               "taux de TVA (%)", "notes"]  # fmt: skip
    return tableurs.ecrire_csv(entetes, rangees)


def tarifs_csv() -> bytes:
    # One tariff a month per code, without overlap: NE rows over the ten codes.
    codes = [code for code, _ in Tarif.Code.choices]
    rangees = []
    for i in range(NE):
        annee, mois = 2000 + i // len(codes) // 12, 1 + i // len(codes) % 12
        rangees.append([codes[i % len(codes)], "", "12,3456", "20", "",
                        f"01/{mois:02d}/{annee}", f"28/{mois:02d}/{annee}"])  # fmt: skip
    entetes = ["tarif", "ressource", "montant HT", "taux de TVA (%)", "mention d'exonération",
               "début", "fin"]  # fmt: skip
    return tableurs.ecrire_csv(entetes, rangees)


def importer(client: Client, type_: str, contenu: bytes, nom: str, *, attendu: str, n=N):
    def envoyer():
        fichier = SimpleUploadedFile(nom, contenu)
        response = client.post(f"/imports/{type_}/", {"fichier": fichier})
        assert response.status_code == 302, response.content[:500]
        return response.url

    url = mesure(f"{type_} {nom} : envoi, lecture et aperçu", n, envoyer)
    attente = ImportEnAttente.objects.get(type=type_)
    assert attente.apercu["erreurs_total"] == 0, attente.apercu["erreurs"][:5]
    assert attente.apercu["resume"][attendu] == n, attente.apercu["resume"]
    mesure(f"{type_} {nom} : relire l'aperçu", n, lambda: client.get(url))

    def confirmer():
        response = client.post(url)
        assert response.status_code == 302, response.content[:500]

    mesure(f"{type_} {nom} : confirmer ({attendu})", n, confirmer)


def espaces(client: Client) -> None:
    etage = Etage.objects.create(
        batiment=Batiment.objects.create(nom="Banc", surface_m2=100000), niveau=0, nom="RDC"
    )
    Espace.objects.bulk_create(
        Espace(etage=etage, nom=f"Bureau {i}", slug=f"b-{i}", type=TypeEspace.BUREAU)
        for i in range(NE)
    )
    importer(client, "conventions", conventions_csv(), "conventions.csv", attendu="creer", n=NE)
    assert Convention.objects.count() == NE
    importer(client, "conventions", conventions_csv(), "conventions.csv", attendu="inchange",
             n=NE)  # fmt: skip
    export = mesure("exporter les conventions en XLSX", NE,
                    lambda: client.get("/imports/conventions/export.xlsx").content)  # fmt: skip
    importer(client, "conventions", export, "conventions.xlsx", attendu="inchange", n=NE)
    importer(client, "tarifs", tarifs_csv(), "tarifs.csv", attendu="creer", n=NE)
    assert Tarif.objects.count() == NE
    importer(client, "tarifs", tarifs_csv(), "tarifs.csv", attendu="inchange", n=NE)


def main() -> None:
    print(f"Base : {connection.vendor}, {N} lignes par fichier")
    call_command("migrate", verbosity=0)
    setup_test_environment()
    gestion = User.objects.create_user(email="gestion@bench.test", password="x")
    gestion.groups.add(Group.objects.get_or_create(name="gestion")[0])
    client = Client()
    client.force_login(gestion)

    contenu = mesure("fabriquer le CSV des structures", N, structures_csv)
    print(f"  CSV : {len(contenu) / 1024 / 1024:.1f} Mo")
    mesure("lire le CSV seul (tableurs.lire)", N, lambda: tableurs.lire(contenu, "s.csv"))
    importer(client, "structures", contenu, "structures.csv", attendu="creer")
    assert Structure.objects.count() == N
    importer(client, "structures", contenu, "structures.csv", attendu="inchange")

    export = mesure("exporter les structures en CSV", N,
                    lambda: client.get("/imports/structures/export.csv").content)  # fmt: skip
    classeur = mesure("exporter les structures en XLSX", N,
                      lambda: client.get("/imports/structures/export.xlsx").content)  # fmt: skip
    print(f"  XLSX : {len(classeur) / 1024 / 1024:.1f} Mo")
    mesure("lire le XLSX seul (tableurs.lire)", N, lambda: tableurs.lire(classeur, "s.xlsx"))
    importer(client, "structures", classeur, "export.xlsx", attendu="inchange")
    importer(client, "structures", export, "export.csv", attendu="inchange")

    importer(client, "membres", membres_csv(), "membres.csv", attendu="creer")
    assert Membre.objects.count() == N
    importer(client, "membres", membres_csv(), "membres.csv", attendu="inchange")
    espaces(client)
    print(f"Journal : {EntreeJournal.objects.count()} entrées")


if __name__ == "__main__":
    main()
