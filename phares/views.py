from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

from espaces import selectors as espaces_selectors
from gouvernance import roles as gouvernance_roles
from habitants import selectors as habitants_selectors
from phares import roles
from phares.lib import panels


def home(request):
    """Page publique pour les visiteurs ; tableau de bord selon le rôle sinon."""
    if not request.user.is_authenticated:
        structures = habitants_selectors.structures_presentes(le=timezone.localdate())
        return render(
            request, "phares/public.html", {"groupes": habitants_selectors.par_domaine(structures)}
        )
    return render(request, "phares/dashboard.html", _dashboard_context(request.user))


def _dashboard_context(user):
    # "Mes structures" come from the navigation context (nav.mes_structures): one query.
    today = timezone.localdate()
    context = {
        "is_staff_member": roles.is_staff_member(user),
        "is_gestion": roles.is_gestion(user),
        # Comptabilité reads bookings; only gestion and members of a present structure book.
        "peut_reserver": roles.is_gestion(user)
        or espaces_selectors.structures_reservantes(user, le=today).exists(),
        "is_cogerant": gouvernance_roles.is_cogerant(user),
        "is_associe": gouvernance_roles.is_associe(user),
        # What other apps add to the dashboard (governance: next meeting, overdue actions).
        "panels": panels.collect("tableau_de_bord", user=user),
    }
    if context["is_staff_member"]:
        annee = today.year - 1
        context.update(
            {
                "nb_presentes": habitants_selectors.structures_presentes(le=today).count(),
                "nb_invitations": habitants_selectors.invitations_en_attente().count(),
                "nb_demandes": espaces_selectors.demandes_en_attente().count(),
                "annee_chiffres": annee,
                "chiffres": habitants_selectors.avancement_chiffres(annee=annee),
            }
        )
    return context


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
