"""mentorhub.web.htmx: which requests get a partial, and the Vary header that keeps caches apart."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from mentorhub.web.htmx import HTMX_STOP_POLLING, is_htmx, vary_on_htmx


def test_is_htmx():
    factory = RequestFactory()
    assert is_htmx(factory.get("/", headers={"HX-Request": "true"}))
    assert not is_htmx(factory.get("/"))
    assert not is_htmx(factory.get("/", headers={"HX-Request": "false"}))
    # A history restore after a cache miss wants the whole page.
    assert not is_htmx(factory.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}))


def test_vary_on_htmx():
    response = vary_on_htmx(HttpResponse("x"))
    assert "HX-Request" in response["Vary"]


def test_stop_polling_status_is_htmx_s():
    assert HTMX_STOP_POLLING == 286


def test_a_real_page_answers_the_partial_with_vary(member_client, org):
    response = member_client.get(f"/o/{org.slug}/people/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert "<html" not in response.content.decode()
