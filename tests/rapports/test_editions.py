"""Rédiger et publier le rapport annuel : textes préremplis de l'année précédente, versions
numérotées, édition figée (mêmes octets quoi que deviennent les données), rendu en tâche de
fond avec ses états, journal."""

import hashlib
import io
from types import SimpleNamespace

import pytest
from django.db import DatabaseError, transaction
from pypdf import PdfReader

from phares.models import EntreeJournal
from rapports import selectors, services, taches
from rapports.models import Edition, EditionImmuable, Redaction
from tests.conftest import acteur

pytestmark = pytest.mark.django_db

DUMMY = "django_tasks.backends.dummy.DummyBackend"


def texte_pdf(contenu: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages)


@pytest.fixture
def sans_processus(settings):
    """La file garde la tâche sans l'exécuter : l'édition reste « en attente »."""
    settings.TASKS = {"default": {"BACKEND": DUMMY}}


def rediger(annee, par, **valeurs):
    return services.enregistrer_redaction(annee=annee, valeurs=valeurs, par=acteur(par))


def test_une_nouvelle_annee_reprend_les_textes_de_la_precedente(gestion):
    rediger(
        2014,
        gestion,
        introduction="Le PHARES en 2014.",
        axe_2="Coopérer.",
        paroles=[1, 2],
        photos=["abc"],
        public=True,
    )
    nouvelle = services.nouvelle_redaction(2015)
    assert nouvelle.pk is None
    assert nouvelle.introduction == "Le PHARES en 2014."
    assert nouvelle.textes().axes == {1: "", 2: "Coopérer.", 3: ""}
    # The selection and the visibility are the year's own.
    assert (nouvelle.paroles, nouvelle.photos, nouvelle.public) == (None, None, False)
    # A year before anything written starts empty.
    assert services.nouvelle_redaction(2013).introduction == ""


def test_enregistrer_les_textes_est_journalise_une_fois(gestion):
    rediger(2015, gestion, introduction="Première version.")
    rediger(2015, gestion, introduction="Première version.")
    redaction = Redaction.objects.get(annee=2015)
    assert redaction.modifiee_par == gestion
    entrees = list(EntreeJournal.objects.filter(operation="rapport.rediger").order_by("pk"))
    # Created (prefilled), then the text changed; the identical second save writes nothing.
    assert [e.libelle for e in entrees] == [
        "Rapport annuel 2015 : rédaction créée (textes de l'année précédente)",
        "Rapport annuel 2015 : textes et sélection modifiés",
    ]
    assert entrees[1].changements["introduction"] == ["—", "Première version."]


def test_seule_la_gestion_redige_et_publie(comptable, structure_a):
    with pytest.raises(services.RapportsError, match="Seule l'équipe de gestion"):
        rediger(2015, comptable, introduction="x")
    with pytest.raises(services.RapportsError):
        services.publier(annee=2015, par=acteur(comptable))
    assert not Redaction.objects.exists() and not Edition.objects.exists()


def test_publier_fige_le_pdf_ses_chiffres_et_son_empreinte(gestion, structure_a, appels_rassembler):
    rediger(2015, gestion, introduction="Une année de coopération.", paroles=[7], photos=[])
    edition = services.publier(annee=2015, par=acteur(gestion))
    edition.refresh_from_db()
    assert (edition.version, edition.statut, edition.erreur) == (1, "publiee", "")
    contenu = bytes(edition.pdf)
    assert contenu.startswith(b"%PDF")
    assert edition.sha256 == hashlib.sha256(contenu).hexdigest()
    assert edition.taille == len(contenu)
    assert edition.publiee_par == gestion and edition.publiee_le is not None
    assert "Une année de coopération." in texte_pdf(contenu)
    # The figures as printed; a Decimal stays exact.
    chiffres = {c["cle"]: c["valeur"] for c in edition.chiffres}
    assert chiffres["habitants"] == 1 and len(chiffres) == 14
    assert chiffres["etp_phares"] == 0  # no dedicated post here
    # The renderer received the year's texts and selection.
    appel = appels_rassembler[-1]
    assert appel["textes"].introduction == "Une année de coopération."
    assert (appel["paroles"], appel["photos"], appel["couverture"]) == ([7], [], None)
    assert list(
        EntreeJournal.objects.filter(operation__startswith="rapport.pub")
        .order_by("pk")
        .values_list("operation", "libelle")
    ) == [
        (
            "rapport.publier",
            "Rapport annuel 2015 : publication de la version 1 demandée (rendu en tâche de fond)",
        ),
        (
            "rapport.publiee",
            f"Rapport annuel 2015, version 1 publiée (SHA-256 {edition.sha256[:12]}…)",
        ),
    ]


def test_publier_a_nouveau_cree_une_version_et_garde_la_precedente(gestion, structure_a):
    premiere = services.publier(annee=2015, par=acteur(gestion))
    seconde = services.publier(annee=2015, par=acteur(gestion))
    autre_annee = services.publier(annee=2014, par=acteur(gestion))
    assert (premiere.version, seconde.version, autre_annee.version) == (1, 2, 1)
    assert [e.version for e in selectors.editions_publiees(2015)] == [2, 1]
    assert selectors.derniere_edition(2015).pk == seconde.pk
    assert selectors.derniere_edition(2013) is None


def test_une_edition_publiee_ne_change_plus_quoi_que_deviennent_les_donnees(gestion, structure_a):
    edition = services.publier(annee=2015, par=acteur(gestion))
    edition.refresh_from_db()
    octets = bytes(edition.pdf)
    assert "Solidarité et environnement." in texte_pdf(octets)

    structure_a.description = "Une toute autre description."
    structure_a.save()
    rediger(2015, gestion, introduction="Texte réécrit après publication.")

    relue = selectors.derniere_edition(2015)
    assert bytes(relue.pdf) == octets
    assert hashlib.sha256(bytes(relue.pdf)).hexdigest() == edition.sha256
    # The model refuses, and so does the database (raw SQL, shell).
    relue.erreur = "x"
    with pytest.raises(EditionImmuable):
        relue.save()
    with pytest.raises(EditionImmuable):
        relue.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Edition.objects.filter(pk=edition.pk).update(pdf=b"%PDF autre")
    assert bytes(Edition.objects.get(pk=edition.pk).pdf) == octets


def test_les_textes_publies_sont_ceux_de_la_demande(gestion, structure_a, sans_processus):
    """Modifier les textes pendant que la tâche attend ne change pas l'édition demandée."""
    rediger(2015, gestion, introduction="Texte publié.")
    edition = services.publier(annee=2015, par=acteur(gestion))
    edition.refresh_from_db()
    assert edition.statut == "en_attente" and edition.tache_id
    rediger(2015, gestion, introduction="Texte modifié ensuite.")

    assert taches.rendre_edition.call(edition_id=edition.pk) == "publiee"
    edition.refresh_from_db()
    texte = texte_pdf(bytes(edition.pdf))
    assert "Texte publié." in texte and "modifié ensuite" not in texte
    # A task run again on a finished edition does nothing.
    assert taches.rendre_edition.call(edition_id=edition.pk) == ""


def test_annee_sans_donnees_echec_en_francais(gestion, structure_a):
    # Halage arrives in 2010: nothing was hosted in 2009.
    edition = services.publier(annee=2009, par=acteur(gestion))
    edition.refresh_from_db()
    assert edition.statut == "echec" and not edition.pdf and not edition.sha256
    assert edition.erreur == (
        "Aucune donnée pour 2009 (aucune structure hébergée cette année-là) : "
        "il n'y a pas de rapport à publier."
    )
    assert EntreeJournal.objects.filter(operation="rapport.echec").count() == 1
    assert selectors.derniere_edition(2009) is None


def test_une_panne_du_rendu_echoue_sans_rester_en_cours(gestion, structure_a, monkeypatch):
    def panne(rapport):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(taches.rendu, "pdf", panne)
    edition = services.publier(annee=2015, par=acteur(gestion))
    edition.refresh_from_db()
    assert edition.statut == "echec"
    assert edition.erreur == taches.ECHEC_RENDU
    assert "police" not in edition.erreur  # the technical detail goes to the log only


def test_file_injoignable_echec_lisible(gestion, structure_a, monkeypatch):
    def injoignable(**kwargs):
        raise ConnectionError("file fermée")

    monkeypatch.setattr(taches, "rendre_edition", SimpleNamespace(enqueue=injoignable))
    edition = services.publier(annee=2015, par=acteur(gestion))
    edition.refresh_from_db()
    assert (edition.statut, edition.erreur) == ("echec", services.MISE_EN_FILE_IMPOSSIBLE)
