"""The programs' CSV exports (page and API) defuse spreadsheet formulas in headers and answers with the
shared helper, mentorhub.csv_safety (review finding)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from programs.models import Program
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory


@pytest.mark.django_db
def test_the_program_exports_defuse_headers_and_answers(admin_client, org):
    program = ProgramFactory(organization=org, status=Program.Status.ENROLLING)
    question = QuestionFactory(program=program, prompt="=Format?", type="text", options=[], rule="none", weight=0)
    ParticipantFactory(program=program, answers={str(question.pk): "@here"})
    page = admin_client.get(
        reverse("program-participants-export", kwargs={"org_slug": org.slug, "program_pk": program.pk})
    )
    header, row = list(csv.reader(io.StringIO(b"".join(page.streaming_content).decode())))[:2]
    assert header[-1] == "'=Format?" and row[-1] == "'@here"
    api = admin_client.get(f"/api/v1/o/{org.slug}/programs/{program.pk}/participants/export/")
    header, row = list(csv.reader(io.StringIO(api.content.decode())))[:2]
    assert header[-1] == "'=Format?" and row[-1] == "'@here"
