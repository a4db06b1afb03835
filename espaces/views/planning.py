"""Plannings des salles : toutes les salles pour un jour, une salle pour une semaine."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from phares.lib import dates, liens, temps
from phares.roles import is_gestion, is_staff_member

from .. import selectors
from ..forms._champs import parse_date
from ..selectors import grille as grilles
from ._acces import peut_annuler, peut_reserver, salle_ou_404
from ._rendu_grille import (
    contenu_bloc_libre,
    contenu_bloc_pris,
    contenu_demandes,
    corps,
    entetes,
)


@login_required
def jour(request):
    le = parse_date(request.GET.get("date"), timezone.localdate())
    staff = is_staff_member(request.user)
    # Pending outside requests hold nothing: the staff see them, habitants a free slot.
    lignes = selectors.jour_toutes_salles(le, avec_demandes=staff)
    miennes = _miennes(request.user)
    grille = _preparer(request.user, grilles.grille_jour(lignes, le), miennes)
    reserver = peut_reserver(request.user)
    _preparer_blocs(lignes, voir_tout=staff, miennes=miennes, peut_reserver=reserver)
    _preparer_salles(lignes, le, gestion=is_gestion(request.user))
    return render(
        request,
        "espaces/jour.html",
        {
            "le": le,
            "lignes": lignes,
            "grille": grille,
            "entetes_grille": entetes(grille, mode="jour", peut_reserver=reserver, jour_url=""),
            "corps_grille": corps(grille, peut_reserver=reserver, voir_tout=staff),
            "veille": le - datetime.timedelta(days=1),
            "lendemain": le + datetime.timedelta(days=1),
            "voir_tout": staff,
            "peut_reserver": reserver,
            # Bookings for an outside organisation: gestion only, rooms open to them.
            "gestion": is_gestion(request.user),
        },
    )


@login_required
def semaine(request, slug):
    salle = salle_ou_404(slug)
    lundi = temps.monday_of(parse_date(request.GET.get("semaine"), timezone.localdate()))
    staff = is_staff_member(request.user)
    jours = selectors.semaine(salle, lundi, avec_demandes=staff)
    miennes = _miennes(request.user)
    grille = _preparer(request.user, grilles.grille_semaine(salle, jours), miennes)
    reserver = peut_reserver(request.user)
    _preparer_blocs(
        ((salle, j) for j in jours), voir_tout=staff, miennes=miennes, peut_reserver=reserver
    )
    return render(
        request,
        "espaces/semaine.html",
        {
            "salle": salle,
            "lundi": lundi,
            "jours": jours,
            "grille": grille,
            "entetes_grille": entetes(
                grille, mode="semaine", peut_reserver=reserver, jour_url=liens.fixe("espaces:jour")
            ),
            "corps_grille": corps(grille, peut_reserver=reserver, voir_tout=staff),
            "precedente": lundi - datetime.timedelta(days=7),
            "suivante": lundi + datetime.timedelta(days=7),
            "voir_tout": staff,
            "peut_reserver": reserver,
            "gestion": is_gestion(request.user),
            "salles": selectors.salles(),
        },
    )


def _miennes(user) -> set[int]:
    """Les structures de `user`, qui décident de ce qu'il lit et déplace. La gestion lit et
    déplace tout (voir `_preparer`) : ses propres structures n'y changent rien, on ne les lit
    pas."""
    return set() if is_gestion(user) else selectors.structures_du_membre_ids(user)


def _preparer_blocs(
    salles_et_journees, *, voir_tout: bool, miennes: set[int], peut_reserver: bool
) -> None:
    """Le contenu de chaque bloc des listes, occupé ou libre, et des demandes en attente,
    écrit ici : une journée de toutes les salles en compte une centaine, et le gabarit y
    passait le tiers de la page (une inclusion et cinq filtres de date par temps libre).
    Même règle que la grille : le détail pour l'équipe ou sa structure."""
    # The routes walked once for the whole page (phares/lib/liens.py), not once per block.
    detail = liens.modele("espaces:reservation-detail")
    reserver = liens.modele("espaces:reserver")
    for salle, j in salles_et_journees:
        reserver_url = liens.pour(reserver, salle.slug)
        for b in j.blocs:
            if b.reservation is None:
                b.contenu = contenu_bloc_libre(
                    b, nom=salle.nom, reserver_url=reserver_url, peut_reserver=peut_reserver
                )
            else:
                b.contenu = contenu_bloc_pris(
                    b, liens.pour(detail, b.reservation.pk), voir_tout=voir_tout, miennes=miennes
                )
        if voir_tout:
            j.contenu_demandes = contenu_demandes(j.demandes, detail)


def _preparer_salles(lignes, le: datetime.date, *, gestion: bool) -> None:
    """Les adresses de chaque salle de la vue jour (sa semaine, la réserver, la réserver
    pour une organisation extérieure), une route parcourue pour toutes."""
    semaine = liens.modele("espaces:semaine")
    reserver = liens.modele("espaces:reserver")
    externe = liens.modele("espaces:reserver-externe")
    date = le.isoformat()
    for salle, j in lignes:
        salle.semaine_url = f"{liens.pour(semaine, salle.slug)}?semaine={date}"
        salle.reserver_url = liens.pour(reserver, salle.slug)
        salle.externe_url = (
            f"{liens.pour(externe, salle.slug)}?date={date}"
            if gestion and salle.ouverte_aux_externes
            else ""
        )
        j.prochaine_heure = None
        if (b := j.prochain_libre) is not None:
            debut, fin = temps.paris(b.debut), temps.paris(b.fin_suggeree)
            j.prochaine_heure = {
                "url": f"{salle.reserver_url}?date={debut.date().isoformat()}"
                f"&heure_debut={debut:%H:%M}&heure_fin={fin:%H:%M}&titre=R%C3%A9union",
                "horaire": f"{debut:%H:%M}–{fin:%H:%M}",
            }


def _preparer(user, grille: grilles.Grille, miennes: set[int]) -> grilles.Grille:
    """Ce que la page montre de chaque réservation et ce qu'on peut en faire, décidé ici une
    fois : le détail (l'équipe, ou sa structure ; « occupé » sinon) et le déplacement (les
    réservations confirmées de sa structure, toutes pour la gestion ; le service redit les
    règles). Les adresses d'une colonne sont calculées une fois, pas une par case."""
    staff, gestion = is_staff_member(user), is_gestion(user)
    deplace = peut_annuler(user)
    now = timezone.now()
    detail = liens.modele("espaces:reservation-detail")
    deplacer = liens.modele("espaces:reservation-deplacer")
    reserver = liens.modele("espaces:reserver")
    semaine = liens.modele("espaces:semaine")
    for c in grille.colonnes:
        c.reserver_url = liens.pour(reserver, c.ressource.slug)
        c.semaine_url = liens.pour(semaine, c.ressource.slug)
        # Written once per column rather than by three date filters in its header.
        c.date, c.jour_court = c.jour.isoformat(), dates.date_courte(c.jour, jour=True)
    for ligne in grille.lignes:
        for _, case in ligne.cases:
            if case is None or case.etat != grilles.PRISE:
                continue
            r = case.reservation
            a_nous = r.structure_id in miennes
            case.lisible = staff or a_nous
            case.detail_url = liens.pour(detail, r.pk) if case.lisible else ""
            if deplace and (gestion or a_nous) and r.debut > now:
                case.deplacer_url = liens.pour(deplacer, r.pk)
    return grille
