"""Les pages de la gouvernance par de vraies requêtes, sans JavaScript puis avec htmx : tenir
une cogérance de bout en bout, un procès-verbal approuvé qu'aucun POST fabriqué ne modifie,
le registre (recherche, CSV, PDF), les collèges, le tableau de bord."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse

from gouvernance.models import Action, College, Decision, Participant, Seance
from gouvernance.services import seances as services_seances
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as
from tests.espaces.views_fixtures import NOW, construire_lieu
from tests.gouvernance.conftest import noter

pytestmark = pytest.mark.django_db


def url(nom, *args):
    return reverse(f"gouvernance:{nom}", args=args)


def presences_post(seance, **par_nom):
    data = {}
    for p in seance.participants.all():
        valeur = next((v for k, v in par_nom.items() if k in p.nom), "absent")
        presence, _, mandataire = valeur.partition(":")
        data[f"presences-presence_{p.pk}"] = presence
        if mandataire:
            data[f"presences-mandataire_{p.pk}"] = seance.participants.get(
                nom__contains=mandataire
            ).pk
    return data


def decision_post(titre, **extra):
    return {
        "decision-titre": titre,
        "decision-texte": f"{titre} : décidé.",
        "decision-categorie": "tarifs",
        "decision-mode": "consensus",
        **extra,
    }


def test_une_cogerance_de_bout_en_bout_sans_javascript(cogerants, cogerant, associe):
    client = client_as(cogerant)
    response = client.post(
        url("seance-nouvelle"),
        {
            "type": "cogerance",
            "date": "2015-06-09",
            "heure_debut": "18:00",
            "heure_fin": "20:00",
            "lieu": "PHARES",
            "convocation": "1",
        },
    )
    seance = Seance.objects.get()
    assert response.status_code == 302 and response.url == url("seance-detail", seance.pk)
    assert seance.titre == "Cogérance de juin 2015"

    page = client.get(url("seance-detail", seance.pk))
    assert page.status_code == 200
    assert "Enregistrer les présences" in page.text and "Noter une décision" in page.text

    r = client.post(
        url("seance-presences", seance.pk),
        presences_post(seance, Claude="present", Martine="present", Mamadou="represente:Claude"),
    )
    assert r.status_code == 302 and r.url.endswith("#presences")
    r = client.post(url("decision-ajouter", seance.pk), decision_post("Tarif du co-travail"))
    assert r.status_code == 302
    r = client.post(
        url("decision-ajouter", seance.pk),
        decision_post(
            "Service vélos",
            **{
                "decision-mode": "vote",
                "decision-pour": "2",
                "decision-contre": "0",
                "decision-abstention": "1",
            },
        ),
    )
    assert r.status_code == 302
    velos = Decision.objects.get(titre="Service vélos")
    r = client.post(
        url("action-ajouter", seance.pk),
        {
            "action-libelle": "Acheter deux vélos",
            "action-responsable": cogerants[1].pk,
            "action-echeance": "2015-07-31",
            "action-decision": velos.pk,
        },
    )
    assert r.status_code == 302
    r = client.post(
        url("seance-redaction", seance.pk),
        {"pv-president": cogerant.pk, "pv-secretaire": cogerants[1].pk, "pv-debats": "Échanges."},
    )
    assert r.status_code == 302

    confirmation = client.get(url("seance-approuver", seance.pk))
    assert "Approuver le procès-verbal" in confirmation.text
    mail.outbox.clear()
    r = client.post(url("seance-approuver", seance.pk))
    assert r.status_code == 302
    seance.refresh_from_db()
    assert seance.numero == "PV2015-0001"
    assert len(mail.outbox) == 1  # the minutes, to the associates (Bcc)
    page = client.get(url("seance-detail", seance.pk))
    assert "Procès-verbal n° PV2015-0001" in page.text
    assert "Noter une décision" not in page.text and "Modifier" not in page.text
    pdf = client.get(url("seance-pdf", seance.pk) + "?telecharger=1")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="PV2015-0001.pdf"'
    assert pdf.content == bytes(seance.document.contenu)

    # An associate reads the meeting and its decisions, and cannot write.
    lecteur = client_as(associe)
    assert lecteur.get(url("seance-detail", seance.pk)).status_code == 200
    assert lecteur.post(url("decision-ajouter", seance.pk), decision_post("x")).status_code == 403


@pytest.fixture
def approuvee(cogerance, par, cogerants):
    noter(cogerance, par, Claude="present", Martine="present")
    from gouvernance.services import decisions

    decisions.enregistrer_decision(
        seance=cogerance,
        titre="Tarif du co-travail",
        texte="120 € par mois.",
        categorie="tarifs",
        vote=decisions.Vote.consensus(),
        par=par,
    )
    services_seances.modifier_seance(
        seance=cogerance, par=par, president=cogerants[0], secretaire=cogerants[1]
    )
    return services_seances.approuver(seance=cogerance, par=par)


def _etat(seance):
    return (
        list(Decision.objects.filter(seance=seance).values_list("titre", "texte", "resultat")),
        list(Participant.objects.filter(seance=seance).values_list("presence", flat=True)),
        Seance.objects.filter(pk=seance.pk).values_list("debats", "titre").get(),
        EntreeJournal.objects.count(),
    )


def test_un_post_fabrique_ne_modifie_pas_un_proces_verbal_approuve(approuvee, cogerant):
    client = client_as(cogerant)
    avant = _etat(approuvee)
    d = approuvee.decisions.get()
    tentatives = [
        (url("decision-modifier", approuvee.pk, d.pk), decision_post("Réécrite")),
        (url("decision-retirer", approuvee.pk, d.pk), {}),
        (url("decision-ajouter", approuvee.pk), decision_post("Ajoutée")),
        (url("seance-presences", approuvee.pk), presences_post(approuvee)),
        (url("seance-redaction", approuvee.pk), {"pv-debats": "Réécrit."}),
        (url("seance-modifier", approuvee.pk), {"seance-titre": "Autre"}),
        (url("point-ajouter", approuvee.pk), {"point-titre": "Ajouté"}),
        (url("seance-approuver", approuvee.pk), {}),
        (url("seance-supprimer", approuvee.pk), {}),
    ]
    for cible, data in tentatives:
        response = client.post(cible, data, follow=True)
        assert response.status_code == 200, cible
        assert "Ce procès-verbal est approuvé : il ne se modifie plus." in response.text, cible
    assert _etat(approuvee) == avant


def test_htmx_remplace_la_region_de_la_seance(cogerance, cogerant, par):
    noter(cogerance, par, Claude="present", Martine="present")
    client = client_as(cogerant)
    r = client.post(
        url("decision-ajouter", cogerance.pk),
        decision_post("Service d'affranchissement"),
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert 'id="page-seance"' in r.text
    assert "Décision notée : Service d&#x27;affranchissement (adoptée)." in r.text
    # An error comes back in the region too (htmx only swaps 2xx answers).
    r = client.post(
        url("decision-ajouter", cogerance.pk),
        decision_post("Trop de voix", **{"decision-mode": "vote", "decision-pour": "5"}),
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert "5 voix pour 2 présent·es ou représenté·es" in r.text
    # Without htmx, the same refusal is a 400 page with the form and its message.
    r = client.post(
        url("decision-ajouter", cogerance.pk),
        decision_post("Trop de voix", **{"decision-mode": "vote", "decision-pour": "5"}),
    )
    assert r.status_code == 400 and "5 voix pour 2" in r.text
    assert Decision.objects.count() == 1


def test_un_vote_sans_voix_est_refuse_par_le_formulaire(cogerance, cogerant, par):
    noter(cogerance, par, Claude="present")
    r = client_as(cogerant).post(
        url("decision-ajouter", cogerance.pk), decision_post("Vote", **{"decision-mode": "vote"})
    )
    assert r.status_code == 400 and "Indiquez les voix" in r.text


def test_modifier_une_decision_en_cours(cogerance, cogerant, par):
    noter(cogerance, par, Claude="present", Martine="present", Mamadou="present")
    client = client_as(cogerant)
    client.post(url("decision-ajouter", cogerance.pk), decision_post("Tarif"))
    d = Decision.objects.get()
    page = client.get(url("decision-modifier", cogerance.pk, d.pk))
    assert page.status_code == 200 and 'value="Tarif"' in page.text
    r = client.post(
        url("decision-modifier", cogerance.pk, d.pk),
        decision_post(
            "Tarif révisé",
            **{
                "decision-mode": "vote",
                "decision-pour": "1",
                "decision-contre": "2",
                "decision-abstention": "0",
            },
        ),
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert (d.titre, d.resultat, d.contre) == ("Tarif révisé", "rejetee", 2)


# --- Registre ---------------------------------------------------------------------------------


@pytest.fixture
def registre(approuvee, par, cogerants):
    """Une deuxième séance approuvée, en septembre, qui corrige la décision de juillet."""
    from gouvernance.services import decisions

    septembre = services_seances.creer_seance(
        type="cogerance",
        debut=approuvee.debut + datetime.timedelta(days=63),
        fin=None,
        lieu="PHARES",
        par=par,
    )
    noter(septembre, par, Claude="present", Martine="present", Mamadou="present")
    decisions.enregistrer_decision(
        seance=septembre,
        titre='=HYPERLINK("http://x")',
        texte="Formule ?",
        categorie="autre",
        vote=decisions.Vote(mode="vote", voix=decisions.Voix(2, 1, 0)),
        par=par,
    )
    decisions.enregistrer_decision(
        seance=septembre,
        titre="Tarif du co-travail au 1er octobre",
        texte="Le tarif s'applique au 1er octobre.",
        categorie="tarifs",
        vote=decisions.Vote.consensus(),
        corrige=approuvee.decisions.get(),
        par=par,
    )
    services_seances.modifier_seance(
        seance=septembre, par=par, president=cogerants[0], secretaire=cogerants[1]
    )
    services_seances.approuver(seance=septembre, par=par)
    return septembre


@pytest.mark.parametrize(
    ("query", "references"),
    [
        ("", ["2015-09-D01", "2015-09-D02", "2015-07-D01"]),
        ("?q=co-travail", ["2015-09-D02", "2015-07-D01"]),
        ("?q=2015-07", ["2015-07-D01"]),
        ("?categorie=tarifs&annee=2015", ["2015-09-D02", "2015-07-D01"]),
        ("?statut=corrigee", ["2015-07-D01"]),
        ("?statut=rejetee", []),
        ("?type=ago", []),
        ("?annee=1999", []),  # not a year of the register: the form refuses, nothing listed
    ],
)
def test_chercher_dans_le_registre(registre, associe, query, references):
    page = client_as(associe).get(url("decision-liste") + query)
    assert page.status_code == 200
    assert [d.reference for d in page.context["page"]] == references


def test_la_fiche_d_une_decision_dit_son_vote_ses_actions_et_ses_corrections(registre, associe):
    page = client_as(associe).get(url("decision-detail", "2015-07-D01"))
    assert page.status_code == 200
    assert "Corrigée depuis par" in page.text and "2015-09-D02" in page.text
    assert "Consensus" in page.text
    page = client_as(associe).get(url("decision-detail", "2015-09-D01"))
    assert "2 pour, 1 contre, 0 abstention" in page.text


def test_export_csv(registre, associe):
    r = client_as(associe).get(url("decision-csv") + "?annee=2015")
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    texte = r.content.decode("utf-8")
    assert texte.startswith("\ufeff")
    lignes = list(csv.reader(io.StringIO(texte.lstrip("\ufeff")), delimiter=";"))
    assert lignes[0][:3] == ["Référence", "Date", "Séance"]
    par_ref = {ligne[0]: ligne for ligne in lignes[1:]}
    assert set(par_ref) == {"2015-09-D01", "2015-09-D02", "2015-07-D01"}
    assert par_ref["2015-09-D01"][5] == '\'=HYPERLINK("http://x")'  # not a formula
    assert par_ref["2015-07-D01"][-1] == "2015-09-D02"
    assert par_ref["2015-09-D02"][-2] == "2015-07-D01"


def test_registre_pdf_d_une_annee(registre, associe):
    r = client_as(associe).get(url("decision-registre-pdf", 2015))
    assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert "registre-des-decisions-2015.pdf" in r["Content-Disposition"]
    assert client_as(associe).get(url("decision-registre-pdf", 2014)).status_code == 404


# --- Collèges ---------------------------------------------------------------------------------


def colleges_post(*lignes):
    data = {
        "colleges-TOTAL_FORMS": str(len(lignes)),
        "colleges-INITIAL_FORMS": "0",
        "colleges-MIN_NUM_FORMS": "0",
        "colleges-MAX_NUM_FORMS": "20",
    }
    for i, (nom, poids) in enumerate(lignes):
        data[f"colleges-{i}-nom"] = nom
        data[f"colleges-{i}-poids"] = poids
    return data


def test_un_college_a_60_pour_cent_est_refuse(cogerant):
    client = client_as(cogerant)
    r = client.post(url("colleges"), colleges_post(("Fondateurs", "60"), ("Habitants", "40")))
    assert r.status_code == 400
    assert "entre 10 % et 50 %" in r.text and "Fondateurs à 60 %" in r.text
    assert not College.objects.exists()
    r = client.post(
        url("colleges"),
        colleges_post(
            ("Fondateurs", "40"), ("Salariés", "25"), ("Habitants", "20"), ("Partenaires", "10")
        ),
    )
    assert r.status_code == 400 and "font 95 %" in r.text
    r = client.post(
        url("colleges"),
        colleges_post(
            ("Fondateurs", "40"), ("Salariés", "25"), ("Habitants", "25"), ("Partenaires", "10")
        ),
    )
    assert r.status_code == 302
    assert list(College.objects.values_list("nom", "poids")) == [
        ("Fondateurs", 40), ("Salariés", 25), ("Habitants", 25), ("Partenaires", 10),
    ]  # fmt: skip


def test_affecter_les_associes_a_un_college(cogerant, associe, structures_associees):
    from gouvernance.services.colleges import CollegeSaisi, definir_colleges

    _, b, _ = definir_colleges(
        colleges=[CollegeSaisi("A", 50), CollegeSaisi("B", 40), CollegeSaisi("C", 10)],
        par=acteur(cogerant),
    )
    premier = structures_associees[0]
    r = client_as(cogerant).post(url("colleges"), {f"affectation-associe_{premier.pk}": b.pk})
    assert r.status_code == 302
    premier.refresh_from_db()
    assert premier.college == b


# --- Tableau de bord, salle, actions -----------------------------------------------------------


def test_le_tableau_de_bord_du_cogerant(approuvee, cogerant, cogerants, par, time_machine):
    Action.objects.create(
        seance=services_seances.creer_seance(
            type="cogerance", debut=NOW + datetime.timedelta(days=8), fin=None, lieu="PHARES",
            par=par,
        ),
        libelle="Relancer le CCAH",
        responsable=cogerants[1],
        echeance=datetime.date(2015, 9, 1),
    )  # fmt: skip
    time_machine.move_to(NOW, tick=False)
    page = client_as(cogerant).get(reverse("home"))
    assert "Prochaine séance" in page.text and "Cogérance de mars 2026" in page.text
    assert "1 action de suivi en retard" in page.text and "Relancer le CCAH" in page.text


def test_ouvrir_une_seance_en_reservant_une_salle(
    cogerants, cogerant, structure_a, structure_b, time_machine
):
    time_machine.move_to(NOW, tick=False)
    lieu = construire_lieu(structure_a)
    r = client_as(cogerant).post(
        url("seance-nouvelle"),
        {
            "type": "pleniere",
            "date": "2026-03-10",
            "heure_debut": "10:00",
            "heure_fin": "12:00",
            "lieu": "PHARES, salle A",
            "convocation": "1",
            "salle": lieu.salle_a.pk,
            "structure": structure_b.pk,
        },
    )
    assert r.status_code == 302
    seance = Seance.objects.get()
    assert seance.reservation.ressource == lieu.salle_a
    assert seance.reservation.structure == structure_b
    assert seance.participants.count() == 0  # no associates in this test SCIC

    # The same room at the same time: refused, and no meeting is created.
    r = client_as(cogerant).post(
        url("seance-nouvelle"),
        {
            "type": "thematique",
            "date": "2026-03-10",
            "heure_debut": "11:00",
            "heure_fin": "12:00",
            "lieu": "PHARES",
            "convocation": "1",
            "salle": lieu.salle_a.pk,
            "structure": structure_b.pk,
        },
    )
    assert r.status_code == 400 and "La salle n&#x27;est pas réservée" in r.text
    assert Seance.objects.count() == 1


def test_changer_le_statut_d_une_action(approuvee, cogerant, cogerants, par):
    septembre = services_seances.creer_seance(
        type="cogerance", debut=approuvee.debut + datetime.timedelta(days=60), fin=None,
        lieu="PHARES", par=par,
    )  # fmt: skip
    action = services_seances.ajouter_action(
        seance=septembre, libelle="Devis", responsable=cogerants[1],
        echeance=datetime.date(2015, 10, 1), par=par,
    )  # fmt: skip
    client = client_as(cogerant)
    liste = client.get(url("action-liste"))
    assert "Devis" in liste.text
    r = client.post(
        url("action-statut", action.pk), {"statut": "fait", "suite": "https://ailleurs.test/"}
    )
    assert r.status_code == 302 and r.url == url("action-liste")
    assert Action.objects.get(pk=action.pk).statut == "fait"


def test_identifiants_hors_de_portee(cogerant, cogerance):
    client = client_as(cogerant)
    huge = 2**70
    assert client.get(f"/gouvernance/seances/{huge}/").status_code == 404
    assert (
        client.post(f"/gouvernance/seances/{cogerance.pk}/points/{huge}/retirer/").status_code
        == 404
    )
    assert client.get(f"/gouvernance/seances/{huge}/proces-verbal.pdf").status_code == 404
    assert client.get(f"/gouvernance/decisions/registre-{huge}.pdf").status_code == 404
    assert client.get("/gouvernance/decisions/" + "x" * 500 + "/").status_code == 404
    assert (
        client.post(f"/gouvernance/actions/{huge}/statut/", {"statut": "fait"}).status_code == 404
    )


def test_un_associe_ne_lit_pas_un_proces_verbal_en_cours(cogerance, cogerant, par, associe):
    noter(cogerance, par, Claude="present")
    client_as(cogerant).post(url("decision-ajouter", cogerance.pk), decision_post("Secret"))
    page = client_as(associe).get(url("seance-detail", cogerance.pk))
    assert page.status_code == 200
    assert "en cours de rédaction" in page.text and "Secret" not in page.text
    assert client_as(associe).get(url("seance-pdf", cogerance.pk)).status_code == 404
    assert "Secret" in client_as(cogerant).get(url("seance-detail", cogerance.pk)).text


def test_une_assemblee_ponderee_par_colleges(cogerant, par, structures_associees):
    from gouvernance.services.colleges import CollegeSaisi, affecter_colleges, definir_colleges

    a, b, c, d = definir_colleges(
        colleges=[
            CollegeSaisi("Fondateurs", 40),
            CollegeSaisi("Salariés", 25),
            CollegeSaisi("Habitants", 25),
            CollegeSaisi("Partenaires", 10),
        ],
        par=par,
    )
    repartition = [a] * 3 + [b] * 2 + [c] * 5 + [d] * 2
    affecter_colleges(
        affectations={
            s.pk: col.pk for s, col in zip(structures_associees, repartition, strict=True)
        },
        par=par,
    )
    ag = services_seances.creer_seance(
        type="ago",
        debut=NOW - datetime.timedelta(days=3),
        fin=None,
        lieu="PHARES",
        par=par,
    )
    client = client_as(cogerant)
    client.post(
        url("seance-presences", ag.pk),
        {f"presences-presence_{p.pk}": "present" for p in ag.participants.all()},
    )
    page = client.get(url("seance-detail", ag.pk))
    assert "Votes par collège, pondérés." in page.text and "Partenaires" in page.text
    voix = {
        f"decision-{champ}_{col.pk}": n
        for col, (pour, contre, abst) in (
            (a, (3, 0, 0)),
            (b, (2, 0, 0)),
            (c, (1, 4, 0)),
            (d, (0, 1, 1)),
        )
        for champ, n in (("pour", pour), ("contre", contre), ("abstention", abst))
    }
    r = client.post(
        url("decision-ajouter", ag.pk),
        decision_post("Approbation des comptes", **{"decision-mode": "vote"}, **voix),
    )
    assert r.status_code == 302
    decision = Decision.objects.get(seance=ag)
    assert (decision.pour_pondere, decision.resultat) == (70, "adoptee")
    page = client.get(url("seance-detail", ag.pk))
    assert "Total pondéré : 70 % pour" in page.text


def test_tout_le_monde_est_present(cogerance, cogerant):
    r = client_as(cogerant).post(url("seance-presences", cogerance.pk), {"tous_presents": "1"})
    assert r.status_code == 302
    assert set(cogerance.participants.values_list("presence", flat=True)) == {"present"}


def test_le_registre_lit_ses_annees_une_fois(registre, associe, django_assert_num_queries):
    """Session, personne et rôles, années (choix du filtre et liens des PDF par année),
    compte, page, corrections : six requêtes, quelle que soit la taille du registre."""
    client = client_as(associe)
    client.get(url("decision-liste"))
    with django_assert_num_queries(6):
        page = client.get(url("decision-liste") + "?annee=2015")
    assert page.status_code == 200
    assert 'value="2015" selected' in page.text
    assert url("decision-registre-pdf", 2015) in page.text


def test_la_page_d_une_seance_a_nombre_de_requetes_fixe(cogerant, par, structures_associees):
    """La page d'une assemblée en cours, pour qui rédige : une lecture par sorte de chose
    (inscrits avec leur collège, décisions et leurs votes, points, actions, collèges), les
    listes de choix lues une fois (les mêmes personnes pour la présidence, le secrétariat et
    une action) ; rien par inscrit, par décision ni par action."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gouvernance.services.colleges import CollegeSaisi, affecter_colleges, definir_colleges

    a, b = definir_colleges(
        colleges=[CollegeSaisi("Fondateurs", 50), CollegeSaisi("Habitants", 50)], par=par
    )
    affecter_colleges(
        affectations={s.pk: (a if i % 2 else b).pk for i, s in enumerate(structures_associees)},
        par=par,
    )
    ag = services_seances.creer_seance(
        type="ago", debut=NOW - datetime.timedelta(days=3), fin=None, lieu="PHARES", par=par
    )
    client = client_as(cogerant)
    client.post(
        url("seance-presences", ag.pk),
        {f"presences-presence_{p.pk}": "present" for p in ag.participants.all()},
    )

    ctx_dernier = []

    def requetes():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url("seance-detail", ag.pk))
        assert page.status_code == 200 and "Votes par collège, pondérés." in page.text
        ctx_dernier[:] = ctx.captured_queries
        return len(ctx)

    def noter_une_decision(titre):
        voix = {f"decision-pour_{col.pk}": 1 for col in (a, b)}
        r = client.post(
            url("decision-ajouter", ag.pk),
            decision_post(titre, **{"decision-mode": "vote"}, **voix),
        )
        assert r.status_code == 302
        decision = Decision.objects.get(seance=ag, titre=titre)
        services_seances.ajouter_action(
            seance=ag,
            libelle=f"Suite de {titre}",
            responsable=cogerant,
            echeance=datetime.date(2026, 1, 1),
            decision=decision,
            par=par,
        )
        services_seances.ajouter_point(seance=ag, titre=titre, par=par)

    noter_une_decision("Approbation des comptes")
    une = requetes()
    noter_une_decision("Affectation du résultat")
    noter_une_decision("Budget")
    assert requetes() == une
    # Session, person; the meeting, its participants, decisions, their college votes,
    # points, actions; the colleges; the people and the decisions to choose from; the
    # navigation's structures of the person (the persona is also an habitant).
    assert une == 12, "\n".join(q["sql"][:150] for q in ctx_dernier)
