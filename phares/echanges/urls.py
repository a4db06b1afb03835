from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:type>/", views.importer, name="importer"),
    path("<slug:type>/apercu/<slug:jeton>/", views.apercu, name="apercu"),
    path("<slug:type>/export.<slug:format>", views.exporter, name="exporter"),
]
