from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from espaces.models import Reservation
from habitants import selectors as habitants_selectors
from habitants.models import ChiffresAnnuels, Invitation
from phares import roles


def home(request):
    """Page publique pour les visiteurs ; tableau de bord selon le rôle sinon."""
    if not request.user.is_authenticated:
        structures = habitants_selectors.structures_presentes(le=timezone.localdate())
        return render(
            request, "phares/public.html", {"groupes": habitants_selectors.par_domaine(structures)}
        )
    return render(request, "phares/dashboard.html", _dashboard_context(request.user))


def _dashboard_context(user):
    today = timezone.localdate()
    context = {
        "today": today,
        "mes_structures": list(habitants_selectors.structures_of_member(user)),
        "is_staff_member": roles.is_staff_member(user),
        "is_gestion": roles.is_gestion(user),
        "is_cogerant": roles.is_cogerant(user),
        "is_associe": roles.is_associe(user),
    }
    if context["is_staff_member"]:
        annee = today.year - 1
        chiffres = ChiffresAnnuels.objects.filter(annee=annee).aggregate(
            declares=Count("pk", filter=Q(statut=ChiffresAnnuels.Statut.DECLARE)),
            valides=Count("pk", filter=Q(statut=ChiffresAnnuels.Statut.VALIDE)),
        )
        context.update(
            {
                "nb_presentes": habitants_selectors.structures_presentes(le=today).count(),
                "nb_invitations": Invitation.objects.en_attente().count(),
                "nb_demandes": Reservation.objects.filter(
                    statut=Reservation.Statut.EN_ATTENTE, expire_le__gt=timezone.now()
                ).count(),
                "annee_chiffres": annee,
                "chiffres": chiffres,
            }
        )
    return context


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
