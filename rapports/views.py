"""Pages du rapport annuel : choisir une année, l'aperçu et les textes (gestion), publier et
suivre le rendu, télécharger une édition publiée (octets gardés, jamais recalculés)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HTMX_STOP_POLLING

from . import cache, donnees, rendu, roles, selectors, services
from .forms import RedactionForm
from .models import Edition, Redaction


def _annee(annee: int) -> int:
    """404 pour une année hors de celles du pôle (avant la première arrivée, à venir)."""
    if annee not in selectors.annees():
        raise Http404("Pas de rapport pour cette année.")
    return annee


def _exiger_lecture(user, annee: int) -> Redaction | None:
    redaction = selectors.redaction(annee)
    if not roles.peut_lire(user, public=bool(redaction and redaction.public)):
        raise PermissionDenied
    return redaction


def _rapport(annee: int, redaction: Redaction):
    """Le rapport de l'année tel que les données le disent aujourd'hui, avec les textes et
    la sélection en cours ; None si l'année n'a aucune donnée."""
    try:
        return donnees.rassembler(annee, textes=redaction.textes(), **redaction.selection())
    except donnees.AnneeSansDonnees:
        return None


@roles.lecture_required
@require_GET
def index(request):
    gestion = roles.peut_rediger(request.user)
    annees = selectors.annees()
    editions: dict[int, list[Edition]] = {}
    toutes = gestion or roles.est_de_la_scic(request.user)
    lisibles = None if toutes else selectors.annees_publiques()
    for e in selectors.editions_publiees():
        if lisibles is None or e.annee in lisibles:
            editions.setdefault(e.annee, []).append(e)
    return render(
        request,
        "rapports/index.html",
        {
            "gestion": gestion,
            # Readers see the years that have something to read; gestion, every year.
            "annees": [(a, editions.get(a, [])) for a in annees if gestion or editions.get(a)],
        },
    )


@roles.lecture_required
@require_GET
def annee(request, annee):
    annee = _annee(annee)
    redaction = _exiger_lecture(request.user, annee)
    gestion = roles.peut_rediger(request.user)
    contexte = {"annee": annee, "gestion": gestion, "redaction": redaction}
    if gestion:
        redaction = redaction or services.nouvelle_redaction(annee)

        def calculer() -> str | None:
            rapport = _rapport(annee, redaction)
            return rendu.html(rapport) if rapport else None

        # Kept for as long as no datum the report reads changes (rapports/cache.py).
        apercu = cache.apercu(annee, calculer)
        contexte.update(
            editions=selectors.editions(annee),
            sans_donnees=apercu is None,
            # rendu.html escapes every datum itself and returns a fragment to include.
            apercu=mark_safe(apercu) if apercu else "",
            redaction=redaction,
        )
    else:
        contexte["editions"] = selectors.editions_publiees(annee)
    return render(request, "rapports/annee.html", contexte)


@roles.gestion_required
@require_http_methods(["GET", "POST"])
def textes(request, annee):
    annee = _annee(annee)
    redaction = selectors.redaction(annee) or services.nouvelle_redaction(annee)
    form = RedactionForm(request.POST or None, instance=redaction, annee=annee)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_redaction(
                annee=annee, valeurs=form.cleaned_data, par=request.acteur
            )
        except services.RapportsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Textes du rapport {annee} enregistrés.")
            return redirect("rapports:annee", annee=annee)
    return render(
        request,
        "rapports/textes.html",
        {"form": form, "annee": annee, "nouvelle": redaction.pk is None},
    )


@roles.gestion_required
@require_GET
def brouillon_pdf(request, annee):
    """Le PDF tel que les données le disent maintenant (rien n'est gardé)."""
    annee = _annee(annee)
    redaction = selectors.redaction(annee) or services.nouvelle_redaction(annee)
    rapport = _rapport(annee, redaction)
    if rapport is None:
        messages.error(request, f"Aucune donnée pour {annee} : pas de rapport à produire.")
        return redirect("rapports:annee", annee=annee)
    reponse = HttpResponse(rendu.pdf(rapport), content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="rapport-annuel-{annee}-brouillon.pdf"'
    return reponse


@roles.gestion_required
@require_http_methods(["GET", "POST"])
def publier(request, annee):
    annee = _annee(annee)
    if request.method == "POST":
        try:
            edition = services.publier(annee=annee, par=request.acteur)
        except services.RapportsError as exc:
            messages.error(request, str(exc))
            return redirect("rapports:annee", annee=annee)
        return redirect("rapports:edition", annee=annee, version=edition.version)
    suivante = (selectors.editions(annee).values_list("version", flat=True).first() or 0) + 1
    return render(
        request,
        "includes/confirmer.html",
        {
            "titre": f"Publier le rapport annuel {annee}",
            "question": f"Publier la version {suivante} du rapport annuel {annee} ?",
            "consequences": [
                "Le PDF est produit avec les données et les textes de cet instant, puis "
                "gardé tel quel : il ne changera plus, même si les données changent.",
                "Les éditions déjà publiées restent disponibles.",
            ],
            "bouton": f"Publier la version {suivante}",
            "retour": reverse("rapports:annee", args=[annee]),
        },
    )


def _edition(request, annee: int, version: int) -> Edition:
    """L'édition si `request.user` la lit : la gestion voit aussi celles en cours ou en
    échec ; les autres lecteurs, les seules publiées (404 sinon)."""
    _annee(annee)
    _exiger_lecture(request.user, annee)
    edition = selectors.edition(annee, version)
    if edition is None or (
        edition.statut != Edition.Statut.PUBLIEE and not roles.peut_rediger(request.user)
    ):
        raise Http404("Édition introuvable.")
    return edition


@roles.lecture_required
@require_GET
def edition(request, annee, version):
    """Une édition ; tant que son rendu tourne, htmx relit la même adresse toutes les deux
    secondes : rien de neuf, 204 ; fini, 286 (htmx arrête d'interroger)."""
    e = _edition(request, annee, version)
    if request.htmx:
        if request.GET.get("etat") == e.etat:
            reponse = HttpResponse(status=204)
        else:
            reponse = render(
                request,
                "rapports/_edition_etat.html",
                {"edition": e},
                status=HTMX_STOP_POLLING if e.est_finie else 200,
            )
    else:
        reponse = render(
            request,
            "rapports/edition.html",
            {"edition": e, "gestion": roles.peut_rediger(request.user)},
        )
    patch_vary_headers(reponse, ["HX-Request"])
    return reponse


@roles.lecture_required
@require_GET
def edition_pdf(request, annee, version):
    """Les octets gardés à la publication, tels quels."""
    e = _edition(request, annee, version)
    if e.statut != Edition.Statut.PUBLIEE:
        raise Http404("Cette édition n'a pas de PDF.")
    reponse = HttpResponse(bytes(e.pdf), content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="{e.nom_fichier}"'
    reponse["Content-Length"] = str(e.taille)
    return reponse
