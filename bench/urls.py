"""Les adresses de PHARES, plus `/plancher/` : une page `@login_required` qui étend la mise
en page du site sans rien y mettre. C'est le plancher du cadre (Django, session,
utilisateur, navigation, gabarit de base) auquel bench/pages.py compare chaque page."""

from functools import cache

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from phares.urls import handler403, handler404, handler500  # noqa: F401


@cache
def _gabarit():
    return engines["django"].from_string('{% extends "base.html" %}')


@login_required
def plancher(request):
    return HttpResponse(_gabarit().render({}, request))


urlpatterns = [
    path("plancher/", plancher, name="plancher"),
    path("", include("phares.urls")),
]
