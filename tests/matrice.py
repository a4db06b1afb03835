"""La matrice des permissions : une ligne par URL (et méthode), le statut attendu pour chaque
persona. `tests/test_permissions.py` la parcourt ; les lignes de la vie du pôle sont dans
`tests/projets/matrice_*.py`, une par sous-domaine, chacune avec son morceau de `world`."""

from dataclasses import dataclass, field

from tests.conftest import PERSONAS

LOGIN = "login"  # 302 to the login page, with ?next= back to the URL
ANON = "anonyme"
SIGNED_IN = [p for p in PERSONAS if p != ANON]
STAFF_GESTION = "gestion"
INVITE_TOKEN = "jeton-de-test-pour-la-matrice-des-permissions"


@dataclass(frozen=True)
class Row:
    name: str
    args: tuple = ()
    method: str = "get"
    expected: dict = field(default_factory=dict)
    label: str = ""
    query: str = ""  # "?name=$key": values starting with "$" come from `world`

    @property
    def id(self) -> str:
        return self.label or self.name


def everyone(status) -> dict:
    return {p: status for p in PERSONAS}


def signed_in(status, **overrides) -> dict:
    """Anonymous → login page; every signed-in persona → `status` unless overridden."""
    return {ANON: LOGIN, **{p: status for p in SIGNED_IN}, **overrides}


def gestion_only(ok) -> dict:
    return signed_in(403, gestion=ok)


def staff_read(ok) -> dict:
    return signed_in(403, gestion=ok, comptable=ok)


def members_of_a(ok, *, referent=None, membre=None) -> dict:
    """/mon-espace/halage/…: 404 for anyone not an active member of Halage, staff included."""
    return signed_in(
        404,
        referent_a=ok if referent is None else referent,
        membre_a=ok if membre is None else membre,
    )


def referent_of_a(ok) -> dict:
    return members_of_a(ok, membre=403)


def facture_de_a(ok) -> dict:
    """An issued invoice of Halage: staff and Halage's référent read it; a plain member of
    Halage is refused (403: billing is the référents'); anyone else gets 404."""
    return signed_in(404, gestion=ok, comptable=ok, referent_a=ok, membre_a=403)
