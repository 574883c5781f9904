"""Requests under /api/ that never reach an API view still answer JSON `{"detail": ...}`, the schema's
`Error` for 404 and its 400 body, instead of Django's HTML pages (mentorhub.web.errors, `handler404` and
`handler400`). The API fuzz test (tests/api_fuzz/) found both: an id that is not a number in the path, and a
form with more fields than Django reads. Pages keep Django's HTML answers."""

from __future__ import annotations

from django.conf import settings

from tests.helpers import org_url


def test_an_api_address_that_no_route_matches_is_a_json_404(org, admin_client):
    for path in (
        f"/api/v1/o/{org.slug}/mentoring/goals/not-a-number/",
        f"/api/v1/o/{org.slug}/programs/-3/",
        f"/api/v1/o/{org.slug}/no-such-thing/",
    ):
        response = admin_client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}


def test_a_page_address_that_no_route_matches_is_still_a_page(org, admin_client):
    response = admin_client.get(f"/o/{org.slug}/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_form_with_too_many_fields_is_a_json_400_under_the_api(org, admin_client):
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = admin_client.post(f"/api/v1/o/{org.slug}/invitations/", fields)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "too many fields" in response.json()["detail"]


def test_the_same_form_on_a_page_is_still_a_page(org, admin_client):
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = admin_client.post(org_url("people-list", org), fields)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
