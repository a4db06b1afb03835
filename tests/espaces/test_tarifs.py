"""Tarifs datés : jamais deux du même type à la fois (la base le refuse sur PostgreSQL, même
en course), et un tarif en cours se termine ou se remplace depuis la liste, sans toucher
aux prix déjà figés."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from espaces import services
from espaces.models import Consommation, Convention, Tarif
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as
from tests.course import exiger_postgres
from tests.espaces.views_fixtures import NOW, construire_lieu, contient

d = datetime.date
LISTE = reverse("espaces:tarif-liste")
CHEVAUCHEMENT = "Un autre tarif du même type est déjà en vigueur sur cette période"


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(db, structure_a):
    return construire_lieu(structure_a)


@pytest.fixture
def impression(lieu) -> Tarif:
    """0,10 € HT la page depuis le 1er janvier 2015, sans fin."""
    return lieu.tarifs[Tarif.Code.IMPRESSION]


def terminer_url(tarif):
    return reverse("espaces:tarif-terminer", args=[tarif.pk])


def remplacer_url(tarif):
    return reverse("espaces:tarif-remplacer", args=[tarif.pk])


def impressions() -> list[tuple]:
    return list(
        Tarif.objects.filter(code=Tarif.Code.IMPRESSION)
        .order_by("debut")
        .values_list("montant_ht", "taux_tva", "debut", "fin")
    )


# --- Terminer ---------------------------------------------------------------------------


def test_terminer_un_tarif_depuis_la_liste(impression, gestion):
    client = client_as(gestion)
    liste = client.get(LISTE)
    assert f'href="{terminer_url(impression)}"' in liste.text
    assert contient(liste, "garde le prix figé le jour où elle a été faite")

    page = client.get(terminer_url(impression))
    assert page.status_code == 200
    assert 'type="date"' in page.text and "Ne rien faire et revenir" in page.text
    response = client.post(terminer_url(impression), {"fin": "2026-03-31"})

    assert response.url == LISTE
    assert impressions() == [(Decimal("0.1000"), Decimal("20.00"), d(2015, 1, 1), d(2026, 3, 31))]
    suite = client.get(LISTE)
    assert contient(suite, "Le tarif « Impression, à la page » se termine le 31 mars 2026.")
    entree = EntreeJournal.objects.get(operation="tarif.terminer")
    assert entree.libelle == (
        "Tarif terminé : Impression, à la page, 0,10 € HT jusqu'au 31/03/2026 inclus"
    )
    assert entree.changements == {"au (inclus)": ["—", "31/03/2026"]}
    assert entree.par == gestion


@pytest.mark.parametrize(
    ("fin", "message"),
    [
        ("2014-12-31", "La fin ne peut pas précéder le début du tarif (01/01/2015)."),
        ("2026-31-12", "Saisissez une date valide."),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_terminer_mal_saisi(impression, gestion, fin, message):
    response = client_as(gestion).post(terminer_url(impression), {"fin": fin})

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["fin"])
    assert contient(response, message)
    assert impressions()[0][3] is None
    assert not EntreeJournal.objects.exists()


def test_on_avance_une_fin_on_ne_la_repousse_pas(impression, gestion):
    par = acteur(gestion)
    services.terminer_tarif(tarif=impression, fin=d(2026, 6, 30), par=par)
    services.terminer_tarif(tarif=impression, fin=d(2026, 4, 30), par=par)

    with pytest.raises(services.EspacesError, match="se termine déjà le 30/04/2026"):
        services.terminer_tarif(tarif=impression, fin=d(2026, 5, 31), par=par)
    assert impressions()[0][3] == d(2026, 4, 30)
    assert EntreeJournal.objects.filter(operation="tarif.terminer").count() == 2


def test_un_tarif_deja_termine_n_a_plus_d_actions(impression, gestion):
    Tarif.objects.filter(pk=impression.pk).update(fin=d(2026, 3, 1))
    client = client_as(gestion)

    assert client.get(terminer_url(impression)).status_code == 404
    assert client.post(remplacer_url(impression), {}).status_code == 404
    assert f'href="{terminer_url(impression)}"' not in client.get(LISTE).text


# --- Remplacer --------------------------------------------------------------------------


def test_remplacer_un_tarif(lieu, impression, gestion, structure_a, referent_a):
    """Nouveau prix au 1er avril : l'ancien s'arrête le 31 mars, en une opération ; ce qui
    est déjà enregistré garde son prix."""
    consommation = services.enregistrer_consommation(
        structure=structure_a,
        service="impression",
        date=d(2026, 3, 2),
        quantite=40,
        par=acteur(referent_a),
    )
    client = client_as(gestion)
    page = client.get(remplacer_url(impression))
    assert page.context["form"]["montant_ht"].value() == Decimal("0.1000")

    response = client.post(
        remplacer_url(impression),
        {"a_partir_du": "2026-04-01", "montant_ht": "0.12", "taux_tva": "5.5"},
    )

    assert response.url == LISTE
    assert impressions() == [
        (Decimal("0.1000"), Decimal("20.00"), d(2015, 1, 1), d(2026, 3, 31)),
        (Decimal("0.1200"), Decimal("5.50"), d(2026, 4, 1), None),
    ]
    consommation.refresh_from_db()
    assert (consommation.prix_unitaire_ht, consommation.tarif) == (Decimal("0.1000"), impression)
    assert Convention.objects.get().montant_mensuel_ht == Decimal("225.00")
    assert contient(
        client.get(LISTE),
        "Nouveau tarif « Impression, à la page » : 0,12\u00a0€ HT à partir du 1er avr. 2026.",
    )
    entree = EntreeJournal.objects.get(operation="tarif.remplacer")
    assert entree.libelle == (
        "Tarif remplacé : Impression, à la page, 0,10 € → 0,12 € HT à partir du 01/04/2026"
    )
    assert entree.changements == {
        "montant HT": ["0.1", "0.12"],
        "taux de TVA (%)": ["20", "5.5"],
        "valable du": ["01/01/2015", "01/04/2026"],
        "fin de l'ancien tarif": ["—", "31/03/2026"],
    }


def test_remplacer_garde_la_fin_prevue(impression, gestion):
    Tarif.objects.filter(pk=impression.pk).update(fin=d(2026, 12, 31))

    nouveau = services.remplacer_tarif(
        tarif=impression,
        a_partir_du=d(2026, 7, 1),
        montant_ht=Decimal("0.0450"),
        taux_tva=Decimal("20"),
        par=acteur(gestion),
    )

    assert (nouveau.debut, nouveau.fin) == (d(2026, 7, 1), d(2026, 12, 31))
    assert impressions()[0][3] == d(2026, 6, 30)
    # A unit price below the cent is journalled as it is.
    assert "0,045 € HT" in EntreeJournal.objects.get().libelle


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"a_partir_du": "2015-01-01"},
            "Le nouveau prix commence après le début du tarif en cours (01/01/2015).",
        ),
        ({"a_partir_du": "2014-06-01"}, "Le nouveau prix commence après le début"),
        ({"montant_ht": "-1"}, "supérieure ou égale à 0"),
        ({"taux_tva": "120"}, "inférieure ou égale à 100"),
        ({"montant_ht": "0.12345"}, "Assurez-vous qu’il n’y a pas plus de 4 chiffres après"),
    ],
)
def test_remplacer_mal_saisi(impression, gestion, data, message):
    base = {"a_partir_du": "2026-04-01", "montant_ht": "0.12", "taux_tva": "20"}

    response = client_as(gestion).post(remplacer_url(impression), {**base, **data})

    assert response.status_code == 200
    erreurs = [e for errs in response.context["form"].errors.values() for e in errs]
    assert any(message in e for e in erreurs), erreurs
    assert impressions() == [(Decimal("0.1000"), Decimal("20.00"), d(2015, 1, 1), None)]
    assert not EntreeJournal.objects.exists()


def test_remplacer_apres_la_fin_prevue_est_refuse(impression, gestion):
    Tarif.objects.filter(pk=impression.pk).update(fin=d(2026, 3, 31))

    with pytest.raises(services.EspacesError, match="Ce tarif se termine le 31/03/2026"):
        services.remplacer_tarif(
            tarif=impression,
            a_partir_du=d(2026, 4, 1),
            montant_ht=Decimal("0.12"),
            taux_tva=Decimal("20"),
            par=acteur(gestion),
        )
    assert impressions() == [(Decimal("0.1000"), Decimal("20.00"), d(2015, 1, 1), d(2026, 3, 31))]


def test_remplacer_deux_fois_de_suite_sans_trou_ni_chevauchement(impression, gestion):
    """Le second remplacement, plus tôt, s'insère avant le premier."""
    par = acteur(gestion)
    services.remplacer_tarif(
        tarif=impression,
        a_partir_du=d(2026, 9, 1),
        montant_ht=Decimal("0.15"),
        taux_tva=Decimal("20"),
        par=par,
    )
    services.remplacer_tarif(
        tarif=impression,
        a_partir_du=d(2026, 4, 1),
        montant_ht=Decimal("0.12"),
        taux_tva=Decimal("20"),
        par=par,
    )

    assert [(m, debut, fin) for m, _, debut, fin in impressions()] == [
        (Decimal("0.1000"), d(2015, 1, 1), d(2026, 3, 31)),
        (Decimal("0.1200"), d(2026, 4, 1), d(2026, 8, 31)),
        (Decimal("0.1500"), d(2026, 9, 1), None),
    ]


def test_la_comptabilite_ne_termine_ni_ne_remplace(impression, comptable):
    client = client_as(comptable)
    assert "Remplacer" not in client.get(LISTE).text
    assert client.post(terminer_url(impression), {"fin": "2026-03-31"}).status_code == 403
    response = client.post(
        remplacer_url(impression),
        {"a_partir_du": "2026-04-01", "montant_ht": "0.12", "taux_tva": "20"},
    )
    assert response.status_code == 403
    assert len(impressions()) == 1 and impressions()[0][3] is None


# --- Jamais deux tarifs du même type à la fois ----------------------------------------


def test_ajout_qui_chevauche_refuse_sans_trace(impression, gestion):
    with pytest.raises(services.EspacesError, match=CHEVAUCHEMENT):
        services.enregistrer_tarif(
            tarif=Tarif(code=Tarif.Code.IMPRESSION, montant_ht=Decimal("1"), debut=d(2030, 1, 1)),
            par=acteur(gestion),
        )
    assert len(impressions()) == 1
    assert not EntreeJournal.objects.exists()


def test_tarif_d_une_salle_et_tarif_general_coexistent(lieu, gestion):
    tarif = services.enregistrer_tarif(
        tarif=Tarif(
            code=Tarif.Code.SALLE_HEURE,
            ressource=lieu.salle_a,
            montant_ht=Decimal("40"),
            debut=d(2026, 1, 1),
        ),
        par=acteur(gestion),
    )

    assert Tarif.objects.filter(code=Tarif.Code.SALLE_HEURE).count() == 2
    entree = EntreeJournal.objects.get(operation="tarif.creer")
    assert entree.libelle == "Tarif ajouté : Salle, à l'heure (Salle A), 40,00 € HT du 01/01/2026"
    assert entree.objet_id == str(tarif.pk)


def test_la_base_refuse_un_chevauchement(impression):
    """Sans passer par le service (admin, script) : la contrainte d'exclusion tranche, y
    compris pour deux tarifs généraux (ressource vide)."""
    exiger_postgres()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tarif.objects.create(
            code=Tarif.Code.IMPRESSION,
            montant_ht=Decimal("0.2"),
            debut=d(2020, 1, 1),
            fin=d(2020, 12, 31),
        )
    # The day after an end is free.
    Tarif.objects.filter(pk=impression.pk).update(fin=d(2019, 12, 31))
    Tarif.objects.create(code=Tarif.Code.IMPRESSION, montant_ht=Decimal("0.2"), debut=d(2020, 1, 1))


def test_le_refus_de_la_base_devient_le_meme_message(impression, gestion, monkeypatch):
    """Si la vérification laisse passer un chevauchement (une écriture hors du service
    entre-temps), la contrainte le refuse et la personne lit le même message."""
    exiger_postgres()
    monkeypatch.setattr(services.tarifs, "_tarifs_se_chevauchent", lambda tarif: False)

    with pytest.raises(services.EspacesError) as exc:
        services.enregistrer_tarif(
            tarif=Tarif(code=Tarif.Code.IMPRESSION, montant_ht=Decimal("1"), debut=d(2030, 1, 1)),
            par=acteur(gestion),
        )
    assert str(exc.value) == services.tarifs.CHEVAUCHEMENT
    assert len(impressions()) == 1
    assert not EntreeJournal.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_dix_tarifs_en_course_un_seul_gagne(course, gestion):
    """Dix personnes ajoutent en même temps un tarif d'impression aux dates qui se croisent :
    un seul est enregistré, les neuf autres reçoivent le message."""
    debuts = [d(2026, 1, 1) + datetime.timedelta(days=7 * i) for i in range(10)]

    def ajouter(i):
        return services.enregistrer_tarif(
            tarif=Tarif(
                code=Tarif.Code.IMPRESSION, montant_ht=Decimal(f"0.{10 + i}"), debut=debuts[i]
            ),
            par=acteur(gestion),
        )

    resultats = course.lancer(ajouter, n=10)

    gagnants = [r for r in resultats if isinstance(r, Tarif)]
    perdants = [r for r in resultats if not isinstance(r, Tarif)]
    assert len(gagnants) == 1
    assert all(isinstance(p, services.EspacesError) for p in perdants), perdants
    assert {str(p) for p in perdants} == {services.tarifs.CHEVAUCHEMENT}
    enregistres = course.lire(
        lambda: list(Tarif.objects.filter(code=Tarif.Code.IMPRESSION).values_list("pk", flat=True))
    )
    assert enregistres == [gagnants[0].pk]
    assert course.lire(lambda: EntreeJournal.objects.filter(operation="tarif.creer").count()) == 1


def test_consommation_apres_remplacement_au_nouveau_prix(
    impression, gestion, referent_a, structure_a
):
    services.remplacer_tarif(
        tarif=impression,
        a_partir_du=d(2026, 3, 2),
        montant_ht=Decimal("0.12"),
        taux_tva=Decimal("20"),
        par=acteur(gestion),
    )

    hier = services.enregistrer_consommation(
        structure=structure_a, service="impression", date=d(2026, 3, 1), quantite=1,
        par=acteur(referent_a),
    )  # fmt: skip
    aujourd_hui = services.enregistrer_consommation(
        structure=structure_a, service="impression", date=d(2026, 3, 2), quantite=1,
        par=acteur(referent_a),
    )  # fmt: skip

    assert (hier.prix_unitaire_ht, aujourd_hui.prix_unitaire_ht) == (
        Decimal("0.1000"),
        Decimal("0.12"),
    )
    assert Consommation.objects.count() == 2


def test_un_prix_plus_fin_que_le_centime_se_lit_tel_quel(impression, gestion):
    """Un timbre à 0,045 € n'est pas affiché « 0,05 € » : ni la liste, ni la page du tarif,
    ni le journal n'arrondissent un prix unitaire."""
    client = client_as(gestion)
    client.post(
        remplacer_url(impression),
        {"a_partir_du": "2026-04-01", "montant_ht": "0.045", "taux_tva": "20"},
    )
    nouveau = Tarif.objects.get(debut=d(2026, 4, 1))

    assert contient(client.get(LISTE), "0,045\u00a0€")
    assert contient(client.get(remplacer_url(nouveau)), "0,045\u00a0€ HT")
    assert "0,05" not in client.get(remplacer_url(nouveau)).text
    assert str(nouveau) == "Impression, à la page : 0,045\u00a0€ HT"


def test_la_mention_d_exoneration_se_saisit_avec_un_taux_nul(impression, gestion):
    """Un lieu qui n'a pas opté pour la TVA donne à son tarif la base légale imprimée sur
    chaque ligne à 0 % ; sur un tarif taxé elle est refusée."""
    client = client_as(gestion)
    mention = "Exonération de TVA – art. 261 D 2° du CGI"
    refus = client.post(
        remplacer_url(impression),
        {
            "a_partir_du": "2026-04-01",
            "montant_ht": "0.10",
            "taux_tva": "20",
            "mention_exoneration": mention,
        },
    )
    assert refus.status_code == 200
    assert contient(refus, "ne vaut que pour un taux de TVA de 0")
    assert not Tarif.objects.filter(debut=d(2026, 4, 1)).exists()

    client.post(
        remplacer_url(impression),
        {
            "a_partir_du": "2026-04-01",
            "montant_ht": "0.10",
            "taux_tva": "0",
            "mention_exoneration": mention,
        },
    )
    assert Tarif.objects.get(debut=d(2026, 4, 1)).mention_exoneration == mention
    assert contient(client.get(LISTE), mention)


# --- Forfaits d'heures de salle -----------------------------------------------------------


def test_un_nouveau_forfait_ne_chevauche_pas_un_forfait_qui_a_une_fin(gestion, structure_a):
    """Forfait de l'été (juin–août) : un changement au 1er juillet coupe l'ancien au 30 juin
    et garde la fin prévue ; un changement avant lui est refusé."""
    from espaces.models import ForfaitSalles

    ete = ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=10, debut=d(2015, 6, 1), fin=d(2015, 8, 31)
    )
    par = acteur(gestion)

    nouveau = services.definir_forfait(
        structure=structure_a, heures_par_mois=20, debut=d(2015, 7, 1), par=par
    )

    ete.refresh_from_db()
    assert (ete.debut, ete.fin) == (d(2015, 6, 1), d(2015, 6, 30))
    assert (nouveau.debut, nouveau.fin, nouveau.heures_par_mois) == (
        d(2015, 7, 1),
        d(2015, 8, 31),
        20,
    )
    with pytest.raises(services.EspacesError, match="commence déjà le 01/06/2015"):
        services.definir_forfait(
            structure=structure_a, heures_par_mois=5, debut=d(2015, 5, 1), par=par
        )
    assert ForfaitSalles.objects.count() == 2
