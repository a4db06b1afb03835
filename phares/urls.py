import re

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from phares import views

# The admin signs in through allauth like everyone else: same form, TOTP step, rate limits.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("comptes/", include("allauth.urls")),
    path("journal/", include("phares.journal.urls")),
    path("", include("habitants.urls")),
    path("", include("espaces.urls")),
    path("", include("espaces.facturation.urls")),
    path("gouvernance/", include("gouvernance.urls")),
    path("admin/", admin.site.urls),
]

if not settings.PRODUCTION:
    # Uploaded files (logos), served by the proxy in production. Not django's static():
    # it serves nothing with DEBUG off, and `make run` runs with DEBUG off.
    def media(request, path):
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", media)]

handler403 = "phares.views.error_403"
handler404 = "phares.views.error_404"
handler500 = "phares.views.error_500"
