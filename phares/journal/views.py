from django.shortcuts import render

from phares.lib.pagination import paginate
from phares.models import EntreeJournal
from phares.roles import gestion_required

from .filters import JournalFilter


@gestion_required
def journal(request):
    """Qui a fait quoi, quand et d'où : lecture seule, pour l'équipe de gestion."""
    f = JournalFilter(request.GET, queryset=EntreeJournal.objects.all())
    page, query = paginate(request, f.qs.order_by("-le", "-pk"))
    n = page.paginator.count
    return render(
        request,
        "phares/journal/liste.html",
        {"filter": f, "page": page, "query": query, "caption": f"{n} opération{'s' * (n > 1)}"},
    )
