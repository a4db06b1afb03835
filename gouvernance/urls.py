from django.urls import path

from .views import capital, decisions, mandats, postes, registre, seances

app_name = "gouvernance"
SEANCE = "gouvernance/seances/<int:pk>/"

urlpatterns = [
    path("gouvernance/", seances.seance_liste, name="seance-liste"),
    path("gouvernance/seances/nouvelle/", seances.seance_nouvelle, name="seance-nouvelle"),
    path("gouvernance/proposer/", seances.proposer, name="proposer"),
    path(SEANCE, seances.seance_detail, name="seance-detail"),
    path(SEANCE + "modifier/", seances.seance_modifier, name="seance-modifier"),
    path(SEANCE + "proces-verbal/", seances.seance_redaction, name="seance-redaction"),
    path(SEANCE + "presences/", seances.seance_presences, name="seance-presences"),
    path(SEANCE + "points/", seances.point_ajouter, name="point-ajouter"),
    path(SEANCE + "points/<int:point_pk>/retirer/", seances.point_retirer, name="point-retirer"),
    path(SEANCE + "decisions/", decisions.decision_ajouter, name="decision-ajouter"),
    path(
        SEANCE + "decisions/<int:decision_pk>/modifier/",
        decisions.decision_modifier,
        name="decision-modifier",
    ),
    path(
        SEANCE + "decisions/<int:decision_pk>/retirer/",
        decisions.decision_retirer,
        name="decision-retirer",
    ),
    path(SEANCE + "actions/", seances.action_ajouter, name="action-ajouter"),
    path(
        SEANCE + "actions/<int:action_pk>/retirer/", seances.action_retirer, name="action-retirer"
    ),
    path(SEANCE + "convoquer/", seances.seance_convoquer, name="seance-convoquer"),
    path(SEANCE + "approuver/", seances.seance_approuver, name="seance-approuver"),
    path(SEANCE + "retirer/", seances.seance_supprimer, name="seance-supprimer"),
    path(SEANCE + "proces-verbal.pdf", seances.seance_pdf, name="seance-pdf"),
    path(SEANCE + "convocation.ics", seances.seance_ics, name="seance-ics"),
    path("gouvernance/actions/", seances.action_liste, name="action-liste"),
    path("gouvernance/actions/<int:pk>/statut/", seances.action_statut, name="action-statut"),
    path("gouvernance/colleges/", seances.college_liste, name="colleges"),
    path("gouvernance/decisions/", decisions.decision_liste, name="decision-liste"),
    path("gouvernance/decisions/export.csv", decisions.decision_csv, name="decision-csv"),
    path(
        "gouvernance/decisions/registre-<int:annee>.pdf",
        decisions.decision_registre_pdf,
        name="decision-registre-pdf",
    ),
    path(
        "gouvernance/decisions/<slug:reference>/",
        decisions.decision_detail,
        name="decision-detail",
    ),
    # Registre des associés
    path("gouvernance/associes/", registre.registre, name="registre"),
    path("gouvernance/associes/nouveau/", registre.associe_nouveau, name="associe-nouveau"),
    path("gouvernance/associes/<int:pk>/", registre.associe_detail, name="associe-detail"),
    path(
        "gouvernance/associes/<int:pk>/modifier/",
        registre.associe_modifier,
        name="associe-modifier",
    ),
    path("gouvernance/associes/<int:pk>/sortie/", registre.associe_sortie, name="associe-sortie"),
    # Capital
    path("gouvernance/capital/", capital.capital, name="capital"),
    path("gouvernance/capital/etat/<int:annee>/", capital.etat_annuel, name="capital-etat"),
    path("gouvernance/associes/<int:pk>/souscrire/", capital.souscrire, name="souscrire"),
    path("gouvernance/associes/<int:pk>/liberer/", capital.liberer, name="liberer"),
    path(
        "gouvernance/associes/<int:pk>/retrait/", capital.demander_retrait, name="retrait-demander"
    ),
    path(
        "gouvernance/capital/retraits/<int:pk>/rembourser/", capital.rembourser, name="rembourser"
    ),
    path(
        "gouvernance/capital/retraits/<int:pk>/annuler/",
        capital.demande_annuler,
        name="retrait-annuler",
    ),
    path(
        "gouvernance/capital/mouvements/<int:pk>/contre-passer/",
        capital.contre_passer,
        name="contre-passer",
    ),
    # Mandats
    path("gouvernance/mandats/", mandats.mandats, name="mandats"),
    path("gouvernance/mandats/nouveau/", mandats.mandat_nouveau, name="mandat-nouveau"),
    path("gouvernance/mandats/<int:pk>/terminer/", mandats.mandat_terminer, name="mandat-terminer"),
    # Postes dédiés au pôle
    path("gouvernance/postes/", postes.postes, name="postes"),
    path("gouvernance/postes/nouveau/", postes.poste_nouveau, name="poste-nouveau"),
    path("gouvernance/postes/<int:pk>/", postes.poste_modifier, name="poste-modifier"),
]
