"""Mandats datés : nommer, terminer, jamais deux mandats de la même fonction à la fois pour
une personne ; un mandat de cogérant·e en cours donne les droits de la gouvernance."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from gouvernance import roles, selectors
from gouvernance.models import Mandat
from gouvernance.services import GouvernanceError, mandats
from phares.models import EntreeJournal
from tests.conftest import client_as
from tests.gouvernance.registre.conftest import SYSTEME, etat_base, lisible

pytestmark = pytest.mark.django_db
d = datetime.date


def test_la_gestion_nomme_un_tresorier(gestion, referent_a):
    response = client_as(gestion).post(
        reverse("gouvernance:mandat-nouveau"),
        {
            "personne": referent_a.pk,
            "fonction": "tresorier",
            "debut": "2015-06-12",
            "designe_par": "AG du 12 juin 2015, décision 2015-06-D05",
        },
    )
    assert response.status_code == 302
    mandat = Mandat.objects.get(personne=referent_a)
    assert (mandat.fonction, mandat.debut, mandat.fin) == ("tresorier", d(2015, 6, 12), None)
    assert mandat.designe_par == "AG du 12 juin 2015, décision 2015-06-D05"
    assert EntreeJournal.objects.filter(operation="mandat.nommer").count() == 1
    page = client_as(gestion).get(reverse("gouvernance:mandats")).text
    assert "Trésorier·e" in page and "Rémi Référent" in page


@pytest.mark.parametrize(
    ("debut", "fin", "refuse"),
    [
        (d(2015, 1, 1), None, True),  # overlaps the open-ended cogérant mandate
        (d(2013, 1, 1), d(2014, 6, 1), True),  # ends on its first day: bounds are inclusive
        (d(2013, 1, 1), d(2014, 5, 31), False),  # ends the day before
    ],
)
def test_deux_mandats_de_la_meme_fonction_ne_se_chevauchent_pas(cogerant, debut, fin, refuse):
    avant = etat_base()
    if refuse:
        with pytest.raises(GouvernanceError) as exc:
            mandats.nommer(
                personne=cogerant, fonction="cogerant", debut=debut, fin=fin, par=SYSTEME
            )
        assert "Claude Cogérant a déjà un mandat de cogérant·e du 1er juin 2014 (en cours)" in (
            lisible(str(exc.value))
        )
        assert etat_base() == avant
    else:
        mandats.nommer(personne=cogerant, fonction="cogerant", debut=debut, fin=fin, par=SYSTEME)


def test_une_autre_fonction_peut_se_cumuler(cogerant):
    mandats.nommer(personne=cogerant, fonction="membre_conseil", debut=d(2015, 1, 1), par=SYSTEME)
    assert {m.fonction for m in selectors.mandats_le(d(2015, 6, 1))} == {
        "cogerant",
        "membre_conseil",
    }


def test_la_page_dit_le_chevauchement_et_n_ecrit_rien(cogerant, gestion):
    avant = etat_base()
    response = client_as(gestion).post(
        reverse("gouvernance:mandat-nouveau"),
        {"personne": cogerant.pk, "fonction": "cogerant", "debut": "2015-01-01"},
    )
    assert response.status_code == 200
    assert "deux mandats de la même fonction ne se chevauchent pas" in lisible(response.text)
    assert etat_base() == avant


def test_fin_avant_debut_refusee(gestion, referent_a):
    response = client_as(gestion).post(
        reverse("gouvernance:mandat-nouveau"),
        {
            "personne": referent_a.pk,
            "fonction": "president",
            "debut": "2015-06-01",
            "fin": "2015-05-01",
        },
    )
    assert "La fin du mandat ne peut pas précéder son début." in lisible(response.text)
    assert not Mandat.objects.filter(personne=referent_a).exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="contrainte d'exclusion")
def test_la_base_refuse_un_chevauchement_sur_postgresql(cogerant):
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandat.objects.create(personne=cogerant, fonction="cogerant", debut=d(2015, 1, 1))


def test_terminer_un_mandat_retire_les_droits(cogerant, gestion, halage_associee):
    mandat = Mandat.objects.get(personne=cogerant)
    client = client_as(gestion)
    url = reverse("gouvernance:mandat-terminer", args=[mandat.pk])
    assert "ne peut pas finir avant" in lisible(client.post(url, {"fin": "2014-01-01"}).text)
    response = client.post(url, {"fin": "2016-02-29", "motif": "Démission"})
    assert response.status_code == 302
    mandat.refresh_from_db()
    assert (mandat.fin, mandat.motif_fin) == (d(2016, 2, 29), "Démission")
    # Today is 1 March 2016: no more cogérant, no more governance pages.
    assert not roles.is_cogerant(cogerant)
    assert client_as(cogerant).get(reverse("gouvernance:registre")).status_code == 403
    assert roles.is_cogerant(cogerant, le=d(2016, 2, 29))
    # An ended mandate has nothing left to end.
    assert client.get(url).status_code == 404


def test_on_avance_une_fin_on_ne_la_repousse_pas(cogerant):
    mandat = Mandat.objects.get(personne=cogerant)
    mandats.terminer(mandat=mandat, fin=d(2016, 6, 30), par=SYSTEME)
    with pytest.raises(GouvernanceError, match="un renouvellement est un nouveau mandat"):
        mandats.terminer(mandat=mandat, fin=d(2016, 12, 31), par=SYSTEME)
    mandats.terminer(mandat=mandat, fin=d(2016, 3, 31), par=SYSTEME)
    mandat.refresh_from_db()
    assert mandat.fin == d(2016, 3, 31)


def test_les_fonctions_du_conseil(db):
    assert set(Mandat.Fonction.values) == {
        "cogerant",
        "president",
        "vice_president",
        "tresorier",
        "secretaire",
        "membre_conseil",
    }
    assert connection.vendor in ("sqlite", "postgresql")
