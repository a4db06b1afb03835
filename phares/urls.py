from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from phares import views

urlpatterns = [
    path("", views.home, name="home"),
    path("comptes/", include("allauth.urls")),
    path("journal/", include("phares.journal.urls")),
    path("", include("habitants.urls")),
    path("", include("espaces.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "phares.views.error_403"
handler404 = "phares.views.error_404"
handler500 = "phares.views.error_500"
