from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares import tableau_de_bord


def home(request):
    """Page publique pour les visiteurs ; tableau de bord selon le rôle sinon."""
    if not request.user.is_authenticated:
        structures = habitants_selectors.structures_presentes(le=timezone.localdate())
        return render(
            request, "phares/public.html", {"groupes": habitants_selectors.par_domaine(structures)}
        )
    return render(request, "phares/dashboard.html", tableau_de_bord.contexte(request.user))


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW : la page 403 du site, pas celle de Django, avec la cause probable."""
    return render(request, "403.html", {"formulaire_expire": True}, status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No request context: the session, the user or the database may be what failed.
    html = loader.render_to_string("500.html", {"PHARES_CONTACT": settings.PHARES_CONTACT})
    return HttpResponseServerError(html)
