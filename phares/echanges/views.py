"""Importer une liste : téléverser → aperçu (gardé en base, relu sans renvoyer le fichier) →
confirmer (tout ou rien, ré-analysé dans la transaction). Exporter la même liste, mêmes
colonnes, en CSV ou XLSX."""

import datetime
import secrets

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from phares.lib import echanges, tableurs
from phares.models import ImportEnAttente
from phares.roles import gestion_required

from .forms import FichierForm

# A preview waits a day; then its rows are deleted at the next upload.
DUREE_APERCU = datetime.timedelta(days=1)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _echange(type_: str) -> echanges.Echange:
    echange = echanges.trouver(type_)
    if echange is None:
        raise Http404("Liste inconnue.")
    return echange


@gestion_required
@require_GET
def index(request):
    return render(request, "phares/echanges/index.html", {"echanges": echanges.tous()})


@gestion_required
@require_http_methods(["GET", "POST"])
def importer(request, type):
    echange = _echange(type)
    form = FichierForm(request.POST, request.FILES) if request.method == "POST" else FichierForm()
    if form.is_bound and form.is_valid():
        attente = _analyser_et_garder(request, echange, form)
        return redirect("imports:apercu", echange.type, attente.jeton)
    return render(request, "phares/echanges/importer.html", {"echange": echange, "form": form})


def _analyser_et_garder(request, echange, form) -> ImportEnAttente:
    tableau: tableurs.Tableau = form.cleaned_data["fichier"]
    lignes, colonnes, erreurs_entete = echange.reconnaitre(tableau)
    erreurs_lecture = [*erreurs_entete, *tableau.erreurs]
    if erreurs_entete:
        # Without the right columns the rows mean nothing: say only what to fix first.
        plan = echanges.Plan(erreurs=erreurs_lecture)
    else:
        plan = echanges.analyser(
            echange, lignes, colonnes, par=request.acteur, erreurs=erreurs_lecture
        )
    ImportEnAttente.objects.filter(cree_le__lt=timezone.now() - DUREE_APERCU).delete()
    attente, _ = ImportEnAttente.objects.update_or_create(
        par=request.user,
        type=echange.type,
        defaults={
            "jeton": secrets.token_urlsafe(24),
            "cree_le": timezone.now(),
            "nom_fichier": form.nom_fichier,
            "format": tableau.format,
            "colonnes": sorted(colonnes),
            "lignes": lignes,
            "erreurs_lecture": [e.__dict__ for e in erreurs_lecture],
            "apercu": {**plan.en_json(), "lignes_lues": len(lignes)},
        },
    )
    return attente


@gestion_required
@require_http_methods(["GET", "POST"])
def apercu(request, type, jeton):
    echange = _echange(type)
    attente = ImportEnAttente.objects.filter(
        jeton=jeton,
        type=echange.type,
        par=request.user,
        cree_le__gte=timezone.now() - DUREE_APERCU,
    ).first()
    if attente is None:
        raise Http404("Cet aperçu n'existe plus : envoyez le fichier de nouveau.")
    if request.method == "POST":
        try:
            plan = echanges.importer(
                echange,
                [(numero, valeurs) for numero, valeurs in attente.lignes],
                set(attente.colonnes),
                par=request.acteur,
                fichier=attente.nom_fichier,
                erreurs=[echanges.Erreur(**e) for e in attente.erreurs_lecture],
            )
        except echanges.ImportRefuse as exc:
            attente.apercu = {**exc.plan.en_json(), "lignes_lues": len(attente.lignes)}
            attente.save(update_fields=["apercu"])
            messages.error(
                request,
                "Rien n'a été importé : les données ont changé depuis l'aperçu. "
                "Voici les erreurs à corriger.",
            )
        except echanges.EchangeError as exc:
            messages.error(request, f"Rien n'a été importé : {exc}")
        else:
            attente.delete()
            r = plan.resume()
            messages.success(
                request,
                f"Import de « {attente.nom_fichier} » terminé : {r[echanges.CREER]} créée(s), "
                f"{r[echanges.MODIFIER]} modifiée(s), {r[echanges.INCHANGE]} inchangée(s).",
            )
            return redirect(echange.liste_url)
    return render(
        request,
        "phares/echanges/apercu.html",
        {
            "echange": echange,
            "attente": attente,
            "apercu": attente.apercu,
            "form": FichierForm(),
            "libelles": echanges.LIBELLES_ACTION,
        },
    )


@gestion_required
@require_GET
def exporter(request, type, format):
    echange = _echange(type)
    if format not in FORMATS:
        raise Http404("Format inconnu : CSV ou XLSX.")
    rangees = echange.exporter()
    if format == "csv":
        contenu = tableurs.ecrire_csv(echange.entetes, rangees)
    else:
        contenu = tableurs.ecrire_xlsx(echange.entetes, rangees, titre=echange.titre)
    response = HttpResponse(contenu, content_type=FORMATS[format])
    nom = f"{echange.type}-{timezone.localdate():%Y-%m-%d}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    return response
