import datetime

from django.db.models import Q

from habitants.models import Membre
from phares.lib import dates

from .models import Associe, Mandat


def est_cogerant(user, *, le: datetime.date) -> bool:
    return Mandat.objects.filter(
        dates.active_on(le), personne=user, fonction=Mandat.Fonction.COGERANT
    ).exists()


def _associes(le: datetime.date):
    return Associe.objects.filter(dates.active_on(le, "entree", "sortie"))


def est_associe(user, *, le: datetime.date) -> bool:
    """Associé en personne, ou membre actif d'une structure associée."""
    return (
        _associes(le)
        .filter(
            Q(personne=user) | Q(structure__membres__in=Membre.objects.actifs(le).filter(user=user))
        )
        .exists()
    )


def _structures_associees(le: datetime.date):
    return _associes(le).filter(structure__isnull=False).values_list("structure_id", flat=True)


def structures_associees_ids(*, le: datetime.date) -> set[int]:
    """Structures associées de la SCIC au jour `le` (soulignées dans le rapport)."""
    return set(_structures_associees(le))
