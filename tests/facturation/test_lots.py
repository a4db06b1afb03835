"""Émettre un mois en tâche de fond : la page lance un lot et montre son avancement (émises
/ total, refus en français) ; deux clics ne lancent qu'un lot ; une tâche relancée reprend
où elle en était ; un lot sans nouvelles se remplace ; la file en base et son processus
(`db_worker`) tournent pour de vrai, sur SQLite comme sur PostgreSQL."""

import datetime
import signal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from espaces.facturation import services, taches
from espaces.facturation.models import Facture, Lot
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as
from tests.facturation.conftest import MARS

pytestmark = pytest.mark.django_db

DUMMY = "django_tasks.backends.dummy.DummyBackend"
EMETTRE = "/factures/emettre-le-mois/"


@pytest.fixture
def pdf_factice(monkeypatch):
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: f"%PDF {doc.numero}".encode())


@pytest.fixture
def brouillons(mars, comptable, cooperative):
    services.preparer_mois(mois=MARS, par=acteur(comptable))
    return {f.client_nom: f for f in Facture.objects.brouillons()}


@pytest.fixture
def sans_processus(settings):
    """La file garde les tâches sans les exécuter : un lot reste « en attente », comme
    quand le processus de fond n'a pas encore pris la tâche."""
    settings.TASKS = {"default": {"BACKEND": DUMMY}}


def sans_adresse(structure):
    type(structure).objects.filter(pk=structure.pk).update(
        email_contact="", email_facturation="", siren="", siret=""
    )


def numeros():
    return sorted(Facture.objects.emises().values_list("numero", flat=True))


def test_la_page_lance_le_lot_et_montre_l_avancement(brouillons, comptable, pdf_factice):
    c = client_as(comptable)
    r = c.post(EMETTRE, {"mois": "2026-03"})
    lot = Lot.objects.get()
    assert r.status_code == 302 and r.url == f"/factures/lots/{lot.pk}/"
    assert (lot.statut, lot.total, lot.faites, lot.erreurs) == ("termine", 3, 3, [])
    assert lot.mois == MARS and lot.lance_par == comptable and lot.tache_id
    assert lot.debut and lot.fin and lot.debut <= lot.fin
    assert numeros() == ["F2026-0001", "F2026-0002", "F2026-0003"]

    page = c.get(r.url)
    assert page.status_code == 200
    texte = page.text
    assert "<h1>Émission des brouillons de mars 2026</h1>" in texte
    assert "Terminé</strong> : 3 / 3 émises." in texte
    assert 'role="status"' in texte and 'aria-live="polite"' in texte
    assert '<label for="lot-progression"' in texte
    assert 'value="3">3 / 3</progress>' in texte
    assert 'href="/factures/?mois=2026-03">Voir les factures de mars 2026</a>' in texte
    # Finished: no polling, no reload link, no relaunch.
    assert "hx-trigger" not in texte and "<noscript>" not in texte
    assert "Relancer" not in texte
    # The list shows the recent lot.
    liste = c.get("/factures/").text
    assert f'<a href="/factures/lots/{lot.pk}/">Émission des brouillons de mars 2026</a>' in liste
    assert "terminé, 3 / 3 émises" in liste


def test_la_page_dit_les_refus_en_francais(brouillons, comptable, structure_a, pdf_factice):
    sans_adresse(structure_a)
    r = client_as(comptable).post(EMETTRE, {"mois": "2026-03"}, follow=True)
    lot = Lot.objects.get()
    assert (lot.statut, lot.total, lot.faites) == ("termine", 3, 2)
    assert lot.erreurs == [
        "Halage : Halage n'a ni SIREN ni e-mail de facturation : renseignez-en un sur sa "
        "fiche avant d'émettre."
    ]
    assert "Terminé</strong> : 2 / 3 émises, 1 refus." in r.text
    assert "Halage : Halage n&#x27;a ni SIREN ni e-mail de facturation" in r.text
    assert 'value="3">3 / 3</progress>' in r.text  # refused drafts are processed too
    assert "Relancer l'émission de mars 2026" in r.text
    # The refused draft consumed no number; the others follow each other.
    assert numeros() == ["F2026-0001", "F2026-0002"]
    assert Facture.objects.brouillons().get().structure == structure_a


def test_chaque_emission_est_signee_par_qui_a_lance(brouillons, comptable, pdf_factice):
    client_as(comptable).post(EMETTRE, {"mois": "2026-03"})
    lance = EntreeJournal.objects.get(operation="facturation.lancer_emission")
    assert lance.par == comptable and "3 brouillon(s)" in lance.libelle
    emissions = EntreeJournal.objects.filter(operation="facture.emettre")
    assert emissions.count() == 3
    for entree in emissions:
        # From the worker, on behalf of the person, tied to the request that launched it.
        assert (entree.par, entree.origine) == (comptable, "tache")
        assert entree.request_id == lance.request_id != ""
    fin = EntreeJournal.objects.get(operation="facturation.emission_terminee")
    assert "3 facture(s) émise(s) sur 3, 0 refus" in fin.libelle


def test_deux_clics_ne_lancent_qu_un_lot(brouillons, comptable, gestion, sans_processus):
    r1 = client_as(comptable).post(EMETTRE, {"mois": "2026-03"})
    lot = Lot.objects.get()
    assert lot.statut == "en_attente" and lot.total == 3
    # Another tab, another person: the same lot, said in French.
    r2 = client_as(gestion).post(EMETTRE, {"mois": "2026-03"}, follow=True)
    assert r1.url == r2.redirect_chain[-1][0] == f"/factures/lots/{lot.pk}/"
    assert "L&#x27;émission des brouillons de mars 2026 est déjà lancée" in r2.text
    assert Lot.objects.count() == 1
    assert EntreeJournal.objects.filter(operation="facturation.lancer_emission").count() == 1
    # Waiting: the page polls, says so, and offers a link without JavaScript.
    assert "En attente</strong> : 0 / 3 émises." in r2.text
    assert 'hx-trigger="every 2s"' in r2.text
    assert (
        "<noscript><p>Sans JavaScript, cette page ne se met pas à jour seule : "
        f'<a href="/factures/lots/{lot.pk}/">' in r2.text
    )
    # The list links to the lot instead of a second launch button.
    liste = client_as(comptable).get("/factures/").text
    assert "Émission en cours : voir l'avancement" in liste
    assert "Émettre tous les brouillons de mars 2026" not in liste


@pytest.mark.django_db(transaction=True)
def test_huit_clics_simultanes_un_seul_lot(course, brouillons, comptable, sans_processus):
    """Chaque clic sa connexion, tous en même temps : la base n'en garde qu'un, les autres
    reçoivent le message et le lot du premier."""

    def lancer(i):
        return services.lancer_emission_du_mois(mois=MARS, par=acteur(comptable)).pk

    resultats = course.lancer(lancer, n=8)
    lots = [r for r in resultats if isinstance(r, int)]
    refus = [r for r in resultats if isinstance(r, services.LotEnCours)]
    assert len(lots) == 1 and len(refus) == 7, resultats
    assert {r.lot.pk for r in refus} == set(lots)
    assert course.lire(lambda: Lot.objects.count()) == 1


def test_la_base_refuse_deux_lots_en_cours_du_meme_mois(db):
    Lot.objects.create(nature="emission", mois=MARS, total=1)
    Lot.objects.create(nature="emission", mois=MARS, total=1, statut="termine")
    Lot.objects.create(nature="emission", mois=datetime.date(2026, 2, 1), total=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.create(nature="emission", mois=MARS, total=1, statut="en_cours")
    # Without a month (reminders, later): one unfinished lot per nature too.
    Lot.objects.create(nature="emission", total=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.create(nature="emission", total=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.create(nature="emission", mois=MARS, total=1, faites=2, statut="termine")


def test_une_relance_reprend_les_brouillons_restants(
    brouillons, comptable, structure_a, pdf_factice
):
    sans_adresse(structure_a)
    c = client_as(comptable)
    c.post(EMETTRE, {"mois": "2026-03"})
    type(structure_a).objects.filter(pk=structure_a.pk).update(email_facturation="c@halage.test")

    r = c.post(EMETTRE, {"mois": "2026-03"}, follow=True)
    second = Lot.objects.order_by("pk").last()
    assert Lot.objects.count() == 2
    assert (second.statut, second.total, second.faites, second.erreurs) == ("termine", 1, 1, [])
    assert "Terminé</strong> : 1 / 1 émise." in r.text
    assert numeros() == ["F2026-0001", "F2026-0002", "F2026-0003"]
    assert not Facture.objects.brouillons().exists()

    # Nothing left: said, and no empty lot.
    r = c.post(EMETTRE, {"mois": "2026-03"}, follow=True)
    assert "Aucun brouillon à émettre pour mars 2026." in r.text
    assert Lot.objects.count() == 2


def test_la_tache_relancee_reprend_ou_elle_en_etait(
    brouillons, comptable, sans_processus, monkeypatch
):
    lot = services.lancer_emission_du_mois(mois=MARS, par=acteur(comptable))
    appels = []

    def tue_au_deuxieme(doc):
        appels.append(doc)
        if len(appels) == 2:
            raise KeyboardInterrupt  # what SIGKILL would do, minus the chance to note it
        return b"%PDF ok"

    monkeypatch.setattr(services.rendu, "pdf", tue_au_deuxieme)
    monkeypatch.setattr(taches, "_interrompre", lambda lot_id: None)
    with pytest.raises(KeyboardInterrupt):
        taches.emettre_lot.call(lot.pk)
    lot.refresh_from_db()
    assert (lot.statut, lot.faites, lot.total) == ("en_cours", 1, 3)
    assert numeros() == ["F2026-0001"]  # the second rolled back: no number taken

    monkeypatch.setattr(services.rendu, "pdf", lambda doc: b"%PDF ok")
    assert taches.emettre_lot.call(lot.pk) == {"total": 3, "faites": 3, "erreurs": 0}
    lot.refresh_from_db()
    assert (lot.statut, lot.faites, lot.total, lot.erreurs) == ("termine", 3, 3, [])
    assert numeros() == ["F2026-0001", "F2026-0002", "F2026-0003"]
    # A finished lot run again does nothing.
    assert taches.emettre_lot.call(lot.pk) == {}
    assert Facture.objects.emises().count() == 3


def test_une_tache_interrompue_le_dit_et_la_relance_continue(brouillons, comptable, monkeypatch):
    appels = []

    def arret_au_deuxieme(doc):
        appels.append(doc)
        if len(appels) == 2:
            raise SystemExit(1)  # the worker's second SIGTERM: sys.exit() mid-task
        return b"%PDF ok"

    monkeypatch.setattr(services.rendu, "pdf", arret_au_deuxieme)
    c = client_as(comptable)
    r = c.post(EMETTRE, {"mois": "2026-03"}, follow=True)  # the immediate backend notes it
    lot = Lot.objects.get()
    assert (lot.statut, lot.faites, lot.total) == ("echoue", 1, 3)
    assert lot.erreurs == [taches.INTERROMPU]
    assert "Échoué</strong> : 1 / 3 émise, 1 refus." in r.text
    assert "Relancer l'émission de mars 2026" in r.text

    monkeypatch.setattr(services.rendu, "pdf", lambda doc: b"%PDF ok")
    c.post(EMETTRE, {"mois": "2026-03"})
    second = Lot.objects.order_by("pk").last()
    assert (second.statut, second.total, second.faites) == ("termine", 2, 2)
    assert numeros() == ["F2026-0001", "F2026-0002", "F2026-0003"]


def test_un_brouillon_emis_a_la_main_entre_temps_sort_du_lot(
    brouillons, comptable, sans_processus, pdf_factice
):
    lot = services.lancer_emission_du_mois(mois=MARS, par=acteur(comptable))
    depart = taches._demarrer(lot.pk)
    services.emettre(facture=brouillons["Halage"], par=acteur(comptable))
    for pk in depart[1]:
        taches._emettre_un(lot.pk, pk, acteur(comptable))
    lot.refresh_from_db()
    assert (lot.total, lot.faites, lot.erreurs) == (2, 2, [])


def test_un_lot_sans_nouvelles_est_remplace(
    brouillons, comptable, sans_processus, time_machine, settings
):
    c = client_as(comptable)
    c.post(EMETTRE, {"mois": "2026-03"})
    muet = Lot.objects.get()
    time_machine.move_to(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=11))
    page = c.get(f"/factures/lots/{muet.pk}/").text
    assert "Aucune nouvelle de cette émission depuis plus de 10 minutes" in page
    assert "Relancer l'émission de mars 2026" in page

    r = c.post(EMETTRE, {"mois": "2026-03"})
    muet.refresh_from_db()
    nouveau = Lot.objects.exclude(pk=muet.pk).get()
    assert r.url == f"/factures/lots/{nouveau.pk}/"
    assert muet.statut == "echoue" and muet.erreurs == [services.ARRET_SANS_NOUVELLES]
    assert nouveau.statut == "en_attente" and nouveau.total == 3
    assert EntreeJournal.objects.filter(operation="facturation.abandonner_lot").count() == 1
    # Its task, when a worker finally takes it, leaves the failed lot alone.
    assert taches.emettre_lot.call(muet.pk) == {}
    assert not Facture.objects.emises().exists()


def test_le_fragment_htmx_ne_renvoie_que_du_neuf(brouillons, comptable, sans_processus):
    c = client_as(comptable)
    c.post(EMETTRE, {"mois": "2026-03"})
    lot = Lot.objects.get()
    url = f"/factures/lots/{lot.pk}/"
    htmx = {"HTTP_HX_REQUEST": "true"}

    r = c.get(url, {"etat": lot.etat}, **htmx)
    assert r.status_code == 204  # nothing new: nothing swapped, nothing re-announced
    assert "HX-Request" in r["Vary"]
    r = c.get(url, {"etat": "ancien"}, **htmx)
    assert r.status_code == 200 and "<h1>" not in r.text
    assert "En attente</strong> : 0 / 3 émises." in r.text
    assert '<div id="lot-suite" hx-swap-oob="true">' in r.text

    Lot.objects.filter(pk=lot.pk).update(statut="termine", faites=3)
    r = c.get(url, {"etat": lot.etat}, **htmx)
    assert r.status_code == 286  # htmx stops polling, after swapping the final state
    assert "Terminé</strong> : 3 / 3 émises." in r.text
    page = c.get(url)
    assert page.status_code == 200 and "HX-Request" in page["Vary"]


def test_une_file_injoignable_n_est_pas_une_erreur_500(brouillons, comptable, monkeypatch):
    class FileEnPanne:
        def enqueue(self, **kwargs):
            raise ConnectionError("file injoignable")

    monkeypatch.setattr(taches, "emettre_lot", FileEnPanne())
    r = client_as(comptable).post(EMETTRE, {"mois": "2026-03"}, follow=True)
    lot = Lot.objects.get()
    assert r.status_code == 200 and lot.statut == "echoue"
    assert "La tâche n&#x27;a pas pu être mise en file" in r.text
    assert not Facture.objects.emises().exists()


def test_un_mois_sans_brouillon(comptable, cooperative):
    r = client_as(comptable).post(EMETTRE, {"mois": "2026-03"}, follow=True)
    assert r.redirect_chain == [("/factures/", 302)]
    assert "Aucun brouillon à émettre pour mars 2026." in r.text
    assert not Lot.objects.exists()


@pytest.fixture
def signaux_du_test():
    """db_worker installe ses gestionnaires de SIGINT/SIGTERM : on rend ceux de pytest."""
    avant = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, gestionnaire in avant.items():
        signal.signal(s, gestionnaire)


@pytest.mark.django_db(transaction=True)
def test_la_file_en_base_et_son_processus(
    brouillons, comptable, structure_a, settings, pdf_factice, signaux_du_test
):
    """Ce que fait la production : la page met le lot en file (une ligne de
    django_tasks_db), le processus de fond (`manage.py db_worker`) le prend et l'exécute."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sans_adresse(structure_a)
    r = client_as(comptable).post(EMETTRE, {"mois": "2026-03"})
    lot = Lot.objects.get()
    assert r.url == f"/factures/lots/{lot.pk}/"
    tache = DBTaskResult.objects.get()
    assert (str(tache.id), tache.status) == (lot.tache_id, "READY")
    assert tache.task_path == "espaces.facturation.taches.emettre_lot"
    assert lot.statut == "en_attente" and not Facture.objects.emises().exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    lot.refresh_from_db()
    tache.refresh_from_db()
    assert (lot.statut, lot.total, lot.faites, len(lot.erreurs)) == ("termine", 3, 2, 1)
    assert tache.status == "SUCCESSFUL"
    assert tache.return_value == {"total": 3, "faites": 2, "erreurs": 1}
    assert numeros() == ["F2026-0001", "F2026-0002"]
    page = client_as(comptable).get(r.url).text
    assert "Terminé</strong> : 2 / 3 émises, 1 refus." in page
    # Old results are pruned by the command docs/decisions.md gives.
    call_command("prune_db_task_results", "--min-age-days", "0", verbosity=0)
    assert not DBTaskResult.objects.exists()
    assert Lot.objects.get().statut == "termine"  # the lot is our record: it stays
