"""Les décisions d'une séance et leurs votes.

- Consensus ou vote (pour, contre, abstentions) ; en assemblée avec collèges, un vote par
  collège, pondéré (gouvernance/decompte.py).
- Jamais plus de voix que de présent·es et représenté·es (par collège aussi).
- Sans quorum, rien ne s'enregistre comme adopté : la décision est refusée.
- La majorité est celle du type de séance (réglages, gouvernance/regles.py).
- Une correction est une nouvelle décision qui cite une décision d'un procès-verbal approuvé.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max

from phares.lib import journal
from phares.lib.acteur import Acteur

from .. import decompte, regles, selectors
from ..decompte import Voix
from ..models import Decision, Participant, Seance, VoteCollege
from ._commun import GouvernanceError, brouillon_verrouille, exiger_redacteur, texte

CHAMPS_JOURNAL = ("titre", "categorie", "mode", "pour", "contre", "abstention", "resultat")


@dataclass(frozen=True)
class Vote:
    """Ce qu'on a noté du vote : le mode, les voix (sans collège) ou les voix par collège
    (clé : l'identifiant du collège)."""

    mode: str
    voix: Voix | None = None
    par_college: dict[int, Voix] = field(default_factory=dict)

    @classmethod
    def consensus(cls) -> Vote:
        return cls(mode=Decision.Mode.CONSENSUS)


@dataclass
class Evaluation:
    resultat: str
    voix: Voix | None
    pour_pondere: object  # Decimal | None
    votes_colleges: list[VoteCollege]
    explication: str


def _refus_quorum(s: Seance, q: selectors.Quorum) -> GouvernanceError:
    suite = (
        ", puis convoquez l'assemblée une seconde fois"
        if s.est_assemblee and s.convocation == Seance.Convocation.PREMIERE
        else ""
    )
    return GouvernanceError(
        f"Le quorum n'est pas atteint : {q.comptes} présent·es ou représenté·es sur "
        f"{q.inscrits} inscrit·es, il en faut {q.requis} ({q.regle}). Aucune décision ne peut "
        f"être adoptée : notez les échanges dans le résumé des débats{suite}."
    )


def _trop_de_voix(quoi: str, voix: int, comptes: int) -> GouvernanceError:
    return GouvernanceError(
        f"{quoi}{voix} voix pour {comptes} présent·es ou représenté·es : un vote ne compte pas "
        "plus de voix que de présent·es et de procurations."
    )


def evaluer(s: Seance, participants: list[Participant], vote: Vote) -> Evaluation:
    """Le résultat de `vote` dans la séance `s` telle qu'elle est (présences comprises) ; lève
    GouvernanceError pour un vote impossible. N'écrit rien."""
    q = selectors.quorum(s, participants)
    if q.comptes == 0:
        raise GouvernanceError("Personne n'est noté·e présent·e : notez les présences d'abord.")
    if not q.atteint:
        raise _refus_quorum(s, q)
    if vote.mode == Decision.Mode.CONSENSUS:
        return Evaluation(Decision.Resultat.ADOPTEE, None, None, [], "adoptée par consensus")
    if vote.mode != Decision.Mode.VOTE:
        raise GouvernanceError("Mode de décision inconnu.")
    majorite, base = regles.majorite(s.type), regles.base_majorite()
    if selectors.est_ponderee(s, participants):
        return _evaluer_par_college(s, participants, vote, q, majorite, base)
    if vote.voix is None:
        raise GouvernanceError("Indiquez les voix pour, contre et les abstentions.")
    if vote.voix.votants > q.comptes:
        raise _trop_de_voix("", vote.voix.votants, q.comptes)
    if vote.voix.votants == 0:
        raise GouvernanceError("Aucune voix notée : indiquez le vote, ou choisissez le consensus.")
    r = decompte.compter(vote.voix, majorite=majorite, base=base)
    resultat = Decision.Resultat.ADOPTEE if r.adoptee else Decision.Resultat.REJETEE
    return Evaluation(resultat, vote.voix, None, [], r.explication)


def _evaluer_par_college(s, participants, vote, q, majorite, base) -> Evaluation:
    colleges = selectors.colleges_de(s, participants)
    connus = {c.pk for c in colleges}
    if set(vote.par_college) - connus:
        raise GouvernanceError("Un collège noté ne siège pas à cette assemblée.")
    comptes = selectors.comptes_par_college(participants)
    lignes = []
    total = decompte.AUCUNE
    for c in colleges:
        v = vote.par_college.get(c.pk, decompte.AUCUNE)
        if v.votants > comptes.get(c.pk, 0):
            raise _trop_de_voix(f"Collège {c.nom} : ", v.votants, comptes.get(c.pk, 0))
        total += v
        lignes.append((c, v))
    if total.votants > q.comptes:
        raise _trop_de_voix("", total.votants, q.comptes)
    if total.votants == 0:
        raise GouvernanceError("Aucune voix notée : indiquez le vote, ou choisissez le consensus.")
    r = decompte.compter_par_college(
        [decompte.VoixCollege(c.nom, c.poids, v) for c, v in lignes], majorite=majorite, base=base
    )
    votes = [
        VoteCollege(
            college=c,
            college_nom=c.nom,
            poids=c.poids,
            pour=v.pour,
            contre=v.contre,
            abstention=v.abstention,
        )
        for c, v in lignes
    ]
    resultat = Decision.Resultat.ADOPTEE if r.adoptee else Decision.Resultat.REJETEE
    return Evaluation(resultat, total, r.pourcentage, votes, r.explication)


def vote_de(decision: Decision) -> Vote:
    """Le vote tel qu'il est enregistré (pour le revérifier quand les présences changent)."""
    if decision.mode == Decision.Mode.CONSENSUS:
        return Vote.consensus()
    par_college = {
        v.college_id: Voix(v.pour, v.contre, v.abstention) for v in decision.votes_colleges.all()
    }
    voix = Voix(decision.pour or 0, decision.contre or 0, decision.abstention or 0)
    return Vote(mode=decision.mode, voix=voix, par_college=par_college)


def verifier_voix(s: Seance, decision: Decision, participants: list[Participant]) -> None:
    """Le vote déjà noté tient-il avec ces présences ? Sinon, un refus qui nomme la décision."""
    try:
        evaluer(s, participants, vote_de(decision))
    except GouvernanceError as exc:
        raise GouvernanceError(f"« {decision.titre} » : {exc}") from exc


def _corrigeable(corrige: Decision | None, s: Seance) -> Decision | None:
    if corrige is None:
        return None
    d = selectors.decisions_corrigeables().filter(pk=corrige.pk).first()
    if d is None:
        raise GouvernanceError(
            "On ne corrige qu'une décision d'un procès-verbal approuvé (elle a une référence)."
        )
    if d.seance_id == s.pk:
        raise GouvernanceError("Une décision ne corrige pas une décision de la même séance.")
    return d


def _champs(titre: str, texte_decision: str, categorie: str) -> tuple[str, str]:
    if categorie not in Decision.Categorie.values:
        raise GouvernanceError("Catégorie inconnue.")
    return (
        texte(titre, quoi="l'intitulé", max_length=200),
        texte(texte_decision, quoi="le texte de la décision", max_length=5000),
    )


def _ecrire(d: Decision, ev: Evaluation) -> None:
    d.resultat = ev.resultat
    d.pour = ev.voix.pour if ev.voix else None
    d.contre = ev.voix.contre if ev.voix else None
    d.abstention = ev.voix.abstention if ev.voix else None
    d.pour_pondere = ev.pour_pondere
    d.save()
    VoteCollege.objects.filter(decision=d).delete()
    for v in ev.votes_colleges:
        v.decision = d
    VoteCollege.objects.bulk_create(ev.votes_colleges)


def enregistrer_decision(
    *,
    seance: Seance,
    titre: str,
    texte: str,
    categorie: str,
    vote: Vote,
    par: Acteur,
    corrige: Decision | None = None,
) -> Decision:
    """Note une décision et son résultat au procès-verbal (en cours) de `seance`."""
    par = exiger_redacteur(par)
    titre, texte_decision = _champs(titre, texte, categorie)
    with transaction.atomic():
        s = brouillon_verrouille(seance)
        corrige = _corrigeable(corrige, s)
        ev = evaluer(s, list(s.participants.all()), vote)
        rang = (s.decisions.aggregate(m=Max("rang"))["m"] or 0) + 1
        d = Decision(
            seance=s,
            rang=rang,
            titre=titre,
            texte=texte_decision,
            categorie=categorie,
            mode=vote.mode,
            corrige=corrige,
        )
        _ecrire(d, ev)
        journal.journaliser(
            par=par,
            operation="decision.creer",
            libelle=f"Décision notée en « {s.titre} » : {titre} — {ev.explication}"
            + (f" ; corrige {corrige.reference}" if corrige else ""),
            objet=d,
            changements=journal.creation(d, CHAMPS_JOURNAL),
        )
    return d


def modifier_decision(
    *,
    decision: Decision,
    titre: str,
    texte: str,
    categorie: str,
    vote: Vote,
    par: Acteur,
    corrige: Decision | None = None,
) -> Decision:
    """Tant que le procès-verbal n'est pas approuvé."""
    par = exiger_redacteur(par)
    titre, texte_decision = _champs(titre, texte, categorie)
    with transaction.atomic():
        s = brouillon_verrouille(decision.seance)
        d = s.decisions.filter(pk=decision.pk).first()
        if d is None:
            raise GouvernanceError("Cette décision n'est plus à ce procès-verbal.")
        corrige = _corrigeable(corrige, s)
        ev = evaluer(s, list(s.participants.all()), vote)
        avant = journal.instantane(d, CHAMPS_JOURNAL)
        d.titre, d.texte, d.categorie, d.mode, d.corrige = (
            titre,
            texte_decision,
            categorie,
            vote.mode,
            corrige,
        )
        _ecrire(d, ev)
        journal.journaliser(
            par=par,
            operation="decision.modifier",
            libelle=f"Décision modifiée en « {s.titre} » : {titre} — {ev.explication}",
            objet=d,
            changements=journal.ecarts(avant, journal.instantane(d, CHAMPS_JOURNAL)),
        )
    return d


def retirer_decision(*, decision: Decision, par: Acteur) -> None:
    """Tant que le procès-verbal n'est pas approuvé ; ses actions restent, sans décision."""
    par = exiger_redacteur(par)
    with transaction.atomic():
        s = brouillon_verrouille(decision.seance)
        d = s.decisions.filter(pk=decision.pk).first()
        if d is None:
            raise GouvernanceError("Cette décision n'est plus à ce procès-verbal.")
        d.actions.update(decision=None)
        titre = d.titre
        d.delete()
        journal.journaliser(
            par=par,
            operation="decision.retirer",
            libelle=f"Décision retirée du procès-verbal de « {s.titre} » : {titre}",
            objet=s,
        )
