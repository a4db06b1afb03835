"""Les encarts de la gouvernance (phares/lib/panels.py) : sur le tableau de bord, ce qui
attend chacun — pour qui rédige (cogérant·es, gestion) la prochaine séance et son ordre du
jour, les actions de suivi en retard, les décisions dont le procès-verbal reste à approuver ;
pour un·e associé·e, la prochaine assemblée et les dernières décisions du registre. Sur la
fiche d'une structure, « Associée de la SCIC » (habitants n'importe pas gouvernance)."""

from __future__ import annotations

from django.utils import timezone

from phares.lib.extraits import premiers_et_total
from phares.lib.panels import Panel

from . import roles, selectors
from .models import Associe

# A dashboard card lists this many items at most, then links to the whole list.
LIMITE = 5


def tableau_de_bord(*, user) -> Panel | None:
    """Un nombre fixe de requêtes, quel que soit le nombre de séances, d'actions ou de
    décisions : chaque liste est coupée à LIMITE et comptée dans la même requête."""
    if not roles.peut_lire(user):
        return None
    if not roles.peut_rediger(user):
        return _associe()
    maintenant = timezone.now()
    # The columns the cards show, not the whole rows (a meeting carries its notice, its
    # attendees and its documents).
    en_retard = (
        selectors.actions_en_retard(le=timezone.localdate())
        .select_related(None)
        .select_related("responsable", "seance")
        .only("libelle", "echeance", "seance__titre", "responsable")
        .order_by("echeance", "pk")
    )
    en_attente = selectors.seances_en_attente_de_pv(avant=maintenant).only("titre", "debut")
    prochaine = selectors.prochaine_seance(apres=maintenant)
    # Each list and its total in one query (phares/lib/extraits.py).
    en_retard, nb_en_retard = premiers_et_total(en_retard, LIMITE)
    en_attente, nb_en_attente = premiers_et_total(en_attente, LIMITE)
    return Panel(
        "gouvernance/_panel_tableau_de_bord.html",
        {
            "prochaine": prochaine,
            "points": _points(prochaine),
            "limite": LIMITE,
            "en_retard": en_retard,
            "nb_en_retard": nb_en_retard,
            "en_attente": en_attente,
            "nb_en_attente": nb_en_attente,
        },
    )


def _points(seance) -> list:
    # One more than shown: enough to say that the agenda goes on. Their titles only.
    if seance is None:
        return []
    return list(selectors.ordre_du_jour(seance).only("seance", "titre")[: LIMITE + 1])


def _associe() -> Panel:
    prochaine = selectors.prochaine_assemblee()
    return Panel(
        "gouvernance/_panel_tableau_de_bord_associe.html",
        {
            "prochaine": prochaine,
            "points": _points(prochaine),
            "limite": LIMITE,
            # What the card shows of each decision: not the corrections the register lists.
            "decisions": list(
                selectors.registre_des_decisions()
                .select_related(None)
                .select_related("seance")
                .prefetch_related(None)
                .only("reference", "titre", "resultat", "seance__titre", "seance__debut")[:LIMITE]
            ),
        },
    )


def qualite_de(structure, le) -> Associe | None:
    """`selectors.qualite_de_structure`, lue une fois pour la fiche d'une structure : son
    badge (« Associée de la SCIC ») et l'encart ci-dessous la demandent tous deux. Gardée
    sur l'objet `structure` de la requête, donc jamais au-delà de celle-ci."""
    memo = structure.__dict__.setdefault("_gouvernance_qualites", {})
    if le not in memo:
        memo[le] = selectors.qualite_de_structure(structure, le=le)
    return memo[le]


def est_associee(structure, le) -> bool:
    associe = qualite_de(structure, le)
    return associe is not None and associe.est_associe_le(le)


def structure_panel(*, structure, user, **_):
    today = timezone.localdate()
    associe = qualite_de(structure, today)
    if associe is None:
        return None
    return Panel(
        "gouvernance/_panel_structure.html",
        {
            "associe": associe,
            "actuel": associe.est_associe_le(today),
            "solde": selectors.solde(associe, le=today),
            # The staff's accounting team reads the structure, not the register.
            "lien": roles.peut_lire(user),
        },
    )
