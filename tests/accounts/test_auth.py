"""Sign-in through django-allauth: sign-up rules, mandatory email verification, login rate limiting,
password reset, TOTP two-factor and the Django admin behind allauth's login. Everything goes through the
real views and forms; emails are read from the locmem outbox."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal import auth as totp_auth
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from mentorhub.accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

NEW_PASSWORD = "a-long-and-unusual-passphrase"
WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _sign_in(client: Client, email: str, password: str = TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _link_in(message, path_fragment: str) -> str:
    """The path of the first link in an email whose path contains `path_fragment`."""
    match = re.search(r"https?://testserver(\S*" + re.escape(path_fragment) + r"\S*)", message.body)
    assert match, f"no {path_fragment} link in:\n{message.body}"
    return match.group(1)


# --- Sign-up ---------------------------------------------------------------------------------


def _sign_up(client: Client, email: str, password: str):
    return client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})


def test_sign_up_refuses_a_password_shorter_than_12_characters(client):
    response = _sign_up(client, "new.person@example.com", "Short-pw-9x")  # 11 characters
    assert response.status_code == 200
    page = response.content.decode()
    assert "This password is too short. It must contain at least 12 characters." in page
    assert not User.objects.filter(email="new.person@example.com").exists()
    assert mail.outbox == []


def test_sign_up_refuses_a_common_password(client):
    response = _sign_up(client, "new.person@example.com", "password1234")
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_password_errors_are_tied_to_their_field(client):
    """The error is announced with the field: aria-invalid, and aria-describedby naming the error's id."""
    page = _sign_up(client, "new.person@example.com", "password1234").content.decode()
    field = re.search(r"<input[^>]*id=\"id_password1\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in field
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    assert "id_password1_error" in described_by
    assert 'id="id_password1_error"' in page
    assert '<label for="id_password1">' in page


def test_sign_up_sends_verification_and_blocks_sign_in_until_verified(client):
    response = _sign_up(client, "new.person@example.com", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not _signed_in(client)

    user = User.objects.get(email="new.person@example.com")
    address = EmailAddress.objects.get(user=user)
    assert address.verified is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert mail.outbox[0].subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert "/accounts/confirm-email/" in mail.outbox[0].body

    # Mandatory verification: the right password is not enough yet.
    other = Client()
    response = _sign_in(other, "new.person@example.com", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not _signed_in(other)
    assert other.get("/").status_code == 302  # still anonymous: sent to sign in


def test_following_the_email_link_verifies_and_then_sign_in_works(client):
    _sign_up(client, "new.person@example.com", NEW_PASSWORD)
    link = _link_in(mail.outbox[0], "/accounts/confirm-email/")

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert "new.person@example.com" in confirm_page.content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.person@example.com").verified is True

    fresh = Client()
    response = _sign_in(fresh, "new.person@example.com", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _signed_in(fresh)


# --- Rate limiting ---------------------------------------------------------------------------


def _failed_login_limit_per_email() -> int:
    """N of the "N/period/key" part of ACCOUNT_RATE_LIMITS["login_failed"]: failures allowed per email."""
    for rule in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(","):
        amount, _, rest = rule.partition("/")
        if rest.endswith("/key"):
            return int(amount)
    raise AssertionError("no per-key login_failed limit configured")


def test_login_is_rate_limited_per_email_even_with_the_right_password(client):
    user = UserFactory(email="target@example.com")
    bystander = UserFactory(email="bystander@example.com")
    limit = _failed_login_limit_per_email()

    for _ in range(limit):
        response = _sign_in(client, user.email, "not-the-password")
        assert response.status_code == 200
        assert WRONG_CREDENTIALS in response.content.decode()

    response = _sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not _signed_in(client)

    # The limit is per email: someone else signing in from the same address is not locked out.
    other = Client()
    assert _sign_in(other, bystander.email).status_code == 302
    assert _signed_in(other)


def test_a_fresh_cache_means_fresh_limits(client):
    """The fixture isolates the counters: this test starts at zero whatever ran before it."""
    user = UserFactory(email="target@example.com")
    response = _sign_in(client, user.email)
    assert response.status_code == 302
    assert _signed_in(client)


# --- Password reset --------------------------------------------------------------------------


def test_password_reset_email_link_sets_a_new_password(client):
    user = UserFactory(email="forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]

    link = _link_in(mail.outbox[0], "/accounts/password/reset/key/")
    response = client.get(link)
    # allauth moves the key from the URL into the session before showing the form.
    assert response.status_code == 302
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200
    assert "Change Password" in page.content.decode()

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    assert WRONG_CREDENTIALS in _sign_in(Client(), user.email, TEST_PASSWORD).content.decode()
    fresh = Client()
    assert _sign_in(fresh, user.email, NEW_PASSWORD).status_code == 302
    assert _signed_in(fresh)

    # The link works once.
    assert "Bad Token" in client.get(link, follow=True).content.decode()


def test_password_reset_also_refuses_a_short_password(client):
    user = UserFactory(email="forgetful@example.com")
    client.post(reverse("account_reset_password"), {"email": user.email})
    form_url = client.get(_link_in(mail.outbox[0], "/accounts/password/reset/key/"))["Location"]
    response = client.post(form_url, {"password1": "Short-pw-9x", "password2": "Short-pw-9x"})
    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


# --- Two-factor (TOTP) -----------------------------------------------------------------------


class TotpClock:
    """Stands in for the clock allauth reads TOTP time steps from, so a test says which step is "now"
    instead of racing the 30-second window."""

    def __init__(self, step: int) -> None:
        self.step = step

    def counters(self):
        yield self.step

    def code(self, secret: str, step: int | None = None) -> str:
        return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, self.step if step is None else step))


@pytest.fixture
def totp_clock(monkeypatch) -> TotpClock:
    clock = TotpClock(step=56_000_000)
    monkeypatch.setattr(totp_auth, "yield_hotp_counters_from_time", clock.counters)
    return clock


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _activate_totp(client: Client, user: User, clock: TotpClock) -> str:
    """Sign in and turn TOTP on through the real pages; returns the secret."""
    assert _sign_in(client, user.email).status_code == 302
    # Changing two-factor settings asks for the password again, even right after signing in.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": TEST_PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'alt="QR code to scan with your authenticator app"' in html
    secret = page.context["form"].secret
    assert secret in html  # shown as text too, for people who cannot scan

    refused = client.post(reverse("mfa_activate_totp"), {"code": _wrong(clock.code(secret))})
    assert refused.status_code == 200
    assert "Incorrect code." in refused.content.decode()
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": clock.code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    client.post(reverse("account_logout"))
    assert not _signed_in(client)
    return secret


def test_totp_sign_in_asks_for_the_code_refuses_a_wrong_one_accepts_the_right_one(client, totp_clock):
    user = UserFactory(email="careful@example.com")
    secret = _activate_totp(client, user, totp_clock)
    totp_clock.step += 1

    response = _sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not _signed_in(client)  # the password alone does not sign in

    response = client.post(reverse("mfa_authenticate"), {"code": _wrong(totp_clock.code(secret))})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not _signed_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_clock.code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _signed_in(client)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_totp_code_cannot_be_replayed(client, totp_clock):
    user = UserFactory(email="careful@example.com")
    secret = _activate_totp(client, user, totp_clock)
    totp_clock.step += 1
    code = totp_clock.code(secret)
    _sign_in(client, user.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))

    _sign_in(client, user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})  # same code, same time step
    assert "Incorrect code." in response.content.decode()
    assert not _signed_in(client)


def test_a_recovery_code_signs_in_once(client, totp_clock):
    user = UserFactory(email="careful@example.com")
    _activate_totp(client, user, totp_clock)
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES))
    recovery_code = codes.get_unused_codes()[0]

    _sign_in(client, user.email)
    assert client.post(reverse("mfa_authenticate"), {"code": recovery_code}).status_code == 302
    assert _signed_in(client)
    client.post(reverse("account_logout"))

    _sign_in(client, user.email)
    assert "Incorrect code." in client.post(reverse("mfa_authenticate"), {"code": recovery_code}).content.decode()
    assert not _signed_in(client)


def test_security_link_in_the_user_menu(client):
    user = UserFactory(email="someone@example.com")
    client.force_login(user)
    page = client.get(reverse("mfa_index")).content.decode()
    assert f'<a href="{reverse("mfa_index")}">Security</a>' in page
    assert "Two-Factor Authentication" in page
    assert 'aria-current="page">Two-factor authentication</a>' in page  # the account settings navigation


# --- Django admin behind allauth -------------------------------------------------------------


def test_admin_sends_an_anonymous_visitor_to_allauth_login(client):
    response = client.get("/admin/", follow=True)
    final_url = unquote(response.redirect_chain[-1][0])
    assert final_url == f"{reverse('account_login')}?next=/admin/"
    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()  # allauth's form, not the admin's own


def test_admin_refuses_a_signed_in_non_staff_user(member_client):
    response = member_client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_admin_opens_for_staff_signed_in_through_allauth(client):
    staff = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    response = client.post(
        f"{reverse('account_login')}?next=/admin/", {"login": staff.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Site administration" in page.content.decode()
