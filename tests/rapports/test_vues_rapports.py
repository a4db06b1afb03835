"""Les pages du rapport annuel, par les adresses : l'équipe rédige (formulaire, erreurs en
français), voit l'aperçu, télécharge le brouillon, publie et suit le rendu ; les lecteurs
téléchargent exactement les octets publiés ; les habitants, quand l'année est lisible."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from habitants.projets.models import Parole, Photo
from habitants.projets.services import photos as services_photos
from phares.lib import fichiers
from phares.lib.acteur import Acteur
from rapports import donnees, rendu, services, taches
from rapports.forms import TEXTE_MAX
from rapports.models import Edition, Redaction
from tests.conftest import acteur, axe, client_as

pytestmark = pytest.mark.django_db

TEXTES = "/rapports/2015/textes/"


def formulaire(**valeurs) -> dict:
    return {"introduction": "Le PHARES en 2015.", **valeurs}


@pytest.fixture
def paroles(structure_a):
    return [
        Parole.objects.create(texte="Un confort de travail.", auteur="Rémi", annee=2015),
        Parole.objects.create(
            texte="Pas dans le rapport.", auteur="Maud", annee=2015, dans_le_rapport=False
        ),
        Parole.objects.create(texte="Une autre année.", auteur="Bea", annee=2014),
    ]


def photo(legende: str, date=datetime.date(2015, 6, 1)) -> Photo:
    image = io.BytesIO()
    Image.new("RGB", (60, 40), "teal").save(image, format="PNG")
    return services_photos.ajouter_photo(
        photo=Photo(legende=legende, texte_alternatif=legende, date=date, axe=axe(1)),
        fichier=SimpleUploadedFile("p.png", image.getvalue(), "image/png"),
        par=Acteur.systeme("test"),
    )


def test_la_gestion_redige_puis_voit_l_apercu(gestion, structure_a, appels_rassembler):
    c = client_as(gestion)
    page = c.get("/rapports/2015/")
    assert page.status_code == 200
    assert "<h1>Rapport annuel 2015</h1>" in page.text
    assert "pas encore rédigés" in page.text
    assert "Rapport annuel PTCE La Cité PHARES Année 2015" in page.text  # the preview

    r = c.post(TEXTES, formulaire(introduction="Une année de coopération.", axe_2="Coopérer."))
    assert r.status_code == 302 and r.url == "/rapports/2015/"
    redaction = Redaction.objects.get(annee=2015)
    assert redaction.textes().axes[2] == "Coopérer."
    page = c.get("/rapports/2015/")
    assert "Textes du rapport 2015 enregistrés." in page.text
    assert "<p>Une année de coopération.</p>" in page.text
    assert appels_rassembler[-1]["textes"].introduction == "Une année de coopération."


def test_le_formulaire_est_prerempli_de_l_annee_precedente(gestion, structure_a):
    services.enregistrer_redaction(
        annee=2014, valeurs={"introduction": "Texte de 2014."}, par=acteur(gestion)
    )
    page = client_as(gestion).get(TEXTES)
    assert "Ces textes sont repris de l'année précédente" in page.text
    assert "Texte de 2014.</textarea>" in page.text
    # Nothing is saved before the team sends the form.
    assert not Redaction.objects.filter(annee=2015).exists()


def test_erreurs_du_formulaire_en_francais(gestion, structure_a, paroles):
    c = client_as(gestion)
    r = c.post(TEXTES, formulaire(introduction="", mission="x" * (TEXTE_MAX + 1)))
    assert r.status_code == 200
    assert "Le rapport commence par son introduction : écrivez-la." in r.text
    assert f"Ce texte est trop long ({TEXTE_MAX} caractères au plus)" in r.text
    # A testimonial of another year (a stale page, a forged form).
    r = c.post(TEXTES, formulaire(paroles=[paroles[2].pk]))
    assert "Cette parole n&#x27;est pas une parole de l&#x27;année : rechargez la page." in r.text
    r = c.post(TEXTES, formulaire(couverture="pas-une-photo"))
    assert "Cette photo n&#x27;est pas une photo de l&#x27;année" in r.text
    assert not Redaction.objects.exists()


def test_choisir_les_paroles_et_les_photos(gestion, structure_a, paroles, appels_rassembler):
    jardin, travaux = photo("Jardin"), photo("Travaux")
    photo("Hors année", date=datetime.date(2016, 1, 5))
    c = client_as(gestion)
    page = c.get(TEXTES).text
    # The year's testimonials and photos as checkboxes; by default, those « dans le rapport »
    # and every photo of the year are ticked.
    assert "Un confort de travail." in page and "Pas dans le rapport." in page
    assert "Une autre année." not in page and "Hors année" not in page
    assert page.count('type="checkbox" name="paroles"') == 2
    assert page.count("checked") == 3  # one testimonial, two photos

    r = c.post(
        TEXTES,
        formulaire(
            paroles=[paroles[1].pk],
            photos=[str(travaux.cle)],
            couverture=str(jardin.cle),
            public="on",
        ),
    )
    assert r.status_code == 302
    redaction = Redaction.objects.get(annee=2015)
    assert (redaction.paroles, redaction.photos) == ([paroles[1].pk], [str(travaux.cle)])
    assert redaction.couverture == str(jardin.cle) and redaction.public
    c.get("/rapports/2015/")
    appel = appels_rassembler[-1]
    assert (appel["paroles"], appel["photos"], appel["couverture"]) == (
        [paroles[1].pk],
        [str(travaux.cle)],
        str(jardin.cle),
    )


def test_les_photos_de_l_apercu_s_affichent(gestion, structure_a):
    """L'aperçu montre les photos par la vue de l'application (200, les octets de la taille
    écran) : sous /media/, le préfixe privé des photos n'est servi par personne. Le PDF,
    lui, lit les fichiers sur le disque."""
    jardin, travaux = photo("Jardin"), photo("Travaux")
    c = client_as(gestion)
    page = c.get("/rapports/2015/").text
    sources = re.findall(r'<img src="([^"]+)" alt="(Jardin|Travaux)"', page)
    assert sorted(alt for _, alt in sources) == ["Jardin", "Travaux"]
    for src, alt in sources:
        p = {"Jardin": jardin, "Travaux": travaux}[alt]
        assert src == f"/photos/{p.cle}/web/"
        r = c.get(src)
        assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
        with p.web.open("rb") as f:
            assert b"".join(r.streaming_content) == f.read()
    document = rendu.document(donnees.rassembler(2015))
    for p in (jardin, travaux):
        assert f'src="{Path(fichiers.chemin_local(p.impression)).as_uri()}"' in document


def test_brouillon_pdf_en_piece_jointe(gestion, structure_a):
    r = client_as(gestion).get("/rapports/2015/brouillon.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'attachment; filename="rapport-annuel-2015-brouillon.pdf"'
    assert r.content.startswith(b"%PDF")


def test_annee_sans_donnees(gestion, structure_a, structure_b):
    """Halage part fin 2010, Mode Estime arrive en mars 2012 : personne en 2011."""
    structure_a.depart = datetime.date(2010, 12, 31)
    structure_a.save()
    c = client_as(gestion)
    page = c.get("/rapports/2011/")
    assert page.status_code == 200
    assert "Aucune donnée pour 2011 (aucune structure hébergée cette année-là)" in page.text
    assert "Télécharger le brouillon" not in page.text and "Publier" not in page.text
    r = c.get("/rapports/2011/brouillon.pdf")
    assert r.status_code == 302 and r.url == "/rapports/2011/"
    # Before the first arrival, or to come: no such year.
    assert c.get("/rapports/2009/").status_code == 404
    assert c.get(f"/rapports/{datetime.date.today().year + 1}/").status_code == 404


def test_publier_suivre_et_telecharger_les_memes_octets(gestion, cogerant, structure_a):
    c = client_as(gestion)
    confirmation = c.get("/rapports/2015/publier/")
    assert "Publier la version 1 du rapport annuel 2015 ?" in confirmation.text
    r = c.post("/rapports/2015/publier/")
    assert r.status_code == 302 and r.url == "/rapports/2015/editions/1/"
    edition = Edition.objects.get(annee=2015, version=1)
    assert edition.statut == "publiee"

    page = c.get(r.url).text
    assert "<strong>Publiée</strong>" in page and edition.sha256 in page
    assert 'role="status"' in page and "hx-trigger" not in page  # finished: no polling
    # htmx asks again with what it shows: nothing new, 204; else the fragment, 286 (stop).
    assert c.get(r.url, {"etat": "publiee"}, HTTP_HX_REQUEST="true").status_code == 204
    assert c.get(r.url, {"etat": "en_cours"}, HTTP_HX_REQUEST="true").status_code == 286

    # The data change; the published edition does not.
    structure_a.description = "Autre chose."
    structure_a.save()
    for lecteur in (gestion, cogerant):
        pdf = client_as(lecteur).get("/rapports/2015/editions/1/pdf/")
        assert pdf.status_code == 200
        assert pdf.content == bytes(edition.pdf)
        assert pdf["Content-Disposition"] == 'attachment; filename="rapport-annuel-2015-v1.pdf"'
    assert client_as(gestion).get("/rapports/2015/brouillon.pdf").content != bytes(edition.pdf)
    # Publishing again: version 2, version 1 stays.
    c.post("/rapports/2015/publier/")
    index = client_as(cogerant).get("/rapports/").text
    assert "Version 1 (PDF" in index and "Version 2 (PDF" in index


def test_un_rendu_en_cours_est_suivi_par_la_page(gestion, structure_a, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    c = client_as(gestion)
    c.post("/rapports/2015/publier/")
    page = c.get("/rapports/2015/editions/1/").text
    assert "<strong>En attente</strong>" in page
    assert 'hx-trigger="every 2s"' in page and "<noscript>" in page
    r = c.get("/rapports/2015/editions/1/", {"etat": "en_attente"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204
    # Nothing to download yet, for anyone.
    assert c.get("/rapports/2015/editions/1/pdf/").status_code == 404


def test_un_echec_est_dit_en_francais(gestion, structure_a, monkeypatch):
    def panne(rapport):
        raise RuntimeError("panne")

    monkeypatch.setattr(taches.rendu, "pdf", panne)
    c = client_as(gestion)
    c.post("/rapports/2015/publier/")
    page = c.get("/rapports/2015/editions/1/").text
    assert "Échec du rendu</strong> : Le PDF n&#x27;a pas pu être produit" in page


def test_les_habitants_lisent_les_annees_rendues_lisibles(gestion, membre_a, structure_a):
    services.enregistrer_redaction(
        annee=2015, valeurs={"introduction": "Intro."}, par=acteur(gestion)
    )
    services.publier(annee=2015, par=acteur(gestion))
    c = client_as(membre_a)
    assert 'href="/rapports/">Rapport annuel</a>' in c.get("/").text
    assert "Aucune édition publiée à lire" in c.get("/rapports/").text
    assert c.get("/rapports/2015/").status_code == 403
    assert c.get("/rapports/2015/editions/1/pdf/").status_code == 403

    services.enregistrer_redaction(annee=2015, valeurs={"public": True}, par=acteur(gestion))
    assert "Version 1 (PDF" in c.get("/rapports/").text
    page = c.get("/rapports/2015/").text
    assert "Version 1" in page and "Aperçu" not in page and "Modifier les textes" not in page
    assert c.get("/rapports/2015/editions/1/pdf/").status_code == 200


def test_la_navigation_montre_le_rapport_a_qui_le_lit(gestion, comptable, associe):
    assert 'href="/rapports/"' in client_as(gestion).get("/").text
    assert 'href="/rapports/"' in client_as(associe).get("/").text
    assert 'href="/rapports/"' not in client_as(comptable).get("/").text


def test_numeros_absurdes_404_pas_500(gestion, structure_a):
    c = client_as(gestion)
    huge = 2**70
    assert c.get(f"/rapports/{huge}/").status_code == 404
    assert c.get(f"/rapports/2015/editions/{huge}/").status_code == 404
    assert c.get(f"/rapports/2015/editions/{huge}/pdf/").status_code == 404
    assert c.post(f"/rapports/{huge}/publier/").status_code == 404
    assert not Edition.objects.exists()
