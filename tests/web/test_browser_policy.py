"""The browser policy (docs/architecture.md, "Browser policy"): a strict Content-Security-Policy and a
Permissions-Policy on pages, on the API and on error pages, in production and the embedded default alike;
a nonce only where the API docs page needs one; and no template with what the policy refuses (style
attributes, inline scripts or styles, event-handler attributes, htmx's evaluated attributes). The browser
suite (tests/e2e) checks the same on every page in Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse

from tests.helpers import client_for, org_url, page_text
from tests.test_deployment import PRODUCTION_ENV, run_python

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"
# What every answer's policy must say, directive by directive (a nonce or a route's addition may follow).
REQUIRED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
FEATURES_OFF = {"camera", "microphone", "geolocation", "payment", "usb", "display-capture", "serial", "hid"}


def directives(response: Any) -> dict[str, list[str]]:
    assert CSP in response, f"no {CSP} on a {response.status_code} answer"
    parts = (part.split() for part in response[CSP].split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def assert_strict(response: HttpResponse, nonce: str = "", **additions: list[str]) -> dict[str, list[str]]:
    """The policy is the strict one, plus exactly `additions` (directive with "_" for "-": sources) and, for
    a page that asks for one, the nonce `nonce`."""
    policy = directives(response)
    extra = {name.replace("_", "-"): sources for name, sources in additions.items()}
    if nonce:
        extra["script-src"] = [f"'nonce-{nonce}'"]
    for name, sources in REQUIRED.items():
        assert policy[name] == sources + extra.get(name, []), (name, policy[name])
    assert not re.search(r"unsafe-inline|unsafe-eval|unsafe-hashes|\*", response[CSP])
    features = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    assert all(features[name] == "()" for name in FEATURES_OFF), features
    return policy


def test_a_page_has_the_strict_policy_and_no_nonce(admin, org):
    response = client_for(admin).get(org_url("org-home", org))
    assert response.status_code == 200
    assert_strict(response)
    assert "nonce" not in response[CSP]  # no page of ours has an inline script


def test_the_api_has_the_policy_and_answers_json_only(admin, org):
    # JSON only (settings REST_FRAMEWORK): DRF's browsable HTML pages would need inline styles.
    url = f"/api/v1/o/{org.slug}/employees/"
    response = client_for(admin).get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    response = client_for(admin).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert_strict(response)
    assert_strict(Client().get(url))  # 401


def test_the_api_docs_page_carries_the_one_nonce_and_its_data_images(admin):
    client = client_for(admin)
    first, second = client.get(reverse("api-docs")), client.get(reverse("api-docs"))
    assert first.status_code == 200
    page = page_text(first)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert len(inline) == 1  # Swagger UI's start script, and nothing else
    nonce = re.fullmatch(r' nonce="([A-Za-z0-9+/=]{20,})"', inline[0]).group(1)
    assert_strict(first, nonce=nonce, img_src=["data:"])
    assert nonce not in second[CSP] and "'nonce-" in second[CSP]  # a fresh one per answer
    assert "<style" not in page and 'rel="stylesheet"' in page


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a server error, on purpose")


urlpatterns = [path("boom/", boom)]


def test_error_pages_have_the_policy(admin, member, org):
    assert_strict(Client().get("/no-such-page/"))  # 404
    assert_strict(client_for(member).get(org_url("audit-log", org)))  # 403
    refused = client_for(admin).get(org_url("people-list", org), {"q": "\x00"})  # the NUL guard's 400 page
    assert refused.status_code == 400
    assert_strict(refused)
    with override_settings(ROOT_URLCONF=__name__):
        crashed = Client(raise_request_exception=False).get("/boom/")
    assert crashed.status_code == 500
    assert_strict(crashed)


PRINT_HEADERS = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/no-such-page/", secure=True, HTTP_HOST="mentorhub.example.com")
print(json.dumps({"csp": response.get("Content-Security-Policy"), "pp": response.get("Permissions-Policy")}))
"""


EMBEDDED_ENV = {"DJANGO_ENV": "development", "EMBEDDED_SCHEDULER": "false"}


@pytest.mark.parametrize("env", [PRODUCTION_ENV, EMBEDDED_ENV], ids=["production", "embedded"])
def test_the_policy_is_the_same_in_production_and_the_embedded_default(env, client):
    result = run_python(["-c", PRINT_HEADERS], **env)
    assert result.returncode == 0, result.stderr
    there = json.loads(result.stdout.strip().splitlines()[-1])
    here = client.get("/no-such-page/")
    # django-csp writes the directives in no fixed order: compare them as a mapping.
    assert directives({CSP: there["csp"]}) == assert_strict(here)
    assert there["pp"] == here["Permissions-Policy"]


# What a template must not hold: the policy refuses each (htmx's hx-on and js: values it would evaluate).
REFUSED = {
    "style attribute": re.compile(r"\sstyle\s*="),
    "<style> element": re.compile(r"<style[\s>]"),
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    "event-handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']"),
    "htmx evaluated attribute": re.compile(r"\shx-on|\"js:|'js:|javascript:"),
}
# The one allowed exception: drf-spectacular's Swagger UI start script, with the request's nonce.
NONCED = 'nonce="{{ request.csp_nonce }}"'
# Template comments may name what they avoid.
COMMENTS = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.S)


def _templates() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [p for p in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in p.parts]
    roots += list((Path(settings.BASE_DIR) / "mentorhub").glob("**/templates"))
    return sorted(file for root in roots for file in root.rglob("*.html"))


def _is_email(file: Path) -> bool:
    """An email's template (mentorhub/web/email.py): mail clients drop <style> and have no stylesheet of ours, so
    its styles are inline; it is never a page, and the browser policy does not apply to mail."""
    return "email" in file.relative_to(settings.BASE_DIR).parts[:-1]


def test_no_template_holds_what_the_policy_refuses():
    templates = [file for file in _templates() if not _is_email(file)]
    assert len(templates) > 100  # the walk found the templates
    found = [
        f"{file.relative_to(settings.BASE_DIR)}: {what}"
        for file in templates
        for what, pattern in REFUSED.items()
        for match in pattern.finditer(COMMENTS.sub("", file.read_text()))
        if NONCED not in match.group(0)
    ]
    assert not found, "\n".join(found)
