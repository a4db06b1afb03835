"""Données de démonstration des habitants, tirées du rapport annuel 2015 de
La Cité PHARES (shared/seed/000_a91c6fd21e8c75e1.txt).

Chargées par `python manage.py demo` (phares/management/commands/demo.py) :
domaines, les 20 structures citées dans le rapport, les personnes de
démonstration et leurs appartenances, les chiffres 2015 validés.

Tout ce qui n'est pas dans le rapport (dates d'arrivée avant 2015, contacts,
noms des personnes, répartition des effectifs) est inventé mais plausible ;
les totaux, eux, sont ceux du rapport et vérifiés avant tout chargement.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.core.management.base import CommandError

from phares import roles
from phares.lib import dates

from .models import ChiffresAnnuels, Domaine, FormeJuridique, Membre, Structure

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext

d = datetime.date
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

ANNEE = 2015
# The report's "18 habitants" is a head count on the mid-year reference date.
DATE_REFERENCE = d(ANNEE, 6, 30)
# Memberships are only recorded from the year the demo covers.
DEBUT_APPARTENANCES = d(ANNEE, 1, 1)

ADRESSE_PHARES = "6 rue Arnold Géraux, 93450 L'Île-Saint-Denis"


# --- Domaines, dans l'ordre du rapport ------------------------------------

INSERTION = "Insertion sociale et professionnelle"
CHANTIERS = "Chantiers internationaux et chantiers pédagogiques"
RESEAU = "Animation de réseau"
CREATION = "Appui à la création d'entreprise"
LOBBYING = "Lobbying et défense des droits"
CITOYENNETE = "Éducation à la citoyenneté"
FORMATION = "Formation"
VENTE_BIO = "Vente de produits biologiques et solidaires"
CONSO_DURABLE = "Promotion d'une consommation durable"

DOMAINES = (
    INSERTION, CHANTIERS, RESEAU, CREATION, LOBBYING,
    CITOYENNETE, FORMATION, VENTE_BIO, CONSO_DURABLE,
)  # fmt: skip

# The PDF extraction scrambled the column headings, so headings sit next to the
# wrong structures in the text: this mapping follows what each structure does.
REPARTITION = {
    INSERTION:     ("halage", "mode-estime", "novaedia"),
    CHANTIERS:     ("etudes-et-chantiers-idf",),
    RESEAU:        ("unarec", "chantier-ecole-idf", "femasif"),
    CREATION:      ("la-firme-93",),
    LOBBYING:      ("errc",),
    CITOYENNETE:   ("sfmad", "metropop", "ile-vivante", "la-mission-populaire"),
    FORMATION:     ("procarist", "mael"),
    VENTE_BIO:     ("solibio", "la-boite-militante", "marchambul"),
    CONSO_DURABLE: ("terragram", "fabien-kenzo-sato"),
}  # fmt: skip


# --- Structures ------------------------------------------------------------


@dataclass(frozen=True)
class Habitant:
    slug: str
    nom: str
    forme: str
    arrivee: datetime.date
    description: str  # verbatim from the report
    hote: str  # fictitious web host, also used for the contact e-mail
    telephone: str
    depart: datetime.date | None = None  # last day present, inclusive
    sigle_developpe: str = ""
    siren: str = ""
    siret: str = ""


A = FormeJuridique.ASSOCIATION
# The report only says "entreprise"/"société"; the model has no generic choice.
ENTREPRISE = FormeJuridique.SARL
SOCIETE = FormeJuridique.SAS

# Phone numbers: 01 99 00 xx xx is the ARCEP range reserved for fiction, so no
# real line gets called from the demo.
STRUCTURES = (
    Habitant(
        "halage", "Halage", A, d(2001, 9, 1),
        "Une association qui cherche à répondre à une double préoccupation en termes, "
        "d'une part, de solidarité avec les personnes en recherche de stabilité sociale ou "
        "professionnelle et, d'autre part, de préservation de l'environnement.",
        hote="halage.test", telephone="01 99 00 10 01",
        # Built on the well-known test SIREN 123 456 782: valid key, belongs to no one.
        siren="123456782", siret="12345678200010",
    ),
    Habitant(
        "etudes-et-chantiers-idf", "Etudes et chantiers Ile-de-France", A, d(2002, 3, 1),
        "Un mouvement d'éducation populaire national qui met en œuvre des projets collectifs "
        "visant la participation active de jeunes et d'adultes français et étrangers à "
        "l'aménagement, l'équipement, la réhabilitation, la sauvegarde des espaces naturels "
        "et bâtis.",
        hote="etudesetchantiers-idf.test", telephone="01 99 00 10 02",
    ),
    Habitant(
        "unarec", "UNAREC", A, d(2004, 1, 1),
        "Un réseau qui regroupe des associations ayant pour but la promotion à l'échelon "
        "régional de projets de travail différent pour un développement solidaire tel que "
        "défini dans la charte d'études et chantiers.",
        hote="unarec.test", telephone="01 99 00 10 03",
        sigle_developpe="Union Nationale des Associations Régionales Etudes et Chantiers",
    ),
    Habitant(
        "chantier-ecole-idf", "Chantier école Île-de-France", A, d(2005, 9, 1),
        "Un réseau de l'Insertion par l'Activité Economique (IAE) qui regroupe plus de 88 "
        "adhérents, dont 73 associations qui gèrent plus de 189 chantiers école ou chantiers "
        "d'insertion en l'Île-de-France (2 800 salariés ou stagiaires).",
        hote="chantierecole-idf.test", telephone="01 99 00 10 04",
    ),
    Habitant(
        "mode-estime", "Mode Estime", A, d(2008, 4, 1),
        "Une association qui utilise la création textile à des fins de développement social "
        "et économique des personnes en situation de vulnérabilité physique, psychique et/ou "
        "sociale ; quel que soit leur âge, leur sexe, leur handicap, leur parcours ou leur "
        "revenu.",
        hote="modeestime.test", telephone="01 99 00 10 05",
    ),
    Habitant(
        "la-firme-93", "La Firme 93", A, d(2012, 11, 1),
        "Une association qui accompagne des Roms roumains de Seine-Saint-Denis dans leur "
        "création d'entreprises.",
        hote="lafirme93.test", telephone="01 99 00 10 06",
    ),
    Habitant(
        "errc", "ERRC", FormeJuridique.INTERNATIONALE, d(2013, 9, 1),
        "Une organisation internationale de défense des droits de l'Homme combattant le "
        "racisme et les discriminations anti-rom.",
        hote="errc.test", telephone="01 99 00 10 07",
        sigle_developpe="European Roma Rights Centre",
    ),
    Habitant(
        "novaedia", "Novaedia", A, d(2012, 3, 1),
        "Une association créée en 2011 par un collectif de jeunes de Seine-Saint-Denis. Sa "
        "principale mission est d'insérer par le travail et la formation des jeunes sans "
        "expérience des quartiers populaires et des personnes en situation de handicap.",
        hote="novaedia.test", telephone="01 99 00 10 08",
        depart=d(2015, 7, 31),
    ),
    Habitant(
        "sfmad", "SFMAD", A, d(2003, 1, 1),
        "Une association qui accueille des personnes individuelles et des familles pour "
        "promouvoir leur épanouissement dans leur environnement familial, social et "
        "professionnel et ce sur le territoire de Plaine Commune.",
        hote="sfmad.test", telephone="01 99 00 10 09",
        sigle_developpe="Solidarité Formation Mobilisation Accueil et Développement",
    ),
    Habitant(
        "metropop", "Metropop' !", A, d(2014, 2, 1),
        "Une association qui veut faire émerger une parole citoyenne sur la métropole en "
        "particulier celle des quartiers populaires, permettre à toute personne de "
        "s'approprier les enjeux du Grand Paris métropolitain et d'en être un acteur à part "
        "entière, animer une dynamique collective et collaborative de la société civile à "
        "l'échelle métropolitaine",
        hote="metropop.test", telephone="01 99 00 10 10",
    ),
    Habitant(
        "procarist", "Procarist", ENTREPRISE, d(2010, 6, 1),
        "Une entreprise centre de formation et conseil dans les métiers de la logistique, "
        "des travaux publics, des espaces verts, de l'aéroportuaire",
        hote="procarist.test", telephone="01 99 00 10 11",
    ),
    Habitant(
        "solibio", "Solibio", A, d(2006, 10, 1),
        "Une association de consommateurs de produits issus de l'agriculture biologique gérée "
        "par les adhérents eux-mêmes qui veut favoriser une alimentation saine et naturelle "
        "pour tous en mettant les produits biologiques à la portée de tous",
        hote="solibio.test", telephone="01 99 00 10 12",
    ),
    Habitant(
        "la-boite-militante", "La Boite Militante", A, d(2011, 5, 1),
        "Une association qui porte une boutique qui a du sens, des formations à la "
        "désobéissance civile non violente, un journal télévisé alternatif.",
        hote="laboitemilitante.test", telephone="01 99 00 10 13",
    ),
    Habitant(
        "terragram", "Terragram", ENTREPRISE, d(2009, 1, 1),
        "Une agence de presse, spécialisée dans les problématiques d'énergie et de "
        "changements climatiques.",
        hote="terragram.test", telephone="01 99 00 10 14",
    ),
    Habitant(
        "fabien-kenzo-sato", "Fabien-Kenzo Sato", FormeJuridique.ENTREPRENEUR, d(2013, 4, 1),
        "Un consultant indépendant, notamment dans le domaine de l'ESS, avec des expertises "
        "plus spécifiques dans les secteurs de la maîtrise d'ouvrage immobilière, du logement "
        "social, de la RSE et du médico-social.",
        hote="fks-conseil.test", telephone="01 99 00 10 15",
    ),
    Habitant(
        "mael", "Mael", SOCIETE, d(2015, 10, 1),
        "Une société de transport de personnes, avec des véhicules hybrides, formant des "
        "personnes sans emploi au métier de chauffeur",
        hote="mael.test", telephone="01 99 00 10 16",
    ),
    Habitant(
        "ile-vivante", "Ile Vivante", A, d(2015, 9, 1),
        "Une association d'îlodionysien(ne)s regroupés sur la base des valeurs de "
        "citoyenneté, d'écologie et de solidarité",
        hote="ilevivante.test", telephone="01 99 00 10 17",
    ),
    Habitant(
        # A project holder hosted for the summer: no legal form chosen yet.
        "marchambul", "Marchambul", FormeJuridique.AUTRE, d(2015, 6, 1),
        "Un réseau en construction de mini-marchés ambulants en vélos qui a pour but de "
        "proposer des produits locaux et de saison.",
        hote="marchambul.test", telephone="01 99 00 10 18",
        depart=d(2015, 8, 31),
    ),
    Habitant(
        "femasif", "Femasif", A, d(2015, 1, 1),
        "Une association qui regroupe des professionnels de santé de soins primaires "
        "(médecins généralistes, infirmiers, kinés...), et soutient le développement des "
        "Maisons de santé",
        hote="femasif.test", telephone="01 99 00 10 19",
        depart=d(2015, 8, 31),
    ),
    Habitant(
        "la-mission-populaire", "La Mission populaire", A, d(2014, 9, 1),
        "Mission exploratoire en vue d'ouvrir des activités en lien avec les \"fraternités\". "
        "Commence ses actions sur Gennevilliers",
        hote="missionpopulaire.test", telephone="01 99 00 10 20",
        depart=d(2015, 9, 30),
    ),
)  # fmt: skip


# --- Chiffres 2015 -----------------------------------------------------------

# Totals printed in the report: the table below must add up to them exactly.
TOTAUX_2015 = {
    "emplois_permanents": 71,
    "salaries_insertion": 170,
    "services_civiques": 6,
    "benevoles": 80,
}

CHIFFRES_2015 = {
    # slug                      permanents  insertion  services civiques  bénévoles
    "halage":                   (18,        95,        1,                 6),
    "etudes-et-chantiers-idf":  (9,         40,        2,                 10),
    "unarec":                   (3,         0,         0,                 4),
    "chantier-ecole-idf":       (4,         0,         0,                 3),
    "mode-estime":              (6,         18,        0,                 5),
    "la-firme-93":              (2,         0,         0,                 4),
    "errc":                     (3,         0,         0,                 0),
    "novaedia":                 (4,         17,        0,                 2),
    "sfmad":                    (3,         0,         1,                 10),
    "metropop":                 (2,         0,         1,                 6),
    "procarist":                (4,         0,         0,                 0),
    "solibio":                  (2,         0,         0,                 14),
    "la-boite-militante":       (2,         0,         1,                 6),
    "terragram":                (2,         0,         0,                 0),
    "fabien-kenzo-sato":        (1,         0,         0,                 0),
    "mael":                     (2,         0,         0,                 0),
    "ile-vivante":              (0,         0,         0,                 6),
    "marchambul":               (1,         0,         0,                 1),
    "femasif":                  (2,         0,         0,                 2),
    "la-mission-populaire":     (1,         0,         0,                 1),
}  # fmt: skip

# Declared by each structure's référent in January, validated by the team in
# February: fixed instants so that a second run changes nothing.
DECLARE_LE = datetime.datetime(ANNEE + 1, 1, 15, 10, 0, tzinfo=PARIS)
VALIDE_LE = datetime.datetime(ANNEE + 1, 2, 1, 10, 0, tzinfo=PARIS)


# --- Personnes ---------------------------------------------------------------

GESTION = "gestion@phares.test"


@dataclass(frozen=True)
class Personne:
    email: str
    prenom: str
    nom: str
    structure: str = ""  # slug
    referent: bool = True
    fonction: str = ""
    groupe: str = ""
    role: str = ""  # label in the printed login table; empty = derived from the membership
    login: bool = True  # listed in the printed login table


PERSONNES = (
    # One login per role (DESIGN.md, "Who uses it").
    Personne("gestion@phares.test", "Anne", "Hurand", groupe=roles.GESTION,
             role="chargée de développement (gestion)"),
    Personne("compta@phares.test", "Sylvie", "Marchand", groupe=roles.COMPTABILITE,
             role="support comptable (comptabilité)"),
    Personne("referent.halage@phares.test", "Julien", "Moreau", "halage",
             fonction="Directeur"),
    Personne("membre.halage@phares.test", "Fatou", "Diallo", "halage", referent=False,
             fonction="Encadrante technique"),
    Personne("referent.modeestime@phares.test", "Claire", "Dubois", "mode-estime",
             fonction="Coordinatrice"),
    Personne("cogerant@phares.test", "Thomas", "Lefèvre", "etudes-et-chantiers-idf",
             fonction="Délégué régional"),
    Personne("cogerant.solibio@phares.test", "Martine", "Roux", "solibio",
             fonction="Présidente"),
    Personne("cogerant.sfmad@phares.test", "Mamadou", "Traoré", "sfmad",
             fonction="Directeur"),
    Personne("cogerant.chantierecole@phares.test", "Hélène", "Garnier", "chantier-ecole-idf",
             fonction="Déléguée générale"),
    Personne("associe@phares.test", "Pierre", "Martin", "terragram", referent=False,
             fonction="Journaliste"),
    # A référent for every other structure, so that the directory has someone to
    # contact and each structure can manage its own members.
    Personne("referent.unarec@phares.test", "Bernard", "Lemoine", "unarec",
             fonction="Délégué national", login=False),
    Personne("referent.lafirme93@phares.test", "Ioana", "Popescu", "la-firme-93",
             fonction="Coordinatrice", login=False),
    Personne("referent.errc@phares.test", "Dorottya", "Kovács", "errc",
             fonction="Chargée de mission France", login=False),
    Personne("referent.novaedia@phares.test", "Yacine", "Benali", "novaedia",
             fonction="Directeur", login=False),
    Personne("referent.metropop@phares.test", "Léa", "Fontaine", "metropop",
             fonction="Coordinatrice", login=False),
    Personne("referent.procarist@phares.test", "Olivier", "Renaud", "procarist",
             fonction="Gérant", login=False),
    Personne("referent.laboitemilitante@phares.test", "Camille", "Perrin",
             "la-boite-militante", fonction="Coprésidente", login=False),
    Personne("referent.terragram@phares.test", "Sophie", "Girard", "terragram",
             fonction="Gérante", login=False),
    Personne("referent.fabienkenzosato@phares.test", "Fabien-Kenzo", "Sato",
             "fabien-kenzo-sato", fonction="Consultant", login=False),
    Personne("referent.mael@phares.test", "Karim", "Haddad", "mael",
             fonction="Gérant", login=False),
    Personne("referent.ilevivante@phares.test", "Nathalie", "Bonnet", "ile-vivante",
             fonction="Présidente", login=False),
    Personne("referent.marchambul@phares.test", "Antoine", "Leroy", "marchambul",
             fonction="Porteur de projet", login=False),
    Personne("referent.femasif@phares.test", "Isabelle", "Chevalier", "femasif",
             fonction="Coordinatrice", login=False),
    Personne("referent.lamissionpopulaire@phares.test", "David", "Muller",
             "la-mission-populaire", fonction="Chargé de mission", login=False),
)  # fmt: skip

# Read by the command to tell demo data from real data before loading anything.
DEMO_EMAILS = frozenset(p.email for p in PERSONNES)
DEMO_SLUGS = frozenset(h.slug for h in STRUCTURES)


# --- Chargement ----------------------------------------------------------------


def load(ctx: DemoContext) -> None:
    check_tables()
    domaines = _load_domaines(ctx)
    _load_structures(ctx, domaines)
    _load_personnes(ctx)
    _load_chiffres(ctx)
    ctx.log(
        f"habitants : {len(domaines)} domaines, {len(ctx.structures)} structures, "
        f"{len(PERSONNES)} personnes, chiffres {ANNEE}."
    )


def check_tables() -> None:
    """Refuse an edited table that would no longer reproduce the report."""
    errors = []
    slugs = [h.slug for h in STRUCTURES]
    if len(set(slugs)) != len(slugs):
        errors.append("un slug de structure apparaît deux fois")
    reparties = [s for membres in REPARTITION.values() for s in membres]
    if sorted(reparties) != sorted(slugs):
        errors.append("REPARTITION doit citer chaque structure une fois et une seule")
    if set(REPARTITION) != set(DOMAINES):
        errors.append("REPARTITION doit utiliser exactement les domaines de DOMAINES")
    if set(CHIFFRES_2015) != set(slugs):
        errors.append(f"CHIFFRES_{ANNEE} doit donner les chiffres de chaque structure")
    for i, (champ, attendu) in enumerate(TOTAUX_2015.items()):
        total = sum(row[i] for row in CHIFFRES_2015.values())
        if total != attendu:
            errors.append(f"{champ} : total {total}, le rapport dit {attendu}")
    presentes = [h for h in STRUCTURES if dates.is_active(h.arrivee, h.depart, DATE_REFERENCE)]
    if len(presentes) != 18:
        errors.append(
            f"{len(presentes)} structures présentes au {DATE_REFERENCE}, le rapport dit 18"
        )
    referents = {p.structure for p in PERSONNES if p.structure and p.referent}
    if referents != set(slugs):
        errors.append("chaque structure doit avoir un·e référent·e")
    if errors:
        raise CommandError("Données de démonstration incohérentes : " + " ; ".join(errors) + ".")


def _load_domaines(ctx: DemoContext) -> dict[str, Domaine]:
    return {
        nom: ctx.upsert(Domaine, {"nom": nom}, {"ordre": ordre})
        for ordre, nom in enumerate(DOMAINES, start=1)
    }


def _load_structures(ctx: DemoContext, domaines: dict[str, Domaine]) -> None:
    domaine_de = {slug: domaines[nom] for nom, slugs in REPARTITION.items() for slug in slugs}
    for h in STRUCTURES:
        ctx.structures[h.slug] = ctx.upsert(
            Structure,
            {"slug": h.slug},
            {
                "nom": h.nom,
                "sigle_developpe": h.sigle_developpe,
                "forme_juridique": h.forme,
                "siren": h.siren,
                "siret": h.siret,
                "domaine": domaine_de[h.slug],
                "description": h.description,
                "site_web": f"https://www.{h.hote}/",
                "email_contact": f"contact@{h.hote}",
                "telephone": h.telephone,
                "adresse_facturation": ADRESSE_PHARES,
                "email_facturation": f"contact@{h.hote}",
                "arrivee": h.arrivee,
                "depart": h.depart,
                "archivee": False,
                "archivee_le": None,
            },
        )


class _Passwords:
    """One hash shared by every demo account: the password is published anyway,
    and hashing it per account costs a noticeable fraction of a second each."""

    def __init__(self, raw: str):
        self.raw = raw
        self._encoded = ""
        self._checked: dict[str, bool] = {}

    def encoded_for(self, current: str | None) -> str:
        """Keep the current hash when it already matches, so a rerun changes nothing."""
        if current:
            if current not in self._checked:
                self._checked[current] = check_password(self.raw, current)
            if self._checked[current]:
                return current
        if not self._encoded:
            self._encoded = make_password(self.raw)
        return self._encoded


def _load_personnes(ctx: DemoContext) -> None:
    User = get_user_model()
    passwords = _Passwords(ctx.password)
    for p in PERSONNES:
        current = User.objects.filter(email=p.email).values_list("password", flat=True).first()
        user = ctx.upsert(
            User,
            {"email": p.email},
            {
                "first_name": p.prenom,
                "last_name": p.nom,
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
                "password": passwords.encoded_for(current),
            },
        )
        # set() rather than add(): a rerun also takes back any role granted since.
        user.groups.set([Group.objects.get_or_create(name=p.groupe)[0]] if p.groupe else [])
        ctx.upsert(
            EmailAddress, {"user": user, "email": p.email}, {"verified": True, "primary": True}
        )
        ctx.users[p.email] = user
        role = p.role
        if p.structure:
            membre = _load_membre(ctx, p, user)
            role = role or f"{membre.get_role_display().lower()} {membre.structure}"
        if p.login:
            ctx.add_role(p.email, role)


def _load_membre(ctx: DemoContext, p: Personne, user) -> Membre:
    structure = ctx.structures[p.structure]
    return ctx.upsert(
        Membre,
        {"user": user, "structure": structure},
        {
            "role": Membre.Role.REFERENT if p.referent else Membre.Role.MEMBRE,
            "fonction": p.fonction,
            "debut": max(DEBUT_APPARTENANCES, structure.arrivee),
            "fin": structure.depart,
        },
    )


def _load_chiffres(ctx: DemoContext) -> None:
    valideur = ctx.users[GESTION]
    declarant = {p.structure: ctx.users[p.email] for p in PERSONNES if p.structure and p.referent}
    for slug, (permanents, insertion, civiques, benevoles) in CHIFFRES_2015.items():
        ctx.upsert(
            ChiffresAnnuels,
            {"structure": ctx.structures[slug], "annee": ANNEE},
            {
                "emplois_permanents": permanents,
                "salaries_insertion": insertion,
                "services_civiques": civiques,
                "benevoles": benevoles,
                "commentaire": "",
                "statut": ChiffresAnnuels.Statut.VALIDE,
                "declare_par": declarant[slug],
                "declare_le": DECLARE_LE,
                "valide_par": valideur,
                "valide_le": VALIDE_LE,
            },
        )
