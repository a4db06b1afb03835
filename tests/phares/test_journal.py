"""Le journal des opérations : écrit par les services dans leur transaction, lu par la
gestion, jamais modifié ni effacé — ni par le modèle, ni par l'administration, ni en SQL."""

import datetime

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from habitants import services as habitants_services
from habitants.models import Structure
from phares.lib import journal
from phares.lib.acteur import Acteur
from phares.models import EntreeJournal, JournalImmuable
from tests.conftest import acteur, client_as

JOURNAL = "/journal/"


def ecrire(par, libelle="Opération", structure=None, **kw):
    with transaction.atomic():
        return journal.journaliser(
            par=par, operation="test.operation", libelle=libelle, structure=structure, **kw
        )


# --- Qui, quand, quoi, d'où ---------------------------------------------------------


def test_une_operation_de_service_ecrit_qui_quoi_avant_apres_et_la_requete(
    gestion, structure_a, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # behind our proxy, which sets X-Request-ID
    client = client_as(gestion)
    response = client.post(
        reverse("habitants:structure-archiver", args=[structure_a.slug]),
        HTTP_X_REQUEST_ID="req-archivage-0001",
    )

    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-archivage-0001"
    entree = EntreeJournal.objects.get(operation="structure.archiver")
    assert entree.par == gestion and entree.par_libelle == "Anne Hurand"
    assert entree.origine == "web" and entree.request_id == "req-archivage-0001"
    assert entree.libelle == "Structure archivée : Halage"
    assert entree.objet_type == "habitants.structure" and entree.objet_id == str(structure_a.pk)
    assert entree.structure_id == structure_a.pk and entree.structure_nom == "Halage"
    assert entree.changements == {"archivée": ["non", "oui"]}


def test_un_identifiant_de_requete_douteux_est_remplace(gestion, structure_a, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    response = client_as(gestion).post(
        reverse("habitants:structure-archiver", args=[structure_a.slug]),
        HTTP_X_REQUEST_ID="<script>",
    )
    rid = EntreeJournal.objects.get().request_id
    assert rid != "<script>" and len(rid) == 32 and response["X-Request-ID"] == rid


def test_une_modification_ne_garde_que_ce_qui_change(gestion, structure_a):
    data = {
        "nom": "Halage",
        "forme_juridique": "association",
        "domaine": structure_a.domaine_id,
        "description": "Nouvelle description.",
        "arrivee": "2010-01-01",
        "email_contact": "contact@halage.test",
    }
    client_as(gestion).post(reverse("habitants:structure-modifier", args=["halage"]), data)

    entree = EntreeJournal.objects.get(operation="structure.modifier")
    assert entree.changements == {
        "description": ["Solidarité et environnement.", "Nouvelle description."]
    }
    page = client_as(gestion).get("/journal/").content.decode()
    assert (
        '<span class="fw-semibold">description</span> : Solidarité et environnement. '
        '<span aria-hidden="true">→</span><span class="visually-hidden">devient</span> '
        "Nouvelle description.</li>"
    ) in page


def test_les_changements_se_lisent_champ_avant_apres():
    assert journal.lignes({"nom": ["—", "Halage"], "statut": ["a", "b"]}) == [
        ("nom", "—", "Halage"),
        ("statut", "a", "b"),
    ]
    assert journal.lignes({}) == []


def test_un_refus_ne_laisse_aucune_trace(gestion, structure_a):
    structure_a.archivee = True
    structure_a.save()
    with pytest.raises(habitants_services.HabitantsError):
        habitants_services.archiver_structure(structure=structure_a, par=acteur(gestion))
    assert not EntreeJournal.objects.exists()


def test_une_operation_annulee_efface_son_entree(gestion, structure_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        habitants_services.archiver_structure(structure=structure_a, par=acteur(gestion))
        raise RuntimeError("la suite échoue")
    assert not EntreeJournal.objects.exists()


def test_les_commandes_ecrivent_au_nom_du_systeme(db):
    entree = ecrire(Acteur.systeme("demo"))
    assert entree.par is None and entree.par_libelle == "système (demo)"


def test_un_service_refuse_un_utilisateur_a_la_place_d_un_acteur(gestion, structure_a):
    with pytest.raises(TypeError, match="Acteur"):
        habitants_services.archiver_structure(structure=structure_a, par=gestion)
    with pytest.raises(TypeError, match="Acteur"):
        habitants_services.archiver_structure(structure=structure_a, par=None)
    assert not Structure.objects.filter(archivee=True).exists()


@pytest.mark.django_db(transaction=True)
def test_journaliser_hors_transaction_est_refuse(gestion):
    with pytest.raises(RuntimeError, match="transaction"):
        journal.journaliser(par=acteur(gestion), operation="x", libelle="x")


def test_les_secrets_n_entrent_pas_au_journal(gestion):
    valeurs = journal.instantane(gestion, ["email", "password"])
    assert valeurs == {"adresse e-mail": "gestion@phares.test"}


def test_les_valeurs_sont_lisibles():
    assert journal.affichable(datetime.date(2015, 6, 30)) == "30/06/2015"
    moment = datetime.datetime(2026, 7, 1, 7, 30, tzinfo=datetime.UTC)
    assert journal.affichable(moment) == "01/07/2026 09:30"  # Paris
    assert journal.affichable(True) == "oui" and journal.affichable(None) == "—"
    assert journal.affichable("x" * 500).endswith("…") and len(journal.affichable("x" * 500)) == 120


# --- Personne ne modifie ni n'efface une entrée ---------------------------------------


def test_le_modele_refuse_modification_et_suppression(gestion):
    entree = ecrire(acteur(gestion))
    entree.libelle = "Réécrit"
    with pytest.raises(JournalImmuable):
        entree.save()
    with pytest.raises(JournalImmuable):
        entree.delete()
    with pytest.raises(JournalImmuable):
        EntreeJournal.objects.filter(pk=entree.pk).update(libelle="Réécrit")
    with pytest.raises(JournalImmuable):
        EntreeJournal.objects.all().delete()
    with pytest.raises(JournalImmuable), transaction.atomic():
        EntreeJournal.objects.bulk_update([entree], ["libelle"])
    assert EntreeJournal.objects.get().libelle == "Opération"


def test_la_base_refuse_une_modification_en_sql(gestion):
    entree = ecrire(acteur(gestion))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE phares_entreejournal SET libelle = 'Réécrit'")
    assert EntreeJournal.objects.get(pk=entree.pk).libelle == "Opération"


def test_postgresql_refuse_aussi_une_suppression_en_sql(gestion):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite : pas de déclencheur DELETE (voir phares/migrations/0004).")
    ecrire(acteur(gestion))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM phares_entreejournal")
    assert EntreeJournal.objects.count() == 1


def test_l_administration_ne_permet_ni_ajout_ni_modification_ni_suppression(gestion):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root@phares.test", "un-mot-de-passe-long")
    entree = ecrire(acteur(gestion))
    client = client_as(root)
    change = reverse("admin:phares_entreejournal_change", args=[entree.pk])

    assert client.get(reverse("admin:phares_entreejournal_changelist")).status_code == 200
    assert client.get(change).status_code == 200  # read-only view
    assert client.post(change, {"libelle": "Réécrit"}).status_code == 403
    delete = reverse("admin:phares_entreejournal_delete", args=[entree.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:phares_entreejournal_add")).status_code == 403
    assert EntreeJournal.objects.get().libelle == "Opération"


# --- La page du journal ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonyme", 302),
        ("gestion", 200),
        ("comptable", 403),
        ("referent_a", 403),
        ("membre_a", 403),
        ("habitant_b", 403),
        ("cogerant", 403),
        ("associe", 403),
    ],
)
def test_seule_la_gestion_lit_le_journal(personas, persona, status):
    assert client_as(personas[persona]).get(JOURNAL).status_code == status


@pytest.fixture
def entrees(gestion, referent_a, structure_a, structure_b):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)):
        # 11 March 00:30 in Paris.
        ecrire(acteur(gestion), "Archivage de Halage", structure=structure_a)
    with time_machine.travel(datetime.datetime(2026, 3, 12, 9, 0, tzinfo=datetime.UTC)):
        ecrire(acteur(referent_a), "Profil de Halage", structure=structure_a)
        ecrire(acteur(gestion), "Domaine ajouté", objet=structure_b.domaine)
        ecrire(Acteur.systeme("demo"), "Chargement de démonstration", structure=structure_b)


def _libelles(response):
    return [e.libelle for e in response.context["page"]]


@pytest.mark.parametrize(
    ("filtre", "attendu"),
    [
        ({}, ["Chargement de démonstration", "Domaine ajouté", "Profil de Halage",
              "Archivage de Halage"]),
        ({"personne": "$referent"}, ["Profil de Halage"]),
        ({"personne": "systeme"}, ["Chargement de démonstration"]),
        ({"structure": "$halage"}, ["Profil de Halage", "Archivage de Halage"]),
        ({"objet_type": "habitants.domaine"}, ["Domaine ajouté"]),
        # Dates are inclusive and read in Paris time: 11 March holds the 00:30 entry.
        ({"du": "2026-03-11", "au": "2026-03-11"}, ["Archivage de Halage"]),
        ({"au": "2026-03-10"}, []),
        ({"du": "2026-03-12"}, ["Chargement de démonstration", "Domaine ajouté",
                                "Profil de Halage"]),
        ({"q": "halage"}, ["Profil de Halage", "Archivage de Halage"]),
    ],
)  # fmt: skip
def test_le_journal_se_filtre(gestion, referent_a, structure_a, entrees, filtre, attendu):
    valeurs = {"$referent": str(referent_a.pk), "$halage": str(structure_a.pk)}
    params = {k: valeurs.get(v, v) for k, v in filtre.items()}
    response = client_as(gestion).get(JOURNAL, params)
    assert response.status_code == 200
    assert _libelles(response) == attendu


def test_les_filtres_proposent_ce_que_le_journal_contient(gestion, entrees):
    form = client_as(gestion).get(JOURNAL).context["filter"].form
    assert [c[1] for c in form.fields["structure"].choices][1:] == ["Halage", "Mode Estime"]
    assert ("habitants.domaine", "Domaine d'activité") in form.fields["objet_type"].choices
    assert ("systeme", "Système (commandes)") in form.fields["personne"].choices


@pytest.mark.parametrize("filtre", [{"du": "pas-une-date"}, {"personne": "999999"},
                                    {"structure": "\x00"}, {"q": "x" * 5000}])  # fmt: skip
def test_un_filtre_absurde_est_une_erreur_de_formulaire(gestion, entrees, filtre):
    response = client_as(gestion).get(JOURNAL, filtre)
    assert response.status_code == 200
    assert response.context["filter"].form.errors


def test_la_page_fait_autant_de_requetes_quelle_que_soit_la_taille(
    gestion, structure_a, django_assert_num_queries
):
    # Session, the person, the values of the three filters (one query), the authors' names,
    # the page.
    client = client_as(gestion)
    for i in range(3):
        ecrire(acteur(gestion), f"Opération {i}", structure=structure_a)
    client.get(JOURNAL)
    with django_assert_num_queries(5):
        client.get(JOURNAL)
    for i in range(120):
        ecrire(acteur(gestion), f"Opération {i}", structure=structure_a)
    with django_assert_num_queries(5):
        client.get(JOURNAL)


def test_la_fiche_d_une_structure_montre_son_historique_a_la_gestion(
    gestion, comptable, structure_a, structure_b
):
    ecrire(acteur(gestion), "Opération sur Halage", structure=structure_a)
    ecrire(acteur(gestion), "Opération sur Mode Estime", structure=structure_b)
    url = reverse("habitants:structure-detail", args=["halage"])

    page = client_as(gestion).get(url)
    assert "Historique récent" in page.text and "Opération sur Halage" in page.text
    assert "Opération sur Mode Estime" not in page.text
    assert f"/journal/?structure={structure_a.pk}" in page.text
    # Comptabilité reads the structure, not the journal.
    assert "Historique récent" not in client_as(comptable).get(url).text


def test_le_journal_montre_l_heure_de_paris(gestion, structure_a):
    with time_machine.travel(datetime.datetime(2026, 7, 1, 7, 30, tzinfo=datetime.UTC)):
        ecrire(acteur(gestion), "Le matin", structure=structure_a)
    text = client_as(gestion).get(JOURNAL).text
    assert "1er juil. 2026" in text and "09:30" in text
    assert timezone.is_aware(EntreeJournal.objects.get().le)


@pytest.mark.parametrize("filtre", [{"au": "9999-12-31"}, {"du": "0001-01-01"}])
def test_une_date_hors_de_portee_est_un_message_pas_une_erreur(gestion, entrees, filtre):
    """Le lendemain du 31/12/9999 ou l'heure UTC du 01/01/0001 n'existent pas : la date est
    refusée par le champ (le même pour toutes les dates de PHARES), jamais un 500."""
    response = client_as(gestion).get(JOURNAL, filtre)
    assert response.status_code == 200
    erreurs = response.context["filter"].form.errors
    assert "Les dates vont de 1900 à 2999." in str(erreurs)


def test_sans_proxy_le_visiteur_ne_choisit_pas_l_identifiant(gestion, structure_a, settings):
    """Sans proxy devant, l'en-tête vient du navigateur : il ne doit pas pouvoir rattacher
    son action à l'identifiant d'une autre."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    response = client_as(gestion).post(
        reverse("habitants:structure-archiver", args=[structure_a.slug]),
        HTTP_X_REQUEST_ID="req-choisie-par-le-visiteur",
    )
    rid = EntreeJournal.objects.get().request_id
    assert rid != "req-choisie-par-le-visiteur" and response["X-Request-ID"] == rid


# --- Par pages, sans compter le journal --------------------------------------------------


def _en_masse(n, *, le, structure=None, debut=0):
    """`n` entrées écrites d'un coup, toutes au même instant `le` (des opérations d'une même
    commande, ou d'une même milliseconde)."""
    EntreeJournal.objects.bulk_create(
        EntreeJournal(
            le=le,
            par_libelle="système (test)",
            origine="test",
            operation="test.masse",
            libelle=f"Entrée {debut + i}",
            structure_id=structure.pk if structure else None,
            structure_nom=structure.nom if structure else "",
        )
        for i in range(n)
    )


def _toutes_les_pages(client, params=None):
    """Les pages dans l'ordre, en suivant le lien « Page suivante » : [[pk, …], …]."""
    pages = []
    response = client.get(JOURNAL, params or {})
    while True:
        assert response.status_code == 200
        page = response.context["page"]
        pages.append([e.pk for e in page])
        if not page.suivante:
            return pages
        assert 'href="?' + page.suivante.replace("&", "&amp;") + '">Page suivante' in response.text
        response = client.get(JOURNAL + "?" + page.suivante)


def test_les_pages_donnent_chaque_entree_une_fois_meme_a_instants_egaux(
    gestion, structure_a, structure_b
):
    instant = datetime.datetime(2026, 3, 12, 9, 0, tzinfo=datetime.UTC)
    # 130 entries, 60 of them at the very same instant across the page boundaries (50).
    _en_masse(40, le=instant + datetime.timedelta(seconds=1), structure=structure_a)
    _en_masse(60, le=instant, structure=structure_b, debut=40)
    _en_masse(30, le=instant, structure=structure_a, debut=100)
    client = client_as(gestion)

    pages = _toutes_les_pages(client)
    assert [len(p) for p in pages] == [50, 50, 30]
    lues = [pk for p in pages for pk in p]
    assert lues == list(EntreeJournal.objects.order_by("-le", "-pk").values_list("pk", flat=True))

    # Filtered, the cursor keeps the filter.
    pages = _toutes_les_pages(client, {"structure": str(structure_a.pk)})
    assert [len(p) for p in pages] == [50, 20]
    attendu = EntreeJournal.objects.filter(structure_id=structure_a.pk).order_by("-le", "-pk")
    assert [pk for p in pages for pk in p] == list(attendu.values_list("pk", flat=True))


def test_une_entree_ecrite_entre_deux_pages_ne_decale_pas_la_suite(gestion, structure_a):
    _en_masse(60, le=datetime.datetime(2026, 3, 12, 9, 0, tzinfo=datetime.UTC))
    client = client_as(gestion)
    premiere = client.get(JOURNAL).context["page"]
    ecrire(acteur(gestion), "Écrite pendant la lecture", structure=structure_a)
    seconde = client.get(JOURNAL + "?" + premiere.suivante).context["page"]
    lues = [e.pk for e in premiere] + [e.pk for e in seconde]
    assert len(lues) == len(set(lues)) == 60  # none twice (pages by OFFSET would repeat one)
    assert "Écrite pendant la lecture" not in [e.libelle for e in seconde]
    assert (
        seconde.numero == 2
        and "Première page" in client.get(JOURNAL + "?" + premiere.suivante).text
    )


def test_la_page_ne_compte_ni_ne_parcourt_le_journal(gestion, referent_a, structure_a):
    _en_masse(120, le=datetime.datetime(2026, 3, 12, 9, 0, tzinfo=datetime.UTC))
    ecrire(acteur(referent_a), "Profil de Halage", structure=structure_a)
    client = client_as(gestion)
    premiere = client.get(JOURNAL).context["page"]
    for url in (
        JOURNAL,
        JOURNAL + "?" + premiere.suivante,
        f"{JOURNAL}?structure={structure_a.pk}&personne={referent_a.pk}&objet_type=x",
    ):
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url).status_code == 200
        sur_le_journal = [q["sql"] for q in requetes if "phares_entreejournal" in q["sql"]]
        assert sur_le_journal
        for sql in sur_le_journal:
            assert "COUNT(" not in sql.upper(), sql
            assert "DISTINCT" not in sql.upper() and "GROUP BY" not in sql.upper(), sql
            assert " OFFSET " not in sql.upper(), sql
        # The entries themselves: the page and one more, to know if a next page exists.
        lecture = [s for s in sur_le_journal if "ORDER BY" in s and "LIMIT 51" in s]
        assert len(lecture) == 1, sur_le_journal


@pytest.mark.parametrize(
    "curseur", ["n.importe.quoi", "journal.1.2.3", "journal.9" * 9, "x" * 500, "autre.1.1.1.2"]
)
def test_un_curseur_abime_ramene_a_la_premiere_page(gestion, entrees, curseur):
    response = client_as(gestion).get(JOURNAL, {"apres": curseur})
    assert response.status_code == 200
    assert response.context["page"].numero == 1
    assert len(response.context["page"]) == 4


@pytest.mark.parametrize(
    "curseur",
    ["journal.1.9" + "9" * 30 + ".1.2", "journal." + "9" * 30 + ".1.1.2", "journal.-1.-1.-1.-5"],
)
def test_un_curseur_hors_de_portee_n_est_pas_une_erreur(gestion, entrees, curseur):
    """Bien formé mais hors des valeurs possibles (un lien retouché) : une page, pas un 500."""
    response = client_as(gestion).get(JOURNAL, {"apres": curseur})
    assert response.status_code == 200
    assert "<h1>Journal des opérations</h1>" in response.text
