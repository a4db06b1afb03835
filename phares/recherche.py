"""La recherche de l'équipe (gestion, comptabilité) : une case dans la barre de navigation et
la page /recherche/?q=.

Chaque app lit ses objets dans ses sélecteurs (une requête par sorte d'objet : les premiers et
leur nombre, accents et casse ignorés, `phares.lib.recherche`) ; cette page de la coquille
les met en lignes (libellé, précision, lien) rangées par sorte. Un numéro exact (facture,
décision, réservation) qui ne trouve que son objet y mène tout droit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse

from espaces import selectors as espaces_selectors
from espaces.facturation import selectors as facturation_selectors
from gouvernance import roles as gouvernance_roles
from gouvernance import selectors as gouvernance_selectors
from habitants import selectors as habitants_selectors
from phares.lib import dates, temps
from phares.lib.money import format_euros
from phares.roles import staff_required

# Results shown per kind; the count says how many there are in all.
LIMITE = 8


@dataclass(frozen=True)
class Ligne:
    libelle: str
    precision: str
    url: str
    exact: bool = False  # the query is this object's number


@dataclass(frozen=True)
class Groupe:
    cle: str
    titre: str
    lignes: list[Ligne]
    total: int

    @property
    def autres(self) -> int:
        return self.total - len(self.lignes)


class RechercheForm(forms.Form):
    q = forms.CharField(label="Rechercher", max_length=100, required=False)


def _precision(*morceaux) -> str:
    return " · ".join(str(m) for m in morceaux if m)


def _structures(q, user) -> Groupe:
    t = habitants_selectors.rechercher_structures(q, limite=LIMITE)
    lignes = [
        Ligne(
            s.nom,
            _precision(
                s.sigle_developpe,
                s.domaine.nom if s.domaine else "",
                f"SIREN {s.siren}" if s.siren else "",
                "archivée" if s.archivee else "",
            ),
            reverse("habitants:structure-detail", args=[s.slug]),
        )
        for s in t.objets
    ]
    return Groupe("structures", "Structures", lignes, t.total)


def _personnes(q, user) -> Groupe:
    t = habitants_selectors.rechercher_personnes(q, limite=LIMITE)
    lignes = []
    for m in t.objets:
        role = f"{m.get_role_display()} de {m.structure.nom}"
        if m.fin is not None:
            role += f" jusqu'au {dates.date_courte(m.fin)}"
        lignes.append(
            Ligne(
                m.user.display_name,
                _precision(role, m.user.email),
                reverse("habitants:structure-detail", args=[m.structure.slug]),
            )
        )
    return Groupe("personnes", "Personnes", lignes, t.total)


def _espaces(q, user) -> Groupe:
    t = espaces_selectors.rechercher_espaces(q, limite=LIMITE)
    lignes = [
        Ligne(
            e.nom,
            _precision(e.get_type_display(), e.etage.nom, "archivé" if e.archive else ""),
            reverse("espaces:espace-detail", args=[e.slug]),
        )
        for e in t.objets
    ]
    return Groupe("espaces", "Espaces", lignes, t.total)


def _reservations(q, user) -> Groupe:
    t = espaces_selectors.rechercher_reservations(q, user=user, limite=LIMITE)
    numero = espaces_selectors.numero_de_reservation(q)
    lignes = [
        Ligne(
            r.titre,
            _precision(
                f"n° {r.pk}",
                r.ressource.nom,
                f"{temps.creneau_lisible(r.debut, r.fin)}",
                r.structure.nom if r.structure_id else f"{r.externe.nom} (extérieur)",
                r.statut_effectif().label,
            ),
            reverse("espaces:reservation-detail", args=[r.pk]),
            exact=r.pk == numero,
        )
        for r in t.objets
    ]
    return Groupe("reservations", "Réservations", lignes, t.total)


def _factures(q, user) -> Groupe:
    t = facturation_selectors.rechercher(q, user=user, limite=LIMITE)
    numero = facturation_selectors.numero_normalise(q) or q.strip().upper()
    lignes = []
    for f in t.objets:
        client = f.structure.nom if f.structure_id else f.client_externe.nom
        lignes.append(
            Ligne(
                f.numero or f"Brouillon de {dates.mois_annee(f.mois)}",
                _precision(f.get_type_display(), client, format_euros(f.total_ttc) + " TTC"),
                reverse("facturation:detail", args=[f.pk]),
                exact=f.numero is not None and f.numero == numero,
            )
        )
    return Groupe("factures", "Factures et avoirs", lignes, t.total)


def _decisions(q, user) -> Groupe:
    t = gouvernance_selectors.rechercher_decisions(q, limite=LIMITE)
    lignes = [
        Ligne(
            f"{d.reference} — {d.titre}",
            _precision(d.seance.titre, d.get_resultat_display()),
            reverse("gouvernance:decision-detail", args=[d.reference]),
            exact=d.reference.lower() == q.strip().lower(),
        )
        for d in t.objets
    ]
    return Groupe("decisions", "Décisions", lignes, t.total)


def _groupes(q: str, user) -> list[Groupe]:
    sortes = [_structures, _personnes, _espaces, _reservations, _factures]
    # Meetings and decisions are read by gestion, cogérant·es and associates, not accounting.
    if gouvernance_roles.peut_lire(user):
        sortes.append(_decisions)
    return [sorte(q, user) for sorte in sortes]


def _seule_exacte(groupes: list[Groupe]) -> Ligne | None:
    """La ligne à ouvrir tout droit : un numéro exact, seul résultat de la recherche."""
    lignes = [ligne for g in groupes for ligne in g.lignes]
    if sum(g.total for g in groupes) == 1 and lignes[0].exact:
        return lignes[0]
    return None


@staff_required
def recherche(request):
    form = RechercheForm(request.GET)
    valide = form.is_valid()
    q = " ".join(form.cleaned_data["q"].split()) if valide else ""
    groupes = _groupes(q, request.user) if q else []
    if (seule := _seule_exacte(groupes)) is not None:
        return redirect(seule.url)
    return render(
        request,
        "phares/recherche.html",
        {
            "form": form,
            "q": q,
            "groupes": [g for g in groupes if g.total],
            "total": sum(g.total for g in groupes),
            "avec_decisions": gouvernance_roles.peut_lire(request.user),
        },
        status=200 if valide else 400,
    )
