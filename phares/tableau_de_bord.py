"""Le tableau de bord : à chacun·e, « qu'est-ce qui m'attend aujourd'hui ? ».

Une carte par question, selon les rôles de la personne (elle peut en avoir plusieurs) :

- gestion : demandes de salle à décider (sur place), salles réservées aujourd'hui, factures
  en retard, conventions qui se terminent, bureaux et postes libres, chiffres annuels pas
  encore déclarés ;
- comptabilité : facturation du mois, factures en retard et sommes dues, paiements à
  rapprocher (remises de prélèvement à encaisser, factures partiellement payées) ;
- habitant : nos prochaines réservations, nos heures de salle du mois, nos factures à
  régler (référent·es seulement), nos projets en cours et leur prochaine étape ;
- cogérant·e, associé·e, et les subventions pour l'équipe : les encarts que les apps
  inscrivent au registre (phares/lib/panels.py, « tableau_de_bord »).

Chaque liste est coupée à LIMITE éléments et comptée dans la même requête : le nombre de
requêtes dépend des rôles, jamais de la quantité de données
(tests/phares/test_tableaux_de_bord.py le mesure). Coquille du projet : ce module lit les
apps par leurs sélecteurs seulement.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from espaces import selectors as espaces_selectors
from espaces.facturation import selectors as facturation_selectors
from gouvernance import roles as gouvernance_roles
from habitants import selectors as habitants_selectors
from habitants.projets import selectors as projets_selectors
from phares import context_processors as navigation
from phares import roles
from phares.lib import panels
from phares.lib.comptes import compter
from phares.lib.extraits import premiers_et_total

# A card lists this many items at most, then links to the whole (filtered) list.
LIMITE = 5


@dataclass(frozen=True)
class Extrait:
    """Les premiers éléments d'une liste, et combien elle en compte en tout."""

    elements: list
    total: int

    @property
    def autres(self) -> int:
        return self.total - len(self.elements)


def extrait(qs, limite: int = LIMITE) -> Extrait:
    # Slice and total in one query, whatever the data (phares/lib/extraits.py).
    return Extrait(*premiers_et_total(qs, limite))


def contexte(user) -> dict:
    aujourd_hui = timezone.localdate()
    maintenant = timezone.now()
    gestion = roles.is_gestion(user)
    staff = roles.is_staff_member(user)
    # The same list as the navigation's (nav.mes_structures): read once per request.
    structures = navigation.mes_structures(user)
    context = {
        "aujourd_hui": aujourd_hui,
        "is_staff_member": staff,
        "is_gestion": gestion,
        # Comptabilité reads bookings; only gestion and members of a present structure book
        # (espaces_selectors.structures_reservantes, told from the structures already read).
        "peut_reserver": gestion or any(s.est_presente(aujourd_hui) for s in structures),
        "is_cogerant": gouvernance_roles.is_cogerant(user),
        "is_associe": gouvernance_roles.is_associe(user),
        # What other apps add: governance (meetings, actions, decisions), grants ending.
        "panels": panels.collect("tableau_de_bord", user=user),
    }
    if staff:
        # The team sees every invoice, drafts included (the selectors keep to issued ones).
        factures = facturation_selectors.factures_visibles(user)
        context.update(_comptes(aujourd_hui, gestion=gestion))
        context["impayes"] = _impayes(factures, aujourd_hui)
        if gestion:
            context.update(_gestion(aujourd_hui))
        if roles.is_comptable(user):
            context.update(_comptabilite(factures, aujourd_hui))
    if structures:
        context.update(_habitant(user, structures, aujourd_hui, maintenant))
    return context


# --- L'équipe --------------------------------------------------------------------------------


def _comptes(aujourd_hui: datetime.date, *, gestion: bool) -> dict:
    """Les chiffres des cartes de l'équipe, comptés en une requête (phares/lib/comptes.py) :
    structures présentes, invitations en attente et, pour la gestion, les déclarations de
    l'année passée à valider et validées."""
    a_compter = {
        "presentes": habitants_selectors.structures_presentes(le=aujourd_hui),
        "invitations": habitants_selectors.invitations_en_attente(),
    }
    if gestion:
        a_compter.update(habitants_selectors.declarations(annee=aujourd_hui.year - 1))
    n = compter(**a_compter)
    context = {"nb_presentes": n["presentes"], "nb_invitations": n["invitations"]}
    if gestion:
        context["chiffres"] = {"declares": n["declares"], "valides": n["valides"]}
    return context


def _gestion(aujourd_hui: datetime.date) -> dict:
    demandes = extrait(
        espaces_selectors.demandes_a_decider().only(
            "titre",
            "nb_personnes",
            "statut",
            "expire_le",
            "debut",
            "fin",
            "ressource__nom",
            "externe__nom",
        )
    )
    libres = espaces_selectors.bureaux_et_postes_libres(le=aujourd_hui)
    journee = espaces_selectors.journee_des_salles(aujourd_hui, maintenant=timezone.now())
    # The figures of last year are the ones being declared (and the report's next edition).
    annee = aujourd_hui.year - 1
    return {
        "demandes": demandes,
        "nb_demandes": demandes.total,
        "salles_du_jour": journee.salles,
        "reservations_du_jour": Extrait(journee.pas_finies[:LIMITE], len(journee.pas_finies)),
        # The cards read the columns they show (names, links), not the whole rows.
        "conventions_fin": extrait(
            espaces_selectors.conventions_se_terminant(le=aujourd_hui).only(
                "fin", "poste", "espace__nom", "espace__slug", "structure__nom"
            )
        ),
        "fin_conventions": aujourd_hui + datetime.timedelta(days=90),
        "bureaux_libres": Extrait(libres.bureaux[:LIMITE], len(libres.bureaux)),
        "postes_libres": libres.postes_libres,
        "nb_cotravail": libres.nb_cotravail,
        "annee_chiffres": annee,
        "sans_chiffres": extrait(
            habitants_selectors.structures_sans_chiffres(annee=annee)
            .select_related(None)
            .only("nom", "slug")
        ),
    }


def _impayes(factures, aujourd_hui: datetime.date) -> dict:
    """Les totaux de ce qui reste dû sur `factures`, et les plus anciennes en retard."""
    # The oldest overdue and the totals of all that is due, in one query.
    en_retard, totaux = facturation_selectors.premieres_dues_et_totaux(
        factures, aujourd_hui, LIMITE, en_retard=True
    )
    for f in en_retard:
        f.reste_du = facturation_selectors.reste(f)
        f.jours = facturation_selectors.jours_de_retard(f, aujourd_hui)
    return {"totaux": totaux, "en_retard": en_retard}


def _comptabilite(factures, aujourd_hui: datetime.date) -> dict:
    partielles = extrait(
        facturation_selectors.partiellement_payees(factures).order_by("date_echeance", "rang", "pk")
    )
    for f in partielles.elements:
        f.reste_du = facturation_selectors.reste(f)
    return {
        "facturation_du_mois": facturation_selectors.avancement_du_mois(aujourd_hui.replace(day=1)),
        "remises": extrait(facturation_selectors.remises_a_encaisser()),
        "partielles": partielles,
    }


# --- Les habitants ---------------------------------------------------------------------------


def _habitant(user, structures, aujourd_hui: datetime.date, maintenant) -> dict:
    """Ce qui regarde les structures de `user`, et elles seules."""
    ids = [s.pk for s in structures]
    presentes = [s for s in structures if s.est_presente(aujourd_hui)]
    forfaits = espaces_selectors.forfaits_du_mois(presentes, aujourd_hui) if presentes else {}
    context = {
        "mes_structures": structures,
        # The cards read the columns they show (what, when, where, for whom), not the rows.
        "mes_reservations": extrait(
            espaces_selectors.prochaines_reservations(ids, now=maintenant).only(
                "debut", "fin", "titre", "ressource__nom", "structure__nom"
            )
        ),
        "mes_forfaits": [(s, forfaits[s.pk]) for s in presentes],
        "mes_projets": extrait(
            projets_selectors.projets_en_cours_des_structures(ids, le=aujourd_hui).only(
                "nom", "slug"
            )
        ),
        # One structure: the "see all" links filter on it.
        "ma_structure": structures[0] if len(structures) == 1 else None,
    }
    # Billing is the référents' business (a plain member sees no invoice); a référent may
    # also start a project (habitants.projets.roles).
    context["peut_creer_projet"] = referent = navigation.est_referent(user)
    if referent:
        factures = facturation_selectors.factures_visibles(user)
        dues, totaux = facturation_selectors.premieres_dues_et_totaux(factures, aujourd_hui, LIMITE)
        for f in dues:
            f.reste_du = facturation_selectors.reste(f)
            f.etat = facturation_selectors.etat(f, aujourd_hui)
        context["mes_factures"] = {"totaux": totaux, "dues": dues}
    return context
