"""Matrice des permissions des imports et exports (`/imports/`) : la gestion seule ; un aperçu
n'est lu et confirmé que par la personne qui a envoyé le fichier."""

from phares.models import ImportEnAttente
from tests.matrice import Row, gestion_only

TYPES = ("structures", "membres", "conventions", "tarifs")

ROWS: list[Row] = [
    Row("imports:index", expected=gestion_only(200)),
    *[
        Row("imports:importer", (t,), expected=gestion_only(200), label=f"importer-{t}")
        for t in TYPES
    ],
    # No file: the form says so.
    Row(
        "imports:importer",
        ("structures",),
        method="post",
        expected=gestion_only(200),
        label="importer-post",
    ),
    Row(
        "imports:apercu",
        ("structures", "$import_jeton"),
        expected=gestion_only(200),
        label="apercu-confirmation",
    ),
    Row(
        "imports:apercu", ("structures", "$import_jeton"), method="post", expected=gestion_only(302)
    ),
    *[
        Row("imports:exporter", (t, f), expected=gestion_only(200), label=f"exporter-{t}-{f}")
        for t in TYPES
        for f in ("csv", "xlsx")
    ],
]


def monde(personas) -> dict:
    attente = ImportEnAttente.objects.create(
        jeton="jeton-de-la-matrice",
        type="structures",
        par=personas["gestion"],
        nom_fichier="structures.csv",
        format="CSV UTF-8, séparateur point-virgule",
        colonnes=["nom"],
        lignes=[[2, {"nom": "Matrice"}]],
        apercu={
            "resume": {"creer": 1, "modifier": 0, "inchange": 0},
            "erreurs_total": 0,
            "erreurs": [],
            "operations_total": 1,
            "operations": [{"ligne": 2, "action": "creer", "objet": "Matrice", "changements": []}],
            "lignes_lues": 1,
        },
    )
    return {"import_jeton": attente.jeton}
