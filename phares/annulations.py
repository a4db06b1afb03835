"""Le bouton « Annuler » des messages : défaire, dans les minutes qui suivent, une opération
qu'on vient de faire (phares.lib.annulables). Chaque app défait la sienne par son service ;
cette vue de la coquille choisit lequel, dit le résultat et revient à la bonne page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from espaces import services as espaces_services
from habitants import services as habitants_services
from phares.lib import annulables, temps


def _reservation(request, op) -> tuple[str, str]:
    r = espaces_services.retablir(operation=op, par=request.acteur)
    quand = temps.creneau_lisible(r.debut, r.fin)
    return (
        f"Réservation rétablie : {r.ressource.nom}, {quand}.",
        reverse("espaces:reservation-detail", args=[r.pk]),
    )


def _membre(request, op) -> tuple[str, str]:
    m = habitants_services.reintegrer_membre(operation=op, par=request.acteur)
    return f"{m.user} fait de nouveau partie de {m.structure.nom}.", ""


def _structure(request, op) -> tuple[str, str]:
    s = habitants_services.annuler_archivage(operation=op, par=request.acteur)
    return (
        f"« {s.nom} » est de nouveau active.",
        reverse("habitants:structure-detail", args=[s.slug]),
    )


DEFAIRE = {
    espaces_services.ANNULATION: _reservation,
    habitants_services.RETRAIT: _membre,
    habitants_services.ARCHIVAGE: _structure,
}
REFUS = (
    annulables.AnnulationImpossible,
    espaces_services.EspacesError,
    habitants_services.HabitantsError,
)


def _suivant(request) -> str:
    """La page où le message était affiché (champ caché du bouton), si elle est d'ici."""
    suivant = request.POST.get("suivant", "")
    if url_has_allowed_host_and_scheme(
        suivant, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suivant
    return reverse("home")


@login_required
@require_POST
def annuler_operation(request, jeton):
    """Qui a fait l'opération, ou la gestion ; pour tout autre, et pour une clé inventée ou
    retouchée, 404. Un délai passé ou une opération déjà défaite : le message le dit et rien
    ne change (le service lève avant toute écriture, sa transaction est annulée)."""
    op = annulables.lire(jeton, request.user)
    if op is None or op.operation not in DEFAIRE:
        raise Http404("Opération introuvable.")
    try:
        texte, page = DEFAIRE[op.operation](request, op)
    except REFUS as exc:
        messages.error(request, str(exc))
        return redirect(_suivant(request))
    messages.success(request, texte)
    return redirect(page or _suivant(request))
