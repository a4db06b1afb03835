"""Les séances par leurs services : ouvrir (inscrits, ordre du jour prérempli), présences et
procurations, décisions et votes (quorum, voix au-delà des présents, majorités, collèges),
approbation (numéro sans trou, références, PDF et empreinte, envoi), puis plus rien ne
change — services, modèles, gestionnaires et base."""

import datetime
import hashlib

import pytest
from django.core import mail
from django.db import DatabaseError, IntegrityError, connection, transaction

from gouvernance.decompte import Voix
from gouvernance.models import (
    Action,
    College,
    Decision,
    Immuable,
    Participant,
    Point,
    Seance,
)
from gouvernance.services import GouvernanceError, decisions, seances
from gouvernance.services.decisions import Vote
from phares.lib import temps
from phares.models import Compteur, EntreeJournal
from tests.conftest import acteur, make_user
from tests.gouvernance.conftest import JUILLET, noter, tous_presents

pytestmark = pytest.mark.django_db

P = Participant.Presence


def vote(pour, contre, abst=0):
    return Vote(mode=Decision.Mode.VOTE, voix=Voix(pour, contre, abst))


def decider(seance, par, titre="Tarif du co-travail", v=None, **kwargs):
    return decisions.enregistrer_decision(
        seance=seance,
        titre=titre,
        texte=f"{titre} : décidé.",
        categorie=kwargs.pop("categorie", Decision.Categorie.TARIFS),
        vote=v or Vote.consensus(),
        par=par,
        **kwargs,
    )


def rediger(seance, par, cogerants):
    seances.modifier_seance(
        seance=seance, par=par, president=cogerants[0], secretaire=cogerants[1], debats="Échanges."
    )


# --- Ouvrir une séance ----------------------------------------------------------------------


def test_une_cogerance_inscrit_les_cogerants_et_reprend_actions_et_propositions(
    cogerants, par, associe
):
    juin = seances.creer_seance(
        type=Seance.Type.COGERANCE,
        debut=JUILLET - datetime.timedelta(days=28),
        fin=None,
        lieu="PHARES",
        par=par,
    )
    tous_presents(juin, par)
    action = seances.ajouter_action(
        seance=juin,
        libelle="Demander un devis pour le rez-de-chaussée bas",
        responsable=cogerants[1],
        echeance=datetime.date(2015, 6, 30),
        par=par,
    )
    seances.ajouter_action(
        seance=juin,
        libelle="Déjà fait",
        responsable=cogerants[1],
        echeance=datetime.date(2015, 6, 30),
        par=par,
    )
    Action.objects.filter(libelle="Déjà fait").update(statut=Action.Statut.FAIT)
    propose = seances.proposer_point(titre="Service vélos", par=acteur(associe))
    assert propose.seance is None  # no meeting open after now: it waits

    juillet = seances.creer_seance(
        type=Seance.Type.COGERANCE, debut=JUILLET, fin=None, lieu="PHARES", par=par
    )

    assert juillet.titre == "Cogérance de juillet 2015"
    assert sorted(p.nom for p in juillet.participants.all()) == sorted(
        u.display_name for u in cogerants
    )
    points = list(juillet.points.order_by("rang"))
    assert [p.titre for p in points] == [f"Suivi : {action.libelle}", "Service vélos"]
    assert points[0].action == action
    assert EntreeJournal.objects.filter(operation="seance.creer").count() == 2


def test_une_assemblee_inscrit_les_associes_a_sa_date(cogerants, par, structures_associees):
    partie = structures_associees[0]
    partie.sortie = datetime.date(2015, 5, 31)
    partie.motif_sortie = partie.MotifSortie.PERTE_QUALITE
    partie.save()
    ag = seances.creer_seance(
        type=Seance.Type.AGO,
        debut=temps.aware(datetime.date(2015, 6, 18), datetime.time(18)),
        fin=None,
        lieu="PHARES",
        par=par,
    )
    assert ag.participants.count() == 11
    assert not ag.points.exists()  # an assembly's agenda is the convocation's, typed


def test_seul_qui_redige_ouvre_une_seance(associe, cogerants):
    with pytest.raises(GouvernanceError, match="cogérant"):
        seances.creer_seance(
            type=Seance.Type.COGERANCE, debut=JUILLET, fin=None, lieu="x", par=acteur(associe)
        )
    with pytest.raises(TypeError):
        seances.creer_seance(
            type=Seance.Type.COGERANCE, debut=JUILLET, fin=None, lieu="x", par=cogerants[0]
        )


# --- Présences et procurations -------------------------------------------------------------


def test_procurations(cogerance, par):
    q = noter(cogerance, par, Claude="present", Martine="represente:Claude", Mamadou="excuse")
    assert (q.presents, q.representes, q.inscrits) == (1, 1, 4)


def test_une_procuration_va_a_un_present(cogerance, par):
    with pytest.raises(GouvernanceError, match="doit être présent"):
        noter(cogerance, par, Claude="excuse", Martine="represente:Claude")


def test_une_procuration_va_a_un_inscrit_de_la_seance(cogerance, par, cogerants, gestion):
    """Une procuration à quelqu'un qui n'est pas inscrit (un·e non-associé·e, ou l'inscrit·e
    d'une autre séance) est refusée, et rien n'est écrit."""
    autre = seances.creer_seance(
        type=Seance.Type.COGERANCE, debut=JUILLET + datetime.timedelta(days=30), fin=None,
        lieu="x", par=par,
    )  # fmt: skip
    etranger = autre.participants.first()
    martine = cogerance.participants.get(nom__contains="Martine")
    with pytest.raises(GouvernanceError, match="autre inscrit"):
        seances.enregistrer_presences(
            seance=cogerance,
            lignes=[seances.LignePresence(martine.pk, P.REPRESENTE, etranger.pk)],
            par=par,
        )
    assert not cogerance.participants.exclude(presence=P.ABSENT).exists()


def test_procurations_au_plus_n(cogerance, par, settings):
    with pytest.raises(GouvernanceError, match=r"porterait 2 procurations.*1 au plus"):
        noter(
            cogerance, par,
            Claude="present", Martine="represente:Claude", Mamadou="represente:Claude",
        )  # fmt: skip
    settings.GOUVERNANCE_PROCURATIONS_MAX = 2
    q = noter(
        cogerance, par, Claude="present", Martine="represente:Claude", Mamadou="represente:Claude"
    )
    assert q.representes == 2


def test_pas_de_procuration_a_soi_meme(cogerance, par):
    claude = cogerance.participants.get(nom__contains="Claude")
    with pytest.raises(GouvernanceError, match="soi-même"):
        seances.enregistrer_presences(
            seance=cogerance,
            lignes=[seances.LignePresence(claude.pk, P.REPRESENTE, claude.pk)],
            par=par,
        )


# --- Décisions et votes --------------------------------------------------------------------


def test_consensus_et_vote(cogerance, par):
    noter(cogerance, par, Claude="present", Martine="present", Mamadou="represente:Claude")
    d1 = decider(cogerance, par)
    d2 = decider(cogerance, par, "Service d'affranchissement", vote(2, 1))
    d3 = decider(cogerance, par, "Ouvrir le samedi", vote(1, 1, 1))
    assert (d1.mode, d1.resultat, d1.pour) == ("consensus", "adoptee", None)
    assert (d2.pour, d2.contre, d2.abstention, d2.resultat) == (2, 1, 0, "adoptee")
    assert d3.resultat == "rejetee"  # a tie is not a majority
    assert [d.rang for d in cogerance.decisions.all()] == [1, 2, 3]


def test_pas_plus_de_voix_que_de_presents_et_representes(cogerance, par):
    noter(cogerance, par, Claude="present", Martine="represente:Claude")
    with pytest.raises(GouvernanceError, match="3 voix pour 2 présent"):
        decider(cogerance, par, v=vote(2, 1))
    assert not cogerance.decisions.exists()


def test_des_presences_qui_ne_couvrent_plus_un_vote_sont_refusees(cogerance, par):
    noter(cogerance, par, Claude="present", Martine="present", Mamadou="present")
    decider(cogerance, par, v=vote(2, 1))
    with pytest.raises(GouvernanceError, match=r"Tarif du co-travail.*3 voix pour 2"):
        noter(cogerance, par, Mamadou="excuse")
    assert cogerance.participants.get(nom__contains="Mamadou").presence == P.PRESENT


def test_sans_personne_pas_de_decision(cogerance, par):
    with pytest.raises(GouvernanceError, match="Personne"):
        decider(cogerance, par)


@pytest.fixture
def age(cogerants, par, structures_associees):
    """Une assemblée extraordinaire de 12 associé·es, première convocation (quorum ¼ : 3)."""
    return seances.creer_seance(
        type=Seance.Type.AGE,
        debut=temps.aware(datetime.date(2015, 11, 20), datetime.time(18)),
        fin=None,
        lieu="PHARES",
        par=par,
    )


def presents(seance, par, n, *, represente=0):
    participants = list(seance.participants.order_by("rang"))
    lignes = [seances.LignePresence(p.pk, P.PRESENT) for p in participants[:n]]
    lignes += [
        seances.LignePresence(p.pk, P.REPRESENTE, participants[i].pk)
        for i, p in enumerate(participants[n : n + represente])
    ]
    return seances.enregistrer_presences(seance=seance, lignes=lignes, par=par)


def test_quorum_non_atteint_rien_n_est_adopte(age, par):
    q = presents(age, par, 2)
    assert (q.comptes, q.requis, q.atteint) == (2, 3, False)
    with pytest.raises(GouvernanceError, match=r"quorum n'est pas atteint.*il en faut 3"):
        decider(age, par, "Modifier les statuts", v=vote(2, 0))
    with pytest.raises(GouvernanceError, match="quorum"):
        decider(age, par, "Modifier les statuts")
    assert not age.decisions.exists()
    # A second convocation needs only a fifth: 2 of 12 is still short (3), 3 is enough.
    seances.modifier_seance(seance=age, par=par, convocation=2)
    q = presents(age, par, 2, represente=1)
    assert q.atteint
    assert decider(age, par, "Modifier les statuts", v=vote(3, 0)).est_adoptee


def test_deux_tiers_en_assemblee_extraordinaire(age, par):
    presents(age, par, 9)
    assert decider(age, par, "Transfert du siège", v=vote(6, 3)).est_adoptee  # exactly 2/3
    assert not decider(age, par, "Changer d'objet", v=vote(5, 3, 1)).est_adoptee  # 5/8
    # Abstentions are not votes cast: 6 for, 3 against, 0 abstaining vs 6/3/… same share.
    assert decider(age, par, "Capital variable", v=vote(6, 3, 0)).est_adoptee


def test_vote_pondere_par_colleges(cogerants, par, domaine, structures_associees):
    fondateurs, salaries, habitants, partenaires = (
        College.objects.create(nom=nom, poids=poids, ordre=i)
        for i, (nom, poids) in enumerate(
            [("Fondateurs", 40), ("Salariés", 25), ("Habitants", 25), ("Partenaires", 10)]
        )
    )
    repartition = [fondateurs] * 3 + [salaries] * 2 + [habitants] * 5 + [partenaires] * 2
    for associe, college in zip(structures_associees, repartition, strict=True):
        associe.college = college
        associe.save()
    ag = seances.creer_seance(
        type=Seance.Type.AGO,
        debut=temps.aware(datetime.date(2015, 6, 18), datetime.time(18)),
        fin=None,
        lieu="PHARES",
        par=par,
    )
    presents(ag, par, 12)
    par_college = {
        fondateurs.pk: Voix(3, 0, 0),
        salaries.pk: Voix(0, 2, 0),
        habitants.pk: Voix(0, 5, 0),
        partenaires.pk: Voix(0, 1, 1),
    }
    d = decider(
        ag, par, "Approbation des comptes", Vote(Decision.Mode.VOTE, par_college=par_college)
    )
    assert (d.pour, d.contre, d.abstention) == (3, 8, 1)
    assert d.pour_pondere == 40 and d.resultat == "rejetee"
    assert [(v.college_nom, v.poids, v.pour) for v in d.votes_colleges.all()] == [
        ("Fondateurs", 40, 3),
        ("Habitants", 25, 0),
        ("Salariés", 25, 0),
        ("Partenaires", 10, 0),
    ]
    # A college cannot vote more than its members present or represented.
    with pytest.raises(GouvernanceError, match="Collège Partenaires : 3 voix pour 2"):
        decider(
            ag, par, "Trop", Vote(Decision.Mode.VOTE, par_college={partenaires.pk: Voix(3, 0, 0)})
        )


# --- Approbation et immuabilité --------------------------------------------------------------


@pytest.fixture
def prete(cogerance, par, cogerants, associe, structures_associees):
    """Une cogérance prête à approuver : présences, deux décisions, une action, rédaction."""
    noter(cogerance, par, Claude="present", Martine="present", Mamadou="present")
    d1 = decider(cogerance, par)
    decider(cogerance, par, "Service vélos", vote(3, 0), categorie=Decision.Categorie.PROJETS)
    seances.ajouter_action(
        seance=cogerance,
        libelle="Acheter deux vélos",
        responsable=cogerants[2],
        echeance=datetime.date(2015, 9, 1),
        decision=d1,
        par=par,
    )
    rediger(cogerance, par, cogerants)
    return cogerance


@pytest.fixture
def approuvee(prete, par):
    return seances.approuver(seance=prete, par=par)


def test_approuver_numerote_reference_garde_le_pdf_et_l_envoie(prete, par):
    # Approved in the test itself: e-mails leave "after commit" during the test call only.
    s = seances.approuver(seance=prete, par=par)
    assert (s.numero, s.statut) == ("PV2015-0001", "approuvee")
    assert list(s.decisions.values_list("reference", flat=True)) == ["2015-07-D01", "2015-07-D02"]
    doc = s.document
    contenu = bytes(doc.contenu)
    assert contenu.startswith(b"%PDF") and doc.taille == len(contenu)
    assert doc.sha256 == hashlib.sha256(contenu).hexdigest()
    (message,) = mail.outbox
    assert "Procès-verbal PV2015-0001" in message.subject
    # Twelve structures' contacts, the associate in person, four cogérant·es.
    assert len(message.bcc) == 17 and message.to == []
    assert message.attachments[0][0] == "PV2015-0001.pdf"
    assert message.attachments[0][1] == contenu
    assert EntreeJournal.objects.filter(operation="seance.approuver", objet_id=str(s.pk)).exists()


def test_apres_approbation_les_services_refusent(approuvee, par, cogerants):
    d = approuvee.decisions.first()
    refus = "approuvé : il ne se modifie plus"
    with pytest.raises(GouvernanceError, match=refus):
        decisions.modifier_decision(
            decision=d, titre="Autre", texte="Autre", categorie="autre", vote=vote(3, 0), par=par
        )
    with pytest.raises(GouvernanceError, match=refus):
        decisions.retirer_decision(decision=d, par=par)
    with pytest.raises(GouvernanceError, match=refus):
        decider(approuvee, par)
    with pytest.raises(GouvernanceError, match=refus):
        noter(approuvee, par, Claude="excuse")
    with pytest.raises(GouvernanceError, match=refus):
        seances.modifier_seance(seance=approuvee, par=par, debats="Réécrit.")
    with pytest.raises(GouvernanceError, match=refus):
        seances.approuver(seance=approuvee, par=par)
    with pytest.raises(GouvernanceError, match=refus):
        seances.supprimer_seance(seance=approuvee, par=par)
    assert Decision.objects.get(pk=d.pk).titre == "Tarif du co-travail"


def test_apres_approbation_modeles_et_gestionnaires_refusent(approuvee):
    s = Seance.objects.get(pk=approuvee.pk)
    s.debats = "Réécrit."
    with pytest.raises(Immuable):
        s.save()
    with pytest.raises(Immuable):
        Seance.objects.filter(pk=s.pk).update(debats="Réécrit.")
    with pytest.raises(Immuable):
        s.delete()
    d = Decision.objects.filter(seance=s).first()
    d.texte = "Réécrit."
    with pytest.raises(Immuable):
        d.save()
    with pytest.raises(Immuable):
        Decision.objects.filter(seance=s).update(texte="Réécrit.")
    with pytest.raises(Immuable):
        Participant.objects.filter(seance=s).delete()
    with pytest.raises(Immuable):
        Point.objects.create(seance=s, titre="Ajout")
    with pytest.raises(Immuable):
        s.document.delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE gouvernance_seance SET debats = 'Réécrit.' WHERE id = %s",
        "UPDATE gouvernance_decision SET texte = 'Réécrit.' WHERE seance_id = %s",
        "UPDATE gouvernance_participant SET presence = 'absent' WHERE seance_id = %s",
        "INSERT INTO gouvernance_point (seance_id, rang, titre, description) "
        "VALUES (%s, 9, 'Ajout', '')",
        "UPDATE gouvernance_documentpv SET sha256 = 'x' WHERE seance_id = %s",
        "UPDATE gouvernance_action SET echeance = '2016-01-01' WHERE seance_id = %s",
    ],
)
def test_la_base_refuse_d_ecrire_un_proces_verbal_approuve(approuvee, sql):
    with (
        pytest.raises((IntegrityError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [approuvee.pk])
    assert Seance.objects.get(pk=approuvee.pk).debats == "Échanges."


def test_le_statut_d_une_action_change_encore(approuvee, par):
    action = Action.objects.get(seance=approuvee)
    a = seances.changer_statut_action(action=action, statut=Action.Statut.FAIT, par=par)
    assert Action.objects.get(pk=a.pk).statut == "fait"
    with connection.cursor() as cursor:  # the database lets the status move, too
        cursor.execute(
            "UPDATE gouvernance_action SET statut = 'a_faire' WHERE id = %s", [action.pk]
        )


def test_une_correction_cite_la_decision_qu_elle_corrige(approuvee, par, cogerants):
    ancienne = approuvee.decisions.first()
    aout = seances.creer_seance(
        type=Seance.Type.COGERANCE, debut=JUILLET + datetime.timedelta(days=35), fin=None,
        lieu="PHARES", par=par,
    )  # fmt: skip
    tous_presents(aout, par)
    brouillon = decider(aout, par, "Brouillon")
    with pytest.raises(GouvernanceError, match="procès-verbal approuvé"):
        decider(aout, par, "Corrige un brouillon", corrige=brouillon)
    correction = decider(aout, par, "Tarif du co-travail, à compter d'avril", corrige=ancienne)
    rediger(aout, par, cogerants)
    seances.approuver(seance=aout, par=par)
    correction.refresh_from_db()
    assert correction.reference == "2015-08-D02"
    assert list(ancienne.corrections.all()) == [correction]
    assert Decision.objects.get(pk=ancienne.pk).texte == "Tarif du co-travail : décidé."


def test_approuver_exige_presidence_secretariat_et_presences(cogerance, par, cogerants):
    with pytest.raises(GouvernanceError, match="présidence de séance et le ou la secrétaire"):
        seances.approuver(seance=cogerance, par=par)
    rediger(cogerance, par, cogerants)
    with pytest.raises(GouvernanceError, match="Personne"):
        seances.approuver(seance=cogerance, par=par)
    assert not Compteur.objects.exists()


def test_un_pdf_impossible_ne_consomme_aucun_numero(cogerance, par, cogerants, monkeypatch):
    """Numérotation sans trou : l'approbation qui échoue rend son numéro."""
    tous_presents(cogerance, par)
    decider(cogerance, par)
    rediger(cogerance, par, cogerants)

    def panne(contexte):
        raise RuntimeError("WeasyPrint en panne")

    monkeypatch.setattr(seances.rendu, "pv_pdf", panne)
    with pytest.raises(RuntimeError):
        seances.approuver(seance=cogerance, par=par)
    assert Seance.objects.get(pk=cogerance.pk).statut == "brouillon"
    assert not Decision.objects.filter(reference__isnull=False).exists()
    monkeypatch.undo()
    suivante = seances.creer_seance(
        type=Seance.Type.COGERANCE, debut=JUILLET + datetime.timedelta(days=1), fin=None,
        lieu="PHARES", par=par,
    )  # fmt: skip
    tous_presents(suivante, par)
    decider(suivante, par, "Autre")
    rediger(suivante, par, cogerants)
    assert seances.approuver(seance=suivante, par=par).numero == "PV2015-0001"
    assert seances.approuver(seance=cogerance, par=par).numero == "PV2015-0002"
    refs = sorted(Decision.objects.values_list("reference", flat=True))
    assert refs == ["2015-07-D01", "2015-07-D02"]


def test_convoquer_envoie_l_ics_aux_inscrits(cogerants, par, time_machine):
    time_machine.move_to(temps.aware(datetime.date(2015, 6, 20), datetime.time(9)), tick=False)
    s = seances.creer_seance(
        type=Seance.Type.COGERANCE, debut=JUILLET, fin=JUILLET + datetime.timedelta(hours=2),
        lieu="PHARES", par=par,
    )  # fmt: skip
    seances.ajouter_point(seance=s, titre="Budget", par=par)
    mail.outbox.clear()
    n, avertissement = seances.convoquer(seance=s, par=par)
    assert (n, avertissement) == (4, "")
    assert len(mail.outbox) == 4 and all(len(m.to) == 1 for m in mail.outbox)
    nom, ics, type_mime = mail.outbox[0].attachments[0]
    assert nom == "convocation.ics" and type_mime.startswith("text/calendar")
    texte = ics.decode() if isinstance(ics, bytes) else ics
    assert "SEQUENCE:0" in texte and "Budget" in texte and f"seance-{s.pk}@phares" in texte
    seances.convoquer(seance=s, par=par)
    assert "SEQUENCE:1" in str(mail.outbox[-1].attachments[0][1])


def test_retirer_une_seance_rend_les_propositions(cogerants, par, associe):
    s = seances.creer_seance(
        type=Seance.Type.COGERANCE, debut=JUILLET, fin=None, lieu="PHARES", par=par
    )
    Point.objects.create(titre="Proposé", propose_par=associe, seance=s)
    tous_presents(s, par)
    decider(s, par)
    seances.supprimer_seance(seance=s, par=par)
    assert not Seance.objects.exists()
    assert list(Point.objects.values_list("titre", "seance")) == [("Proposé", None)]


def test_un_associe_propose_un_point(associe, cogerants, par):
    membre = make_user("membre@ailleurs.test")
    with pytest.raises(GouvernanceError):
        seances.proposer_point(titre="Moi aussi", par=acteur(membre))
    assert seances.proposer_point(titre="Repas mensuels", par=acteur(associe)).titre
