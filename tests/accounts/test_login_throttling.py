"""Failed sign-ins are throttled per address and per account-from-that-address (settings
ACCOUNT_RATE_LIMITS["login_failed"], keyed by mentorhub.accounts.account_adapter): an attacker slows down,
the owner signing in from elsewhere is never locked out, and a password reset lifts the owner's own block.

Time passing is simulated by ageing the counters allauth keeps in the cache, never by waiting."""

from __future__ import annotations

import re

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.internal.ratelimit import get_cache_key, parse_rates
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"
TOO_MANY = "Too many failed login attempts. Try again later."
WRONG = "The email address and/or password you specified are not correct."
RATES = parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])


def _sign_in(address: str, email: str, password: str = TEST_PASSWORD):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response, "_auth_user_id" in client.session


def _fail(address: str, email: str, times: int) -> None:
    for _ in range(times):
        response, signed_in = _sign_in(address, email, "not-the-password")
        assert WRONG in response.content.decode() and not signed_in


def _first(per: str):
    return next(rate for rate in RATES if rate.per == per)


def _pass_time(seconds: float, address: str, email: str) -> None:
    """Age every login_failed counter of this address and this account-from-this-address by `seconds`."""
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    pair = get_adapter()._get_login_attempts_cache_key(request, email=email)
    for rate in RATES:
        key = get_cache_key(request, app="allauth.account", action="login_failed", rate=rate, key=pair)
        history = cache.get(key, [])
        cache.set(key, [stamp - seconds for stamp in history], rate.duration)


def test_an_attacker_blocks_only_their_own_address_never_the_owner_elsewhere():
    owner = UserFactory(email="owner@example.com")
    _fail(ATTACKER, owner.email, _first("key").amount)

    response, signed_in = _sign_in(ATTACKER, owner.email)  # even the right password, from there
    assert TOO_MANY in response.content.decode() and not signed_in

    response, signed_in = _sign_in(OWNER, owner.email)
    assert response.status_code == 302 and signed_in


def test_failures_across_accounts_slow_an_address_without_blocking_colleagues_early():
    colleagues = [UserFactory(email=f"person{i}@example.com") for i in range(12)]
    for person in colleagues[:10]:
        _fail(ATTACKER, person.email, 1)
    # Ten typos behind one office address do not lock that office out.
    _response, signed_in = _sign_in(ATTACKER, colleagues[10].email)
    assert signed_in

    per_address = _first("ip").amount
    assert per_address > 10
    for i in range(per_address - 10):
        _fail(ATTACKER, colleagues[i % 10].email, 1)  # the success rolled its own count back
    response, signed_in = _sign_in(ATTACKER, colleagues[11].email)
    assert TOO_MANY in response.content.decode() and not signed_in
    # Another address is not concerned.
    assert _sign_in(OWNER, colleagues[11].email)[1]


def test_the_delay_grows_with_repeated_failures():
    owner = UserFactory(email="owner@example.com")
    _fail(ATTACKER, owner.email, 5)
    assert TOO_MANY in _sign_in(ATTACKER, owner.email)[0].content.decode()

    _pass_time(6 * 60, ATTACKER, owner.email)  # the first block lasts five minutes
    _fail(ATTACKER, owner.email, 5)
    assert TOO_MANY in _sign_in(ATTACKER, owner.email)[0].content.decode()

    _pass_time(6 * 60, ATTACKER, owner.email)  # ten failures this hour: five minutes are no longer enough
    assert TOO_MANY in _sign_in(ATTACKER, owner.email)[0].content.decode()
    _pass_time(60 * 60, ATTACKER, owner.email)
    _fail(ATTACKER, owner.email, 5)
    _pass_time(6 * 60, ATTACKER, owner.email)
    _fail(ATTACKER, owner.email, 5)
    _pass_time(2 * 60 * 60, ATTACKER, owner.email)  # twenty failures today: blocked for the day
    assert TOO_MANY in _sign_in(ATTACKER, owner.email)[0].content.decode()
    assert _sign_in(OWNER, owner.email)[1]  # and still never from the owner's own address

    _pass_time(24 * 60 * 60, ATTACKER, owner.email)
    assert _sign_in(ATTACKER, owner.email)[1]


def test_the_owner_behind_the_attackers_address_can_reset_the_password_and_sign_in():
    owner = UserFactory(email="owner@example.com")
    _fail(ATTACKER, owner.email, 5)
    assert TOO_MANY in _sign_in(ATTACKER, owner.email)[0].content.decode()

    client = Client(REMOTE_ADDR=ATTACKER)  # the same office address
    assert client.post(reverse("account_reset_password"), {"email": owner.email}).status_code == 302
    link = re.search(r"https?://testserver(\S*/accounts/password/reset/key/\S*)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = "a-long-and-unusual-passphrase"
    assert client.post(form_url, {"password1": new, "password2": new}).status_code == 302

    response, signed_in = _sign_in(ATTACKER, owner.email, new)
    assert response.status_code == 302 and signed_in
