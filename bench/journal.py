"""La page du journal des opérations selon la taille du journal.

Charge la démo, remplit le journal jusqu'à `--taille` entrées (200 000 par défaut, par
insertions groupées : le journal accepte les insertions, refuse seulement de modifier ou
d'effacer ; les instants vont par trois, comme les entrées d'une même commande), puis
imprime pour la page de l'équipe (client de test Django, sans réseau) le nombre de requêtes
et le temps médian : première page, page profonde (rang 50 000, par le curseur de « Page
suivante »), chaque filtre ; et le temps de ce que faisait l'ancienne page à chaque
affichage (COUNT de la liste filtrée, DISTINCT des types, GROUP BY des structures, auteurs
par semi-jointure, page profonde par OFFSET).

`--plans` (PostgreSQL) écrit les plans EXPLAIN ANALYZE dans bench/plans/journal.txt ;
`--schema-avant` ramène d'abord le schéma du journal à la migration 0006 (sans les index
de la page ni l'index trigramme de « contient ») et écrit bench/plans/journal_avant.txt. La base doit être une base de banc
(« bench » dans son nom) : le journal ne s'efface pas, on le remplit seulement.

    DATABASE_URL=postgres://phares:phares@127.0.0.1:5432/phares_bench_journal \\
        .venv/bin/python bench/journal.py --plans
"""

import argparse
import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.outils import django_en_processus, mediane_ms, plan_du_compte  # noqa: E402

django_en_processus()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from habitants.models import Structure  # noqa: E402
from phares.journal.filters import (  # noqa: E402
    JournalFilter,
    sql_valeurs_presentes,
    valeurs_presentes,
)
from phares.lib.pagination import Curseur, apres  # noqa: E402
from phares.models import EntreeJournal, User  # noqa: E402

TYPES = [
    "espaces.reservation",
    "habitants.structure",
    "habitants.membre",
    "espaces.facture",
    "espaces.convention",
    "gouvernance.seance",
    "gouvernance.decision",
    "projets.photo",
    "habitants.domaine",
    "espaces.tarif",
    "rapports.redaction",
]
CHOIX = (("objet_type", None), ("structure_id", "structure_nom"), ("par_id", None))
RARE = "gouvernance.mandat"  # 1 entry in 1,000: a filter the `le` index alone serves badly


def remplir(total: int) -> None:
    manquent = total - EntreeJournal.objects.count()
    if manquent <= 0:
        return
    users = list(User.objects.order_by("pk"))
    structures = list(Structure.objects.order_by("pk"))
    fin = timezone.now()
    par_lot = 5000
    for lot in range(0, manquent, par_lot):
        lignes = []
        for i in range(lot, min(lot + par_lot, manquent)):
            par = users[i % len(users)] if i % 10 else None
            structure = structures[i % len(structures)] if i % 3 else None
            lignes.append(
                EntreeJournal(
                    # Back into the past, three entries per instant (ties across pages).
                    le=fin - datetime.timedelta(minutes=(i // 3) * 7),
                    par=par,
                    par_libelle=par.display_name if par else "système (banc)",
                    origine="banc",
                    operation="banc.operation",
                    libelle=f"Opération de banc d'essai {i}",
                    objet_type=RARE if i % 1000 == 7 else TYPES[i % len(TYPES)],
                    objet_id=str(i),
                    objet_repr=f"Objet {i}",
                    structure_id=structure.pk if structure else None,
                    structure_nom=structure.nom if structure else "",
                    changements={"champ": ["avant", "après"]},
                )
            )
        EntreeJournal.objects.bulk_create(lignes, batch_size=2000)
    with connection.cursor() as c:
        c.execute(
            f"ANALYZE {EntreeJournal._meta.db_table}"
            if connection.vendor == "postgresql"
            else "ANALYZE"
        )


def curseur_profond(qs, rang: int = 50_000) -> str:
    e = qs.order_by("-le", "-pk")[rang - 1]
    return Curseur("journal", e.le, e.pk, timezone.now(), rang // 50 + 1).ecrire()


def page(client: Client, url: str) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return len(ctx.captured_queries), mediane_ms(lambda: client.get(url), runs=9)


def anciennes() -> dict:
    """Ce que l'ancienne page lisait à chaque affichage, en plus de sa page."""
    j = EntreeJournal.objects
    dernieres = (
        j.filter(structure_id__isnull=False)
        .values("structure_id")
        .annotate(dernier=Max("pk"))
        .values("dernier")
    )
    return {
        "ancien_count": j.order_by(),
        "ancien_types_distinct": j.order_by().values_list("objet_type", flat=True).distinct(),
        "ancien_structures_group_by": j.filter(pk__in=dernieres).values_list(
            "structure_id", "structure_nom"
        ),
        "ancien_auteurs_semi_jointure": User.objects.filter(
            pk__in=j.filter(par__isnull=False).values("par")
        ),
        "ancienne_page_profonde_offset": j.order_by("-le", "-pk")[49_950:50_000],
    }


def nouvelles(structure, personne) -> dict:
    j = EntreeJournal.objects.order_by("-le", "-pk")
    profond = j[49_999]
    return {
        "page_premiere": j[:51],
        "page_profonde_par_cles": apres(j, "le", profond.le, profond.pk, decroissant=True)[:51],
        "page_structure": j.filter(structure_id=structure.pk)[:51],
        "page_personne": j.filter(par_id=personne.pk)[:51],
        "page_systeme": j.filter(par__isnull=True)[:51],
        "page_type_courant": j.filter(objet_type=TYPES[0])[:51],
        "page_type_rare": j.filter(objet_type=RARE)[:51],
        "page_dates": j.filter(
            le__gte=timezone.now() - datetime.timedelta(days=400),
            le__lt=timezone.now() - datetime.timedelta(days=399),
        )[:51],
        "page_contient_rare": JournalFilter({"q": "essai 199999"}, queryset=j).qs[:51],
        "page_contient_courant": JournalFilter({"q": "objet 12"}, queryset=j).qs[:51],
    }


def plans(fichier: Path, requetes: dict) -> None:
    morceaux = []
    for nom, qs in requetes.items():
        if nom == "ancien_count":
            texte = plan_du_compte(qs)
            sql = f"SELECT COUNT(*) FROM ({qs.values('pk').query}) t"
        else:
            texte = qs.explain(analyze=True, buffers=True)
            sql = str(qs.query)
        morceaux.append(f"== {nom}\n-- {sql}\n\n{texte}\n")
    for colonne, avec in CHOIX:
        sql = sql_valeurs_presentes(colonne, avec=avec)
        with connection.cursor() as c:
            c.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            texte = "\n".join(r[0] for r in c.fetchall())
        morceaux.append(f"== choix_{colonne} (saut d'index)\n-- {sql}\n\n{texte}\n")
    fichier.write_text("\n".join(morceaux))
    print(f"plans EXPLAIN ANALYZE écrits dans {fichier.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taille", type=int, default=200_000)
    parser.add_argument("--plans", action="store_true", help="écrire les plans (PostgreSQL)")
    parser.add_argument("--schema-avant", action="store_true", help="sans les index (0006)")
    args = parser.parse_args()
    base = str(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql" and "bench" not in base:
        sys.exit(f"Le journal ne s'efface pas : donnez une base de banc (« bench »), pas {base}.")
    call_command("migrate", verbosity=0)
    if not User.objects.filter(email="gestion@phares.test").exists():
        call_command("demo", verbosity=0)
    remplir(args.taille)
    if args.schema_avant:
        call_command("migrate", "phares", "0006", verbosity=0)
    # Statistics of the table and of the expression index (journal_texte) just built.
    with connection.cursor() as c:
        c.execute(
            "ANALYZE phares_entreejournal" if connection.vendor == "postgresql" else "ANALYZE"
        )
    n = EntreeJournal.objects.count()
    structure = Structure.objects.get(slug="halage")
    personne = User.objects.get(email="gestion@phares.test")
    staff = Client(HTTP_HOST="127.0.0.1")
    staff.force_login(personne)
    # A smaller journal (--taille) is read at its last quarter rather than failing.
    rang = min(50_000, n * 3 // 4)
    profond = curseur_profond(EntreeJournal.objects.all(), rang)
    urls = {
        "première page": "/journal/",
        f"page profonde (rang {rang})": f"/journal/?apres={profond}",
        "une structure": f"/journal/?structure={structure.pk}",
        "une personne": f"/journal/?personne={personne.pk}",
        "système": "/journal/?personne=systeme",
        "type courant": f"/journal/?objet_type={TYPES[0]}",
        "type rare (1/1000)": f"/journal/?objet_type={RARE}",
        "« contient », rare": "/journal/?q=essai+199999",
        "« contient », courant": "/journal/?q=objet+12",
    }
    print(
        f"{connection.vendor}, {n} entrées au journal{' (schéma 0006)' if args.schema_avant else ''}"
    )
    print(f"{'page':<30} {'requêtes':>8} {'médiane ms':>10}")
    for nom, url in urls.items():
        requetes, ms = page(staff, url)
        print(f"{nom:<30} {requetes:>8} {ms:>10.1f}")
    print("\nce que l'ancienne page lisait en plus, à chaque affichage :")
    for nom, qs in anciennes().items():
        compter = nom == "ancien_count"
        ms = mediane_ms(lambda qs=qs, c=compter: qs.all().count() if c else list(qs.all()), runs=5)
        print(f"{nom:<30} {ms:>10.1f}")
    print("\nles choix des filtres aujourd'hui (saut d'index) :")
    for colonne, avec in CHOIX:
        ms = mediane_ms(lambda c=colonne, a=avec: valeurs_presentes(c, avec=a), runs=9)
        print(f"{colonne:<30} {ms:>10.2f}  ({len(valeurs_presentes(colonne, avec=avec))} valeurs)")
    if args.plans and connection.vendor == "postgresql":
        nom = "journal_avant.txt" if args.schema_avant else "journal.txt"
        plans(ROOT / "bench" / "plans" / nom, {**nouvelles(structure, personne), **anciennes()})
    if args.schema_avant:
        call_command("migrate", verbosity=0)


if __name__ == "__main__":
    main()
