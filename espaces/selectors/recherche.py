"""La recherche de l'équipe (phares.recherche) : espaces et réservations par nom, titre ou
numéro. Une requête par sorte d'objet, les premiers résultats et leur nombre."""

from __future__ import annotations

import re

from django.db.models import Q

from phares.lib import recherche
from phares.roles import is_staff_member

from ..models import Espace
from .reservations import reservations_visibles

# « 42 », « n° 42 », « no 42 », « #42 » : the number of a booking (its page's address).
NUMERO = re.compile(r"^(?:n\s*°|no\.?|#)?\s*(\d{1,12})$", re.IGNORECASE)


def numero_de_reservation(q: str) -> int | None:
    m = NUMERO.match(q.strip())
    return int(m.group(1)) if m else None


def rechercher_espaces(q: str, *, limite: int) -> recherche.Trouves:
    """Espaces (bureaux, salles, ateliers…, archivés compris) par nom ou identifiant."""
    qs = recherche.chercher(
        Espace.objects.select_related("etage"), q, {"nom": "nom", "slug": "slug"}
    )
    return recherche.premiers(qs.order_by("archive", "nom", "pk"), limite)


def rechercher_reservations(q: str, *, user, limite: int) -> recherche.Trouves:
    """Les réservations que `user` peut ouvrir (toutes pour l'équipe), tous statuts, par objet
    ou par numéro, les plus récentes d'abord."""
    numero = numero_de_reservation(q)
    qs = recherche.chercher(
        reservations_visibles(user, staff=is_staff_member(user)),
        q,
        {"titre": "titre"},
        ou=Q(pk=numero) if numero is not None else None,
    )
    return recherche.premiers(qs.order_by("-debut", "-pk"), limite)
