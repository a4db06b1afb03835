"""Invitations par e-mail et gestion des membres d'une structure."""

import datetime
import html
import re
import smtplib

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from habitants import services
from habitants.models import Invitation, Membre, hash_token
from tests.conftest import PASSWORD, client_as, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "Phare-de-l-Ile-2015"
# Valid for an e-mail validator, too long for the e-mail columns.
LONG_EMAIL = ".".join(["a" * 60] * 3) + "@" + ".".join(["d" * 60] * 2) + ".org"
LINK = re.compile(r"http://testserver(/invitation/[^/\s]+/)")


def inviter_url(slug="halage"):
    return reverse("habitants:structure-inviter", args=[slug])


def invite(client, email, *, url=None, role="membre"):
    """Sends an invitation through the page; returns (response, link path or None)."""
    before = len(mail.outbox)
    response = client.post(url or inviter_url(), {"email": email, "role": role})
    if len(mail.outbox) == before:
        return response, None
    return response, LINK.search(mail.outbox[-1].body).group(1)


def accept_data(**overrides):
    data = {
        "first_name": "Nina",
        "last_name": "Nouvelle",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def pending(email):
    return Invitation.objects.en_attente().filter(email=email)


# --- envoi ------------------------------------------------------------------------------


def test_staff_invitation_sends_one_french_mail_with_the_link(gestion, structure_a):
    response, link = invite(client_as(gestion), "Nina.Nouvelle@Example.TEST")

    assert response.status_code == 302
    assert response.url == reverse("habitants:structure-detail", args=["halage"])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina.nouvelle@example.test"]
    assert message.subject == "[PHARES] Invitation à rejoindre Halage"
    assert "Anne Hurand vous invite à rejoindre Halage" in message.body
    assert "valable 14 jours" in message.body
    inv = Invitation.objects.get()
    assert inv.email == "nina.nouvelle@example.test"
    assert inv.invitee_par == gestion
    assert inv.role == Membre.Role.MEMBRE
    token = link.split("/")[2]
    # Only the hash is stored: a database leak does not hand out the links.
    assert inv.token_hash == hash_token(token) and token not in inv.token_hash
    detail = client_as(gestion).get(response.url)
    assert "nina.nouvelle@example.test" in detail.text  # listed as pending


def test_mail_names_the_configured_place(gestion, structure_a, settings):
    settings.PHARES_CONTACT = {**settings.PHARES_CONTACT, "lieu": "Le Lieu d'Essai"}
    invite(client_as(gestion), "nina@example.test")
    assert "l'outil des habitants du lieu Le Lieu d'Essai" in mail.outbox[0].body


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"no such user")})


def test_refused_mail_keeps_the_invitation_and_offers_to_resend(gestion, structure_a, settings):
    """The mail leaves after the commit: a refusing server cannot undo the invitation, so
    the page says the mail did not leave and offers a new one."""
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    client = client_as(gestion)

    response = client.post(inviter_url(), {"email": "nina@example.test", "role": "membre"})

    inv = Invitation.objects.get()
    assert response.status_code == 302 and inv.envoi_echoue_le is not None
    detail = html.unescape(client.get(response.url).text)
    assert "l'e-mail n'a pas pu partir à nina@example.test" in detail
    assert "l'e-mail n'est pas parti" in detail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    renvoi = client.post(
        reverse("habitants:structure-invitation-renvoyer", args=["halage", inv.pk])
    )

    assert renvoi.status_code == 302
    nouvelle = Invitation.objects.en_attente().get()
    assert nouvelle.pk != inv.pk and nouvelle.envoi_echoue_le is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nina@example.test"]
    inv.refresh_from_db()
    assert inv.annulee_le is not None  # the first link no longer works


def test_no_mail_leaves_when_the_invitation_is_rolled_back(gestion, structure_a):
    """Scheduled after the commit: an operation undone later sends nothing."""
    from django.db import transaction

    from phares.lib.acteur import Acteur

    with pytest.raises(RuntimeError), transaction.atomic():
        services.inviter(
            structure=structure_a,
            email="nina@example.test",
            role="membre",
            par=Acteur.personne(gestion),
            build_url=lambda token: f"https://x/{token}",
        )
        raise RuntimeError("la suite de l'opération échoue")

    assert not mail.outbox and not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "pas-une-adresse", "role": "membre"}, "email", "adresse de courriel valide"),
        ({"email": "", "role": "membre"}, "email", "Ce champ est obligatoire."),
        ({"email": "nina@example.test", "role": "chef"}, "role", "Sélectionnez un choix valide."),
        ({"email": LONG_EMAIL, "role": "membre"}, "email", "au plus 254 caractères"),
    ],
)
def test_invitation_form_errors(gestion, structure_a, data, field, message):
    response = client_as(gestion).post(inviter_url(), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not Invitation.objects.exists() and not mail.outbox


def test_inviting_an_active_member_is_refused(gestion, membre_a):
    response, link = invite(client_as(gestion), "MEMBRE@halage.test")

    assert response.status_code == 200
    assert link is None
    assert response.context["form"].errors["email"] == [
        "membre@halage.test est déjà membre de Halage."
    ]
    assert not Invitation.objects.exists()


def test_a_member_of_another_structure_can_be_invited(gestion, structure_a, habitant_b):
    response, link = invite(client_as(gestion), "referent@modeestime.test")
    assert response.status_code == 302 and link


def test_cannot_invite_into_an_archived_structure(gestion, structure_a):
    client = client_as(gestion)
    client.post(reverse("habitants:structure-archiver", args=["halage"]))

    response, link = invite(client, "nina@example.test")

    assert link is None
    assert response.context["form"].errors["email"] == [
        "On ne peut pas inviter dans une structure archivée."
    ]


def test_reinvite_replaces_the_pending_invitation(gestion, structure_a):
    client = client_as(gestion)
    _, first = invite(client, "nina@example.test")
    _, second = invite(client, "NINA@example.test", role="referent")

    assert first != second
    assert len(mail.outbox) == 2
    assert pending("nina@example.test").count() == 1
    assert pending("nina@example.test").get().role == Membre.Role.REFERENT
    old = client_as(None).get(first)
    assert old.status_code == 410
    assert "remplacée par une invitation plus récente" in old.text
    assert client_as(None).get(second).status_code == 200


# --- acceptation avec un nouveau compte ---------------------------------------------------


def test_invitee_creates_an_account_and_lands_in_the_structure_space(gestion, structure_a):
    _, link = invite(client_as(gestion), "nina@example.test")
    visitor = client_as(None)

    page = visitor.get(link)
    assert page.status_code == 200
    assert "Rejoindre « Halage »" in page.text
    assert "nina@example.test" in page.text

    response = visitor.post(link, accept_data())

    assert response.status_code == 302
    assert response.url == reverse("habitants:mon-espace", args=["halage"])
    user = User.objects.get(email="nina@example.test")
    assert (user.first_name, user.last_name) == ("Nina", "Nouvelle")
    assert authenticate(email="nina@example.test", password=NEW_PASSWORD) == user
    assert EmailAddress.objects.get(user=user).verified
    membre = Membre.objects.get(user=user)
    assert (membre.structure, membre.role) == (structure_a, Membre.Role.MEMBRE)
    assert (membre.debut, membre.fin) == (timezone.localdate(), None)
    inv = Invitation.objects.get()
    assert inv.acceptee_par == user and inv.acceptee_le is not None
    # Signed in, in the structure's space.
    espace = visitor.get(response.url)
    assert espace.status_code == 200
    assert "Vous êtes <strong>membre</strong> de Halage" in espace.text
    assert "Bienvenue ! Vous faites partie de Halage." in espace.text
    # The link is spent.
    again = client_as(None).get(link)
    assert again.status_code == 410
    assert "déjà été acceptée" in again.text


def test_invited_referent_becomes_referent(gestion, structure_a):
    _, link = invite(client_as(gestion), "nina@example.test", role="referent")
    client_as(None).post(link, accept_data())
    assert Membre.objects.get(user__email="nina@example.test").role == Membre.Role.REFERENT


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": "Autre-mot-de-passe-2015"}, "password2", "ne correspondent pas"),
        ({"password1": "Ph4re!", "password2": "Ph4re!"}, "password1", "trop court"),
        ({"password1": "azertyuiop", "password2": "azertyuiop"}, "password1", "trop courant"),
        (
            {"password1": "84736251907", "password2": "84736251907"},
            "password1",
            "entièrement numérique",
        ),
        (
            {"password1": "nina.nouvelle", "password2": "nina.nouvelle"},
            "password1",
            "trop semblable",
        ),
        ({"first_name": ""}, "first_name", "Ce champ est obligatoire."),
        ({"password2": ""}, "password2", "Ce champ est obligatoire."),
    ],
)
def test_bad_account_details_are_french_errors_and_create_nothing(
    gestion, structure_a, overrides, field, message
):
    _, link = invite(client_as(gestion), "nina@example.test")

    response = client_as(None).post(link, accept_data(**overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors.get(field, [])), errors
    assert not User.objects.filter(email="nina@example.test").exists()
    assert not Membre.objects.filter(structure=structure_a).exists()
    assert pending("nina@example.test").count() == 1


def test_expired_link_is_gone(gestion, structure_a, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _, link = invite(client_as(gestion), "nina@example.test")

    time_machine.shift(datetime.timedelta(days=14, seconds=1))

    get = client_as(None).get(link)
    assert get.status_code == 410
    assert "Cette invitation n'est plus valable" in get.text
    assert "Elle a expiré le" in get.text
    post = client_as(None).post(link, accept_data())
    assert post.status_code == 410
    assert not User.objects.filter(email="nina@example.test").exists()


def test_link_still_works_on_its_last_day(gestion, structure_a, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _, link = invite(client_as(gestion), "nina@example.test")
    time_machine.shift(datetime.timedelta(days=13, hours=23))
    assert client_as(None).post(link, accept_data()).status_code == 302
    assert Membre.objects.filter(user__email="nina@example.test").exists()


def test_expired_by_date_in_database(gestion, structure_a):
    _, link = invite(client_as(gestion), "nina@example.test")
    Invitation.objects.update(expire_le=timezone.now() - datetime.timedelta(minutes=1))
    assert client_as(None).get(link).status_code == 410


def test_cancelled_link_is_gone(gestion, structure_a):
    staff = client_as(gestion)
    _, link = invite(staff, "nina@example.test")
    inv = Invitation.objects.get()

    response = staff.post(
        reverse("habitants:structure-invitation-annuler", args=["halage", inv.pk])
    )

    assert response.status_code == 302
    inv.refresh_from_db()
    assert inv.annulee_le is not None
    gone = client_as(None).get(link)
    assert gone.status_code == 410
    assert "annulée" in gone.text
    assert client_as(None).post(link, accept_data()).status_code == 410
    assert not User.objects.filter(email="nina@example.test").exists()


def test_unknown_token_is_404(db):
    response = client_as(None).get(reverse("habitants:invitation-accepter", args=["nimporte-quoi"]))
    assert response.status_code == 404
    assert "Page introuvable" in response.text


# --- acceptation avec un compte existant -----------------------------------------------------


def test_existing_account_is_asked_to_log_in(gestion, structure_a, associe):
    _, link = invite(client_as(gestion), "associe@phares.test")
    visitor = client_as(None)

    page = visitor.get(link)

    assert page.status_code == 200
    assert "Un compte existe déjà pour <strong>associe@phares.test</strong>" in page.text
    assert f"{reverse('account_login')}?next={link}" in page.text
    assert "password1" not in page.text
    # Posting account details changes nothing: the account exists.
    visitor.post(link, accept_data())
    assert User.objects.filter(email="associe@phares.test").count() == 1
    assert not Membre.objects.filter(user=associe).exists()

    # Logging in through that link brings the person back to the invitation.
    login = visitor.post(
        f"{reverse('account_login')}?next={link}",
        {"login": "associe@phares.test", "password": PASSWORD},
    )
    assert login.status_code == 302 and login.url == link


def test_right_account_joins(gestion, structure_a, associe):
    _, link = invite(client_as(gestion), "associe@phares.test", role="referent")
    client = client_as(associe)

    page = client.get(link)
    assert page.status_code == 200
    assert "Accepter l'invitation" in page.text

    response = client.post(link)

    assert response.status_code == 302
    assert response.url == reverse("habitants:mon-espace", args=["halage"])
    membre = Membre.objects.get(user=associe)
    assert (membre.structure, membre.role, membre.fin) == (structure_a, Membre.Role.REFERENT, None)
    assert Invitation.objects.get().acceptee_par == associe
    assert client.get(response.url).status_code == 200


def test_wrong_account_gets_an_error_and_no_membership(gestion, structure_a, associe, habitant_b):
    _, link = invite(client_as(gestion), "associe@phares.test")
    client = client_as(habitant_b)

    page = client.get(link)
    assert page.status_code == 200
    assert "Cette invitation est adressée à associe@phares.test" in page.text
    assert "Accepter l'invitation" not in page.text

    response = client.post(link)

    assert response.status_code == 200
    assert "Cette invitation est adressée à associe@phares.test" in response.text
    assert not Membre.objects.filter(structure=structure_a).exists()
    assert pending("associe@phares.test").count() == 1


def test_signed_in_with_another_account_cannot_create_the_invitee_account(
    gestion, structure_a, habitant_b
):
    _, link = invite(client_as(gestion), "nina@example.test")
    client = client_as(habitant_b)

    page = client.get(link)
    assert page.status_code == 200
    assert "Cette invitation est adressée à nina@example.test" in page.text

    client.post(link, accept_data())

    assert not User.objects.filter(email="nina@example.test").exists()
    assert not Membre.objects.filter(structure=structure_a).exists()
    assert pending("nina@example.test").count() == 1


# --- le référent gère les membres de sa structure ---------------------------------------------


def test_referent_invites_into_own_structure(referent_a):
    response, link = invite(
        client_as(referent_a),
        "nina@example.test",
        url=reverse("habitants:mon-espace-inviter", args=["halage"]),
    )
    assert response.status_code == 302
    assert response.url == reverse("habitants:mon-espace", args=["halage"])
    assert link
    inv = Invitation.objects.get()
    assert (inv.structure.slug, inv.invitee_par) == ("halage", referent_a)
    assert "Rémi Référent vous invite à rejoindre Halage" in mail.outbox[0].body


def test_plain_member_cannot_invite(membre_a):
    response, link = invite(
        client_as(membre_a),
        "nina@example.test",
        url=reverse("habitants:mon-espace-inviter", args=["halage"]),
    )
    assert response.status_code == 403
    assert link is None and not Invitation.objects.exists()


def test_referent_removes_a_member_who_loses_access_at_once(referent_a, membre_a, gestion):
    membre = Membre.objects.get(user=membre_a)
    member_client = client_as(membre_a)
    assert member_client.get("/mon-espace/halage/").status_code == 200

    response = client_as(referent_a).post(
        reverse("habitants:mon-espace-membre-retirer", args=["halage", membre.pk]), follow=True
    )

    assert response.status_code == 200
    assert "Maud Membre ne fait plus partie de Halage." in response.text
    membre.refresh_from_db()
    assert membre.fin == timezone.localdate() - datetime.timedelta(days=1)
    assert member_client.get("/mon-espace/halage/").status_code == 404
    assert member_client.get("/mon-espace/").status_code == 200  # no structure left
    detail = client_as(gestion).get(reverse("habitants:structure-detail", args=["halage"]))
    assert "Anciens membres (1)" in detail.text


def test_removing_someone_who_joined_today_leaves_no_row(gestion, referent_a, structure_a):
    _, link = invite(client_as(gestion), "nina@example.test")
    client_as(None).post(link, accept_data())
    membre = Membre.objects.get(user__email="nina@example.test")

    client_as(referent_a).post(
        reverse("habitants:mon-espace-membre-retirer", args=["halage", membre.pk])
    )

    assert not Membre.objects.filter(pk=membre.pk).exists()
    nina = User.objects.get(email="nina@example.test")
    assert client_as(nina).get("/mon-espace/halage/").status_code == 404


def test_removed_member_can_be_invited_back_the_same_day(gestion, referent_a, membre_a):
    old = Membre.objects.get(user=membre_a)
    client_as(referent_a).post(
        reverse("habitants:mon-espace-membre-retirer", args=["halage", old.pk])
    )
    _, link = invite(client_as(gestion), "membre@halage.test")

    response = client_as(membre_a).post(link)

    assert response.status_code == 302
    rows = Membre.objects.filter(user=membre_a).order_by("debut")
    assert [(m.debut, m.fin) for m in rows] == [
        (datetime.date(2015, 1, 1), timezone.localdate() - datetime.timedelta(days=1)),
        (timezone.localdate(), None),
    ]
    assert client_as(membre_a).get("/mon-espace/halage/").status_code == 200


def test_plain_member_cannot_remove(membre_a, referent_a):
    target = Membre.objects.get(user=referent_a)
    response = client_as(membre_a).post(
        reverse("habitants:mon-espace-membre-retirer", args=["halage", target.pk])
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.fin is None


@pytest.mark.parametrize("by", ["referent_a", "gestion"])
def test_last_referent_cannot_be_removed(request, referent_a, membre_a, gestion, by):
    target = Membre.objects.get(user=referent_a)
    url = (
        reverse("habitants:mon-espace-membre-retirer", args=["halage", target.pk])
        if by == "referent_a"
        else reverse("habitants:structure-membre-retirer", args=["halage", target.pk])
    )

    response = client_as(request.getfixturevalue(by)).post(url, follow=True)

    assert response.status_code == 200
    assert (
        "C&#x27;est le dernier référent de la structure : nommez-en un autre avant."
        in response.text
    )
    target.refresh_from_db()
    assert target.fin is None
    assert client_as(referent_a).get("/mon-espace/halage/").status_code == 200


def test_a_referent_can_leave_when_another_remains(referent_a, structure_a):
    other = make_user("autre-referent@halage.test")
    Membre.objects.create(
        user=other,
        structure=structure_a,
        role=Membre.Role.REFERENT,
        debut=datetime.date(2015, 1, 1),
    )
    me = Membre.objects.get(user=referent_a)

    response = client_as(referent_a).post(
        reverse("habitants:mon-espace-membre-retirer", args=["halage", me.pk])
    )

    assert response.status_code == 302
    me.refresh_from_db()
    assert me.fin == timezone.localdate() - datetime.timedelta(days=1)
    assert client_as(referent_a).get("/mon-espace/halage/").status_code == 404


def test_referent_cancels_a_pending_invitation(referent_a, gestion):
    _, link = invite(client_as(gestion), "nina@example.test")
    inv = Invitation.objects.get()

    response = client_as(referent_a).post(
        reverse("habitants:mon-espace-invitation-annuler", args=["halage", inv.pk])
    )

    assert response.status_code == 302
    inv.refresh_from_db()
    assert inv.annulee_le is not None
    assert client_as(None).get(link).status_code == 410
    # Cancelling again: it is no longer pending, so it is not found.
    again = client_as(referent_a).post(
        reverse("habitants:mon-espace-invitation-annuler", args=["halage", inv.pk])
    )
    assert again.status_code == 404


def test_a_person_in_two_structures_chooses_which_space(gestion, structure_a, habitant_b):
    _, link = invite(client_as(gestion), "referent@modeestime.test")
    client = client_as(habitant_b)
    client.post(link)

    index = client.get(reverse("habitants:mon-espace-index"))

    assert index.status_code == 200
    assert [s.nom for s in index.context["structures"]] == ["Halage", "Mode Estime"]
    roles = dict(Membre.objects.filter(user=habitant_b).values_list("structure__slug", "role"))
    assert roles == {"halage": "membre", "mode-estime": "referent"}
    # Référent of one structure does not make a référent of the other.
    assert client.get(reverse("habitants:mon-espace-inviter", args=["halage"])).status_code == 403
    assert (
        client.get(reverse("habitants:mon-espace-inviter", args=["mode-estime"])).status_code == 200
    )


def test_referent_sees_pending_invitations_member_does_not(referent_a, membre_a, gestion):
    invite(client_as(gestion), "nina@example.test")
    assert "nina@example.test" in client_as(referent_a).get("/mon-espace/halage/").text
    page = client_as(membre_a).get("/mon-espace/halage/").text
    assert "nina@example.test" not in page
    assert "retirer/" not in page  # no remove buttons for a plain member


def test_un_referent_qui_se_retire_revient_au_tableau_de_bord(referent_a, structure_a):
    """Pas de 404 : après s'être retiré, « Mon espace » de la structure n'est plus le sien."""
    autre = make_user("deuxieme.referent@halage.test")
    Membre.objects.create(
        user=autre,
        structure=structure_a,
        role=Membre.Role.REFERENT,
        debut=datetime.date(2015, 1, 1),
    )
    moi = Membre.objects.get(user=referent_a, structure=structure_a)
    client = client_as(referent_a)

    response = client.post(
        reverse("habitants:mon-espace-membre-retirer", args=["halage", moi.pk]), follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("home")
    assert not Membre.objects.actifs().filter(user=referent_a, structure=structure_a).exists()
