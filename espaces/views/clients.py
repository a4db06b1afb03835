"""Les organisations extérieures (clients qui louent une salle), pour l'équipe : la liste, la
fiche (coordonnées, réservations et demandes, factures), la correction de la fiche (gestion).
La comptabilité lit ; les habitants n'y ont pas accès (403)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from phares.lib import panels
from phares.lib.pagination import paginate
from phares.roles import gestion_required, is_gestion, staff_required

from .. import selectors, services
from ..filters import ClientExterneFilter
from ..forms.reservations import CoordonneesForm
from ..models import ClientExterne

HISTORIQUE_PAR_PAGE = 25


def _client_ou_404(pk) -> ClientExterne:
    return get_object_or_404(ClientExterne, pk=pk)


@staff_required
def client_liste(request):
    now = timezone.now()
    f = ClientExterneFilter(request.GET, queryset=selectors.clients_externes_liste(now))
    page, query = paginate(request, f.qs)
    return render(
        request,
        "espaces/client_liste.html",
        {"filter": f, "page": page, "query": query, "peut_modifier": is_gestion(request.user)},
    )


@staff_required
def client_detail(request, pk):
    client = _client_ou_404(pk)
    now = timezone.now()
    page, query = paginate(
        request, selectors.historique_du_client(client, now), per_page=HISTORIQUE_PAR_PAGE
    )
    for r in page:
        r.statut_lu = r.statut_effectif(now)
    gestion = is_gestion(request.user)
    return render(
        request,
        "espaces/client_detail.html",
        {
            "client": client,
            "page": page,
            "query": query,
            "memes_coordonnees": selectors.memes_coordonnees(client),
            # Its invoices, from billing (a layer above): see espaces.facturation.panels.
            "panels": panels.collect("client_externe", client=client, user=request.user),
            "peut_modifier": gestion,
            # Booking for this client starts from one of the rooms open to outside clients.
            "salles_externes": (
                list(selectors.salles().filter(ouverte_aux_externes=True)) if gestion else []
            ),
        },
    )


@gestion_required
def client_modifier(request, pk):
    client = _client_ou_404(pk)
    form = CoordonneesForm(request.POST or None, initial=CoordonneesForm.initial_de(client))
    if request.method == "POST" and form.is_valid():
        try:
            modifie = services.modifier_client(
                client=client, organisation=form.coordonnees(), par=request.acteur
            )
        except services.EspacesError as exc:
            form.add_error(None, str(exc))
        else:
            if form.has_changed():
                messages.success(request, f"Fiche de {modifie.nom} enregistrée.")
            else:
                messages.info(request, "Rien n'a changé.")
            return redirect("espaces:client-detail", client.pk)
    return render(request, "espaces/client_form.html", {"form": form, "client": client})
