"""Les services et les lectures des projets collectifs, sans passer par les pages."""

import datetime

import pytest

from habitants.projets import selectors
from habitants.projets.models import Jalon, Participation, Projet
from habitants.projets.services import ProjetsError
from habitants.projets.services import projets as services
from phares.models import EntreeJournal
from tests.conftest import acteur


def nouveau(axe, nom="Jardin", debut=datetime.date(2015, 3, 1), **kw):
    return Projet(nom=nom, axe=axe, debut=debut, **kw)


def test_seule_la_gestion_rend_un_projet_public(referent_a, gestion, axes, structure_a):
    with pytest.raises(ProjetsError, match="Seule la gestion"):
        services.creer_projet(
            projet=nouveau(axes[0], public=True), porteurs=[structure_a], par=acteur(referent_a)
        )
    projet = services.creer_projet(
        projet=nouveau(axes[0]), porteurs=[structure_a], par=acteur(referent_a)
    )
    projet.public = True
    with pytest.raises(ProjetsError, match="Seule la gestion"):
        services.modifier_projet(projet=projet, par=acteur(referent_a))
    assert not Projet.objects.get().public
    services.modifier_projet(projet=projet, par=acteur(gestion))
    assert Projet.objects.get().public


def test_fin_avant_debut_refusee_sans_rien_ecrire(gestion, axes, structure_a):
    with pytest.raises(ProjetsError, match="La fin du projet ne peut pas précéder son début"):
        services.creer_projet(
            projet=nouveau(axes[0], fin=datetime.date(2015, 2, 28)),
            porteurs=[structure_a],
            par=acteur(gestion),
        )
    assert not Projet.objects.exists() and not EntreeJournal.objects.exists()


def test_un_projet_sans_porteur_est_refuse(gestion, axes, structure_a):
    with pytest.raises(ProjetsError, match="au moins une structure porteuse"):
        services.creer_projet(
            projet=nouveau(axes[0]),
            porteurs=[],
            structures_partenaires=[structure_a],
            par=acteur(gestion),
        )
    assert not Projet.objects.exists()


def test_un_service_exige_un_acteur(gestion, axes, structure_a):
    with pytest.raises(TypeError):
        services.creer_projet(projet=nouveau(axes[0]), porteurs=[structure_a], par=gestion)


def test_le_dernier_porteur_reste(gestion, axes, structure_a, structure_b):
    projet = services.creer_projet(
        projet=nouveau(axes[0]),
        porteurs=[structure_a],
        structures_partenaires=[structure_b],
        par=acteur(gestion),
    )
    porteur = projet.participations.get(role="porteur")
    with pytest.raises(ProjetsError, match="au moins une structure porteuse"):
        services.retirer_participant(participation=porteur, par=acteur(gestion))
    with pytest.raises(ProjetsError, match="au moins une structure porteuse"):
        services.changer_role(participation=porteur, role="partenaire", par=acteur(gestion))
    with pytest.raises(ProjetsError, match="participe déjà"):
        services.ajouter_participant(
            projet=projet, structure=structure_b, role="porteur", par=acteur(gestion)
        )
    assert projet.participations.filter(role="porteur").count() == 1


def test_projets_de_la_structure_disent_son_role(gestion, axes, structure_a, structure_b):
    jardin = services.creer_projet(
        projet=nouveau(axes[0]),
        porteurs=[structure_a],
        structures_partenaires=[structure_b],
        par=acteur(gestion),
    )
    services.creer_projet(
        projet=nouveau(axes[1], nom="Marque"), porteurs=[structure_b], par=acteur(gestion)
    )
    assert [(p.nom, p.role_structure) for p in selectors.projets_de_la_structure(structure_a)] == [
        ("Jardin", "porteur")
    ]
    roles = {p.nom: p.role_structure for p in selectors.projets_de_la_structure(structure_b)}
    assert roles == {"Jardin": "partenaire", "Marque": "porteur"}
    assert jardin.participations.count() == 2


def test_projets_par_axe_avec_les_etapes_de_l_annee(gestion, axes, structure_a):
    par = acteur(gestion)
    cop = services.creer_projet(
        projet=nouveau(axes[1], nom="COP 21", debut=datetime.date(2015, 9, 1),
                       fin=datetime.date(2015, 12, 31)),
        porteurs=[structure_a], par=par,
    )  # fmt: skip
    services.creer_projet(
        projet=nouveau(axes[0], nom="Ancien", debut=datetime.date(2013, 1, 1),
                       fin=datetime.date(2014, 12, 31)),
        porteurs=[structure_a], par=par,
    )  # fmt: skip
    for date, titre, rapport in [
        (datetime.date(2015, 12, 5), "Village des alternatives", True),
        (datetime.date(2015, 9, 26), "Accueil du Tour Tandem", True),
        (datetime.date(2015, 10, 1), "Réunion interne", False),
        (datetime.date(2016, 1, 10), "Bilan", True),
    ]:
        services.enregistrer_jalon(
            jalon=Jalon(projet=cop, date=date, titre=titre, dans_le_rapport=rapport), par=par
        )

    resultat = selectors.projets_par_axe(2015)
    assert [axe.numero for axe, _ in resultat] == [1, 2, 3]
    assert resultat[0][1] == [] and resultat[2][1] == []
    (projet,) = resultat[1][1]
    assert [j.titre for j in projet.jalons_annee] == [
        "Accueil du Tour Tandem",
        "Village des alternatives",
    ]
    assert [p.structure for p in projet.porteurs] == [structure_a]
    tout = selectors.projets_par_axe(2015, rapport=False)[1][1][0]
    assert len(tout.jalons_annee) == 3
    assert [j.titre for j in selectors.jalons_de_l_annee(2016)] == ["Bilan"]


def test_chaque_changement_est_au_journal_avec_sa_structure(
    gestion, axes, structure_a, structure_b
):
    par = acteur(gestion)
    projet = services.creer_projet(projet=nouveau(axes[0]), porteurs=[structure_a], par=par)
    participation = services.ajouter_participant(
        projet=projet, structure=structure_b, role=Participation.Role.PARTENAIRE, par=par
    )
    services.changer_role(participation=participation, role="porteur", par=par)
    services.retirer_participant(participation=participation, par=par)
    projet.statut = Projet.Statut.TERMINE
    services.modifier_projet(projet=projet, par=par)
    services.modifier_projet(projet=projet, par=par)  # nothing changed: nothing written
    entrees = list(EntreeJournal.objects.order_by("pk").values_list("operation", "structure_nom"))
    assert entrees == [
        ("projet.creer", "Halage"),
        ("projet.participant.ajouter", "Mode Estime"),
        ("projet.participant.role", "Mode Estime"),
        ("projet.participant.retirer", "Mode Estime"),
        ("projet.modifier", "Halage"),
    ]
