"""Audit log filters (actor, action, target, days in the viewer's zone) on the page and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from html import unescape

import pytest

from mentorhub.accounts.models import AuditEvent
from mentorhub.accounts.views.audit import VERB_LABELS
from tests.helpers import org_url, page_text


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def recorded_at(when: datetime, **fields) -> AuditEvent:
    """An event as audit_record writes it, at a chosen time (the table is append-only: no moving it later)."""
    return AuditEvent.objects.create(created_at=when, **fields)


def listed(response) -> list[str]:
    """The target labels of the events the page lists, in order."""
    assert response.status_code == 200
    listing = response.context.get("page")  # none when the filters are refused
    return [event.target_label for event in listing.object_list] if listing is not None else []


def exported(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return [row["target"] for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))]


def set_viewer_zone(membership, zone: str) -> None:
    membership.employee.time_zone = zone
    membership.employee.save()


@pytest.fixture
def log(org, other_org, admin, member, outsider):
    """Five events of `org` (the target label names each one) and two of `other_org` that would match the
    same filters if the log were not scoped."""
    set_viewer_zone(admin, "UTC")
    recorded_at(
        at(2024, 6, 1, 12),
        organization=org,
        actor=admin.user,
        actor_email="admin@alpha.test",
        verb="membership.change_role",
        target_type="accounts.membership",
        target_id=str(member.pk),
        target_label="role change",
    )
    recorded_at(
        at(2024, 6, 3, 9),
        organization=org,
        actor=member.user,
        actor_email="member@alpha.test",
        verb="participant.enroll",
        target_type="programs.participant",
        target_id="41",
        target_label="Leadership 2024 enrollment",
    )
    recorded_at(
        at(2024, 6, 3, 15),  # midnight of 4 June in Tokyo
        organization=org,
        actor=admin.user,
        actor_email="admin@alpha.test",
        verb="participant.approve",
        target_type="programs.participant",
        target_id="17",
        target_label="approval",
    )
    recorded_at(
        at(2024, 6, 5, 23, 30),  # 6 June 08:30 in Tokyo
        organization=org,
        verb="scim.user.create",
        target_type="accounts.employee",
        target_id="7",
        target_label="Dana via SCIM",
    )
    recorded_at(
        at(2024, 6, 1, 3),  # 31 May 20:00 in Los Angeles
        organization=org,
        actor=admin.user,
        actor_email="admin@alpha.test",
        verb="api_token.create",
        target_label="early token",
    )
    for verb, target_type in (
        ("participant.enroll", "identity.employeegroup"),
        ("scim.user.create", "accounts.employee"),
    ):
        recorded_at(
            at(2024, 6, 3, 10),
            organization=other_org,
            actor=outsider.user,
            actor_email="admin@beta.test",
            verb=verb,
            target_type=target_type,
            target_id="7",
            target_label="Leadership 2024 in Beta",
        )


def page(client, org, **query):
    return client.get(org_url("audit-log", org, query=query))


def export(client, org, **query):
    return client.get(org_url("audit-export", org, query=query))


def test_filter_by_actor_any_case_or_system(admin_client, org, log):
    assert listed(page(admin_client, org, actor="ADMIN@alpha.test")) == ["approval", "role change", "early token"]
    assert listed(page(admin_client, org, actor="member@alpha.test")) == ["Leadership 2024 enrollment"]
    assert listed(page(admin_client, org, actor="System")) == ["Dana via SCIM"]
    # Another organization's actor matches nothing here, although its events exist.
    response = page(admin_client, org, actor="admin@beta.test")
    assert listed(response) == [] and "No event matched these filters." in page_text(response)


def test_actor_box_suggests_this_organizations_actors_and_refuses_a_partial_address(admin_client, org, log):
    text = page_text(page(admin_client, org))
    options = re.search(r'<datalist id="filter-actor-options">(.*?)</datalist>', text, re.S)
    assert options is not None
    assert re.findall(r'value="([^"]*)"', options.group(1)) == ["system", "admin@alpha.test", "member@alpha.test"]
    assert 'list="filter-actor-options"' in text and '<label for="filter-actor">Who</label>' in text

    response = page(admin_client, org, actor="admin")
    assert listed(response) == []
    assert "Enter a whole email address (choose one from the list)" in page_text(response)
    assert 'aria-invalid="true"' in page_text(response)


def test_filter_by_verb_offers_labels(admin_client, org, log):
    response = page(admin_client, org, verb="participant.enroll")
    assert listed(response) == ["Leadership 2024 enrollment"]
    assert '<option value="participant.enroll" selected>Enrolled in a program</option>' in page_text(response)
    # Every labelled action is offered by its label, in label order, after "All actions".
    options = re.findall(
        r'<option value="([^"]*)"', page_text(response).split('id="filter-verb"')[1].split("</select>")[0]
    )
    assert options[0] == "" and set(options[1:]) == set(VERB_LABELS)
    labels = [VERB_LABELS[verb] for verb in options[1:]]
    assert labels == sorted(labels, key=str.casefold)


def test_every_action_label_is_distinct():
    """The action filter shows labels only: two verbs with one label could not be told apart there."""
    assert len(set(VERB_LABELS.values())) == len(VERB_LABELS)


def test_filter_by_target_type_offers_this_organizations_types(admin_client, org, log):
    response = page(admin_client, org, target_type="programs.participant")
    assert listed(response) == ["approval", "Leadership 2024 enrollment"]
    text = page_text(response)
    assert '<option value="programs.participant" selected>Participant</option>' in text
    assert '<option value="accounts.employee">Employee</option>' in text
    assert "identity.employeegroup" not in text  # only the other organization has such targets

    refused = page(admin_client, org, target_type="identity.employeegroup")
    assert listed(refused) == [] and "Choose a target type from the list." in page_text(refused)


def test_filter_by_target_id_exactly_or_label_in_part(admin_client, org, log):
    assert listed(page(admin_client, org, target="7")) == ["Dana via SCIM"]  # not "17", not Beta's 7
    response = page(admin_client, org, target="41")
    assert listed(response) == ["Leadership 2024 enrollment"]
    assert "Participant #41" in page_text(response)  # the row shows what the target filters match
    assert listed(page(admin_client, org, target="leadership")) == ["Leadership 2024 enrollment"]
    assert listed(page(admin_client, org, target="100%")) == []  # % is a character here, not a wildcard


def test_date_range_is_inclusive_in_utc(admin_client, org, log):
    assert listed(page(admin_client, org, since="2024-06-03", until="2024-06-03")) == [
        "approval",
        "Leadership 2024 enrollment",
    ]
    assert len(listed(page(admin_client, org, since="2024-06-01", until="2024-06-05"))) == 5
    assert listed(page(admin_client, org, since="2024-06-04")) == ["Dana via SCIM"]
    assert listed(page(admin_client, org, until="2024-05-31")) == []


def test_date_range_is_in_the_viewers_zone(admin_client, admin, org, log):
    set_viewer_zone(admin, "Asia/Tokyo")  # UTC+9
    assert listed(page(admin_client, org, since="2024-06-04", until="2024-06-05")) == ["approval"]
    assert listed(page(admin_client, org, since="2024-06-06", until="2024-06-06")) == ["Dana via SCIM"]
    assert listed(page(admin_client, org, until="2024-06-03")) == [
        "Leadership 2024 enrollment",
        "role change",
        "early token",
    ]

    set_viewer_zone(admin, "America/Los_Angeles")  # UTC-7 in June
    assert listed(page(admin_client, org, until="2024-05-31")) == ["early token"]
    assert listed(page(admin_client, org, since="2024-06-01", until="2024-06-01")) == ["role change"]
    response = export(admin_client, org, until="2024-05-31")
    assert exported(response) == ["early token"]


def test_from_after_to_is_explained(admin_client, org, log):
    response = page(admin_client, org, since="2024-06-05", until="2024-06-01")
    assert listed(response) == []
    text = unescape(page_text(response))
    assert "“From” (2024-06-05) is after “To” (2024-06-01)" in text
    assert "Check the filters above: no events are listed until they make sense." in text
    refused = export(admin_client, org, since="2024-06-05", until="2024-06-01")
    assert refused.status_code == 400 and "is after" in refused.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "0001-01-01"}, "Enter a date between the years 1900 and 2999."),
        ({"until": "9999-12-31"}, "Enter a date between the years 1900 and 2999."),
        ({"since": "2024-13-01"}, "Enter a date as YYYY-MM-DD"),
        ({"target": "x" * 256}, "Ensure this value has at most 255 characters"),
        ({"actor": "=1+1"}, "Enter a whole email address"),
    ],
)
def test_invalid_values_are_form_errors_on_page_and_export(admin_client, org, log, query, message):
    response = page(admin_client, org, **query)
    assert listed(response) == [] and message in unescape(page_text(response))
    refused = export(admin_client, org, **query)
    assert refused.status_code == 400 and message in refused.content.decode()


def test_a_nul_byte_in_a_filter_is_refused_not_a_server_error(admin_client, org, log):
    for name in ("actor", "verb", "target_type", "target", "since"):
        for route in ("audit-log", "audit-export"):
            response = admin_client.get(org_url(route, org) + f"?{name}=a%00b")
            assert response.status_code == 400 and "NUL character" in response.content.decode()


def test_combined_filters(admin_client, org, log):
    query = {"actor": "admin@alpha.test", "target_type": "programs.participant", "since": "2024-06-02"}
    assert listed(page(admin_client, org, **query)) == ["approval"]
    assert exported(export(admin_client, org, **query)) == ["approval"]
    query["verb"] = "participant.enroll"  # enrolled by the member, not the admin
    response = page(admin_client, org, **query)
    assert listed(response) == [] and "No event matched these filters." in page_text(response)
    assert "Clear the filters" in page_text(response)


def test_export_link_carries_the_filters(admin_client, org, log):
    text = page_text(page(admin_client, org, target_type="programs.participant", actor=" member@alpha.test "))
    link = re.search(r'<a href="([^"]*export\.csv[^"]*)" download>Export these as CSV</a>', text)
    assert link is not None
    url = unescape(link.group(1))
    assert url == org_url(
        "audit-export", org, query={"actor": "member@alpha.test", "target_type": "programs.participant"}
    )
    assert exported(admin_client.get(url)) == ["Leadership 2024 enrollment"]
    assert len(exported(export(admin_client, org))) == 5  # unfiltered: the whole log of this organization


def test_pagination_keeps_the_filters(admin_client, org, admin, log):
    for n in range(55):
        recorded_at(
            at(2024, 7, 1, 8, n),
            organization=org,
            actor_email="admin@alpha.test",
            verb="group.update",
            target_label=f"group {n}",
        )
    first = page(admin_client, org, verb="group.update", since="2024-07-01")
    assert len(listed(first)) == 50 and "Page 1 of 2" in page_text(first)
    assert "55 events matched the filters." in page_text(first)
    assert 'href="?verb=group.update&amp;since=2024-07-01&amp;page=2"' in page_text(first)
    second = page(admin_client, org, verb="group.update", since="2024-07-01", page=2)
    assert listed(second) == [f"group {n}" for n in range(4, -1, -1)]


def test_page_queries_do_not_grow_with_the_events_listed(admin_client, org, log, django_assert_max_num_queries):
    for n in range(50):
        recorded_at(
            at(2024, 7, 1, 8, n),
            organization=org,
            actor_email=f"person{n}@alpha.test",
            verb="group.update",
            target_type="identity.employeegroup",
            target_label=f"group {n}",
            changes={"name": [f"old {n}", f"new {n}"]},
        )
    query = {"verb": "group.update", "target": "group", "since": "2024-07-01", "until": "2024-07-01"}
    with django_assert_max_num_queries(11):
        response = page(admin_client, org, **query)
    assert len(listed(response)) == 50


def test_outsider_gets_404_and_member_or_stakeholder_403_with_filters(
    outsider_client, member_client, stakeholder_client, org, log
):
    query = {"actor": "admin@beta.test", "verb": "participant.enroll"}
    for route in ("audit-log", "audit-export"):
        assert outsider_client.get(org_url(route, org, query=query)).status_code == 404
        assert member_client.get(org_url(route, org, query=query)).status_code == 403
        assert stakeholder_client.get(org_url(route, org, query=query)).status_code == 403
