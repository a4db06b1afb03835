"""La démo 2015 charge les textes du rapport 2015 (verbatim du rapport d'origine), une seule
fois : relancée, elle ne change rien, pas même un texte réécrit dans l'application."""

import io

import pytest
from django.core.management.base import OutputWrapper

from phares.lib.demo import DemoContext
from rapports import demo, services
from rapports.models import Redaction
from tests.conftest import acteur, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_2015")]


def test_les_textes_du_rapport_2015():
    redaction = Redaction.objects.get(annee=2015)
    textes = redaction.textes()
    assert textes.introduction.startswith("Le PHARES trouve ses origines dès les années 1990")
    assert textes.introduction.count("\n\n") == 2  # three paragraphs
    assert textes.perspectives.startswith("L’année 2016 sera notamment marquée")
    assert textes.mission.startswith("Encourager et animer des actions de mutualisation")
    assert textes.partage.splitlines() == [
        "des valeurs écologiques et solidaires affirmées",
        "un ancrage sur un même territoire (l'agglomération de Plaine Commune et l'Ile-de-France)",
        "la volonté d'œuvrer au bénéfice de tous et avec la participation de chacun",
        "la conviction qu'ils pourront réaliser ensemble des choses qu'il n'était pas "
        "possible de faire seul",
    ]
    assert textes.partenaires.endswith("des collectifs, des citoyens,...")
    assert "un associé = une voix" in textes.gouvernance
    assert textes.ressources_humaines.startswith("En interne pour le PHARES ont été mobilisés")
    assert textes.axes[1].startswith("Le bâtiment du PHARES, situé au cœur de L'Île-Saint-Denis")
    assert textes.axes[2].startswith("Conscient que la coopération ne se décrète pas")
    assert textes.axes[3].endswith("dans les débats sociaux-économiques de la Cité.")
    assert redaction.public
    assert (redaction.paroles, redaction.photos) == (None, None)  # the default selection


def test_relancee_la_demo_ne_defait_pas_les_textes_reecrits():
    gestion = make_user("redactrice@phares.test", groups=["gestion"])
    services.enregistrer_redaction(
        annee=2015, valeurs={"introduction": "Réécrite."}, par=acteur(gestion)
    )
    ctx = DemoContext(stdout=OutputWrapper(io.StringIO()))
    demo.load(ctx)
    assert ctx.stats == {"unchanged": 1}
    assert Redaction.objects.get(annee=2015).introduction == "Réécrite."
