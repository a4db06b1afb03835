"""Importer et exporter les conventions d'occupation et les tarifs, en CSV ou XLSX
(`phares.lib.echanges` pour le parcours, `phares.lib.tableurs` pour les fichiers).

Clés naturelles (une ligne retrouve l'existant ; le même fichier importé deux fois ne change
rien) :
- **convention** : structure + espace + début ; au co-travail, le poste aussi quand la
  structure y tient plusieurs postes qui commencent le même jour.
- **tarif** : tarif (son code) + ressource (vide : toutes) + début.

Un import fait ce que permettent les services, et rien d'autre : il **ajoute** des
conventions et des tarifs, et il **avance la fin** de ceux qui existent (« Terminer ») ; le
loyer, le prix, le taux ou le poste d'une ligne enregistrée ne se modifient pas (ils ont
servi à facturer) : une différence est une erreur de la ligne, qui dit quoi faire. Changer un
prix, c'est terminer l'ancien tarif la veille et ajouter le nouveau, sur deux lignes.

L'aperçu applique les règles des services (leurs fonctions de vérification pures :
`verifier_convention`, `loyer_et_taux`, `verifier_fin_convention`, `verifier_fin_tarif`…)
à ce qu'il a lu en quatre requêtes, sans une requête par ligne ; les fins avancées par le
fichier comptent avant les ajouts (un bureau libéré le 30 juin se reloue le 1er juillet dans
le même fichier). La confirmation écrit ligne à ligne par les services eux-mêmes
(`terminer_convention` puis `creer_convention`, `terminer_tarif` puis `enregistrer_tarif`)
dans la transaction de l'import : leurs vérifications et les contraintes d'exclusion de la
base ont le dernier mot, et un refus annule tout.
"""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from habitants import selectors as habitants_selectors
from phares.lib import journal
from phares.lib.acteur import Acteur
from phares.lib.echanges import (
    CREER,
    INCHANGE,
    MODIFIER,
    Colonne,
    Echange,
    EchangeError,
    Erreur,
    Operation,
    Plan,
)
from phares.lib.money import format_euros, format_prix_unitaire
from phares.lib.tableurs import lire_choix, lire_date, lire_decimal, lire_entier

from . import services
from .models import Convention, Espace, Ressource, Tarif, TypeEspace
from .services import EspacesError
from .services.batiment import (
    CHAMPS_CONVENTION,
    code_loyer,
    loyer_et_taux,
    message_occupe,
    premier_poste_libre,
    verifier_espace_louable,
    verifier_fin_convention,
    verifier_poste,
    verifier_presence,
)
from .services.tarifs import CHAMPS_TARIF, verifier_fin_tarif

DATE = "31/12/2015, 2015-12-31 ou 31-12-2015"
# Read once: an enum's .choices is rebuilt on every access.
CODES = Tarif.Code.choices
LIBELLES_CODES = dict(CODES)
TAUX = "Le taux de TVA est compris entre 0 et 100 %."


def _chevauche(debut, fin, autre_debut, autre_fin) -> bool:
    """[debut, fin] et [autre_debut, autre_fin] ont un jour en commun (bornes incluses, fin
    vide = sans terme) : la règle de `phares.lib.dates.overlapping`, sur des objets lus."""
    return (autre_fin is None or autre_fin >= debut) and (fin is None or autre_debut <= fin)


def _periode(debut: datetime.date, fin: datetime.date | None) -> str:
    return f"du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}" if fin else f"à partir du {debut:%d/%m/%Y}"


class _Reperes:
    """Des objets retrouvés par leur identifiant (slug), sinon par leur nom s'il est unique."""

    def __init__(self, objets, *, inconnu: str, homonymes: str):
        self.inconnu, self.homonymes = inconnu, homonymes
        self.par_pk = {o.pk: o for o in objets}
        self.par_slug = {o.slug: o for o in self.par_pk.values()}
        self.par_nom: dict[str, object] = {}
        for o in self.par_pk.values():
            nom = o.nom.casefold()
            self.par_nom[nom] = None if nom in self.par_nom else o  # None: two of that name

    def exiger(self, texte: str):
        t = texte.strip()
        if t in self.par_slug:
            return self.par_slug[t]
        objet = self.par_nom.get(t.casefold(), False)
        if objet is None:
            raise ValueError(f"{self.homonymes} « {t[:60]} » : indiquez son identifiant.")
        if objet is False:
            raise ValueError(f"{self.inconnu} « {t[:60]} » : son identifiant ou son nom.")
        return objet


class _Analyse:
    """Ce que les deux analyses partagent : cellules lues, erreurs par colonne, lignes
    retrouvées (leur fin s'avance, le reste est figé), ajouts vérifiés une fois toutes les
    lignes lues."""

    def __init__(self, echange: Echange, colonnes: set[str]):
        self.echange = echange
        self.colonnes = colonnes
        self.vues: dict[tuple, int] = {}
        self.fins: dict[int, datetime.date | None] = {}  # ends moved by the file
        self.ajouts: list[tuple[int, object]] = []
        # What `appliquer` writes: (line, object, new end) then (line, new object).
        self.plan = Plan(donnees=([], []))

    def analyser(self, lignes) -> Plan:
        for numero, valeurs in lignes:
            self.ligne(numero, valeurs)
        # Once every end the file moves is known, the additions are checked against them.
        for numero, objet in self.ajouts:
            self.ajouter(numero, objet)
        self.plan.operations.sort(key=lambda o: o.ligne)
        return self.plan

    def ligne(self, numero: int, valeurs: dict) -> None:
        raise NotImplementedError

    def ajouter(self, numero: int, objet) -> None:
        raise NotImplementedError

    def objet(self, objet) -> str:
        raise NotImplementedError

    def existant(self, numero: int, lu: dict, objet, *, figes, de: str, conseil: str, verifier_fin):
        """Une ligne déjà enregistrée : sa fin s'avance (comme « Terminer »), les valeurs
        `figes` (cle, sujet, dans le fichier, en base, affichage) ne changent pas."""
        ok = True
        for cle, sujet, nouveau, ancien, texte in figes:
            if nouveau is not None and nouveau != ancien:
                ok = False
                verbe = "ne changent pas" if sujet.startswith("Les ") else "ne change pas"
                self.erreur(
                    numero,
                    cle,
                    f"{sujet} {de} {verbe} ({texte(ancien)} → {texte(nouveau)}) : {conseil}",
                )
        if not ok:
            return
        fin = lu.get("fin", objet.fin)
        if fin == objet.fin:
            self.plan.operations.append(Operation(numero, INCHANGE, self.objet(objet)))
            return
        try:
            verifier_fin(objet, fin)
        except EspacesError as exc:
            self.erreur(numero, "fin", str(exc))
            return
        self.fins[objet.pk] = fin
        self.plan.donnees[0].append((numero, objet, fin))
        libelle = str(type(objet)._meta.get_field("fin").verbose_name)
        changements = {libelle: (journal.affichable(objet.fin), journal.affichable(fin))}
        self.plan.operations.append(Operation(numero, MODIFIER, self.objet(objet), changements))

    def erreur(self, numero: int, cle: str, message: str) -> None:
        colonne = self.echange.colonne(cle).entete if cle else ""
        self.plan.erreurs.append(Erreur(numero, colonne, message))

    def lire(self, numero: int, valeurs: dict, lecteurs: dict) -> dict | None:
        """Les cellules lues (absente : clé absente ; vide : None), ou None après erreur."""
        lu: dict = {}
        erreurs_avant = len(self.plan.erreurs)
        for cle, lecteur in lecteurs.items():
            if cle not in self.colonnes:
                continue
            texte = valeurs.get(cle, "").strip()
            try:
                lu[cle] = lecteur(texte) if texte else None
            except ValueError as exc:
                self.erreur(numero, cle, str(exc))
        for cle in (c.cle for c in self.echange.colonnes if c.obligatoire):
            if cle in lu and lu[cle] is None:
                self.erreur(numero, cle, "Cellule obligatoire vide.")
        return None if len(self.plan.erreurs) > erreurs_avant else lu

    def deja_vue(self, numero: int, cle: tuple, colonne: str, quoi: str) -> bool:
        if cle in self.vues:
            self.erreur(numero, colonne, f"{quoi} qu'à la ligne {self.vues[cle]} (doublon).")
            return True
        self.vues[cle] = numero
        return False

    def valider_modele(self, numero: int, objet, exclus: list[str]) -> bool:
        """La validation des champs du modèle (chiffres, bornes, longueurs), sans requête."""
        try:
            objet.full_clean(exclude=exclus, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            cles = {c.cle for c in self.echange.colonnes}
            for champ, messages in exc.message_dict.items():
                for message in messages:
                    self.erreur(numero, champ if champ in cles else "", message)
            return False
        return True

    def ligne_de(self, objet) -> int | None:
        """La ligne du fichier qui ajoute `objet` (None : il est déjà enregistré)."""
        return next((n for n, a in self.plan.donnees[1] if a is objet), None)


def _taux(texte: str) -> Decimal:
    taux = lire_decimal(texte)
    if not Decimal(0) <= taux <= Decimal(100):
        raise ValueError(TAUX)
    return taux


@contextlib.contextmanager
def _ligne(numero: int):
    """Un refus du service qui écrit la ligne annule l'import, en disant laquelle."""
    try:
        yield
    except EspacesError as exc:
        raise EchangeError(f"ligne {numero} : {exc}") from exc


# --- Conventions d'occupation -------------------------------------------------------------

COLONNES_CONVENTION = (
    Colonne(
        "structure", "structure", obligatoire=True, aide="son identifiant, son SIRET ou son nom"
    ),
    Colonne(
        "espace",
        "espace",
        obligatoire=True,
        aide="l'identifiant d'un bureau ou du co-travail (ou son nom)",
    ),
    Colonne(
        "poste",
        "poste",
        aide="co-travail : de 1 au nombre de postes, vide : le premier libre ; bureau : vide",
    ),
    Colonne("debut", "début", obligatoire=True, aide=DATE),
    Colonne("fin", "fin", aide=DATE + " (incluse) ; vide : sans terme"),
    Colonne(
        "montant_mensuel_ht",
        "loyer mensuel HT",
        alias=("montant mensuel HT", "loyer"),
        aide="1234,50 ; vide : d'après le tarif en vigueur au début (nouvelle convention)",
    ),
    Colonne(
        "taux_tva",
        "taux de TVA (%)",
        alias=("TVA",),
        aide="20 ou 5,5 ; vide : celui du tarif (nouvelle convention)",
    ),
    Colonne("notes", "notes"),
)


class EchangeConventions(Echange):
    type = "conventions"
    titre = "Conventions d'occupation"
    description = (
        "Les bureaux et les postes de co-travail tenus par les structures, une ligne par "
        "convention. Un import ajoute des conventions et en avance la fin ; le loyer, le taux "
        "et le poste d'une convention enregistrée ne changent pas (terminez-la, puis ajoutez "
        "la suivante)."
    )
    cle_naturelle = (
        "structure + espace + début (au co-travail, et le poste si la structure y tient "
        "plusieurs postes depuis le même jour)"
    )
    liste_url = "espaces:convention-liste"
    colonnes = COLONNES_CONVENTION

    def exporter(self):
        conventions = (
            Convention.objects.filter(structure__archivee=False)
            .select_related("structure", "espace")
            .order_by("espace__nom", "poste", "debut")
        )
        for c in conventions:
            yield [
                c.structure.slug,
                c.espace.slug,
                c.poste or "",
                c.debut,
                c.fin,
                c.montant_mensuel_ht,
                c.taux_tva,
                c.notes,
            ]

    def analyser(self, lignes, colonnes, *, par: Acteur) -> Plan:
        return _AnalyseConventions(self, colonnes).analyser(lignes)

    def appliquer(self, plan: Plan, *, par: Acteur) -> None:
        terminaisons, creations = plan.donnees
        # Ends first: an office freed on 30 June may be let again on 1 July in the same file.
        for numero, c, fin in terminaisons:
            with _ligne(numero):
                services.terminer_convention(convention=c, fin=fin, par=par)
        for numero, c in creations:
            with _ligne(numero):
                services.creer_convention(
                    structure=c.structure,
                    espace=c.espace,
                    poste=c.poste or None,
                    debut=c.debut,
                    fin=c.fin,
                    montant_mensuel_ht=c.montant_mensuel_ht,
                    taux_tva=c.taux_tva,
                    notes=c.notes,
                    par=par,
                )


LECTEURS_CONVENTION = {
    "poste": lire_entier,
    "debut": lire_date,
    "fin": lire_date,
    "montant_mensuel_ht": lire_decimal,
    "taux_tva": _taux,
    "notes": str,
}


class _AnalyseConventions(_Analyse):
    def __init__(self, echange: EchangeConventions, colonnes: set[str]):
        super().__init__(echange, colonnes)
        self.structures = habitants_selectors.repertoire_structures()
        self.espaces = _Reperes(
            Espace.objects.all(),
            inconnu="Espace inconnu",
            homonymes="Plusieurs espaces s'appellent",
        )
        self.par_cle: dict[tuple, list[Convention]] = {}
        self.par_espace: dict[int, list[Convention]] = {}
        for c in Convention.objects.all():
            # Objects already read: no query per row to name them.
            c.structure = self.structures.par_pk[c.structure_id]
            c.espace = self.espaces.par_pk[c.espace_id]
            self.par_cle.setdefault((c.structure_id, c.espace_id, c.debut), []).append(c)
            self.par_espace.setdefault(c.espace_id, []).append(c)
        codes = [Tarif.Code.BUREAU_M2_MOIS, Tarif.Code.POSTE_COTRAVAIL_MOIS]
        self.tarifs = list(
            Tarif.objects.filter(code__in=codes, ressource__isnull=True).order_by("-debut")
        )

    def lire_ligne(self, numero: int, valeurs: dict) -> dict | None:
        lecteurs = {
            "structure": self.structures.exiger,
            "espace": self.espaces.exiger,
            **LECTEURS_CONVENTION,
        }
        lu = self.lire(numero, valeurs, lecteurs)
        if lu is None:
            return None
        if lu.get("poste") == 0:
            lu["poste"] = None  # « 0 » is how the database says « no desk »
        if lu["espace"].type != TypeEspace.COTRAVAIL and lu.get("poste"):
            self.erreur(numero, "poste", "Un bureau n'a pas de poste : laissez la cellule vide.")
            return None
        return lu

    def ligne(self, numero: int, valeurs: dict) -> None:
        lu = self.lire_ligne(numero, valeurs)
        if lu is None:
            return
        structure, espace, debut = lu["structure"], lu["espace"], lu["debut"]
        existantes = self.par_cle.get((structure.pk, espace.pk, debut), [])
        poste = lu.get("poste")
        if poste is not None:  # a desk named in the file is part of the key
            existantes = [c for c in existantes if c.poste == poste]
        if len(existantes) > 1:
            self.erreur(
                numero,
                "poste",
                f"{structure.nom} tient plusieurs postes de {espace.nom} depuis le "
                f"{debut:%d/%m/%Y} : indiquez le poste.",
            )
            return
        existante = existantes[0] if existantes else None
        cle = (structure.pk, espace.pk, debut, existante.pk if existante else poste)
        if self.deja_vue(numero, cle, "structure", "Même convention"):
            return
        if existante is None:
            self.ajouts.append((numero, self.nouvelle(lu)))
        else:
            self.existante(numero, lu, existante)

    def nouvelle(self, lu: dict) -> Convention:
        return Convention(
            structure=lu["structure"],
            espace=lu["espace"],
            poste=lu.get("poste") or 0,
            debut=lu["debut"],
            fin=lu.get("fin"),
            montant_mensuel_ht=lu.get("montant_mensuel_ht"),
            taux_tva=lu.get("taux_tva"),
            notes=lu.get("notes") or "",
        )

    def existante(self, numero: int, lu: dict, c: Convention) -> None:
        """Une convention enregistrée : sa fin s'avance, son loyer ne change pas (facturé)."""
        figes = (
            ("montant_mensuel_ht", "Le loyer", lu.get("montant_mensuel_ht"),
             c.montant_mensuel_ht, format_euros),
            ("taux_tva", "Le taux de TVA", lu.get("taux_tva"), c.taux_tva, journal.affichable),
            ("notes", "Les notes", lu.get("notes", c.notes) or "", c.notes, journal.affichable),
        )  # fmt: skip
        self.existant(
            numero,
            lu,
            c,
            figes=figes,
            de="d'une convention enregistrée",
            conseil="indiquez sa fin (colonne « fin ») et ajoutez une ligne pour la suivante.",
            verifier_fin=verifier_fin_convention,
        )

    def objet(self, c: Convention) -> str:
        poste = f", poste {c.poste}" if c.poste else ""
        return f"{c.structure.nom} — {c.espace.nom}{poste}, {_periode(c.debut, c.fin)}"

    def ajouter(self, numero: int, c: Convention) -> None:
        if not self.verifier(numero, c) or not self.placer(numero, c):
            return
        tarif = self.tarif(code_loyer(c.espace), c.debut)
        try:
            c.montant_mensuel_ht, c.taux_tva = loyer_et_taux(
                c.espace, tarif, c.montant_mensuel_ht, c.taux_tva
            )
        except EspacesError as exc:
            self.erreur(numero, "montant_mensuel_ht", str(exc))
            return
        if not self.valider_modele(numero, c, ["structure", "espace", "cree_par"]):
            return
        self.par_espace.setdefault(c.espace.pk, []).append(c)
        self.plan.donnees[1].append((numero, c))
        changements = journal.creation(c, CHAMPS_CONVENTION)
        self.plan.operations.append(Operation(numero, CREER, self.objet(c), changements))

    def verifier(self, numero: int, c: Convention) -> bool:
        """Les règles de `verifier_convention`, chacune dite dans sa colonne."""
        try:
            verifier_espace_louable(c.espace)
        except EspacesError as exc:
            self.erreur(numero, "espace", str(exc))
            return False
        if c.fin is not None and c.fin < c.debut:
            self.erreur(numero, "fin", "La fin ne peut pas précéder le début.")
            return False
        try:
            verifier_presence(c.structure, c.debut, c.fin)
        except EspacesError as exc:
            arrivee = c.structure.arrivee
            self.erreur(numero, "debut" if not arrivee or c.debut < arrivee else "fin", str(exc))
            return False
        return True

    def occupants(self, c: Convention) -> list[Convention]:
        """Les conventions du même espace qui chevauchent `c`, fins du fichier comprises."""
        return [
            autre
            for autre in self.par_espace.get(c.espace.pk, [])
            if _chevauche(c.debut, c.fin, autre.debut, self.fins.get(autre.pk, autre.fin))
        ]

    def placer(self, numero: int, c: Convention) -> bool:
        """Le poste (au co-travail : celui demandé, ou le premier libre), libre sur la période."""
        occupants = self.occupants(c)
        try:
            if c.espace.type == TypeEspace.BUREAU:
                c.poste = 0
            elif c.poste:
                verifier_poste(c.espace, c.poste)
            else:
                c.poste = premier_poste_libre(c.espace, {o.poste for o in occupants})
        except EspacesError as exc:
            self.erreur(numero, "poste", str(exc))
            return False
        holder = next((o for o in occupants if o.poste == c.poste), None)
        if holder is not None:
            message = message_occupe(c.poste, holder)
            ligne = self.ligne_de(holder)
            if ligne:
                message = message.rstrip(".") + f", ligne {ligne} du fichier."
            self.erreur(numero, "poste" if c.poste else "espace", message)
            return False
        return True

    def tarif(self, code: str, le: datetime.date) -> Tarif | None:
        """Le tarif général en vigueur (`selectors.tarif_en_vigueur`, sur les tarifs lus)."""
        return next(
            (t for t in self.tarifs if t.code == code and _chevauche(le, le, t.debut, t.fin)),
            None,
        )


# --- Tarifs -------------------------------------------------------------------------------

COLONNES_TARIF = (
    Colonne(
        "code",
        "tarif",
        obligatoire=True,
        aide="son libellé (« Salle, à l'heure ») ou son code (salle_heure)",
    ),
    Colonne(
        "ressource",
        "ressource",
        aide="l'identifiant d'une salle ou d'un vélo (ou son nom) ; vide : toutes",
    ),
    Colonne(
        "montant_ht",
        "montant HT",
        obligatoire=True,
        alias=("prix HT",),
        aide="1234,50 ; quatre chiffres après la virgule au plus (0,0850)",
    ),
    Colonne(
        "taux_tva",
        "taux de TVA (%)",
        alias=("TVA",),
        aide="20 ou 5,5 ou 0 ; vide : 20 (nouveau tarif)",
    ),
    Colonne(
        "mention_exoneration",
        "mention d'exonération",
        alias=("base légale de l'exonération de TVA",),
        aide="si le taux est 0 % : « Exonération de TVA – art. 261 D 2° du CGI »",
    ),
    Colonne("debut", "début", obligatoire=True, aide=DATE),
    Colonne("fin", "fin", aide=DATE + " (incluse) ; vide : en cours"),
)


class EchangeTarifs(Echange):
    type = "tarifs"
    titre = "Tarifs"
    description = (
        "Les prix HT datés (bureaux, co-travail, salles, vélos, services). Un import ajoute "
        "des tarifs et en avance la fin ; le prix d'un tarif enregistré ne change pas : pour "
        "un nouveau prix, indiquez la fin de l'ancien (la veille) et ajoutez une ligne."
    )
    cle_naturelle = "tarif + ressource (vide : toutes) + début"
    liste_url = "espaces:tarif-liste"
    colonnes = COLONNES_TARIF

    def exporter(self):
        tarifs = Tarif.objects.select_related("ressource").order_by(
            "code", "ressource__slug", "debut"
        )
        for t in tarifs:
            yield [
                LIBELLES_CODES[t.code],
                t.ressource.slug if t.ressource else "",
                t.montant_ht,
                t.taux_tva,
                t.mention_exoneration,
                t.debut,
                t.fin,
            ]

    def analyser(self, lignes, colonnes, *, par: Acteur) -> Plan:
        return _AnalyseTarifs(self, colonnes).analyser(lignes)

    def appliquer(self, plan: Plan, *, par: Acteur) -> None:
        terminaisons, creations = plan.donnees
        # Ends first: a price ended on 31 December leaves room for the next one in the file.
        for numero, t, fin in terminaisons:
            with _ligne(numero):
                services.terminer_tarif(tarif=t, fin=fin, par=par)
        for numero, t in creations:
            with _ligne(numero):
                services.enregistrer_tarif(tarif=t, par=par)


LECTEURS_TARIF = {
    "code": lambda t: lire_choix(t, CODES, "Tarif"),
    "montant_ht": lambda t: lire_decimal(t, decimales=4),
    "taux_tva": _taux,
    "mention_exoneration": str,
    "debut": lire_date,
    "fin": lire_date,
}


class _AnalyseTarifs(_Analyse):
    def __init__(self, echange: EchangeTarifs, colonnes: set[str]):
        super().__init__(echange, colonnes)
        self.ressources = _Reperes(
            Ressource.objects.all(),
            inconnu="Ressource inconnue",
            homonymes="Plusieurs ressources s'appellent",
        )
        self.par_cle: dict[tuple, Tarif] = {}
        self.par_type: dict[tuple, list[Tarif]] = {}
        for t in Tarif.objects.all():
            t.ressource = self.ressources.par_pk.get(t.ressource_id)
            self.par_cle[(t.code, t.ressource_id, t.debut)] = t
            self.par_type.setdefault((t.code, t.ressource_id), []).append(t)

    def ligne(self, numero: int, valeurs: dict) -> None:
        lecteurs = {**LECTEURS_TARIF, "ressource": self.ressources.exiger}
        lu = self.lire(numero, valeurs, lecteurs)
        if lu is None:
            return
        ressource = lu.get("ressource")
        cle = (lu["code"], ressource.pk if ressource else None, lu["debut"])
        if self.deja_vue(numero, cle, "code", "Même tarif"):
            return
        existant = self.par_cle.get(cle)
        if existant is None:
            self.ajouts.append((numero, self.nouveau(lu)))
        else:
            self.existant_tarif(numero, lu, existant)

    def nouveau(self, lu: dict) -> Tarif:
        taux = lu.get("taux_tva")
        return Tarif(
            code=lu["code"],
            ressource=lu.get("ressource"),
            montant_ht=lu["montant_ht"],
            taux_tva=Tarif._meta.get_field("taux_tva").default if taux is None else taux,
            mention_exoneration=lu.get("mention_exoneration") or "",
            debut=lu["debut"],
            fin=lu.get("fin"),
        )

    def existant_tarif(self, numero: int, lu: dict, t: Tarif) -> None:
        """Un tarif enregistré : sa fin s'avance, son prix ne change pas (il a été facturé)."""
        figes = (
            ("montant_ht", "Le montant", lu["montant_ht"], t.montant_ht, format_prix_unitaire),
            ("taux_tva", "Le taux de TVA", lu.get("taux_tva"), t.taux_tva, journal.affichable),
            ("mention_exoneration", "La mention d'exonération",
             lu.get("mention_exoneration", t.mention_exoneration) or "",
             t.mention_exoneration, journal.affichable),
        )  # fmt: skip
        self.existant(
            numero,
            lu,
            t,
            figes=figes,
            de="d'un tarif enregistré",
            conseil="indiquez sa fin (la veille du nouveau prix) et ajoutez une ligne pour "
            "le nouveau.",
            verifier_fin=verifier_fin_tarif,
        )

    def objet(self, t: Tarif) -> str:
        pour = f" ({t.ressource.nom})" if t.ressource else ""
        return f"{LIBELLES_CODES[t.code]}{pour}, {_periode(t.debut, t.fin)}"

    def ajouter(self, numero: int, t: Tarif) -> None:
        if t.fin is not None and t.fin < t.debut:
            self.erreur(numero, "fin", "La fin ne peut pas précéder le début.")
            return
        # The rule of the tariff form (forms.tarifs.mention_seulement_a_zero).
        if t.mention_exoneration and t.taux_tva:
            self.erreur(
                numero,
                "mention_exoneration",
                "Une mention d'exonération ne vaut que pour un taux de TVA de 0 %.",
            )
            return
        if not self.valider_modele(numero, t, ["ressource"]) or self.chevauche(numero, t):
            return
        self.par_type.setdefault((t.code, t.ressource_id), []).append(t)
        self.plan.donnees[1].append((numero, t))
        changements = journal.creation(t, [*CHAMPS_TARIF, "mention_exoneration"])
        self.plan.operations.append(Operation(numero, CREER, self.objet(t), changements))

    def chevauche(self, numero: int, t: Tarif) -> bool:
        """La règle d'`enregistrer_tarif` : un seul tarif d'un type (code et ressource) par
        jour, fins du fichier comprises."""
        autre = next(
            (
                a
                for a in self.par_type.get((t.code, t.ressource_id), [])
                if _chevauche(t.debut, t.fin, a.debut, self.fins.get(a.pk, a.fin))
            ),
            None,
        )
        if autre is None:
            return False
        ligne = self.ligne_de(autre)
        ou = f"ligne {ligne} du fichier" if ligne else "déjà enregistré"
        periode = _periode(autre.debut, self.fins.get(autre.pk, autre.fin))
        self.erreur(
            numero,
            "debut",
            "Un autre tarif du même type est en vigueur sur cette période "
            f"({format_prix_unitaire(autre.montant_ht)} HT {periode}, {ou}) : indiquez sa fin "
            "(la veille de celui-ci) ou changez les dates.",
        )
        return True


ECHANGES = (EchangeConventions(), EchangeTarifs())
