from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, queryset, per_page: int = PER_PAGE) -> tuple[Page, str]:
    """La page demandée (une page invalide donne la première ou la dernière, jamais une
    erreur) et la chaîne de requête sans `page`, pour les liens de pagination."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
