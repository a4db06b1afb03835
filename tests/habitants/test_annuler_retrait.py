"""« Annuler » après avoir retiré un membre ou archivé une structure : pendant 10 minutes, le
bouton du message défait l'opération (par son service, au journal), sinon dit pourquoi et
ne change rien."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from habitants import services
from habitants.models import Invitation, Membre, Structure
from phares.lib import annulables
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as, make_user

pytestmark = pytest.mark.django_db

LISTE = reverse("habitants:structure-liste")


def bouton(page) -> str:
    """L'adresse du bouton « Annuler » du message de la page."""
    m = re.search(r'<form method="post" action="(/operations/[^"]+/annuler/)"', page.text)
    assert m, "pas de bouton « Annuler » dans le message"
    return m.group(1)


def operations() -> list[str]:
    return list(EntreeJournal.objects.order_by("pk").values_list("operation", flat=True))


def retirer(client, slug, membre, *, depuis="mon-espace"):
    """`depuis` : « mon-espace » (un·e référent·e) ou « structure » (la gestion)."""
    nom = f"habitants:{depuis}-membre-retirer"
    return client.post(reverse(nom, args=[slug, membre.pk]), follow=True)


def test_retirer_un_membre_puis_revenir_en_arriere(referent_a, membre_a):
    membre = Membre.objects.get(user=membre_a)
    referent = client_as(referent_a)
    page = retirer(referent, "halage", membre)
    assert "Maud Membre ne fait plus partie de Halage." in page.text
    assert client_as(membre_a).get("/mon-espace/halage/").status_code == 404

    response = referent.post(bouton(page), {"suivant": "/mon-espace/halage/"})

    assert response.url == "/mon-espace/halage/"
    membre.refresh_from_db()
    assert membre.fin is None
    assert client_as(membre_a).get("/mon-espace/halage/").status_code == 200
    assert "Maud Membre fait de nouveau partie de Halage." in referent.get(response.url).text
    assert operations()[-2:] == ["membre.retirer", "membre.reintegrer"]
    entree = EntreeJournal.objects.get(operation="membre.reintegrer")
    assert entree.par == referent_a and entree.structure_nom == "Halage"
    hier = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert entree.changements == {"fin (incluse)": [hier, "—"]}


def test_une_appartenance_du_jour_revient_telle_quelle(gestion, structure_a, referent_a):
    """Commencée aujourd'hui, le retrait l'avait effacée : elle est recréée (même rôle)."""
    nouvelle = Membre.objects.create(
        user=make_user("nina@halage.test", first_name="Nina"),
        structure=structure_a,
        role=Membre.Role.REFERENT,
        fonction="Trésorière",
    )
    staff = client_as(gestion)
    page = retirer(staff, "halage", nouvelle, depuis="structure")
    assert not Membre.objects.filter(pk=nouvelle.pk).exists()

    staff.post(bouton(page))

    revenue = Membre.objects.get(user__email="nina@halage.test", structure=structure_a)
    assert (revenue.role, revenue.fonction, revenue.debut, revenue.fin) == (
        Membre.Role.REFERENT,
        "Trésorière",
        timezone.localdate(),
        None,
    )


def test_revenue_entre_temps_rien_ne_change(referent_a, membre_a, structure_a):
    membre = Membre.objects.get(user=membre_a)
    referent = client_as(referent_a)
    page = retirer(referent, "halage", membre)
    # Invited again and back the same minute: a new membership from today.
    Membre.objects.create(user=membre_a, structure=structure_a, debut=timezone.localdate())

    response = referent.post(bouton(page), {"suivant": "/mon-espace/halage/"})

    assert "Maud Membre fait déjà de nouveau partie de Halage : rien n&#x27;a changé." in (
        referent.get(response.url).text
    )
    membre.refresh_from_db()
    assert membre.fin is not None
    assert "membre.reintegrer" not in operations()


def test_seul_l_auteur_ou_la_gestion(referent_a, membre_a, habitant_b, comptable, gestion):
    page = retirer(client_as(referent_a), "halage", Membre.objects.get(user=membre_a))
    adresse = bouton(page)
    for autre in (membre_a, habitant_b, comptable):
        assert client_as(autre).post(adresse).status_code == 404
    assert Membre.objects.get(user=membre_a).fin is not None
    client_as(gestion).post(adresse)
    assert Membre.objects.get(user=membre_a).fin is None


def test_archiver_puis_revenir_en_arriere(gestion, structure_a, referent_a):
    invitation = services.inviter(
        structure=structure_a,
        email="nina@example.test",
        role=Membre.Role.MEMBRE,
        par=acteur(gestion),
        build_url=lambda token: f"https://phares.test/invitation/{token}/",
    ).invitation
    staff = client_as(gestion)
    page = staff.post(reverse("habitants:structure-archiver", args=["halage"]), follow=True)
    assert "« Halage » est archivée : son historique est conservé." in page.text
    assert not Invitation.objects.en_attente().filter(pk=invitation.pk).exists()

    response = staff.post(bouton(page))

    assert response.url == reverse("habitants:structure-detail", args=["halage"])
    s = Structure.objects.get(pk=structure_a.pk)
    assert (s.archivee, s.archivee_le) == (False, None)
    # The invitation the archiving had cancelled waits again; the person's link works.
    assert Invitation.objects.en_attente().filter(pk=invitation.pk).exists()
    assert client_as(referent_a).get("/mon-espace/halage/").status_code == 200
    assert operations()[-2:] == ["structure.archiver", "structure.restaurer"]
    entree = EntreeJournal.objects.get(operation="structure.restaurer")
    assert entree.libelle == (
        "Archivage annulé, structure de nouveau active : Halage (1 invitation de nouveau en "
        "attente)"
    )
    assert "« Halage » est de nouveau active." in staff.get(response.url).text


def test_restauree_puis_archivee_de_nouveau_le_premier_bouton_ne_sert_plus(gestion, structure_a):
    staff = client_as(gestion)
    page = staff.post(reverse("habitants:structure-archiver", args=["halage"]), follow=True)
    services.restaurer_structure(structure=structure_a, par=acteur(gestion))
    services.archiver_structure(structure=structure_a, par=acteur(gestion))

    response = staff.post(bouton(page), {"suivant": LISTE})

    assert "« Halage » a changé depuis (restaurée ou archivée de nouveau) : rien n" in (
        staff.get(response.url).text
    )
    assert Structure.objects.get(pk=structure_a.pk).archivee


def test_archivage_apres_le_delai(gestion, structure_a, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    staff = client_as(gestion)
    page = staff.post(reverse("habitants:structure-archiver", args=["halage"]), follow=True)
    time_machine.shift(annulables.DELAI + datetime.timedelta(seconds=1))

    response = staff.post(bouton(page), {"suivant": LISTE})

    assert "Le délai pour annuler est passé (10 minutes" in staff.get(response.url).text
    assert Structure.objects.get(pk=structure_a.pk).archivee
    assert "structure.restaurer" not in operations()
