"""Les règles de comptage du rapport annuel : chaque chiffre, liste et graphique du rapport d'une
année, tiré des données datées par les sélecteurs des autres apps. Une règle = une fonction et
sa phrase (`REGLE_…`), montrée dans l'aperçu et en annexe.

**Le rapport d'une année est calculé à la date de l'année** : ce qui commence après le
31 décembre (une arrivée, une décision, un tarif, une subvention accordée l'année suivante)
n'y compte ni n'y apparaît, et un départ postérieur n'y est pas encore connu.

Nombre de requêtes borné (une trentaine) : chaque lecture est une requête (ou un préchargement)
par sorte d'objet, jamais une par structure, réservation ou facture.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from espaces.facturation import selectors as facturation_selectors
from espaces.selectors import reservations as espaces_reservations
from espaces.selectors import tarifs as espaces_tarifs
from espaces.selectors.batiment import batiment, inventaire
from espaces.selectors.par_mois import occupation_mensuelle
from gouvernance import selectors as gouvernance_selectors
from habitants import selectors as habitants_selectors
from habitants.projets import selectors as projets_selectors
from phares.lib import fichiers, temps
from phares.lib.dates import MOIS, MOIS_COURTS, mois_annee
from phares.lib.money import format_nombre

from .donnees import (
    AnneeSansDonnees,
    AxeDuRapport,
    CategorieComptee,
    Chiffre,
    Contact,
    DomaineDuRapport,
    Element,
    Financeur,
    Gouvernance,
    Graphique,
    HabitantDuRapport,
    Mouvement,
    Parole,
    PhotoDuRapport,
    Poste,
    Rapport,
    SeanceTenue,
    Serie,
    Textes,
)

# --- Dates de l'année -------------------------------------------------------------------------


def premier_jour(annee: int) -> datetime.date:
    return datetime.date(annee, 1, 1)


def dernier_jour(annee: int) -> datetime.date:
    return datetime.date(annee, 12, 31)


def date_de_reference(annee: int) -> datetime.date:
    return datetime.date(annee, 6, 30)


def _court(valeur: Decimal) -> int | Decimal:
    """1350.00 → 1350 ; 2.50 → 2.5 (un chiffre clé s'écrit sans zéros inutiles)."""
    if valeur == valeur.to_integral_value():
        return int(valeur)
    return valeur.normalize()


def _euros(valeur: Decimal) -> str:
    """16.0000 → « 16 € » ; 12.5 → « 12,50 € »."""
    court = _court(valeur)
    if isinstance(court, int):
        return f"{court} €"
    return f"{valeur.quantize(Decimal('0.01'))} €".replace(".", ",")


# --- Les chiffres clés ------------------------------------------------------------------------

REGLE_SURFACE = (
    "Surface totale du bâtiment enregistrée dans la description du lieu (les espaces ne sont pas "
    "datés : le rapport d'une année passée lit la surface d'aujourd'hui)."
)
REGLE_ETAGES = "Nombre de niveaux du bâtiment enregistrés (rez-de-chaussée bas compris)."
REGLE_HABITANTS = (
    "Structures hébergées le 30 juin de l'année (date de référence de mi-année, arrivée et "
    "départ inclus). Pourquoi pas le 31 décembre ni « pendant l'année » : le rapport dit "
    "« aujourd'hui », un instantané, et l'année vit des arrivées et des départs ; le 31 "
    "décembre oublie ceux qui ont passé l'essentiel de l'année au PHARES et sont partis à "
    "l'automne, « pendant l'année » compte deux fois un bureau repris en cours d'année. La "
    "liste des habitants, elle, cite toutes les structures hébergées pendant l'année."
)
REGLE_DECLARES = (
    "Somme des chiffres {quoi} déclarés par les structures pour l'année (déclarations de "
    "l'année, déclarées ou validées par l'équipe)."
)
REGLE_ETP = (
    "Somme des quotités (ETP) des postes dédiés au PHARES, chacun au prorata de ses jours dans "
    "l'année ; arrondie au centième."
)
REGLE_ESPACES = "Nombre d'espaces {quoi} non archivés du bâtiment."
REGLE_POSTES_COTRAVAIL = "Nombre de postes des espaces de co-travail non archivés."

DECLARES = (
    ("emplois_permanents", "emplois permanents", "d'emplois permanents"),
    ("salaries_insertion", "salariés en insertion", "de salariés en insertion"),
    ("services_civiques", "services civiques", "de volontaires en service civique"),
    ("benevoles", "bénévoles", "de bénévoles"),
)


def habitants_au(structures, annee: int) -> int:
    """Parmi les structures hébergées pendant l'année (archivées comprises : archiver ne
    réécrit pas une année passée), celles présentes à la date de référence."""
    le = date_de_reference(annee)
    return sum(1 for s in structures if s.est_presente(le))


# The order of the seed's "Aujourd'hui, le PHARES, c'est" block.
ORDRE_CHIFFRES = (
    "surface", "etages", "habitants", "emplois_permanents", "salaries_insertion",
    "services_civiques", "benevoles", "etp_phares", "salles", "bureaux", "postes_coworking",
    "refectoire_cafeteria", "ateliers", "boutique",
)  # fmt: skip


def chiffres_cles(annee: int, structures, espaces) -> list[Chiffre]:
    """`structures` : celles hébergées pendant l'année (`structures_de_l_annee`) ; `espaces` :
    l'inventaire du bâtiment (`inventaire()`)."""
    chiffres = {c.cle: c for c in _chiffres_batiment(espaces)}
    chiffres["habitants"] = Chiffre(
        "habitants", habitants_au(structures, annee), "'habitants'", REGLE_HABITANTS
    )
    totaux = habitants_selectors.totaux_annuels(annee=annee)
    for cle, libelle, quoi in DECLARES:
        chiffres[cle] = Chiffre(cle, totaux[cle], libelle, REGLE_DECLARES.format(quoi=quoi))
    etp = _court(gouvernance_selectors.etp_dedies(annee=annee))
    chiffres["etp_phares"] = Chiffre(
        "etp_phares", etp, "équivalent temps plein dédiés au PHARES", REGLE_ETP
    )
    return [chiffres[cle] for cle in ORDRE_CHIFFRES]


def _chiffres_batiment(espaces) -> list[Chiffre]:
    """Surface, étages et espaces : toutes les figures du bâtiment (deux requêtes)."""
    b = batiment()
    surface = _court(b.surface_m2) if b else 0
    etages = len(b.etages.all()) if b else 0
    par_type: dict[str, list] = defaultdict(list)
    for e in espaces:
        par_type[e.type].append(e)
    salles = len(par_type["salle_reunion"]) + len(par_type["salle_formation"])
    postes = sum(e.nb_postes for e in par_type["cotravail"])
    refectoires, cafeterias = len(par_type["refectoire"]), len(par_type["cafeteria"])
    ateliers = par_type["atelier"]
    boutiques = par_type["boutique"]
    return [
        Chiffre(
            "surface",
            surface,
            "m²",
            REGLE_SURFACE,
            texte=f"{format_nombre(surface)} m² sur {etages} étages",
        ),
        Chiffre("etages", etages, "étages", REGLE_ETAGES),
        Chiffre(
            "salles",
            salles,
            "salles de réunion et de formation",
            REGLE_ESPACES.format(quoi="de type salle de réunion ou salle de formation"),
        ),
        Chiffre(
            "bureaux",
            len(par_type["bureau"]),
            "bureaux privatifs",
            REGLE_ESPACES.format(quoi="de type bureau privatif"),
        ),
        Chiffre(
            "postes_coworking",
            postes,
            "postes dans un espace de co-travail",
            REGLE_POSTES_COTRAVAIL,
        ),
        Chiffre(
            "refectoire_cafeteria",
            refectoires + cafeterias,
            "réfectoire et cafétéria",
            REGLE_ESPACES.format(quoi="de type réfectoire et de type cafétéria"),
            texte=f"{refectoires} réfectoire et {cafeterias} cafétéria",
        ),
        Chiffre(
            "ateliers",
            len(ateliers),
            _libelle_ateliers(ateliers, par_type),
            REGLE_ESPACES.format(quoi="de type atelier"),
        ),
        Chiffre(
            "boutique",
            len(boutiques),
            boutiques[0].nom.lower() if len(boutiques) == 1 else "boutiques",
            REGLE_ESPACES.format(quoi="de type boutique"),
        ),
    ]


def _libelle_ateliers(ateliers, par_type) -> str:
    """« ateliers (espaces verts, bricolage, création textile), espaces de stockage,
    vestiaires » : les ateliers par leur nom, puis ce qui les accompagne s'il existe."""
    noms = [a.nom.removeprefix("Atelier ").removeprefix("atelier ") for a in ateliers]
    libelle = "ateliers" + (f" ({', '.join(noms)})" if noms else "")
    if par_type["stockage"]:
        libelle += ", espaces de stockage"
    if par_type["vestiaire"]:
        libelle += ", vestiaires"
    return libelle


# --- Les habitants ----------------------------------------------------------------------------

REGLE_LISTE_HABITANTS = (
    "Toutes les structures hébergées un jour au moins de l'année, par domaine ; soulignées : "
    "associées de la SCIC un jour au moins de l'année ; astérisque : parties avant le "
    "31 décembre ; période : arrivée ou départ dans l'année."
)


def periode_dans_l_annee(
    arrivee: datetime.date | None, depart: datetime.date | None, annee: int
) -> str:
    """Comme le rapport 2015 : « depuis octobre 2015 », « Juin–Août 2015 », « départ en
    septembre 2015 », rien pour une structure présente toute l'année. Un départ après l'année
    n'est pas encore connu à la date du rapport."""
    arrive = arrivee is not None and arrivee.year == annee
    part = depart is not None and depart.year == annee
    if arrive and part:
        if arrivee.month == depart.month:
            return f"{MOIS[arrivee.month - 1].capitalize()} {annee}"
        return (
            f"{MOIS[arrivee.month - 1].capitalize()}–{MOIS[depart.month - 1].capitalize()} {annee}"
        )
    if arrive:
        return f"depuis {MOIS[arrivee.month - 1]} {annee}"
    if part:
        return f"départ en {MOIS[depart.month - 1]} {annee}"
    return ""


def structures_de_l_annee(annee: int) -> list:
    structures = list(habitants_selectors.structures_presentes_pendant(annee=annee))
    if not structures:
        raise AnneeSansDonnees(f"Aucune structure n'était hébergée en {annee} : pas de rapport.")
    return structures


def domaines(annee: int, structures, associes) -> list[DomaineDuRapport]:
    """`associes` : les qualités d'associé de l'année (`associes_pendant`) ; une structure
    associée un jour de l'année est soulignée."""
    structures = list(structures)
    fin = dernier_jour(annee)
    associees = {a.structure_id for a in associes if a.structure_id}

    # Within a domain: those present all along first, then arrivals, then departures.
    debut = premier_jour(annee)
    structures.sort(key=lambda s: (s.est_partie(fin), s.arrivee >= debut, s.nom.lower()))
    return [
        DomaineDuRapport(
            nom=domaine.nom if domaine else "Autres",
            habitants=[
                HabitantDuRapport(
                    nom=s.nom,
                    slug=s.slug,
                    description=s.description,
                    associe=s.pk in associees,
                    parti=s.est_partie(fin),
                    periode=periode_dans_l_annee(s.arrivee, s.depart, annee),
                    sigle_developpe=s.sigle_developpe,
                )
                for s in membres
            ],
        )
        for domaine, membres in habitants_selectors.par_domaine(structures)
    ]


# --- Partenaires, gouvernance, ressources humaines --------------------------------------------

REGLE_FINANCEURS = (
    "Financeurs d'une subvention accordée ou soldée dont la période touche l'année et dont la "
    "décision est connue au 31 décembre ; montant : la part de l'année du montant accordé, au "
    "prorata des jours."
)


def financeurs(annee: int) -> list[Financeur]:
    financement = projets_selectors.financement_connu_le(annee, le=dernier_jour(annee))
    return [
        Financeur(
            nom=ligne.financeur.nom,
            site=ligne.financeur.site_web,
            logo=fichiers.chemin_local(ligne.financeur.logo),
            montant=ligne.accorde or None,
        )
        for ligne in financement.lignes
    ]


REGLE_GOUVERNANCE = (
    "Associés et cogérant·es en fonction le 31 décembre ; séances dont le début tombe dans "
    "l'année ; décisions : celles des procès-verbaux approuvés de ces séances."
)


def gouvernance(annee: int, comptage) -> Gouvernance:
    """`comptage` : `comptage_par_categorie` au 31 décembre."""
    fin = dernier_jour(annee)
    seances = [
        SeanceTenue(
            date=temps.jour(s.debut),
            titre=s.titre,
            type=s.get_type_display(),
            presents=s.nb_presents,
            representes=s.nb_representes,
            inscrits=s.nb_inscrits,
            decisions=s.nb_decisions,
        )
        for s in gouvernance_selectors.seances_de_l_annee(annee=annee)
    ]
    return Gouvernance(
        nom_scic=settings.GOUVERNANCE_SCIC["nom"],
        associes=sum(c.nombre for c in comptage),
        par_categorie=[CategorieComptee(c.libelle, c.nombre) for c in comptage if c.nombre],
        cogerants=[m.personne.display_name for m in gouvernance_selectors.cogerants_le(fin)],
        seances=seances,
        decisions=sum(s.decisions for s in seances),
    )


def postes(annee: int) -> list[Poste]:
    """Les postes dédiés en cours un jour de l'année, le plus gros d'abord (comme le rapport
    2015 : la chargée de développement, puis les assistants techniques…)."""
    en_cours = gouvernance_selectors.postes_de_l_annee(annee=annee)
    return [
        Poste(intitule=p.intitule, etp=p.etp, description=p.notes)
        for p in sorted(en_cours, key=lambda p: (-p.etp, p.debut, p.pk))
    ]


REGLE_MOUVEMENTS = (
    "Par catégorie : associés le 1er janvier, entrées du 2 janvier au 31 décembre, sorties "
    "(dernier jour d'associé) du 1er janvier au 30 décembre, associés le 31 décembre ; "
    "au début + entrées − sorties = à la fin."
)


def mouvements(annee: int, associes, comptage) -> list[Mouvement]:
    """`associes` : `associes_pendant` ; `comptage` : `comptage_par_categorie` (toutes les
    catégories, dans l'ordre de la loi, avec leur libellé)."""
    debut, fin = premier_jour(annee), dernier_jour(annee)
    comptes: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for a in associes:
        c = comptes[a.categorie]
        c[0] += a.est_associe_le(debut)
        c[1] += a.entree > debut
        c[2] += a.sortie is not None and a.sortie < fin
        c[3] += a.est_associe_le(fin)
    return [Mouvement(c.libelle, *comptes[c.code]) for c in comptage if c.code in comptes]


# --- Les grands chantiers : les trois axes ----------------------------------------------------

REGLE_ELEMENTS = (
    "La liste « en {annee} » d'un axe : chaque projet actif dans l'année (son résumé, avec ses "
    "étapes de l'année cochées « dans le rapport », ses événements, ses postes mutualisés et "
    "services civiques), les projets à l'état d'idée réunis en « perspectives », les événements "
    "sans projet réunis par type ; dans l'axe 1, les tarifs des bureaux et du co-travail en "
    "vigueur à la fin de l'année ; les postes mutualisés et services civiques sans projet, dans "
    "l'axe 2 (la coopération entre structures)."
)
# Where what has no project of its own goes: the rent is about hosting (axis 1), a job shared
# between structures is cooperation (axis 2).
AXE_TARIFS = 1
AXE_EMPLOIS = 2

# An event without a project is grouped with the others of its type under one line.
PHRASES_EVENEMENTS = {
    "repas": "Repas mensuels des habitants du PHARES",
    "accueil": "Accueil d'assemblées générales, séminaires et réunions d'information dans le "
    "bâtiment",
    "formation": "Formations",
    "intervention": "Témoignages et interventions sur le projet du PHARES lors de journées de "
    "réflexion et de colloques",
    "recherche": "Études et recherche",
    "rencontre": "Rencontres",
    "autre": "Autres temps forts",
}


class _Axes:
    """Ce que la vie du pôle de l'année dit de chaque axe (lectures faites une fois)."""

    def __init__(self, annee: int):
        self.annee = annee
        self.projets = projets_selectors.projets_par_axe(annee)
        self.axes = [axe for axe, _ in self.projets]
        self.evenements = list(projets_selectors.evenements_de_l_annee(annee))
        self.emplois = list(projets_selectors.emplois_de_l_annee(annee))
        self.services_civiques = list(projets_selectors.services_civiques(annee))
        self.tarifs = espaces_tarifs.tarifs_loyers_de_l_annee(annee)

    def numero(self, axe_id: int | None) -> int | None:
        return next((a.numero for a in self.axes if a.pk == axe_id), None)

    def elements(self) -> dict[int, list[Element]]:
        debut = premier_jour(self.annee)
        par_axe: dict[int, list[Element]] = defaultdict(list)
        sous = self._sous_elements()
        dans_l_annee = set()
        for axe, projets in self.projets:
            idees = [p for p in projets if p.statut == "idee"]
            for p in projets:
                if p in idees:
                    continue
                dans_l_annee.add(p.pk)
                items = [j.titre for j in p.jalons_annee] + sous[p.pk]
                par_axe[axe.numero].append(
                    Element(
                        p.resume or p.nom,
                        max(p.debut, debut),
                        "projet",
                        list(dict.fromkeys(items)),
                    )
                )
            if idees:
                par_axe[axe.numero].append(
                    Element(
                        "Perspectives de projets communs",
                        max(min(p.debut for p in idees), debut),
                        "idee",
                        [p.nom for p in idees],
                    )
                )
        self._evenements_sans_projet(par_axe)
        self._sans_projet(par_axe, dans_l_annee)
        self._tarifs(par_axe)
        for elements in par_axe.values():
            elements.sort(key=lambda e: (e.date or debut, e.texte))
        return par_axe

    def _sous_elements(self) -> dict[int, list[str]]:
        """Pour chaque projet (pk) : ses événements, postes et services civiques de l'année."""
        sous: dict[int, list[str]] = defaultdict(list)
        for e in self.evenements:
            if e.projet_id:
                sous[e.projet_id].append(e.titre)
        for emploi in self.emplois:
            if emploi.projet_id:
                sous[emploi.projet_id].append(self._emploi(emploi))
        for sc in self.services_civiques:
            if sc.projet_id:
                sous[sc.projet_id].append(self._service_civique(sc))
        return sous

    def _evenements_sans_projet(self, par_axe) -> None:
        groupes: dict[tuple[int, str], list] = defaultdict(list)
        for e in self.evenements:
            if not e.projet_id and e.axe_id:
                groupes[(self.numero(e.axe_id), e.type)].append(e)
        for (numero, type_), evenements in groupes.items():
            titres = list(dict.fromkeys(e.titre for e in evenements))
            par_axe[numero].append(
                Element(
                    PHRASES_EVENEMENTS.get(type_, evenements[0].get_type_display()),
                    max(evenements[0].date, premier_jour(self.annee)),
                    "evenement",
                    titres if len(titres) > 1 or titres[0] != PHRASES_EVENEMENTS.get(type_) else [],
                )
            )

    def _sans_projet(self, par_axe, dans_l_annee: set[int]) -> None:
        debut = premier_jour(self.annee)
        for emploi in self.emplois:
            if emploi.projet_id not in dans_l_annee:
                par_axe[AXE_EMPLOIS].append(
                    Element(self._emploi(emploi), max(emploi.debut, debut), "emploi")
                )
        for sc in self.services_civiques:
            if sc.projet_id not in dans_l_annee:
                par_axe[AXE_EMPLOIS].append(
                    Element(self._service_civique(sc), max(sc.debut, debut), "service_civique")
                )

    def _tarifs(self, par_axe) -> None:
        bureau = self.tarifs.get("bureau_m2_mois")
        poste = self.tarifs.get("poste_cotravail_mois")
        morceaux = []
        if bureau:
            morceaux.append(
                f"Bureaux privatifs à coûts réduits ({_euros(bureau.montant_ht)}/m²/mois)"
            )
        if poste:
            morceaux.append(f"poste fixe au sein du co-travail ({_euros(poste.montant_ht)}/mois)")
        if morceaux:
            texte = " et ".join(morceaux)
            par_axe[AXE_TARIFS].append(
                Element(texte[0].upper() + texte[1:], premier_jour(self.annee), "tarif")
            )

    def _emploi(self, emploi) -> str:
        debut = f", depuis {mois_annee(emploi.debut)}" if emploi.debut.year == self.annee else ""
        return f"Poste mutualisé : {emploi.intitule} ({format_nombre(emploi.etp)} ETP{debut})"

    @staticmethod
    def _service_civique(sc) -> str:
        chez = f" ({sc.structure.nom})" if sc.structure_id else ""
        return f"Service civique : {sc.mission}{chez}"


def _photo(p) -> PhotoDuRapport:
    return PhotoDuRapport(
        cle=str(p.cle),
        legende=p.legende,
        texte_alternatif=p.texte_alternatif,
        credit=p.credit,
        chemin=fichiers.chemin_local(p.impression),
        # Through the app's view, which checks who asks: the photos live under a private
        # prefix of MEDIA_ROOT that neither nginx nor the dev media route serve.
        url=reverse("projets:photo-fichier", args=[p.cle, "web"]) if p.web else "",
    )


REGLE_PHOTOS = (
    "Une photo va à l'axe qu'elle illustre (le sien, sinon celui de son projet ou de son "
    "événement) ; celles de l'axe 1 (le lieu) sans projet montrent le lieu lui-même et vont à "
    "côté des chiffres clés. Sans choix de l'édition : en couverture, la première photo "
    "publique de l'année, et toutes les autres photos de l'année à leur place."
)
# Axis 1 is the place ("lieu professionnel et convivial"): its photos without a project show
# the building and its everyday life, not a piece of work of the year.
AXE_LIEU = 1


def place_de_la_photo(p, numeros: dict[int, int]) -> int | None:
    """Le numéro de l'axe où va la photo, ou None : à côté des chiffres clés. `numeros` : pk
    de chaque axe -> son numéro."""
    if p.axe_id and numeros.get(p.axe_id) == AXE_LIEU and not p.projet_id:
        return None
    return numeros.get(projets_selectors.axe_de_la_photo(p))


class _Photos:
    def __init__(self, annee, axes, choisies: list[str] | None, couverture: str | None):
        self.numeros = {a.pk: a.numero for a in axes}
        annee_photos = list(projets_selectors.photos_de_l_annee(annee))
        cles = list(choisies or []) + ([couverture] if couverture else [])
        extra = list(projets_selectors.photos_par_cles(cles)) if cles else []
        par_cle = {str(p.cle): p for p in [*annee_photos, *extra]}
        if couverture:
            self.couverture = par_cle.get(couverture)
        else:
            self.couverture = next((p for p in annee_photos if p.publique), None)
        if choisies is None:
            self.photos = [p for p in annee_photos if p is not self.couverture]
        else:
            self.photos = [par_cle[c] for c in choisies if c in par_cle]

    def de_l_axe(self, numero: int | None) -> list[PhotoDuRapport]:
        return [_photo(p) for p in self.photos if place_de_la_photo(p, self.numeros) == numero]


def _paroles(annee: int, choisies: list[int] | None) -> dict[int | None, list[Parole]]:
    if choisies is None:
        qs = list(projets_selectors.paroles_de_l_annee(annee))
    else:
        par_pk = {p.pk: p for p in projets_selectors.paroles_par_pks(choisies)}
        qs = [par_pk[pk] for pk in choisies if pk in par_pk]
    par_axe: dict[int | None, list[Parole]] = defaultdict(list)
    for p in qs:
        auteur = "" if p.anonyme else (p.auteur or (p.structure.nom if p.structure_id else ""))
        par_axe[p.axe_id].append(Parole(pk=p.pk, texte=p.texte, auteur=auteur))
    return par_axe


def axes(
    lecture: _Axes, textes: Textes, paroles: list[int] | None, photos: _Photos
) -> list[AxeDuRapport]:
    elements = lecture.elements()
    paroles_par_axe = _paroles(lecture.annee, paroles)
    return [
        AxeDuRapport(
            numero=axe.numero,
            titre=axe.titre,
            introduction=textes.axes.get(axe.numero, ""),
            paroles=paroles_par_axe.get(axe.pk, []),
            elements=elements.get(axe.numero, []),
            photos=photos.de_l_axe(axe.numero),
        )
        for axe in lecture.axes
    ]


# --- Les graphiques ---------------------------------------------------------------------------

DIXIEME = Decimal("0.1")

REGLE_OCCUPATION = (
    "Pour chaque mois : jours occupés par une convention ÷ (nombre d'espaces × jours du mois), "
    "pour les bureaux privatifs et pour les postes de co-travail non archivés."
)
REGLE_RESERVATIONS = (
    "Heures des réservations confirmées des salles qui commencent dans l'année (heure de "
    "Paris), par salle et par usager (structure hébergée ou organisation extérieure)."
)
REGLE_RECETTES = (
    "Montants HT des factures émises pour les mois de l'année, par origine de la ligne ; un "
    "avoir compte en moins, à l'origine de la ligne qu'il corrige."
)
REGLE_EMPLOIS = (
    "Emplois permanents et salariés en insertion déclarés par chaque structure pour l'année."
)
LIBELLES_RECETTES = {
    "convention": "Loyers (bureaux et co-travail)",
    "reservation": "Réservations (salles, vélos)",
    "consommation": "Services (affranchissement, impression)",
    "emploi": "Emplois mutualisés refacturés",
    "manuelle": "Autres",
    "avoir": "Autres",
}


def graphique_occupation(annee: int, espaces) -> Graphique:
    """La règle est celle de la page « Occupation par mois » des espaces : un sélecteur,
    `espaces.selectors.par_mois.occupation_mensuelle` (une requête pour les deux années)."""
    par_an = occupation_mensuelle((annee, annee - 1), espaces=espaces)
    series = []
    for an, occupation in _annees_montrees(annee, par_an, lambda o: o.a_des_conventions):
        mois = occupation.mois
        series.append(Serie(f"Bureaux {an}", [m.taux_bureaux for m in mois]))
        series.append(Serie(f"Postes de co-travail {an}", [m.taux_postes for m in mois]))
    return Graphique(
        "occupation", "Occupation des bureaux et du co-travail", "lignes",
        list(MOIS_COURTS), series, unite="%", regle=REGLE_OCCUPATION,
    )  # fmt: skip


def _annees_montrees(annee: int, par_an: dict, a_des_donnees=bool) -> list:
    """(an, données) de l'année, puis de la précédente si elle en a : la comparaison que
    montre chaque graphique."""
    return [
        (an, par_an[an]) for an in (annee, annee - 1) if an == annee or a_des_donnees(par_an[an])
    ]


def _heures(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(DIXIEME)


def graphiques_reservations(annee: int) -> list[Graphique]:
    par_an = {
        an: espaces_reservations.heures_reservees(premier_jour(an), dernier_jour(an))
        for an in (annee, annee - 1)
    }
    salles = sorted({h.salle for lignes in par_an.values() for h in lignes})
    series_salles, series_usagers = [], []
    for an, lignes in _annees_montrees(annee, par_an):
        par_salle: dict[str, int] = defaultdict(int)
        par_usager: dict[bool, int] = defaultdict(int)
        for h in lignes:
            par_salle[h.salle] += h.minutes
            par_usager[h.habitant] += h.minutes
        series_salles.append(Serie(str(an), [_heures(par_salle[s]) for s in salles]))
        series_usagers.append(
            Serie(str(an), [_heures(par_usager[True]), _heures(par_usager[False])])
        )
    return [
        Graphique(
            "reservations_salles", "Réservations des salles, par salle", "barres_horizontales",
            salles, series_salles, unite="heures", regle=REGLE_RESERVATIONS,
        ),
        Graphique(
            "reservations_usagers", "Réservations des salles, par usager", "barres",
            ["Habitants", "Organisations extérieures"], series_usagers, unite="heures",
            regle=REGLE_RESERVATIONS,
        ),
    ]  # fmt: skip


def graphique_recettes(annee: int) -> Graphique:
    par_an = {an: facturation_selectors.recettes_par_origine(an) for an in (annee, annee - 1)}
    categories = list(dict.fromkeys(LIBELLES_RECETTES.values()))
    series = []
    for an, recettes in _annees_montrees(annee, par_an):
        par_libelle: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for origine, montant in recettes.items():
            par_libelle[LIBELLES_RECETTES.get(origine, "Autres")] += montant
        series.append(Serie(str(an), [par_libelle[c] for c in categories]))
    return Graphique(
        "recettes", "Recettes par nature (HT)", "barres", categories, series, unite="€",
        regle=REGLE_RECETTES,
    )  # fmt: skip


def graphique_emplois(annee: int) -> Graphique:
    par_an = {an: list(habitants_selectors.chiffres_annuels(annee=an)) for an in (annee, annee - 1)}
    noms = sorted({c.structure.nom for c in par_an[annee]}, key=str.lower)
    series = []
    for an, chiffres in _annees_montrees(annee, par_an):
        par_nom = {c.structure.nom: c for c in chiffres}
        for champ, libelle in (
            ("emplois_permanents", "Emplois permanents"),
            ("salaries_insertion", "Salariés en insertion"),
        ):
            valeurs = [getattr(par_nom[n], champ) if n in par_nom else None for n in noms]
            series.append(Serie(f"{libelle} {an}", valeurs))
    return Graphique(
        "emplois", "Emplois par structure", "barres_horizontales", noms, series,
        unite="emplois", regle=REGLE_EMPLOIS,
    )  # fmt: skip


def graphiques(annee: int, espaces) -> list[Graphique]:
    return [
        graphique_occupation(annee, espaces),
        *graphiques_reservations(annee),
        graphique_recettes(annee),
        graphique_emplois(annee),
    ]


# --- Contact et assemblage --------------------------------------------------------------------


def contact() -> Contact:
    c = settings.PHARES_CONTACT
    return Contact(
        lieu=c["lieu"],
        nom=c["nom"],
        fonction=c["fonction"],
        telephones=list(c["telephones"]),
        email=c["email"],
        site=c["site"],
        adresse=c["adresse"],
    )


def rassembler(
    annee: int,
    *,
    textes: Textes | None = None,
    paroles: list[int] | None = None,
    photos: list[str] | None = None,
    couverture: str | None = None,
) -> Rapport:
    textes = textes or Textes()
    structures = structures_de_l_annee(annee)  # first: raises AnneeSansDonnees
    coordonnees = contact()
    # What several parts use is read once.
    espaces = inventaire()
    associes = gouvernance_selectors.associes_pendant(annee=annee)
    comptage = gouvernance_selectors.comptage_par_categorie(dernier_jour(annee))
    lecture = _Axes(annee)
    choix = _Photos(annee, lecture.axes, photos, couverture)
    return Rapport(
        annee=annee,
        titre=f"Rapport annuel PTCE {coordonnees.lieu} Année {annee}",
        lieu=coordonnees.lieu,
        textes=textes,
        chiffres=chiffres_cles(annee, structures, espaces),
        domaines=domaines(annee, structures, associes),
        financeurs=financeurs(annee),
        gouvernance=gouvernance(annee, comptage),
        postes=postes(annee),
        axes=axes(lecture, textes, paroles, choix),
        graphiques=graphiques(annee, espaces),
        mouvements=mouvements(annee, associes, comptage),
        contact=coordonnees,
        couverture=_photo(choix.couverture) if choix.couverture else None,
        photos_generales=choix.de_l_axe(None),
        regles_sections=regles_des_sections(annee),
    )


def regles_des_sections(annee: int) -> dict[str, str]:
    """Les règles des listes du rapport (les chiffres et graphiques portent la leur), pour
    l'annexe « D'où viennent ces chiffres » : titre de section -> phrase."""
    return {
        "Les habitants du PHARES": REGLE_LISTE_HABITANTS,
        "Les partenaires du PHARES": REGLE_FINANCEURS,
        "Gouvernance": REGLE_GOUVERNANCE,
        "Évolution du projet coopératif": REGLE_MOUVEMENTS,
        f"Les grands chantiers {annee}": REGLE_ELEMENTS.format(annee=annee),
        "Photos": REGLE_PHOTOS,
    }
