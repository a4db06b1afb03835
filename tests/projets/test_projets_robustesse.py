"""Saisies hostiles dans chaque formulaire des projets : jamais un 500 (les déchets de
tests/test_robustesse.py, sur le monde de la matrice des permissions)."""

import pytest
from django.test import Client
from django.urls import reverse

from habitants.projets.models import Jalon, Participation, Projet
from tests.conftest import client_as
from tests.test_permissions import world  # noqa: F401  (fixture)
from tests.test_robustesse import COMMUN, PAR_TYPE, _Formulaire, _poste

pytestmark = pytest.mark.django_db

# (persona, URL name, args, what makes the form valid beyond the page's own values)
FORMULAIRES = [
    ("gestion", "projets:projet-nouveau", (), {"nom": "Fête", "porteurs": "$structure_a_pk"}),
    ("referent_a", "projets:projet-nouveau", (), {"nom": "Fête"}),
    ("referent_a", "projets:projet-modifier", ("$projet_slug",), {}),
    ("gestion", "projets:jalon-nouveau", ("$projet_slug",), {"titre": "Plantations"}),
    ("referent_a", "projets:jalon-modifier", ("$projet_slug", "$jalon_pk"), {}),
]


def _resoudre(valeur, monde):
    return str(monde[valeur[1:]]) if isinstance(valeur, str) and valeur.startswith("$") else valeur


@pytest.mark.parametrize(
    ("persona", "name", "args", "valides"), FORMULAIRES, ids=[f"{f[1]}-{f[0]}" for f in FORMULAIRES]
)
def test_chaque_champ_refuse_les_dechets(persona, name, args, valides, world):  # noqa: F811
    url = reverse(name, args=[_resoudre(a, world) for a in args])
    client = client_as(world["personas"][persona])
    page = client.get(url)
    assert page.status_code == 200
    parser = _Formulaire()
    parser.feed(page.content.decode())
    form = max(parser.forms, key=lambda f: len(f["types"]))
    base = {**form["values"], **{k: _resoudre(v, world) for k, v in valides.items()}}
    base.pop("csrfmiddlewaretoken", None)
    response = _poste(client, url, base)
    assert response.status_code == 302, response.context and response.context["form"].errors
    echecs = []
    for champ, kind in form["types"].items():
        if champ == "csrfmiddlewaretoken" or kind in ("file", "submit"):
            continue
        for dechet in COMMUN + PAR_TYPE.get(kind, []):
            try:
                status = _poste(client, url, {**base, champ: dechet}).status_code
            except Exception as exc:  # the test client re-raises what would be a 500
                echecs.append(f"{champ}={dechet[:30]!r}: {type(exc).__name__}: {exc}"[:300])
            else:
                if status >= 500:
                    echecs.append(f"{champ}={dechet[:30]!r}: {status}")
    assert not echecs, "\n".join(echecs)


def test_participants_et_roles_hostiles(world):  # noqa: F811
    client = client_as(world["personas"]["gestion"])
    slug, pk = world["projet_slug"], world["participation_voisins_pk"]
    avant = list(Participation.objects.order_by("pk").values())
    nb_projets, nb_jalons = Projet.objects.count(), Jalon.objects.count()
    for dechet in [*COMMUN, "-1", "9999999"]:
        url = reverse("projets:projet-participants", args=[slug])
        assert client.post(url, {"structure": dechet, "role": "porteur"}).status_code == 200
        assert (
            client.post(url, {"structure": world["structure_b_pk"], "role": dechet}).status_code
            == 200
        )
        url = reverse("projets:participation-role", args=[slug, pk])
        assert client.post(url, {f"p{pk}-role": dechet}).status_code == 302
    assert list(Participation.objects.order_by("pk").values()) == avant
    assert client.get(f"/projets/{slug}/jalons/{2**70}/modifier/").status_code == 404
    assert client.post(f"/projets/{slug}/participants/{2**70}/retirer/").status_code == 404
    assert client.get("/projets/" + "x" * 500 + "/").status_code == 404
    assert (Projet.objects.count(), Jalon.objects.count()) == (nb_projets, nb_jalons)


@pytest.mark.parametrize("dechet", ["²", "١٢", "99999999999999999999", "1" * 5000, "-1", " 3"])
@pytest.mark.parametrize(
    ("persona", "name", "param"),
    [
        (None, "projets:vie-publique", "annee"),
        ("gestion", "projets:subvention-nouvelle", "financeur"),
        ("gestion", "projets:evenement-nouveau", "reservation"),
        ("gestion", "projets:photo-nouvelle", "evenement"),
    ],
)
def test_parametre_entier_hostile_jamais_500(persona, name, param, dechet, world):  # noqa: F811
    """Un entier illisible (« ² » passe `isdigit` mais pas `int`) ou trop grand pour la base
    dans l'URL : la page sans lui, ou un 404 — jamais un 500."""
    client = client_as(world["personas"][persona]) if persona else Client()
    response = client.get(reverse(name), {param: dechet})
    assert response.status_code in (200, 404)
