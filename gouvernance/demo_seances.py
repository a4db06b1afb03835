"""Démonstration : la vie de la SCIC en 2015 d'après le rapport annuel — douze cogérances
mensuelles (« 1 réunion mensuelle + décisions du quotidien ») aux procès-verbaux approuvés
(PDF gardés), leurs décisions (prix du co-travail, vélos, affranchissement, permanences
juridiques, travaux du rez-de-chaussée bas avec le CCAH, services civiques, marque de
T-shirts, COMPIC…), des actions de suivi (certaines encore ouvertes, donc en retard), et
l'assemblée générale ordinaire de juin 2015 (présences, procurations, votes).

Tout passe par les services, au nom du système (« demo ») : les règles de vote, la
numérotation et l'immuabilité sont celles de l'application. Aucun e-mail ne part. Chargé
après les associés et les cogérants (gouvernance/demo.py) ; relancé, il ne change rien.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from phares.lib import temps

from .decompte import Voix
from .models import Action, Decision, Participant, Point, Seance
from .services import decisions as services_decisions
from .services import seances as services_seances
from .services.decisions import Vote

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext

ANNEE = 2015
LIEU = (
    "La Cité PHARES, salle de réunion du 1er étage — 6 rue Arnold Géraux, 93450 L'Île-Saint-Denis"
)
COGERANTS = (
    "cogerant@phares.test",
    "cogerant.solibio@phares.test",
    "cogerant.sfmad@phares.test",
    "cogerant.chantierecole@phares.test",
)
SECRETAIRE = "gestion@phares.test"  # the chargée de développement keeps the minutes
C = Decision.Categorie


@dataclass(frozen=True)
class Act:
    libelle: str
    responsable: str  # e-mail
    echeance: datetime.date
    faite: bool = True


@dataclass(frozen=True)
class Dec:
    titre: str
    texte: str
    categorie: str
    voix: tuple[int, int, int] | None = None  # None: consensus
    corrige: str = ""  # the title of the decision it corrects
    actions: tuple[Act, ...] = ()


@dataclass(frozen=True)
class Mois:
    mois: int
    debats: str
    decisions: tuple[Dec, ...]
    excuse: str = ""  # a cogérant·e who could not come
    documents: tuple[str, ...] = field(default_factory=tuple)


d = datetime.date
TARIF_COTRAVAIL = "Tarif du poste en co-travail"
# The cogérance admits the two structures that joined in 2015 (gouvernance.demo links each
# associate to the reference its decision receives at approval).
ADMISSIONS = {
    "metropop": "Admission de Metropop' comme associée",
    "la-boite-militante": "Admission de La Boîte Militante comme associée",
}

MOIS = (
    Mois(1, "Point sur les bureaux libres et le co-travail ; comparaison avec les tarifs des "
         "espaces de travail partagés de Plaine Commune.", (
        Dec(TARIF_COTRAVAIL, "Le poste fixe dans l'espace de co-travail est proposé à 120 € HT "
            "par mois, à compter du 1er mars 2015.", C.TARIFS, (3, 0, 1), actions=(
                Act("Mettre à jour les conventions d'occupation du co-travail",
                    SECRETAIRE, d(2015, 2, 28)),)),
        Dec("Loyer des bureaux privatifs", "Les bureaux privatifs restent à 16 € le m² par "
            "mois pour les habitants.", C.TARIFS),
    ), documents=("Tableau d'occupation des bureaux au 1er janvier 2015",)),
    Mois(2, "Demandes d'habitants sur le droit du travail et les statuts associatifs ; piste "
         "d'un financement du CCAH pour le rez-de-chaussée bas.", (
        Dec("Permanences juridiques pour les habitants", "Une permanence juridique mensuelle "
            "est proposée aux habitants du PHARES, avec un partenaire à trouver.", C.HABITANTS,
            actions=(Act("Trouver le partenaire des permanences juridiques",
                         "cogerant.sfmad@phares.test", d(2015, 4, 30)),)),
        Dec("Dossier de financement des travaux du rez-de-chaussée bas", "La SCIC dépose un "
            "dossier auprès du CCAH pour aménager 50 m² au rez-de-chaussée bas.", C.FINANCES,
            actions=(Act("Déposer le dossier de financement au CCAH", SECRETAIRE,
                         d(2015, 3, 31)),)),
        Dec(ADMISSIONS["metropop"], "Metropop', habitante du PHARES, est admise comme associée "
            "de la SCIC (catégorie bénéficiaires) au 1er mars 2015 : trois parts.",
            C.GOUVERNANCE),
    ), excuse="cogerant.chantierecole@phares.test"),
    Mois(3, "Plusieurs habitants livrent à vélo ; l'assurance et le stationnement sont "
         "discutés. Le tarif du co-travail ne pourra s'appliquer qu'en avril.", (
        Dec("Service de vélos mutualisés", "Deux vélos sont achetés et proposés à la "
            "réservation des habitants.", C.PROJETS, (4, 0, 0), actions=(
                Act("Acheter et assurer deux vélos", "cogerant.solibio@phares.test",
                    d(2015, 5, 31)),)),
        Dec("Tarif du co-travail à compter d'avril", "Le tarif de 120 € HT par mois du poste "
            "en co-travail s'applique à compter du 1er avril 2015 (et non du 1er mars).",
            C.TARIFS, corrige=TARIF_COTRAVAIL),
    )),
    Mois(4, "L'accueil reçoit le courrier de tous ; un affranchissement commun coûterait "
         "moins cher aux petites structures.", (
        Dec("Service d'affranchissement mutualisé", "Le PHARES affranchit le courrier des "
            "habitants au tarif postal, refacturé chaque mois.", C.HABITANTS, actions=(
                Act("Ouvrir le contrat de machine à affranchir", SECRETAIRE,
                    d(2015, 5, 15)),)),
    )),
    Mois(5, "Trois structures souhaitent accueillir des volontaires ; le tutorat peut être "
         "partagé.", (
        Dec("Recrutement de volontaires en service civique", "Le PHARES accueille des "
            "volontaires en service civique, en tutorat partagé avec les habitants.", C.RH,
            (2, 1, 0), actions=(Act("Publier les offres de service civique", SECRETAIRE,
                                    d(2015, 6, 30)),)),
    ), excuse="cogerant.sfmad@phares.test"),
    Mois(6, "Le CCAH accorde sa subvention ; le chantier aura lieu l'été. Préparation de "
         "l'assemblée générale ordinaire.", (
        Dec("Travaux du rez-de-chaussée bas", "Les travaux du rez-de-chaussée bas, financés "
            "par le CCAH, sont lancés pour l'été 2015.", C.BATIMENT, actions=(
                Act("Choisir l'entreprise et planifier le chantier d'été",
                    "cogerant.chantierecole@phares.test", d(2015, 7, 15)),)),
        Dec("Convocation de l'assemblée générale ordinaire", "L'assemblée générale ordinaire "
            "se tiendra le 25 juin 2015 au PHARES.", C.GOUVERNANCE),
        Dec(ADMISSIONS["la-boite-militante"], "La Boîte Militante, habitante du PHARES, est "
            "admise comme associée de la SCIC (catégorie bénéficiaires) au 1er juillet 2015.",
            C.GOUVERNANCE),
    ), documents=("Comptes 2014 (projet)", "Rapport de gestion 2014 (projet)")),
    Mois(7, "Mode Estime propose une marque de T-shirts en coton biologique, produits "
         "localement ; l'étude de marché reste à faire.", (
        Dec("Marque de T-shirts bio, équitables et locaux", "Le PHARES soutient le lancement "
            "d'une marque de T-shirts portée par Mode Estime.", C.PROJETS, (3, 0, 1), actions=(
                Act("Étude de marché et devis d'impression", "referent.modeestime@phares.test",
                    d(2015, 10, 31), faite=False),)),
    )),
    Mois(8, "Chantier en cours au rez-de-chaussée bas (« attention travaux ! »). Groupe de "
         "travail sur l'identité visuelle avec Polysémique.", (
        Dec("Signalétique identitaire du bâtiment", "Une signalétique est installée à partir "
            "du travail mené avec Polysémique, graphistes du territoire.", C.BATIMENT,
            actions=(Act("Valider la maquette de la signalétique", "cogerant@phares.test",
                         d(2015, 9, 30)),)),
    ), excuse="cogerant.solibio@phares.test"),
    Mois(9, "Le projet COMPIC pourrait créer des emplois en traitant les couches jetables ; "
         "Île Vivante demande un poste en co-travail.", (
        Dec("Projet COMPIC", "Le PHARES porte l'étude du projet COMPIC (compostage industriel "
            "de couches jetables) en coopération avec ses habitants.", C.PROJETS, (4, 0, 0),
            actions=(Act("Réunir les partenaires de COMPIC", "cogerant.solibio@phares.test",
                         d(2015, 12, 15), faite=False),)),
        Dec("Accueil d'Île Vivante", "Île Vivante rejoint le PHARES en septembre 2015, dans "
            "l'espace de co-travail.", C.HABITANTS),
    )),
    Mois(10, "Mael cherche un bureau pour former des chauffeurs ; le site internet pourrait "
         "être réalisé par un chantier d'insertion.", (
        Dec("Accueil de Mael", "Mael occupe un bureau privatif à compter d'octobre 2015.",
            C.HABITANTS),
        Dec("Site internet du PHARES", "Le site internet est confié aux salariés en chantier "
            "d'insertion de Pôle Solidaire.", C.PROJETS, actions=(
                Act("Rédiger le cahier des charges du site", SECRETAIRE, d(2015, 11, 30)),)),
    )),
    Mois(11, "La Cop 21 approche : festival, chantier international de jeunes, accueil du "
         "Tour Tandem Alternatiba.", (
        Dec("Coordination Cop 21 sur l'Île-Saint-Denis", "Le PHARES coordonne les actions "
            "des habitants pendant la Cop 21.", C.PROJETS),
        Dec("Repas mensuels des habitants", "Un repas des habitants a lieu chaque mois au "
            "réfectoire, dont un avec Bioconsommacteurs.", C.HABITANTS),
    )),
    Mois(12, "Les subventions de l'État, de la Région et du Département s'arrêtent fin 2016 : "
         "le modèle économique est à repenser.", (
        Dec("Modèle économique 2016", "Les cogérants présentent à la prochaine plénière "
            "plusieurs scénarios de modèle économique.", C.FINANCES, actions=(
                Act("Préparer trois scénarios de modèle économique", SECRETAIRE,
                    d(2016, 1, 31), faite=False),)),
        Dec("Budget prévisionnel 2016", "Le budget prévisionnel 2016 est adopté.", C.FINANCES,
            (4, 0, 0)),
    ), documents=("Budget prévisionnel 2016",)),
)  # fmt: skip

# "Repas mensuels" came from a habitant's proposal, added to November's agenda.
PROPOSITION = ("Repas mensuels des habitants", "associe@phares.test", d(2015, 10, 20))


def _mardi(mois: int, annee: int = ANNEE) -> datetime.date:
    """Le deuxième mardi du mois : le jour de la cogérance."""
    premier = d(annee, mois, 1)
    return premier + datetime.timedelta(days=(1 - premier.weekday()) % 7 + 7)


def _heure(jour: datetime.date, h: int, m: int = 0) -> datetime.datetime:
    return temps.aware(jour, datetime.time(h, m))


def load(ctx: DemoContext) -> None:
    if Seance.objects.filter(type=Seance.Type.COGERANCE, debut__year=ANNEE).exists():
        ctx.stats["unchanged"] += Seance.objects.filter(debut__year=ANNEE).count()
        return
    precedente = None
    decisions_par_titre: dict[str, Decision] = {}
    for i, m in enumerate(MOIS):
        jour = _mardi(m.mois)
        if m.mois == 11:
            _proposer(ctx)
        seance = _cogerance(ctx, m, jour, decisions_par_titre)
        if precedente is not None:
            # The previous minutes are approved at the start of the next meeting.
            services_seances.approuver(
                seance=precedente, par=ctx.acteur, le=_heure(jour, 18), notifier=False
            )
        precedente = seance
        if m.mois == 6:
            ag = _assemblee(ctx)
            services_seances.approuver(
                seance=ag, par=ctx.acteur, le=_heure(d(ANNEE, 6, 30), 12), notifier=False
            )
        ctx.log(f"gouvernance : {seance.titre} ({i + 1}/12)")
    services_seances.approuver(
        seance=precedente, par=ctx.acteur, le=_heure(_mardi(1, ANNEE + 1), 18), notifier=False
    )
    ctx.stats["created"] += (
        Seance.objects.count() + Decision.objects.count() + Action.objects.count()
    )
    ctx.log(
        f"gouvernance : {Seance.objects.count()} séances, {Decision.objects.count()} décisions, "
        f"{Action.objects.filter(statut=Action.Statut.A_FAIRE).count()} actions ouvertes."
    )


def _proposer(ctx: DemoContext) -> None:
    titre, email, le = PROPOSITION
    ctx.upsert(
        Point,
        {"titre": titre, "propose_par": ctx.users[email]},
        {"propose_le": _heure(le, 10), "description": "Proposé par un habitant associé."},
    )


def _cogerance(ctx, m: Mois, jour: datetime.date, decisions_par_titre) -> Seance:
    par = ctx.acteur
    seance = services_seances.creer_seance(
        type=Seance.Type.COGERANCE,
        debut=_heure(jour, 18),
        fin=_heure(jour, 20),
        lieu=LIEU,
        par=par,
    )
    # Follow-ups reviewed: what was done by now is marked done.
    for point in seance.points.filter(action__isnull=False).select_related("action"):
        if point.action.echeance < jour and point.action.libelle in _faites():
            services_seances.changer_statut_action(
                action=point.action, statut=Action.Statut.FAIT, par=par
            )
    _presences(seance, par, excuse=ctx.users[m.excuse] if m.excuse else None)
    for dec in m.decisions:
        vote = Vote(mode=Decision.Mode.VOTE, voix=Voix(*dec.voix)) if dec.voix else Vote.consensus()
        decision = services_decisions.enregistrer_decision(
            seance=seance,
            titre=dec.titre,
            texte=dec.texte,
            categorie=dec.categorie,
            vote=vote,
            corrige=decisions_par_titre.get(dec.corrige),
            par=par,
        )
        decisions_par_titre[dec.titre] = decision
        for a in dec.actions:
            services_seances.ajouter_action(
                seance=seance,
                libelle=a.libelle,
                responsable=ctx.users[a.responsable],
                echeance=a.echeance,
                decision=decision,
                par=par,
            )
    president = ctx.users[COGERANTS[(m.mois - 1) % len(COGERANTS)]]
    if m.excuse and president == ctx.users[m.excuse]:
        president = ctx.users[COGERANTS[m.mois % len(COGERANTS)]]
    services_seances.modifier_seance(
        seance=seance,
        par=par,
        president=president,
        secretaire=ctx.users[SECRETAIRE],
        invites="Anne Hurand, chargée de développement du PHARES",
        documents="\n".join(m.documents),
        debats=m.debats,
    )
    return seance


def _faites() -> set[str]:
    return {a.libelle for m in MOIS for dec in m.decisions for a in dec.actions if a.faite}


def _presences(seance: Seance, par, *, excuse=None) -> None:
    lignes = [
        services_seances.LignePresence(
            participant_id=p.pk,
            presence=Participant.Presence.EXCUSE
            if excuse is not None and p.personne_id == excuse.pk
            else Participant.Presence.PRESENT,
        )
        for p in seance.participants.all()
    ]
    services_seances.enregistrer_presences(seance=seance, lignes=lignes, par=par)


# The AGO of 25 June 2015: 11 associates that day (La Boîte Militante joins on 1 July), 8
# present, 2 represented, 1 excused.
AG_POINTS = (
    "Rapport de gestion des cogérants sur l'exercice 2014",
    "Approbation des comptes de l'exercice 2014",
    "Affectation du résultat",
    "Quitus aux cogérants",
    "Questions diverses",
)
AG_REPRESENTES = {"terragram": "solibio", "metropop": "sfmad"}  # structure: its proxy
AG_EXCUSE = "fabien-kenzo-sato"
AG_DECISIONS = (
    ("Approbation des comptes de l'exercice 2014", "L'assemblée approuve les comptes de "
     "l'exercice 2014 tels qu'ils lui sont présentés.", C.FINANCES, (9, 0, 1)),
    ("Affectation du résultat 2014", "Le résultat de l'exercice 2014 est affecté en totalité "
     "aux réserves impartageables.", C.FINANCES, (10, 0, 0)),
    ("Quitus aux cogérants", "L'assemblée donne quitus aux cogérants pour leur gestion de "
     "l'exercice 2014.", C.GOUVERNANCE, (8, 0, 2)),
)  # fmt: skip


def _assemblee(ctx) -> Seance:
    par = ctx.acteur
    jour = d(ANNEE, 6, 25)
    ag = services_seances.creer_seance(
        type=Seance.Type.AGO,
        debut=_heure(jour, 18),
        fin=_heure(jour, 20, 30),
        lieu=LIEU,
        par=par,
    )
    for titre in AG_POINTS:
        services_seances.ajouter_point(seance=ag, titre=titre, par=par)
    participants = {
        p.associe.structure.slug if p.associe.structure_id else p.associe.personne.email: p
        for p in ag.participants.select_related("associe__structure", "associe__personne")
    }
    lignes = []
    for cle, p in participants.items():
        if cle in AG_REPRESENTES:
            mandataire = participants[AG_REPRESENTES[cle]]
            lignes.append(
                services_seances.LignePresence(p.pk, Participant.Presence.REPRESENTE, mandataire.pk)
            )
        elif cle == AG_EXCUSE:
            lignes.append(services_seances.LignePresence(p.pk, Participant.Presence.EXCUSE))
        else:
            lignes.append(services_seances.LignePresence(p.pk, Participant.Presence.PRESENT))
    services_seances.enregistrer_presences(seance=ag, lignes=lignes, par=par)
    for titre, texte, categorie, voix in AG_DECISIONS:
        services_decisions.enregistrer_decision(
            seance=ag,
            titre=titre,
            texte=texte,
            categorie=categorie,
            vote=Vote(mode=Decision.Mode.VOTE, voix=Voix(*voix)),
            par=par,
        )
    services_seances.modifier_seance(
        seance=ag,
        par=par,
        president=ctx.users["cogerant@phares.test"],
        secretaire=ctx.users[SECRETAIRE],
        documents="Rapport de gestion 2014\nComptes annuels 2014\nRapport annuel du PTCE 2014",
        debats="Présentation du rapport de gestion et des comptes 2014 par les cogérants ; "
        "questions sur la fin des subventions triennales et la constitution future de "
        "collèges pour accueillir des partenaires.",
    )
    return ag
