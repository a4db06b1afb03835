from django.shortcuts import render
from django.utils import timezone

from phares.lib.pagination import Partie, page_par_cles
from phares.models import EntreeJournal
from phares.roles import gestion_required

from .filters import JournalFilter


@gestion_required
def journal(request):
    """Qui a fait quoi, quand et d'où : lecture seule, pour l'équipe de gestion.

    Par clés, sans COUNT (phares.lib.pagination) : le journal grandit sans fin, une page
    lit les entrées qu'elle montre, plus une, dans l'index de son filtre (-le, -id)."""
    f = JournalFilter(request.GET, queryset=EntreeJournal.objects.all())
    qs = f.qs
    page = page_par_cles(
        request,
        lambda _reference: [Partie("journal", qs, decroissant=True)],
        champ="le",
        now=timezone.now(),
    )
    return render(
        request,
        "phares/journal/liste.html",
        {
            "filter": f,
            "page": page,
            "caption": f"Opérations, des plus récentes aux plus anciennes, page {page.numero}",
        },
    )
