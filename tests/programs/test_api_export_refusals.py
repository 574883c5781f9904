"""A refused participant export answers JSON, as the schema's `Error` documents for every refusal: the API
fuzz test (tests/api_fuzz/) found it answering `text/csv` with the JSON inside, because the export's CSV
renderer also rendered its refusals."""

from __future__ import annotations

import pytest
from django.test import Client

from .factories import ProgramFactory, api


@pytest.fixture
def export_url(org):
    return api("participant-export", org, program_pk=ProgramFactory(organization=org).pk)


def test_refusals_of_the_export_are_json(db, export_url, member_client, outsider_client):
    refusals = {
        401: Client().get(export_url),  # not signed in
        403: member_client.get(export_url),  # not an admin
        404: outsider_client.get(export_url),  # another organization's program
    }
    for code, response in refusals.items():
        assert response.status_code == code
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"detail"}, response.content


def test_even_when_the_csv_format_is_asked_for(db, export_url, member_client):
    response = member_client.get(export_url, {"format": "csv"})
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_the_export_itself_is_still_csv(db, export_url, admin_client):
    response = admin_client.get(export_url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("Name,Email,Department")
