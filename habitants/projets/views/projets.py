"""Projets collectifs et leur journal : la liste (filtrable), la page d'un projet, sa
création et sa modification, ses participants et ses étapes datées.

Toute personne connectée lit les projets (c'est la vie commune du lieu) ; qui peut créer
ou modifier est dit par `roles` (la gestion, les référent·es concerné·es)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from phares.lib.pagination import paginate
from phares.roles import role_required

from .. import roles, selectors
from ..filters import ProjetFilter
from ..forms.projets import JalonForm, ParticipationForm, ProjetForm, RoleForm
from ..models import Jalon, Participation, Projet
from ..services import ProjetsError
from ..services import projets as services


def projet_ou_404(slug: str) -> Projet:
    return get_object_or_404(Projet.objects.select_related("axe"), slug=slug)


def projet_modifiable(request, slug: str) -> Projet:
    """Le projet `slug` (404 s'il n'existe pas), si la personne peut le modifier (403
    sinon)."""
    projet = projet_ou_404(slug)
    if not roles.peut_modifier_projet(request.user, projet):
        raise PermissionDenied
    return projet


def _vers_projet(projet: Projet, ancre: str = ""):
    url = reverse("projets:projet-detail", args=[projet.slug])
    return redirect(f"{url}#{ancre}" if ancre else url)


@login_required
def projet_liste(request):
    f = ProjetFilter(request.GET, queryset=selectors.projets())
    page, query = paginate(request, f.qs.order_by("-debut", "nom", "pk"), per_page=25)
    return render(
        request,
        "projets/projet_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "peut_creer": roles.peut_creer_projet(request.user),
        },
    )


@role_required(roles.peut_creer_projet)
def projet_nouveau(request):
    form = ProjetForm(
        request.POST or None,
        user=request.user,
        creation=True,
        initial={"debut": timezone.localdate(), "statut": Projet.Statut.EN_COURS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            projet = services.creer_projet(
                projet=form.save(commit=False),
                porteurs=form.cleaned_data["porteurs"],
                structures_partenaires=form.cleaned_data["structures_partenaires"],
                partenaires=form.cleaned_data.get("partenaires") or (),
                par=request.acteur,
            )
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Le projet « {projet.nom} » est créé.")
            return _vers_projet(projet)
    return render(request, "projets/projet_form.html", {"form": form, "projet": None})


@login_required
def projet_detail(request, slug):
    projet = projet_ou_404(slug)
    return render(
        request,
        "projets/projet_detail.html",
        {
            "projet": projet,
            "participations": list(projet.participations.select_related("structure")),
            "partenaires": list(projet.partenaires.order_by("nom")),
            "jalons": list(projet.jalons.select_related("cree_par")),
            "subventions": list(projet.subventions.select_related("financeur")),
            "engagements": list(projet.engagements.select_related("structure")),
            "evenements": list(projet.evenements.order_by("date", "pk")),
            "photos": list(selectors.photos_visibles(request.user).filter(projet=projet)),
            "peut_modifier": roles.peut_modifier_projet(request.user, projet),
        },
    )


@login_required
def projet_modifier(request, slug):
    projet = projet_modifiable(request, slug)
    form = ProjetForm(request.POST or None, instance=projet, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_projet(
                projet=form.save(commit=False),
                partenaires=form.cleaned_data.get("partenaires")
                if "partenaires" in form.fields
                else None,
                par=request.acteur,
            )
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Le projet « {projet.nom} » est enregistré.")
            return _vers_projet(projet)
    return render(request, "projets/projet_form.html", {"form": form, "projet": projet})


@login_required
def projet_participants(request, slug):
    """Les structures du projet : changer un rôle, retirer, ajouter (POST ici)."""
    projet = projet_modifiable(request, slug)
    form = ParticipationForm(request.POST or None, projet=projet)
    if request.method == "POST" and form.is_valid():
        structure = form.cleaned_data["structure"]
        try:
            services.ajouter_participant(
                projet=projet,
                structure=structure,
                role=form.cleaned_data["role"],
                par=request.acteur,
            )
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{structure.nom} participe au projet.")
            return redirect("projets:projet-participants", projet.slug)
    return render(
        request,
        "projets/projet_participants.html",
        {
            "projet": projet,
            "form": form,
            "participations": [
                (p, RoleForm(initial={"role": p.role}, prefix=f"p{p.pk}"))
                for p in projet.participations.select_related("structure")
            ],
        },
    )


def _participation(request, slug, pk) -> tuple[Projet, Participation]:
    projet = projet_modifiable(request, slug)
    participation = get_object_or_404(
        Participation.objects.select_related("structure"), pk=pk, projet=projet
    )
    return projet, participation


@login_required
@require_POST
def participation_role(request, slug, pk):
    projet, participation = _participation(request, slug, pk)
    form = RoleForm(request.POST, prefix=f"p{participation.pk}")
    if not form.is_valid():
        messages.error(request, "Choisissez le rôle de la structure : porteuse ou partenaire.")
    else:
        try:
            services.changer_role(
                participation=participation, role=form.cleaned_data["role"], par=request.acteur
            )
        except ProjetsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Rôle de {participation.structure.nom} enregistré.")
    return redirect("projets:projet-participants", projet.slug)


@login_required
@require_http_methods(["GET", "POST"])
def participation_retirer(request, slug, pk):
    projet, participation = _participation(request, slug, pk)
    retour = reverse("projets:projet-participants", args=[projet.slug])
    if request.method == "GET":
        return render(
            request,
            "includes/confirmer.html",
            {
                "titre": f"Retirer {participation.structure.nom} du projet",
                "question": f"Retirer « {participation.structure.nom} » du projet "
                f"« {projet.nom} » ?",
                "consequences": [
                    "Le projet n'apparaît plus sur la fiche de la structure.",
                    "Vous pourrez l'ajouter de nouveau.",
                ],
                "bouton": "Retirer la structure",
                "retour": retour,
            },
        )
    try:
        services.retirer_participant(participation=participation, par=request.acteur)
    except ProjetsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{participation.structure.nom} ne participe plus au projet.")
    if not roles.peut_modifier_projet(request.user, projet):
        # The référent just removed their own structure: the project page is still open.
        return _vers_projet(projet)
    return redirect(retour)


def _jalon_form(request, projet: Projet, jalon: Jalon | None):
    form = JalonForm(
        request.POST or None,
        instance=jalon,
        initial=None if jalon else {"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        nouveau = form.save(commit=False)
        nouveau.projet = projet
        try:
            services.enregistrer_jalon(jalon=nouveau, par=request.acteur)
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Étape « {nouveau.titre} » enregistrée.")
            return _vers_projet(projet, "journal")
    return render(
        request, "projets/projet_jalon_form.html", {"form": form, "projet": projet, "jalon": jalon}
    )


@login_required
def jalon_nouveau(request, slug):
    return _jalon_form(request, projet_modifiable(request, slug), None)


def _jalon(request, slug, pk) -> tuple[Projet, Jalon]:
    projet = projet_modifiable(request, slug)
    return projet, get_object_or_404(Jalon, pk=pk, projet=projet)


@login_required
def jalon_modifier(request, slug, pk):
    projet, jalon = _jalon(request, slug, pk)
    return _jalon_form(request, projet, jalon)


@login_required
@require_http_methods(["GET", "POST"])
def jalon_supprimer(request, slug, pk):
    projet, jalon = _jalon(request, slug, pk)
    if request.method == "GET":
        return render(
            request,
            "includes/confirmer.html",
            {
                "titre": "Retirer une étape du journal",
                "question": f"Retirer l'étape « {jalon.titre} » du {jalon.date:%d/%m/%Y} du "
                f"journal du projet « {projet.nom} » ?",
                "consequences": [
                    "Elle ne paraîtra plus sur la page du projet ni dans le rapport annuel.",
                    "Le journal des opérations garde la trace de son contenu.",
                ],
                "bouton": "Retirer l'étape",
                "retour": reverse("projets:projet-detail", args=[projet.slug]) + "#journal",
            },
        )
    try:
        services.supprimer_jalon(jalon=jalon, par=request.acteur)
    except ProjetsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Étape « {jalon.titre} » retirée.")
    return _vers_projet(projet, "journal")
