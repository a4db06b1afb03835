"""Capital en parts sociales : l'état à une date (par catégorie, plancher), le grand livre,
les demandes de retrait en attente ; souscrire, libérer, demander un retrait, rembourser,
annuler une demande, contre-passer ; l'état annuel imprimable."""

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from phares.lib import dates
from phares.lib.money import format_euros
from phares.lib.pagination import paginate

from .. import reglages, selectors
from ..filters import MouvementFilter
from ..forms.capital import (
    DemandeRetraitForm,
    LiberationForm,
    MotifForm,
    RemboursementForm,
    SouscriptionForm,
)
from ..roles import gouvernance_required, peut_tenir_registre, registre_required
from ..services import GouvernanceError
from ..services import capital as services
from ._objets import (
    annee_ou_404,
    associe_ou_404,
    demande_en_attente_ou_404,
    jour_demande,
    mouvement_contre_passable_ou_404,
)


@gouvernance_required
def capital(request):
    jour_form, le = jour_demande(request)
    f = MouvementFilter(request.GET, queryset=selectors.mouvements())
    f.form.auto_id = "filtre_%s"
    page, query = paginate(request, f.qs)
    return render(
        request,
        "gouvernance/capital.html",
        {
            "jour_form": jour_form,
            "le": le,
            "etat": selectors.capital(le=le),
            "demandes": selectors.demandes_en_attente(),
            "filter": f,
            "page": page,
            "query": query,
            "annees": selectors.annees_du_capital(),
            "peut_modifier": peut_tenir_registre(request.user),
        },
    )


def _operation(request, *, associe, form, template, titre, agir, succes, details=()):
    """Une opération sur le compte d'un associé : formulaire, service, message, retour à la
    fiche. `agir(cleaned_data)` appelle le service ; `succes(résultat)` dit ce qui est fait."""
    if request.method == "POST" and form.is_valid():
        try:
            resultat = agir(form.cleaned_data)
        except GouvernanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, succes(resultat))
            return redirect("gouvernance:associe-detail", associe.pk)
    return render(
        request,
        template,
        {
            "form": form,
            "associe": associe,
            "titre": titre,
            "details": details,
            "solde": selectors.solde(associe, le=timezone.localdate()),
            "valeur_nominale": reglages.valeur_nominale(),
        },
    )


@registre_required
def souscrire(request, pk):
    associe = associe_ou_404(pk)
    form = SouscriptionForm(
        request.POST or None, initial={"date": timezone.localdate(), "libere": Decimal(0)}
    )
    return _operation(
        request,
        associe=associe,
        form=form,
        template="gouvernance/capital_operation.html",
        titre=f"Souscription de parts — {associe}",
        agir=lambda c: services.souscrire(
            associe=associe,
            date=c["date"],
            parts=c["parts"],
            libere=c["libere"],
            reference=c["reference"],
            par=request.acteur,
        ),
        succes=lambda m: (
            f"{m.parts} part(s) souscrite(s) par {associe} ({format_euros(m.souscrit)})."
        ),
    )


@registre_required
def liberer(request, pk):
    associe = associe_ou_404(pk)
    form = LiberationForm(request.POST or None, initial={"date": timezone.localdate()})
    return _operation(
        request,
        associe=associe,
        form=form,
        template="gouvernance/capital_operation.html",
        titre=f"Versement sur les parts — {associe}",
        agir=lambda c: services.liberer(
            associe=associe,
            date=c["date"],
            montant=c["montant"],
            reference=c["reference"],
            par=request.acteur,
        ),
        succes=lambda m: f"Versement de {format_euros(m.libere)} enregistré pour {associe}.",
    )


@registre_required
def demander_retrait(request, pk):
    associe = associe_ou_404(pk)
    form = DemandeRetraitForm(request.POST or None, initial={"date": timezone.localdate()})
    return _operation(
        request,
        associe=associe,
        form=form,
        template="gouvernance/capital_operation.html",
        titre=f"Demande de retrait — {associe}",
        agir=lambda c: services.demander_retrait(
            associe=associe,
            date=c["date"],
            parts=c["parts"],
            motif=c["motif"],
            par=request.acteur,
        ),
        succes=lambda d: (
            f"Demande de retrait de {d.parts} part(s) enregistrée ; elle attend son remboursement."
        ),
    )


@registre_required
def rembourser(request, pk):
    demande = demande_en_attente_ou_404(pk)
    associe = demande.associe
    form = RemboursementForm(request.POST or None, initial={"date": timezone.localdate()})
    solde = selectors.solde(associe, le=timezone.localdate())
    valeur = demande.parts * reglages.valeur_nominale()
    details = [
        f"Demande reçue le {dates.date_longue(demande.date)}"
        + (f" : {demande.motif}" if demande.motif else "."),
        f"Valeur nominale des parts : {demande.parts} × "
        f"{format_euros(reglages.valeur_nominale())} = {format_euros(valeur)}.",
        f"Reste à libérer sur ses parts : {format_euros(solde.a_liberer)} (déduit).",
        f"Montant à rendre aujourd'hui : "
        f"{format_euros(services.montant_rendu(solde=solde, parts=demande.parts))}.",
    ]
    return _operation(
        request,
        associe=associe,
        form=form,
        template="gouvernance/capital_operation.html",
        titre=f"Remboursement de {demande.parts} part(s) — {associe}",
        agir=lambda c: services.rembourser(
            demande=demande, date=c["date"], reference=c["reference"], par=request.acteur
        ),
        details=details,
        succes=lambda m: (
            f"Remboursement enregistré : {-m.parts} part(s), "
            f"{format_euros(-m.libere)} rendus à {associe}."
        ),
    )


@registre_required
def demande_annuler(request, pk):
    demande = demande_en_attente_ou_404(pk)
    associe = demande.associe
    return _operation(
        request,
        associe=associe,
        form=MotifForm(request.POST or None),
        template="gouvernance/capital_operation.html",
        titre=f"Annuler la demande de retrait de {demande.parts} part(s) — {associe}",
        agir=lambda c: services.annuler_demande(
            demande=demande, motif=c["motif"], par=request.acteur
        ),
        succes=lambda d: "La demande de retrait est annulée.",
    )


@registre_required
def contre_passer(request, pk):
    mouvement = mouvement_contre_passable_ou_404(pk)
    associe = mouvement.associe
    details = [
        f"{mouvement.get_type_display()} du {dates.date_longue(mouvement.date)} : "
        f"{mouvement.parts:+d} part(s), souscrit {format_euros(mouvement.souscrit)}, "
        f"libéré {format_euros(mouvement.libere)}"
        + (f" (référence {mouvement.reference})." if mouvement.reference else "."),
        "La contre-passation porte les variations opposées, à la même date d'effet ; le "
        "mouvement d'origine reste au grand livre.",
    ]
    return _operation(
        request,
        associe=associe,
        form=MotifForm(request.POST or None),
        template="gouvernance/capital_operation.html",
        titre=f"Contre-passer : {mouvement.get_type_display().lower()} du "
        f"{dates.date_longue(mouvement.date)} — {associe}",
        details=details,
        agir=lambda c: services.contre_passer(
            mouvement=mouvement, motif=c["motif"], par=request.acteur
        ),
        succes=lambda m: (
            "Le mouvement est contre-passé : il reste au grand livre, annulé "
            "par la ligne qui le suit."
        ),
    )


@gouvernance_required
def etat_annuel(request, annee):
    annee = annee_ou_404(annee)
    return render(
        request,
        "gouvernance/capital_etat.html",
        {
            "etat": selectors.etat_annuel(annee=annee),
            "annees": selectors.annees_du_capital(),
            "valeur_nominale": reglages.valeur_nominale(),
        },
    )
