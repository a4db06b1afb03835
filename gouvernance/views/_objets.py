"""Ce que les pages du registre, du capital, des mandats et des postes partagent : les
recherches d'objets par URL (404 hors de portée), la date ou l'année demandée en paramètre."""

import datetime

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from phares.forms import DateBornee

from .. import selectors
from ..models import Associe, DemandeRetrait, Mandat, MouvementCapital, PosteDedie


def associe_ou_404(pk: int) -> Associe:
    return get_object_or_404(
        Associe.objects.select_related("structure", "personne", "representant"), pk=pk
    )


def demande_en_attente_ou_404(pk: int) -> DemandeRetrait:
    """Une demande de retrait ni remboursée ni annulée (les autres n'ont plus d'action)."""
    return get_object_or_404(selectors.demandes_en_attente(), pk=pk)


def mouvement_contre_passable_ou_404(pk: int) -> MouvementCapital:
    """Un mouvement qui n'est ni une contre-passation, ni déjà contre-passé."""
    return get_object_or_404(
        MouvementCapital.objects.select_related("associe__structure", "associe__personne")
        .exclude(type=MouvementCapital.Type.CONTRE_PASSATION)
        .filter(contre_passation__isnull=True),
        pk=pk,
    )


def mandat_ou_404(pk: int) -> Mandat:
    return get_object_or_404(Mandat.objects.select_related("personne"), pk=pk)


def poste_ou_404(pk: int) -> PosteDedie:
    return get_object_or_404(PosteDedie.objects.select_related("personne"), pk=pk)


class JourForm(forms.Form):
    le = DateBornee(label="Au", required=False)


class AnneeForm(forms.Form):
    annee = forms.IntegerField(label="Année", min_value=1900, max_value=2999, required=False)


def jour_demande(request) -> tuple[JourForm, datetime.date]:
    """Le jour `?le=` (aujourd'hui s'il manque ou ne se lit pas), et son formulaire."""
    form = JourForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("le"):
        return form, form.cleaned_data["le"]
    return form, timezone.localdate()


def annee_demandee(request) -> tuple[AnneeForm, int]:
    form = AnneeForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("annee"):
        return form, form.cleaned_data["annee"]
    return form, timezone.localdate().year


def annee_ou_404(annee: int) -> int:
    if not 1900 <= annee <= 2999:
        raise Http404("Année hors de la plage acceptée.")
    return annee
