import posixpath
import re

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve

from phares import annulations, recherche, views

# The admin signs in through allauth like everyone else: same form, TOTP step, rate limits.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("comptes/", include("allauth.urls")),
    path("journal/", include("phares.journal.urls")),
    path("recherche/", recherche.recherche, name="recherche"),
    path(
        "operations/<str:jeton>/annuler/",
        annulations.annuler_operation,
        name="operation-annuler",
    ),
    path("imports/", include("phares.echanges.urls")),
    path("", include("habitants.urls")),
    path("", include("espaces.urls")),
    path("", include("espaces.facturation.urls")),
    path("", include("gouvernance.urls")),
    path("", include("habitants.projets.urls")),
    path("rapports/", include("rapports.urls")),
    path("admin/", admin.site.urls),
]

if not settings.PRODUCTION:
    # Uploaded files (logos), served by the proxy in production. Not django's static():
    # it serves nothing with DEBUG off, and `make run` runs with DEBUG off.
    def media(request, path):
        # Photos are served by their own view, which checks who asks (habitants.projets):
        # never here, however the path is spelled (the proxy must refuse them too, README).
        normal = posixpath.normpath(path).lstrip("/") + "/"
        if normal.startswith(settings.MEDIA_PREFIXES_PRIVES):
            raise Http404("Fichier introuvable.")
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", media)]

handler403 = "phares.views.error_403"
handler404 = "phares.views.error_404"
handler500 = "phares.views.error_500"
