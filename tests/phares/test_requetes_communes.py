"""Ce que chaque page paie avant son propre travail : la session, la personne connectée lue
avec ses rôles (phares/auth.py), et, pour qui est membre d'une structure, ses structures (la
navigation les montre). Une page nue (`@login_required` et le gabarit de base) sert de
plancher : le gabarit de base n'y ajoute que la liste des structures, et seulement pour
qui en a. Les rôles lus ainsi sont ceux du jour, relus à chaque requête : retirer
quelqu'un de la gestion ou finir un mandat se voit à la requête suivante."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gouvernance import roles as gouvernance_roles
from gouvernance.models import Associe, Mandat
from habitants import selectors as habitants_selectors
from habitants.models import Membre
from phares import roles
from phares.models import User
from tests.conftest import client_as, make_user, membre_de

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.phares.urls_gabarit")]

PAGE_NUE = "/__page-nue__/"

# Session + the user with their roles; habitants also read their structures (one query).
PLANCHER = 2
PAR_PERSONA = {
    "gestion": PLANCHER,
    "comptable": PLANCHER,
    "associe": PLANCHER,
    "referent_a": PLANCHER + 1,
    "membre_a": PLANCHER + 1,
    "habitant_b": PLANCHER + 1,
    "cogerant": PLANCHER + 1,
}


def requetes(client, url):
    client.get(url)  # the first hit may write the session, set the CSRF cookie…
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("persona", sorted(PAR_PERSONA))
def test_le_gabarit_de_base_ne_coute_que_les_structures_de_la_personne(persona, personas):
    response, sql = requetes(client_as(personas[persona]), PAGE_NUE)
    assert len(sql) == PAR_PERSONA[persona], "\n".join(sql)
    assert "django_session" in sql[0]
    assert "phares_user" in sql[1]
    if PAR_PERSONA[persona] > PLANCHER:
        assert "Mon espace" in response.content.decode()


def test_une_page_du_projet_ne_relit_pas_les_roles(gestion):
    """The journal checks `is_gestion` in its decorator and the navigation asks it again:
    both read the answer brought with the user."""
    _, sql = requetes(client_as(gestion), reverse("journal:liste"))
    assert "phares_user" in sql[1]
    assert not [q for q in sql[2:] if "auth_group" in q], "\n".join(sql)


def _roles_lus_avec_la_personne(user):
    """Les rôles tels que la requête suivante de `user` les lit (phares.auth)."""
    le = timezone.localdate()
    lu = roles.avec_roles(User.objects.all(), le).get(pk=user.pk)
    roles.retenir_roles(lu, le)
    return lu


def _roles(user):
    return {
        "gestion": roles.is_gestion(user),
        "comptable": roles.is_comptable(user),
        "habitant": habitants_selectors.est_habitant(user),
        "referent": habitants_selectors.est_referent(user),
        "cogerant": gouvernance_roles.is_cogerant(user),
        "associe": gouvernance_roles.is_associe(user),
    }


def test_les_roles_lus_avec_la_personne_sont_ceux_que_calculent_les_selecteurs(
    personas, structure_a, structure_b
):
    # Harder cases than the personas: representing an associated structure, member of one,
    # an ended mandate, a membership in an archived structure, an ended membership.
    representant = make_user("representant@phares.test")
    Associe.objects.create(
        structure=structure_a,
        representant=representant,
        categorie=Associe.Categorie.SALARIES,
        entree=datetime.date(2014, 1, 1),
    )
    ancien = make_user("ancien@phares.test")
    Mandat.objects.create(
        personne=ancien, debut=datetime.date(2010, 1, 1), fin=datetime.date(2012, 1, 1)
    )
    Membre.objects.create(
        user=ancien,
        structure=structure_b,
        role=Membre.Role.REFERENT,
        debut=datetime.date(2010, 1, 1),
        fin=datetime.date(2011, 1, 1),
    )
    archive = membre_de(structure_b, "archive@phares.test", role=Membre.Role.REFERENT)
    structure_b.archivee = True
    structure_b.save()
    gens = [*(u for u in personas.values() if u), representant, ancien, archive]

    vus = {user.email: _roles(_roles_lus_avec_la_personne(user)) for user in gens}
    for user in gens:  # computed one by one, query after query, on fresh objects
        with CaptureQueriesContext(connection) as ctx:
            assert _roles(User.objects.get(pk=user.pk)) == vus[user.email], user.email
        assert len(ctx.captured_queries) > 1
    # The cases are really different: each role is held by someone, and not by everyone.
    for role in ["gestion", "comptable", "habitant", "referent", "cogerant", "associe"]:
        assert 0 < sum(v[role] for v in vus.values()) < len(gens), role
    assert vus["representant@phares.test"]["associe"]
    assert vus["membre@halage.test"]["associe"]  # a member of an associated structure
    assert vus["archive@phares.test"] == dict.fromkeys(vus["archive@phares.test"], False) | {
        "referent": True  # the invoices of an archived structure stay readable
    }


def test_retirer_de_la_gestion_se_voit_a_la_requete_suivante(gestion):
    client = client_as(gestion)
    assert client.get(reverse("journal:liste")).status_code == 200
    assert "Journal des opérations" in client.get(PAGE_NUE).content.decode()

    gestion.groups.remove(Group.objects.get(name=roles.GESTION))

    assert client.get(reverse("journal:liste")).status_code == 403
    assert "Journal des opérations" not in client.get(PAGE_NUE).content.decode()


def test_un_mandat_qui_finit_et_une_adhesion_qui_commence_se_voient_aussitot(cogerant, structure_a):
    client = client_as(cogerant)
    assert "Gouvernance" in client.get(PAGE_NUE).content.decode()
    assert client.get(reverse("gouvernance:seance-liste")).status_code == 200
    assert "Halage" not in client.get(PAGE_NUE).content.decode()

    Mandat.objects.filter(personne=cogerant).update(fin=datetime.date(2015, 1, 1))
    Membre.objects.create(
        user=cogerant, structure=structure_a, role=Membre.Role.MEMBRE, debut=timezone.localdate()
    )

    page = client.get(PAGE_NUE).content.decode()
    assert "Gouvernance" not in page
    assert "Halage" in page
    assert client.get(reverse("gouvernance:seance-liste")).status_code == 403
