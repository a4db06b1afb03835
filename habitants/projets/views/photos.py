"""Photos : galerie (personnes connectées), fiche, téléversement, description, retrait, et
les fichiers eux-mêmes, servis ici seulement (ni la route des médias ni le proxy ne servent
`projets/photos/`) après avoir vérifié qui les demande."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from phares.lib.pagination import paginate

from .. import selectors
from ..forms.photos import PhotoFilter, PhotoForm
from ..models import Evenement, Photo, Projet
from ..services import ProjetsError
from ..services import photos as services
from ..services.photos import PhotoRefusee
from ._params import entier

PAR_PAGE = 48


def _photo_ou_404(cle) -> Photo:
    return get_object_or_404(selectors.photos(), cle=cle)


@login_required
def photo_liste(request):
    f = PhotoFilter(request.GET, queryset=selectors.photos())
    f.form.auto_id = "filtre_%s"
    page, query = paginate(request, f.qs, PAR_PAGE)
    return render(
        request,
        "projets/photo_liste.html",
        {
            "filter": f,
            "page": page,
            "query": query,
            "peut_ajouter": services.peut_ajouter(request.user),
        },
    )


@login_required
def photo_detail(request, cle):
    photo = _photo_ou_404(cle)
    return render(
        request,
        "projets/photo_detail.html",
        {
            "photo": photo,
            "peut_modifier": services.peut_modifier(request.user, photo),
            "visible_sans_compte": selectors.est_visible_sans_compte(photo),
        },
    )


def _contexte_demande(request) -> dict:
    """`?projet=<slug>` ou `?evenement=<pk>` : ce que la nouvelle photo illustre d'avance."""
    initial = {"date": timezone.localdate()}
    slug = request.GET.get("projet")
    if slug:
        initial["projet"] = get_object_or_404(Projet, slug=slug)
    brut = request.GET.get("evenement", "")
    if brut:
        pk = entier(brut)
        if pk is None:
            raise Http404("Événement inconnu.")
        evenement = get_object_or_404(Evenement.objects.select_related("projet"), pk=pk)
        initial.update(evenement=evenement, date=evenement.date)
        if evenement.projet is not None:
            initial.setdefault("projet", evenement.projet)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def photo_nouvelle(request):
    initial = _contexte_demande(request)
    if not services.peut_ajouter(request.user, projet=initial.get("projet")):
        raise PermissionDenied
    if request.method == "POST":
        form = PhotoForm(request.POST, request.FILES, user=request.user, creation=True)
    else:
        form = PhotoForm(initial=initial, user=request.user, creation=True)
    if request.method == "POST" and form.is_valid():
        try:
            photo = services.ajouter_photo(
                photo=form.save(commit=False),
                fichier=form.cleaned_data["fichier"],
                par=request.acteur,
            )
        except PhotoRefusee as exc:
            form.add_error("fichier", str(exc))
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Photo « {photo.legende} » ajoutée.")
            return redirect("projets:photo-detail", photo.cle)
    return render(request, "projets/photo_form.html", {"form": form, "photo": None})


@login_required
@require_http_methods(["GET", "POST"])
def photo_modifier(request, cle):
    photo = _photo_ou_404(cle)
    if not services.peut_modifier(request.user, photo):
        raise PermissionDenied
    form = PhotoForm(request.POST or None, instance=photo, user=request.user, creation=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_photo(photo=form.save(commit=False), par=request.acteur)
        except ProjetsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Photo « {photo.legende} » enregistrée.")
            return redirect("projets:photo-detail", photo.cle)
    return render(request, "projets/photo_form.html", {"form": form, "photo": photo})


@login_required
@require_http_methods(["GET", "POST"])
def photo_supprimer(request, cle):
    photo = _photo_ou_404(cle)
    if not services.peut_modifier(request.user, photo):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.supprimer_photo(photo=photo, par=request.acteur)
        except ProjetsError as exc:
            messages.error(request, str(exc))
            return redirect("projets:photo-detail", photo.cle)
        messages.success(request, f"Photo « {photo.legende} » retirée.")
        return redirect("projets:photo-liste")
    return render(
        request,
        "includes/confirmer.html",
        {
            "titre": "Retirer la photo",
            "question": f"Retirer la photo « {photo.legende} » ?",
            "consequences": [
                "Ses trois tailles (impression, web, vignette) sont effacées du serveur.",
                "Elle disparaît des pages du projet, de l'événement et du site public.",
            ],
            "bouton": "Retirer la photo",
            "retour": reverse("projets:photo-detail", args=[photo.cle]),
        },
    )


@require_http_methods(["GET", "HEAD"])
def photo_fichier(request, cle, taille):
    """Le JPEG d'une taille. Sans compte, une photo qui n'est pas publique n'existe pas (404,
    comme une clé inconnue : on ne dit pas qu'elle existe)."""
    if taille not in services.TAILLES:
        raise Http404("Taille inconnue.")
    photo = get_object_or_404(selectors.photos_visibles(request.user), cle=cle)
    try:
        contenu = getattr(photo, taille).open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("Fichier absent.") from exc
    response = FileResponse(contenu, content_type="image/jpeg")
    publique = not request.user.is_authenticated or selectors.est_visible_sans_compte(photo)
    # A photo made private later must not linger in a shared cache for long.
    response["Cache-Control"] = f"{'public' if publique else 'private'}, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{taille}.jpg"'
    return response
