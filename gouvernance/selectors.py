import datetime

from django.db.models import Q

from phares.lib import dates

from .models import Associe, Mandat


def est_cogerant(user, *, le: datetime.date) -> bool:
    return Mandat.objects.filter(
        dates.active_on(le), personne=user, fonction=Mandat.Fonction.COGERANT
    ).exists()


def est_associe(user, *, le: datetime.date) -> bool:
    """Associé en personne, ou membre actif d'une structure associée."""
    actifs = Associe.objects.filter(dates.active_on(le, "entree", "sortie"))
    return actifs.filter(
        Q(personne=user)
        | Q(structure__membres__user=user, structure__membres__in=_membres_actifs(le))
    ).exists()


def _membres_actifs(le):
    from habitants.models import Membre

    return Membre.objects.actifs(le)


def structures_associees_ids(*, le: datetime.date) -> set[int]:
    """Structures associées de la SCIC au jour `le` (soulignées dans le rapport)."""
    return set(
        Associe.objects.filter(
            dates.active_on(le, "entree", "sortie"), structure__isnull=False
        ).values_list("structure_id", flat=True)
    )


def associe_filter_q(*, le: datetime.date, prefix: str = "") -> Q:
    """Filtre sur Structure : associée de la SCIC au jour `le`."""
    ids = Associe.objects.filter(
        dates.active_on(le, "entree", "sortie"), structure__isnull=False
    ).values("structure_id")
    return Q(**{f"{prefix}pk__in": ids})
