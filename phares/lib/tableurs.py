"""Lire et écrire les tableaux des imports et exports : CSV et XLSX, et les cellules qu'ils
contiennent (dates, nombres à la française, formules).

Lecture (`lire`) :
- **XLSX** lu par openpyxl en lecture seule, la première feuille ; une cellule de formule
  (`=HYPERLINK(…)`) est refusée, jamais calculée (openpyxl ne calcule rien, et on ne lit pas
  la valeur que le tableur avait mise en cache). defusedxml protège l'analyse XML, et le
  volume décompressé de l'archive est borné avant de l'ouvrir (bombe zip).
- **CSV** : UTF-8 avec ou sans BOM, UTF-16 avec BOM (« texte Unicode » d'Excel), sinon
  Windows-1252 (ce qu'Excel écrit en français), et Latin-1 en dernier recours ; séparateur
  `;`, `,` ou tabulation, deviné sur la ligne d'en-tête. Une cellule qui commence par `=`
  est refusée comme formule ; l'apostrophe que nos exports mettent devant `= + - @` est
  retirée (l'aller-retour rend la valeur d'origine).
- Les lignes vides sont ignorées ; chaque ligne garde son numéro dans le fichier (l'en-tête
  est la ligne 1), celui qu'affiche le tableur.

Écriture : CSV UTF-8 avec BOM, séparateur `;`, dates JJ/MM/AAAA, virgule décimale — Excel en
français l'ouvre d'un double clic — et une apostrophe devant tout texte qui commence par
`= + - @` (injection de formule) ; XLSX avec des cellules typées (dates, nombres), le texte
écrit comme texte (jamais comme formule).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from phares.lib.money import format_nombre

# A file of 50,000 rows of a dozen columns weighs 5 to 8 MB in CSV.
TAILLE_MAX = 15 * 1024 * 1024
LIGNES_MAX = 100_000
COLONNES_MAX = 50
# An XLSX is a zip: what it holds once decompressed is bounded before openpyxl opens it.
XLSX_DECOMPRESSE_MAX = 300 * 1024 * 1024
# What our exports put before a text a spreadsheet would read as a formula.
DEBUTS_FORMULE = ("=", "+", "-", "@")
FORMULE = "Formule refusée (elle n'est jamais calculée) : écrivez la valeur elle-même."
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2999, 12, 31)


class TableurError(Exception):
    """Un fichier illisible, avec un message pour la personne qui l'a envoyé."""


@dataclass(frozen=True)
class ErreurCellule:
    ligne: int
    colonne: str
    message: str


@dataclass
class Tableau:
    entetes: list[str]
    # (row number in the file, cells as text), empty rows left out
    lignes: list[tuple[int, list[str]]]
    format: str
    erreurs: list[ErreurCellule] = field(default_factory=list)


# --- Lecture ------------------------------------------------------------------------------


def lire(contenu: bytes, nom: str = "") -> Tableau:
    """Le tableau d'un fichier téléversé (CSV ou XLSX), ou TableurError."""
    if len(contenu) > TAILLE_MAX:
        raise TableurError(
            f"Le fichier pèse {_mo(len(contenu))} : {_mo(TAILLE_MAX)} au plus. "
            "Coupez-le en plusieurs fichiers."
        )
    if contenu.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableurError(
            "Ce fichier est au format Excel 97-2003 (.xls) : enregistrez-le en .xlsx ou en CSV."
        )
    if contenu.startswith(b"PK\x03\x04"):
        return _lire_xlsx(contenu)
    if nom.lower().endswith((".xlsx", ".xlsm", ".ods")):
        raise TableurError("Ce fichier n'est pas un classeur XLSX lisible.")
    return _lire_csv(contenu)


def _mo(octets: int) -> str:
    return f"{octets / 1024 / 1024:.1f} Mo".replace(".", ",")


def _decoder(contenu: bytes) -> tuple[str, str]:
    if contenu.startswith(codecs.BOM_UTF8):
        return contenu[3:].decode("utf-8", errors="strict"), "UTF-8 avec BOM"
    if contenu.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return contenu.decode("utf-16"), "UTF-16"
    if b"\x00" in contenu:
        raise TableurError(
            "Ce fichier n'est pas un texte CSV (ni un classeur XLSX) : enregistrez-le en CSV "
            "(UTF-8) ou en XLSX depuis votre tableur."
        )
    try:
        return contenu.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return contenu.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # Five bytes are unassigned in Windows-1252; Latin-1 reads every byte.
        return contenu.decode("latin-1"), "Latin-1 (ISO 8859-1)"


def _separateur(texte: str) -> str:
    premiere = texte.lstrip("\r\n").split("\n", 1)[0]
    # Count outside quoted cells: a header "Nom, prénom" must not pick the comma.
    hors_guillemets = re.sub(r'"[^"]*"', "", premiere)
    comptes = {sep: hors_guillemets.count(sep) for sep in (";", ",", "\t")}
    sep = max(comptes, key=lambda s: comptes[s])
    return sep if comptes[sep] else ";"


def _lire_csv(contenu: bytes) -> Tableau:
    try:
        texte, encodage = _decoder(contenu)
    except UnicodeDecodeError as exc:
        raise TableurError("Ce fichier n'est pas un texte lisible (encodage inconnu).") from exc
    sep = _separateur(texte)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=sep)
    nom_sep = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}[sep]
    tableau = Tableau([], [], f"CSV {encodage}, séparateur {nom_sep}")
    try:
        for numero, cellules in enumerate(lecteur, start=1):
            _ajouter(tableau, numero, cellules, lambda c: (c, ""), csv_=True)
    except csv.Error as exc:
        raise TableurError(f"CSV illisible à la ligne {lecteur.line_num} : {exc}.") from exc
    return _fin(tableau)


def _ajouter(tableau: Tableau, numero: int, cellules: Sequence, convertir, *, csv_: bool) -> None:
    valeurs = []
    for rang, brut in enumerate(cellules[:COLONNES_MAX]):
        valeur, erreur = convertir(brut)
        if erreur:
            tableau.erreurs.append(ErreurCellule(numero, _colonne(tableau, rang), erreur))
            valeur = ""
        valeurs.append(_texte(valeur, tableau, numero, rang, csv_=csv_))
    if any(not _vide(c) for c in cellules[COLONNES_MAX:]):
        raise TableurError(f"Ce fichier a plus de {COLONNES_MAX} colonnes.")
    while valeurs and not valeurs[-1]:
        valeurs.pop()  # a spreadsheet pads rows with empty cells
    if not tableau.entetes:
        if any(valeurs):  # blank lines before the header are skipped
            tableau.entetes = valeurs
        return
    if any(valeurs):
        if len(tableau.lignes) >= LIGNES_MAX:
            raise TableurError(
                f"Ce fichier a plus de {LIGNES_MAX} lignes : coupez-le en plusieurs fichiers."
            )
        tableau.lignes.append((numero, valeurs))


def _vide(cellule) -> bool:
    valeur = getattr(cellule, "value", cellule)  # a spreadsheet cell, or CSV text
    return valeur is None or (isinstance(valeur, str) and not valeur.strip())


def _colonne(tableau: Tableau, rang: int) -> str:
    if rang < len(tableau.entetes) and tableau.entetes[rang]:
        return tableau.entetes[rang]
    return f"colonne {rang + 1}"


def _texte(valeur, tableau: Tableau, numero: int, rang: int, *, csv_: bool) -> str:
    texte = "" if valeur is None else str(valeur).strip()
    if texte[:1] == "'" and texte[1:2] in DEBUTS_FORMULE and texte[1:2]:
        return texte[1:]  # our own export's protection, removed on the way back
    if csv_ and texte.startswith("=") and len(texte) > 1:
        tableau.erreurs.append(ErreurCellule(numero, _colonne(tableau, rang), FORMULE))
        return ""
    return texte


def _fin(tableau: Tableau) -> Tableau:
    if not tableau.entetes:
        raise TableurError("Ce fichier est vide : la première ligne doit nommer les colonnes.")
    return tableau


def _lire_xlsx(contenu: bytes) -> Tableau:
    import openpyxl  # imported here: loading it costs ~0.2 s, only imports need it

    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            if sum(info.file_size for info in archive.infolist()) > XLSX_DECOMPRESSE_MAX:
                raise TableurError("Ce classeur est trop volumineux une fois décompressé.")
        classeur = openpyxl.load_workbook(
            io.BytesIO(contenu), read_only=True, data_only=False, keep_links=False
        )
    except TableurError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise TableurError(
            "Ce classeur XLSX est illisible : enregistrez-le de nouveau depuis votre tableur."
        ) from exc
    try:
        feuille = classeur.worksheets[0]
        feuille.reset_dimensions()  # a bogus dimension (A1:XFD1048576) must not pad rows
        tableau = Tableau([], [], "XLSX (première feuille)")
        # Without a dimension, rows come as stored (not padded): the width is checked per row.
        for numero, cellules in enumerate(feuille.iter_rows(), 1):
            _ajouter(tableau, numero, cellules, _cellule_xlsx, csv_=False)
    except TableurError:
        raise
    except Exception as exc:
        raise TableurError(
            "Ce classeur XLSX est illisible : enregistrez-le de nouveau depuis votre tableur."
        ) from exc
    finally:
        classeur.close()
    return _fin(tableau)


def _cellule_xlsx(cellule) -> tuple[object, str]:
    """(valeur en texte, erreur) d'une cellule de classeur."""
    valeur = getattr(cellule, "value", None)
    if getattr(cellule, "data_type", None) == "f":
        return "", FORMULE
    if isinstance(valeur, datetime.datetime):
        if valeur.time() == datetime.time(0):
            return valeur.date().isoformat(), ""
        return valeur.isoformat(sep=" "), ""
    if isinstance(valeur, datetime.date):
        return valeur.isoformat(), ""
    if isinstance(valeur, bool):
        return ("oui" if valeur else "non"), ""
    if isinstance(valeur, float):
        if valeur.is_integer() and abs(valeur) < 1e15:
            return str(int(valeur)), ""
        return repr(valeur), ""
    return valeur, ""


# --- Cellules -----------------------------------------------------------------------------

_DATES = (
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("j", "m", "a")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"), ("a", "m", "j")),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), ("j", "m", "a")),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("j", "m", "a")),
)


def lire_date(texte: str) -> datetime.date:
    """31/12/2015, 2015-12-31 ou 31-12-2015 (et les cellules date d'un classeur)."""
    texte = texte.strip()
    for motif, ordre in _DATES:
        if m := motif.match(texte):
            parties = dict(zip(ordre, (int(g) for g in m.groups()), strict=True))
            try:
                d = datetime.date(parties["a"], parties["m"], parties["j"])
            except ValueError:
                break
            if not DATE_MIN <= d <= DATE_MAX:
                raise ValueError("Date hors des bornes : de 1900 à 2999.")
            return d
    raise ValueError(f"Date illisible « {texte[:40]} » : écrivez 31/12/2015 ou 2015-12-31.")


def lire_decimal(texte: str, *, decimales: int = 2) -> Decimal:
    """« 1 234,50 », « 1234.5 », « 12,5 € » ; ni exposant, ni séparateur de milliers ambigu."""
    brut = texte.strip()
    nettoye = re.sub(r"[\s\u00a0\u202f€%]", "", brut)
    if "," in nettoye and "." in nettoye:
        raise ValueError(f"Nombre ambigu « {brut[:40]} » : une seule virgule décimale (1234,50).")
    nettoye = nettoye.replace(",", ".")
    if not re.fullmatch(r"-?\d{1,15}(\.\d+)?", nettoye):
        raise ValueError(f"Nombre illisible « {brut[:40]} » : écrivez par exemple 1234,50.")
    try:
        valeur = Decimal(nettoye)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already checks
        raise ValueError(f"Nombre illisible « {brut[:40]} ».") from exc
    if -valeur.as_tuple().exponent > decimales and valeur != valeur.quantize(
        Decimal(1).scaleb(-decimales)
    ):
        raise ValueError(f"{decimales} chiffres après la virgule au plus.")
    return valeur.quantize(Decimal(1).scaleb(-decimales)) if decimales else valeur


def lire_choix(texte: str, choices, quoi: str) -> str:
    """Un choix (`TextChoices.choices`) par son code ou son libellé, sans tenir compte des
    majuscules : « SCOP » ou « scop », « Salle, à l'heure » ou « salle_heure »."""
    t = texte.strip().casefold()
    for code, libelle in choices:
        if t in (code.casefold(), str(libelle).casefold()):
            return code
    valeurs = ", ".join(f"« {libelle} »" for _, libelle in choices)
    raise ValueError(f"{quoi} inconnu·e « {texte[:40]} » : {valeurs}.")


def lire_entier(texte: str) -> int:
    nettoye = texte.strip()
    if not re.fullmatch(r"\d{1,9}", nettoye):
        raise ValueError(f"Nombre entier attendu, pas « {nettoye[:40]} ».")
    return int(nettoye)


# --- Écriture -----------------------------------------------------------------------------


def _cellule_csv(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime.date):
        return f"{valeur:%d/%m/%Y}"
    if isinstance(valeur, Decimal):
        return format_nombre(valeur)
    texte = str(valeur)
    return "'" + texte if texte.startswith(DEBUTS_FORMULE) else texte


def ecrire_csv(entetes: Sequence[str], rangees: Iterable[Sequence]) -> bytes:
    sortie = io.StringIO(newline="")
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(entetes)
    for rangee in rangees:
        ecrivain.writerow([_cellule_csv(v) for v in rangee])
    return codecs.BOM_UTF8 + sortie.getvalue().encode("utf-8")


def ecrire_xlsx(entetes: Sequence[str], rangees: Iterable[Sequence], *, titre: str) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    classeur = openpyxl.Workbook(write_only=True)
    feuille = classeur.create_sheet(titre[:31])
    gras = Font(bold=True)

    def cellule(valeur):
        if isinstance(valeur, bool):
            valeur = "oui" if valeur else "non"
        c = WriteOnlyCell(feuille, value=valeur)
        if isinstance(valeur, str):
            c.data_type = "s"  # text stays text: "=…" is never written as a formula
        elif isinstance(valeur, datetime.date):
            c.number_format = "DD/MM/YYYY"
        return c

    entete = []
    for nom in entetes:
        c = cellule(nom)
        c.font = gras
        entete.append(c)
    feuille.append(entete)
    for rangee in rangees:
        feuille.append([cellule(v) for v in rangee])
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()
