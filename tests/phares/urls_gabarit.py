"""Les adresses du projet, plus une page nue : `@login_required` et le gabarit de base, rien
d'autre (le plancher auquel les tests de requêtes comparent chaque page)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from phares.urls import handler403, handler404, handler500  # noqa: F401
from phares.urls import urlpatterns as projet


@login_required
def page_nue(request):
    return render(request, "base.html")


urlpatterns = [path("__page-nue__/", page_nue, name="page-nue"), *projet]
