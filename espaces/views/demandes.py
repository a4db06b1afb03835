"""Demande publique de salle par une organisation extérieure (sans compte)."""

from django.shortcuts import render

from phares.lib import reseau

from .. import services
from ..forms.reservations import DemandePubliqueForm
from ._acces import initial_creneau


def demande_publique(request):
    """Une organisation extérieure demande une salle ; l'équipe accepte ou refuse (voir
    services.demander_salle pour ses bornes)."""
    form = DemandePubliqueForm(request.POST or None, initial=initial_creneau(request))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            r = services.demander_salle(
                ressource=c["salle"],
                debut=c["debut"],
                fin=c["fin"],
                titre=c["titre"],
                nb_personnes=c["nb_personnes"],
                organisation=form.coordonnees(),
                ip=reseau.adresse_client(request),
                par=request.acteur,
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "espaces/demande_envoyee.html", {"r": r})
    return render(request, "espaces/demande_publique.html", {"form": form})
