import pytest
from django.contrib.auth import get_user_model

from tests.conftest import client_as

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/phares/user/",
        "/admin/habitants/structure/",
        "/admin/espaces/reservation/",
        "/admin/gouvernance/associe/",
        "/admin/gouvernance/mandat/add/",
    ],
)
def test_un_superutilisateur_ouvre_l_administration(url, structure_a):
    root = get_user_model().objects.create_superuser("root@phares.test", "un-mot-de-passe-long")
    assert client_as(root).get(url).status_code == 200


def test_l_equipe_passe_par_l_application_pas_par_l_administration(gestion, referent_a):
    for user in (gestion, referent_a, None):
        response = client_as(user).get("/admin/habitants/structure/")
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")
