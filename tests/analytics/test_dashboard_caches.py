"""What the dashboards render once and serve again (analytics/reports/rendered.py): the figures of a report build,
the API's data, the filter form. Each is used only for the very build of the report it was made from, and only
for viewers who would get the same text (role, time zone, organization, the programs' names read live)."""

from __future__ import annotations

import dataclasses
import re
from secrets import randbits

import pytest
from django.core.cache import cache

from analytics.reports.health import HealthFilters, health_cache_key
from analytics.reports.impact import ImpactFilters, impact_cache_key
from analytics.reports.rendered import rendered_key
from programs.models import Program
from tests.factories import OrganizationFactory
from tests.helpers import org_url, page_text

from .dashboard_data import build

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

SMALL = {"departments": {"Sales": 6}, "completed": 0, "at_risk": 0, "sessions": 1}
REFUSAL = "Refused by a later build of the same report."


def _text(client, route: str, org) -> str:
    response = client.get(org_url(route, org))
    assert response.status_code == 200
    return page_text(response)


@pytest.mark.parametrize(
    ("route", "key"),
    [
        ("program-health", lambda org: health_cache_key(org, HealthFilters())),
        ("impact-report", lambda org: impact_cache_key(org, ImpactFilters())),
        ("api-program-health", lambda org: health_cache_key(org, HealthFilters())),
    ],
    ids=["health page", "impact page", "health api"],
)
def test_figures_are_rendered_once_per_build_of_their_report(org, stakeholder_client, route, key):
    build(org, **SMALL)
    first = _text(stakeholder_client, route, org)
    assert REFUSAL not in first
    report = cache.get(key(org))

    # The same build (its id kept), changed behind the cache's back: what was rendered from it is served.
    cache.set(key(org), dataclasses.replace(report, refused=REFUSAL, build_id=report.build_id))
    assert REFUSAL not in _text(stakeholder_client, route, org)

    # A new build of the report (after a roll-up, or once it expired): rendered again.
    cache.set(key(org), dataclasses.replace(report, refused=REFUSAL, build_id=randbits(62)))
    assert REFUSAL in _text(stakeholder_client, route, org)


def test_cached_figures_are_per_role_and_time_zone(org, admin_client, stakeholder, stakeholder_client):
    build(org, **SMALL)
    # An HR admin's figures hold their own CSRF token and the matches at risk one by one: never cached.
    admin_html = _text(admin_client, "program-health", org)
    assert 'id="table-at_risk"' in admin_html and "csrfmiddlewaretoken" in admin_html

    stakeholder_html = _text(stakeholder_client, "program-health", org)
    figures = stakeholder_html[stakeholder_html.index('<div class="computed">') :]
    assert 'id="table-at_risk"' not in figures and "csrfmiddlewaretoken" not in figures
    assert "Matches at risk: <strong>" in figures
    assert 'id="table-at_risk"' in _text(admin_client, "program-health", org)  # the stakeholder's not served

    api = stakeholder_client.get(org_url("api-program-health", org)).json()
    assert api["at_risk"] is None  # the names are the HR admins' only
    assert admin_client.get(org_url("api-program-health", org)).json()["at_risk"][0]["people"]
    assert stakeholder_client.get(org_url("api-program-health", org)).json()["at_risk"] is None

    # Times are the viewer's: another zone gets its own rendering.
    def computed_time(html: str) -> str:
        return re.search(r"Figures computed <time [^>]*>([^<]*)</time>", html).group(1)

    stakeholder.employee.time_zone = "Asia/Tokyo"
    stakeholder.employee.save(update_fields=["time_zone"])
    tokyo_html = _text(stakeholder_client, "program-health", org)
    assert computed_time(tokyo_html).endswith("JST") and computed_time(stakeholder_html).endswith("GMT")


def test_the_filter_form_shows_the_programs_as_they_are_now(org, stakeholder_client):
    data = build(org, **SMALL)
    for route in ("program-health", "impact-report"):
        assert f">{data.program.name}</option>" in _text(stakeholder_client, route, org)
    Program.objects.filter(pk=data.program.pk).update(name="Grow, renamed")
    for route in ("program-health", "impact-report"):
        html = _text(stakeholder_client, route, org)
        assert ">Grow, renamed</option>" in html and f">{data.program.name}</option>" not in html


def test_rendered_keys_carry_the_organization(org, other_org):
    inputs = ("figures", "UTC")
    assert rendered_key(org, "health", inputs) != rendered_key(other_org, "health", inputs)
    # A database re-created with the same ids: another organization, another key.
    recreated = OrganizationFactory.build(pk=org.pk, created_at=other_org.created_at)
    assert rendered_key(recreated, "health", inputs) != rendered_key(org, "health", inputs)
