from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from phares.lib import journal, panels
from phares.lib.pagination import paginate
from phares.roles import gestion_required, is_gestion, staff_required

from . import selectors, services
from .filters import AnnuaireFilter, StructureFilter
from .forms import (
    AccepterInvitationForm,
    ChiffresForm,
    DomaineForm,
    InvitationForm,
    ProfilPublicForm,
    StructureForm,
)
from .models import ANNEE_MIN, ChiffresAnnuels, Domaine, Invitation, Membre, Structure

# --- Scoped lookups: the only places views turn a URL into an object. ---------


def _staff_structure(slug: str) -> Structure:
    return get_object_or_404(Structure.objects.select_related("domaine"), slug=slug)


def _annee_or_404(structure: Structure, annee: int) -> int:
    if annee not in selectors.annees_declarables(structure):
        raise Http404("Année hors de la période de déclaration.")
    return annee


def _member_of_structure(structure: Structure, pk: int) -> Membre:
    return get_object_or_404(
        Membre.objects.actifs().select_related("user"), pk=pk, structure=structure
    )


def _pending_invitation(structure: Structure, pk: int) -> Invitation:
    return get_object_or_404(Invitation.objects.en_attente(), pk=pk, structure=structure)


def _invite_url_builder(request):
    return lambda token: request.build_absolute_uri(
        reverse("habitants:invitation-accepter", args=[token])
    )


# --- Annuaire (toute personne connectée) ------------------------------------------


def _qualites_du_jour() -> list[dict]:
    """Les qualités que d'autres apps donnent aux structures aujourd'hui (associée de la
    SCIC…), avec les structures qui les ont : les pages les marquent."""
    today = timezone.localdate()
    return [{"libelle": q.libelle, "ids": q.structures(today)} for q in panels.qualites()]


# A page of cards: three columns of eight rows on a wide screen.
ANNUAIRE_PAR_PAGE = 48


@login_required
def annuaire(request):
    f = AnnuaireFilter(request.GET, queryset=selectors.annuaire())
    structures = selectors.pour_les_cartes(selectors.dans_l_ordre_de_l_annuaire(f.qs))
    page, query = paginate(request, structures, per_page=ANNUAIRE_PAR_PAGE)
    return render(
        request,
        "habitants/annuaire.html",
        {
            "filter": f,
            # The page's structures by domain; a domain cut by the page break goes on on
            # the next page under its heading again.
            "groupes": selectors.par_domaine(page.object_list),
            "page": page,
            "query": query,
            "qualites": _qualites_du_jour(),
        },
    )


@login_required
def annuaire_detail(request, slug):
    structure = get_object_or_404(selectors.annuaire(), slug=slug)
    return render(
        request,
        "habitants/annuaire_detail.html",
        {"structure": structure, "qualites": _qualites_du_jour()},
    )


# --- Gestion des structures (équipe) ---------------------------------------------


@staff_required
def structure_liste(request):
    f = StructureFilter(request.GET, queryset=selectors.structures_de_la_liste())
    page, query = paginate(request, f.qs.order_by("nom", "pk"))
    qualites = _qualites_du_jour()
    return render(
        request,
        "habitants/structure_liste.html",
        {
            "filter": f,
            "page": page,
            "qualites": qualites,
            "query": query,
            "peut_modifier": is_gestion(request.user),
        },
    )


@gestion_required
def structure_nouvelle(request):
    form = StructureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            structure = services.enregistrer_structure(
                structure=form.save(commit=False), par=request.acteur
            )
        except services.HabitantsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"La structure « {structure.nom} » est créée.")
            return redirect("habitants:structure-detail", structure.slug)
    return render(request, "habitants/structure_form.html", {"form": form, "structure": None})


@staff_required
def structure_detail(request, slug):
    structure = _staff_structure(slug)
    membres, anciens = selectors.membres_et_anciens(structure)
    return render(
        request,
        "habitants/structure_detail.html",
        {
            "structure": structure,
            "membres": membres,
            "anciens": anciens,
            "invitations": selectors.invitations_en_attente(structure),
            "chiffres": selectors.chiffres_de(structure),
            "qualites": [
                q.libelle for q in panels.qualites() if q.tenue_par(structure, timezone.localdate())
            ],
            "panels": panels.collect("structure", structure=structure, user=request.user),
            "peut_modifier": is_gestion(request.user),
            "annees": selectors.annees_declarables(structure),
            # The journal is read by gestion only.
            "historique": journal.de_structure(structure.pk) if is_gestion(request.user) else None,
        },
    )


@gestion_required
def structure_modifier(request, slug):
    structure = _staff_structure(slug)
    form = StructureForm(request.POST or None, request.FILES or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_structure(structure=form.save(commit=False), par=request.acteur)
        except services.HabitantsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Les modifications sont enregistrées.")
            return redirect("habitants:structure-detail", structure.slug)
    return render(request, "habitants/structure_form.html", {"form": form, "structure": structure})


@gestion_required
@require_http_methods(["GET", "POST"])
def structure_archiver(request, slug):
    structure = _staff_structure(slug)
    retour = reverse("habitants:structure-detail", args=[structure.slug])
    if request.method == "GET" and structure.archivee:
        messages.info(request, "Cette structure est déjà archivée.")
        return redirect(retour)
    if request.method == "GET":
        n = selectors.invitations_en_attente(structure).count()
        return render(
            request,
            "includes/confirmer.html",
            {
                "titre": f"Archiver {structure.nom}",
                "question": f"Archiver « {structure.nom} » ? La structure disparaît des listes.",
                "consequences": [
                    "Ses membres perdent l'accès à « Mon espace » et à ses réservations.",
                    *([f"{n} invitation(s) en attente seront annulées."] if n else []),
                    "Son historique (présence, chiffres, réservations) est conservé ; "
                    "vous pourrez la restaurer.",
                ],
                "bouton": "Archiver la structure",
                "retour": retour,
            },
        )
    try:
        structure = services.archiver_structure(structure=structure, par=request.acteur)
    except services.HabitantsError as exc:
        messages.error(request, str(exc))
    else:
        offre = services.proposer_restauration(structure=structure, par=request.acteur)
        messages.success(
            request,
            f"« {structure.nom} » est archivée : son historique est conservé. {offre.phrase}",
            extra_tags=offre.tags,
        )
    return redirect("habitants:structure-detail", structure.slug)


@gestion_required
@require_POST
def structure_restaurer(request, slug):
    structure = _staff_structure(slug)
    try:
        services.restaurer_structure(structure=structure, par=request.acteur)
    except services.HabitantsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"« {structure.nom} » est de nouveau active.")
    return redirect("habitants:structure-detail", structure.slug)


def _inviter(request, structure, *, retour):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            envoi = services.inviter(
                structure=structure,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                par=request.acteur,
                build_url=_invite_url_builder(request),
            )
        except services.HabitantsError as exc:
            form.add_error("email", str(exc))
        else:
            _annoncer_envoi(request, envoi.invitation)
            return redirect(retour)
    return render(
        request,
        "habitants/inviter.html",
        {
            "form": form,
            "structure": structure,
            "retour": retour,
            "validite": settings.INVITATION_VALIDITY_DAYS,
        },
    )


@gestion_required
def structure_inviter(request, slug):
    structure = _staff_structure(slug)
    retour = reverse("habitants:structure-detail", args=[structure.slug])
    return _inviter(request, structure, retour=retour)


def _retirer(request, structure, pk, retour):
    membre = _member_of_structure(structure, pk)
    if request.method == "GET":
        lui_meme = membre.user_id == request.user.pk
        return render(
            request,
            "includes/confirmer.html",
            {
                "titre": f"Retirer {membre.user.display_name}",
                "question": (
                    f"Vous retirer de {structure.nom} ?"
                    if lui_meme
                    else f"Retirer {membre.user.display_name} de {structure.nom} ?"
                ),
                "consequences": [
                    "L'accès à « Mon espace » et aux réservations de la structure cesse "
                    "tout de suite.",
                    "Le compte de la personne reste ; on peut l'inviter de nouveau.",
                ],
                "bouton": "Me retirer" if lui_meme else "Retirer de la structure",
                "retour": retour,
            },
        )
    try:
        retrait = services.retirer_membre(membre=membre, par=request.acteur)
    except services.HabitantsError as exc:
        messages.error(request, str(exc))
    else:
        offre = services.proposer_reintegration(retrait=retrait, par=request.acteur)
        messages.success(
            request,
            f"{membre.user} ne fait plus partie de {structure.nom}. {offre.phrase}",
            extra_tags=offre.tags,
        )
        if membre.user_id == request.user.pk and not is_gestion(request.user):
            return redirect("home")  # "Mon espace" of that structure is no longer theirs
    return redirect(retour)


def _renvoyer_invitation(request, structure, pk, retour):
    """Un nouveau lien à la même adresse (il remplace le précédent), par exemple quand
    l'e-mail n'est pas parti."""
    invitation = _pending_invitation(structure, pk)
    try:
        envoi = services.inviter(
            structure=structure,
            email=invitation.email,
            role=invitation.role,
            par=request.acteur,
            build_url=_invite_url_builder(request),
        )
    except services.HabitantsError as exc:
        messages.error(request, str(exc))
    else:
        _annoncer_envoi(request, envoi.invitation)
    return redirect(retour)


def _annoncer_envoi(request, invitation):
    # The e-mail left after the commit, before this line: its outcome is known.
    invitation.refresh_from_db(fields=["envoi_echoue_le"])
    if invitation.envoi_echoue_le:
        messages.error(
            request,
            f"L'invitation est enregistrée mais l'e-mail n'a pas pu partir à {invitation.email} "
            ": vérifiez l'adresse, puis « Renvoyer » (ou annulez-la).",
        )
    else:
        messages.success(request, f"Invitation envoyée à {invitation.email}.")


def _annuler_invitation(request, structure, pk, retour):
    invitation = _pending_invitation(structure, pk)
    try:
        services.annuler_invitation(invitation=invitation, par=request.acteur)
    except services.HabitantsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"L'invitation de {invitation.email} est annulée.")
    return redirect(retour)


@gestion_required
@require_http_methods(["GET", "POST"])
def structure_membre_retirer(request, slug, pk):
    structure = _staff_structure(slug)
    return _retirer(request, structure, pk, reverse("habitants:structure-detail", args=[slug]))


@gestion_required
@require_POST
def structure_invitation_renvoyer(request, slug, pk):
    structure = _staff_structure(slug)
    return _renvoyer_invitation(
        request, structure, pk, reverse("habitants:structure-detail", args=[slug])
    )


@gestion_required
@require_POST
def structure_invitation_annuler(request, slug, pk):
    structure = _staff_structure(slug)
    return _annuler_invitation(
        request, structure, pk, reverse("habitants:structure-detail", args=[slug])
    )


@gestion_required
def structure_chiffres(request, slug, annee):
    structure = _staff_structure(slug)
    annee = _annee_or_404(structure, annee)
    instance = selectors.chiffres_de(structure).filter(annee=annee).first()
    form = ChiffresForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.valider_chiffres(
            structure=structure,
            annee=annee,
            valeurs=form.cleaned_data,
            par=request.acteur,
            commentaire=form.cleaned_data.get("commentaire", ""),
        )
        messages.success(request, f"Chiffres {annee} de {structure.nom} validés.")
        return redirect("habitants:structure-detail", structure.slug)
    return render(
        request,
        "habitants/chiffres_form.html",
        {"form": form, "structure": structure, "annee": annee, "instance": instance, "staff": True},
    )


@gestion_required
def chiffres_liste(request):
    this_year = timezone.localdate().year
    first = max(selectors.premiere_annee() or this_year, ANNEE_MIN)
    annees = range(this_year, first - 1, -1)
    try:
        annee = int(request.GET.get("annee") or this_year - 1)
    except ValueError:
        annee = this_year - 1
    if annee not in annees:
        annee = annees[min(1, len(annees) - 1)]
    chiffres = ChiffresAnnuels.objects.filter(annee=annee)
    structures = (
        selectors.structures_presentes_pendant(annee=annee)
        .prefetch_related(Prefetch("chiffres", queryset=chiffres, to_attr="chiffres_annee"))
        .order_by("nom")
    )
    return render(
        request,
        "habitants/chiffres_liste.html",
        {
            "annee": annee,
            "annees": annees,
            "structures": structures,
            "totaux": selectors.totaux_annuels(annee=annee),
        },
    )


@gestion_required
def domaine_liste(request):
    form = DomaineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_domaine(domaine=form.save(commit=False), par=request.acteur)
        except services.HabitantsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Domaine « {form.instance.nom} » ajouté.")
            return redirect("habitants:domaine-liste")
    domaines = Domaine.objects.all()
    return render(request, "habitants/domaine_liste.html", {"domaines": domaines, "form": form})


@gestion_required
def domaine_modifier(request, pk):
    domaine = get_object_or_404(Domaine, pk=pk)
    form = DomaineForm(request.POST or None, instance=domaine)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_domaine(domaine=form.save(commit=False), par=request.acteur)
        except services.HabitantsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Domaine modifié.")
            return redirect("habitants:domaine-liste")
    return render(request, "habitants/domaine_form.html", {"form": form, "domaine": domaine})


# --- Mon espace (membres d'une structure) ----------------------------------------


@login_required
def mon_espace_index(request):
    structures = list(selectors.structures_of_member(request.user))
    if len(structures) == 1:
        return redirect("habitants:mon-espace", structures[0].slug)
    return render(request, "habitants/mon_espace_index.html", {"structures": structures})


def _referent_only(membre: Membre) -> None:
    if not membre.est_referent:
        raise PermissionDenied("Réservé aux référents de la structure.")


@login_required
def mon_espace(request, slug):
    structure, membre = selectors.get_structure_for_member(request.user, slug)
    invitations = selectors.invitations_en_attente(structure) if membre.est_referent else []
    return render(
        request,
        "habitants/mon_espace.html",
        {
            "structure": structure,
            "moi": membre,
            "panels": panels.collect("mon_espace", structure=structure, user=request.user),
            "membres": selectors.membres_actifs(structure),
            "invitations": invitations,
            "chiffres": selectors.chiffres_de(structure),
            "annees": selectors.annees_declarables(structure),
        },
    )


@login_required
def mon_espace_profil(request, slug):
    structure, _ = selectors.get_structure_for_member(request.user, slug)
    form = ProfilPublicForm(request.POST or None, request.FILES or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_profil(structure=form.save(commit=False), par=request.acteur)
        except services.HabitantsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Le profil de la structure est enregistré.")
            return redirect("habitants:mon-espace", structure.slug)
    return render(request, "habitants/profil_form.html", {"form": form, "structure": structure})


@login_required
def mon_espace_chiffres(request, slug, annee):
    structure, _ = selectors.get_structure_for_member(request.user, slug)
    annee = _annee_or_404(structure, annee)
    instance = selectors.chiffres_de(structure).filter(annee=annee).first()
    form = ChiffresForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.declarer_chiffres(
                structure=structure,
                annee=annee,
                valeurs=form.cleaned_data,
                par=request.acteur,
                commentaire=form.cleaned_data.get("commentaire", ""),
            )
        except services.HabitantsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Chiffres {annee} déclarés. L'équipe du PHARES va les valider."
            )
            return redirect("habitants:mon-espace", structure.slug)
    return render(
        request,
        "habitants/chiffres_form.html",
        {
            "form": form,
            "structure": structure,
            "annee": annee,
            "instance": instance,
            "staff": False,
        },
    )


@login_required
def mon_espace_inviter(request, slug):
    structure, membre = selectors.get_structure_for_member(request.user, slug)
    _referent_only(membre)
    retour = reverse("habitants:mon-espace", args=[structure.slug])
    return _inviter(request, structure, retour=retour)


@login_required
@require_http_methods(["GET", "POST"])
def mon_espace_membre_retirer(request, slug, pk):
    structure, membre = selectors.get_structure_for_member(request.user, slug)
    _referent_only(membre)
    return _retirer(request, structure, pk, reverse("habitants:mon-espace", args=[slug]))


@login_required
@require_POST
def mon_espace_invitation_renvoyer(request, slug, pk):
    structure, membre = selectors.get_structure_for_member(request.user, slug)
    _referent_only(membre)
    return _renvoyer_invitation(
        request, structure, pk, reverse("habitants:mon-espace", args=[slug])
    )


@login_required
@require_POST
def mon_espace_invitation_annuler(request, slug, pk):
    structure, membre = selectors.get_structure_for_member(request.user, slug)
    _referent_only(membre)
    return _annuler_invitation(request, structure, pk, reverse("habitants:mon-espace", args=[slug]))


# --- Invitation (lien reçu par e-mail) --------------------------------------------


def invitation_accepter(request, token):
    invitation = services.invitation_par_token(token)
    if invitation is None:
        raise Http404("Invitation introuvable.")
    if not invitation.est_valide:
        return render(
            request, "habitants/invitation_invalide.html", {"invitation": invitation}, status=410
        )
    compte_existe = get_user_model().objects.filter(email__iexact=invitation.email).exists()
    # Signed in: never create a second account from someone else's session.
    if compte_existe or request.user.is_authenticated:
        return _accepter_compte_existant(request, invitation)
    form = AccepterInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accepter_invitation_nouveau_compte(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
                par=request.acteur,
            )
        except services.HabitantsError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="phares.auth.ModelBackend")
            messages.success(
                request, f"Bienvenue ! Vous faites partie de {invitation.structure.nom}."
            )
            return redirect("habitants:mon-espace", invitation.structure.slug)
    return render(
        request, "habitants/invitation_accepter.html", {"invitation": invitation, "form": form}
    )


def _accepter_compte_existant(request, invitation):
    if not request.user.is_authenticated:
        return render(request, "habitants/invitation_connexion.html", {"invitation": invitation})
    erreur = None
    if request.method == "POST":
        try:
            services.accepter_invitation_compte_existant(invitation=invitation, par=request.acteur)
        except services.HabitantsError as exc:
            erreur = str(exc)
        else:
            messages.success(
                request, f"Vous faites maintenant partie de {invitation.structure.nom}."
            )
            return redirect("habitants:mon-espace", invitation.structure.slug)
    elif request.user.email.lower() != invitation.email.lower():
        erreur = (
            f"Cette invitation est adressée à {invitation.email} : "
            "connectez-vous avec cette adresse."
        )
    return render(
        request, "habitants/invitation_confirmer.html", {"invitation": invitation, "erreur": erreur}
    )
