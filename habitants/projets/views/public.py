"""La page publique de la vie du pôle : sans compte, les projets et événements que la
gestion a rendus publics, avec leurs photos publiques, par axe — ceux des trois dernières
années où il s'est passé quelque chose de public, ou d'une année choisie (`?annee=`)."""

import datetime

from django.shortcuts import render

from .. import selectors
from ._params import entier


def vie_publique(request):
    annees = selectors.annees_publiques()
    demandee = entier(request.GET.get("annee"))
    une_annee = demandee in annees
    if une_annee:
        premiere = derniere = demandee
    elif annees:
        derniere = annees[0]
        premiere = derniere - selectors.ANNEES_PUBLIQUES + 1
    axes = (
        selectors.vie_publique(
            debut=datetime.date(premiere, 1, 1), fin=datetime.date(derniere, 12, 31)
        )
        if annees
        else []
    )
    return render(
        request,
        "projets/vie_publique.html",
        {
            "axes": axes,
            "annees": annees,
            "une_annee": une_annee,
            "annee": demandee if une_annee else None,
        },
    )
