"""The API's cheaper read path answers byte for byte what DRF's own does: the serializers' planned reads
(mentorhub/web/serializers.py) and the first page read before its count (mentorhub/web/pagination.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers

from mentorhub.accounts.services.tokens import api_token_create
from mentorhub.web import pagination
from mentorhub.web.serializers import PlannedReadMixin
from sessions.models import Notification
from sessions.services.goals import goal_comment_add, goal_create, milestone_add, milestone_update
from tests.factories import EmployeeFactory
from tests.sessions.factories import active_pair, api

pytestmark = pytest.mark.django_db


def _drf_only(monkeypatch) -> None:
    """DRF's own read path: fields built and read by DRF for every serializer, every page counted first."""

    def drf_to_representation(self, instance):
        return super(PlannedReadMixin, self).to_representation(instance)

    def drf_get_fields(self):
        return super(PlannedReadMixin, self).get_fields()

    monkeypatch.setattr(PlannedReadMixin, "to_representation", drf_to_representation)
    monkeypatch.setattr(PlannedReadMixin, "get_fields", drf_get_fields)
    monkeypatch.setattr(pagination.DefaultPagination, "django_paginator_class", Paginator)


def test_the_lists_answer_what_drf_answers(org, admin, monkeypatch):
    pair = active_pair(org, mentor=admin)  # an admin mentor: the admin lists and the participant lists, one token
    mentee = pair.mentee.employee
    assert mentee is not None and admin.employee is not None
    shared = goal_create(organization=org, employee=mentee, match_id=pair.match.pk, title="Lead a project")
    milestone = milestone_add(organization=org, employee=mentee, goal_id=shared.pk, title="Pick it")
    milestone_add(organization=org, employee=mentee, goal_id=shared.pk, title="Kick-off", due_on=timezone.localdate())
    milestone_update(organization=org, employee=mentee, milestone_id=milestone.pk, done=True)
    goal_create(organization=org, employee=mentee, match_id=pair.match.pk, title="Mine", personal=True)
    goal_comment_add(organization=org, employee=admin.employee, goal_id=shared.pk, body="Go for it")
    Notification.objects.create(
        organization=org, recipient=admin.employee, kind=Notification.MATCH_UPDATE, title="Hi", url="/o/x/"
    )
    Notification.objects.create(
        organization=org, recipient=admin.employee, kind=Notification.MATCH_UPDATE, title="Read", read_at=timezone.now()
    )
    EmployeeFactory(organization=org, manager=mentee, left_on=timezone.localdate() - timedelta(days=1))
    _token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="paths")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    program = pair.program.pk
    urls = [
        api("goal-list", org),
        api("goal-detail", org, goal_pk=shared.pk),
        api("notification-list", org),
        api("my-match-list", org),
        f"/api/v1/o/{org.slug}/employees/",
        f"/api/v1/o/{org.slug}/employees/?page_size=2",
        f"/api/v1/o/{org.slug}/employees/?page_size=2&page=2",
        f"/api/v1/o/{org.slug}/employees/?page_size=2&page=last",
        f"/api/v1/o/{org.slug}/employees/?page=2",
        f"/api/v1/o/{org.slug}/programs/",
        f"/api/v1/o/{org.slug}/programs/{program}/participants/",
    ]
    planned = [(client.get(url).status_code, client.get(url).content) for url in urls]
    _drf_only(monkeypatch)
    drf = [(client.get(url).status_code, client.get(url).content) for url in urls]
    assert planned == drf
    assert [status for status, _ in planned] == [200] * 8 + [404, 200, 200]
    assert b'"done":true' in planned[0][1] and b'"author_name"' in planned[1][1]


class Owner:
    def __init__(self, name: str | None) -> None:
        self.name = name


class Row:
    def __init__(self, owner: Owner | None) -> None:
        self.owner = owner
        self.size = 3
        self.when = timezone.now()

    def doubled(self) -> int:
        return 2 * self.size


class Drf(serializers.Serializer):
    owner_name = serializers.CharField(source="owner.name", default="nobody")
    owner_or_skip = serializers.CharField(source="owner.name", required=False)
    doubled = serializers.IntegerField()  # a method named by the source: DRF calls it
    size = serializers.IntegerField()
    when = serializers.DateTimeField()
    summary = serializers.SerializerMethodField()

    def get_summary(self, row) -> str:
        return f"size {row['size'] if isinstance(row, dict) else row.size}"


class Planned(PlannedReadMixin, Drf):
    pass


@pytest.mark.parametrize(
    "row",
    [
        Row(Owner("Ana")),
        Row(Owner(None)),  # null at the end of the path: null
        Row(None),  # a missing link on the path: the default, or the field left out
        {"owner": {"name": "Bo"}, "doubled": 4, "size": 2, "when": timezone.now()},  # a dict: DRF's path
    ],
)
def test_a_planned_read_answers_what_drf_answers(row):
    with timezone.override("Europe/Paris"):
        assert Planned(row).data == Drf(row).data
        assert list(Planned(row).data) == list(Drf(row).data)  # the same keys in the same order


def test_a_short_first_page_is_not_counted(org):
    for number in range(3):
        EmployeeFactory(organization=org, name=f"Person {number}")
    employees = org.employees.order_by("pk")

    with CaptureQueriesContext(connection) as short:
        page = pagination.ShortFirstPagePaginator(employees, 5).page(1)
    assert (len(page), page.paginator.count, page.has_next()) == (3, 3, False)
    assert len(short.captured_queries) == 1 and "COUNT(" not in short.captured_queries[0]["sql"]

    with CaptureQueriesContext(connection) as full:
        page = pagination.ShortFirstPagePaginator(employees, 2).page("1")
    assert (len(page), page.paginator.count, page.has_next()) == (2, 3, True)
    assert sum("COUNT(" in query["sql"] for query in full.captured_queries) == 1

    second = pagination.ShortFirstPagePaginator(employees, 2).page(2)
    assert [e.pk for e in second] == [e.pk for e in Paginator(employees, 2).page(2)]
