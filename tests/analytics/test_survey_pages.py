"""Survey pages: a participant answers their own check-in or closing survey (labelled radios, clear messages
linked to the questions, the confidentiality note, saved once, a thank-you on My mentoring), and nobody else
can open it; HR admins see a program's surveys, add and remove their own questions, and response rates only
for groups of at least the minimum size. And the sweep: no route shows anyone's answers to anyone else."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from analytics.models import Survey, SurveyAssignment, SurveyQuestion, SurveyResponse
from analytics.services.surveys import survey_question_add
from mentorhub.accounts.models import Role
from mentorhub.accounts.services.tokens import api_token_create
from tests.factories import MembershipFactory
from tests.helpers import client_for, org_url, page_text
from tests.sessions.factories import person
from tests.test_outsider_sweep import _url, tenant_routes, victim_objects  # noqa: F401 - a fixture

from .factories import SurveyFactory
from .survey_data import (
    answer,
    assignment_of,
    by_code,
    checkin_answers,
    closing_answers,
    pair_complete,
    pair_due_now,
    pair_started,
    plan,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
A = SurveyAssignment.Status


def _flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def pair(org):
    return pair_due_now(org, name="Grow Together")


@pytest.fixture
def mine(pair):
    return assignment_of(pair, pair.mentee)


class TestAnswerPage:
    def test_shows_the_questions_with_labelled_radios_and_the_confidentiality_note(self, org, pair, mine):
        html = page_text(pair.client(pair.mentee).get(org_url("survey-answer", org, assignment_pk=mine.pk)))
        ids = by_code(mine)
        assert "<h1>Check-in after 30 days</h1>" in html
        assert "About your mentoring with Morgan Mentor in Grow Together." in html
        assert (
            "Your answers are confidential: HR and stakeholders only see totals over at least 5 people. "
            "Morgan Mentor never sees them." in html
        )
        assert "<legend>How is your mentoring going?</legend>" in html
        score = f"id_q{ids['going_well']}"
        for value, word in enumerate(("Poor", "Fair", "Okay", "Good", "Great"), start=1):
            assert re.search(
                rf'<input type="radio" name="q{ids["going_well"]}" value="{value}"[^>]*id="{score}_{value - 1}"', html
            )
            label = f'<span class="scale-value">{value}</span> <span class="scale-word">{word}</span>'
            assert f'<label for="{score}_{value - 1}">{label}</label>' in html
        comment = f"id_q{ids['checkin_comment']}"
        assert f'<label for="{comment}">Anything you would like to add? (optional)</label>' in html
        assert f'<textarea name="q{ids["checkin_comment"]}"' in html and "Send my answers" in html

    def test_answering_saves_once_and_thanks_on_my_mentoring(self, org, pair, mine):
        client = pair.client(pair.mentee)
        ids = by_code(mine)
        data = {f"q{ids['going_well']}": "5", f"q{ids['checkin_comment']}": "Going well."}
        response = client.post(org_url("survey-answer", org, assignment_pk=mine.pk), data, follow=True)
        assert response.redirect_chain == [(org_url("my-mentoring", org), 302)]
        assert "Thank you! Your answers are saved." in page_text(response)
        saved = SurveyResponse.objects.get(assignment=mine)
        assert saved.answers == {str(ids["going_well"]): 5, str(ids["checkin_comment"]): "Going well."}

        # A double click or a second tab: nothing more is saved, and the person is told why.
        again = client.post(
            org_url("survey-answer", org, assignment_pk=mine.pk), {**data, f"q{ids['going_well']}": "1"}
        )
        assert again.status_code == 302 and again.url == org_url("my-mentoring", org)
        assert _flash(again) == ["You have answered this survey already. Thank you!"]
        assert SurveyResponse.objects.filter(assignment=mine).count() == 1
        assert SurveyResponse.objects.get(assignment=mine).answers[str(ids["going_well"])] == 5

        html = page_text(client.get(org_url("survey-answer", org, assignment_pk=mine.pk)))
        assert "You have answered this survey already. Thank you!" in html and "<form" not in html.split("<main")[1]

    def test_a_missing_answer_is_explained_and_linked_to_its_question(self, org, pair, mine):
        response = pair.client(pair.mentee).post(org_url("survey-answer", org, assignment_pk=mine.pk), {})
        assert response.status_code == 400
        html = page_text(response)
        field = f"id_q{by_code(mine)['going_well']}"
        assert "One answer needs your attention:" in html
        assert (
            f'<a href="#{field}_0">How is your mentoring going?</a>: Choose an answer from 1 (poor) to 5 (great).'
            in html
        )
        # The scale's hint (what 1 and 5 mean) and the error, both read with the question.
        assert f'<fieldset aria-describedby="{field}_helptext {field}_error">' in html
        assert (
            f'<ul class="errorlist" id="{field}_error"><li>Choose an answer from 1 (poor) to 5 (great).</li></ul>'
            in html
        )
        assert html.count('aria-invalid="true"') == 5  # each radio of the question
        assert not SurveyResponse.objects.exists()
        assert SurveyAssignment.objects.get(pk=mine.pk).status == A.OPEN

    def test_the_closing_survey_has_agree_scales_and_a_0_to_10_question(self, org):
        pair = pair_started(org, started_at=timezone.now() - timedelta(days=40))
        pair_complete(org, pair)
        plan(org, timezone.now())
        closing = assignment_of(pair, pair.mentee)
        client = pair.client(pair.mentee)
        html = page_text(client.get(org_url("survey-answer", org, assignment_pk=closing.pk)))
        ids = by_code(closing)
        assert "<h1>Closing survey</h1>" in html
        assert "<legend>My competencies improved through this mentoring.</legend>" in html
        for word in ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"):
            assert f'<span class="scale-word">{word}</span>' in html
        nps = f"id_q{ids['recommend']}"
        assert all(f'<label for="{nps}_{v}"><span class="scale-value">{v}</span>' in html for v in range(11))
        assert f'<fieldset aria-describedby="{nps}_helptext">' in html
        assert "0 means not at all likely, 10 means extremely likely." in html

        data = {f"q{pk}": "4" for code, pk in ids.items() if code not in ("recommend", "closing_comment")}
        refused = client.post(
            org_url("survey-answer", org, assignment_pk=closing.pk), {**data, f"q{ids['recommend']}": "11"}
        )
        assert refused.status_code == 400
        assert "Choose a number from 0 (not at all likely) to 10 (extremely likely)." in page_text(refused)
        saved = client.post(
            org_url("survey-answer", org, assignment_pk=closing.pk), {**data, f"q{ids['recommend']}": "0"}
        )
        assert saved.status_code == 302
        assert SurveyResponse.objects.get(assignment=closing).answers[str(ids["recommend"])] == 0

    def test_an_expired_survey_says_so_and_takes_nothing(self, org, pair, mine):
        SurveyAssignment.objects.filter(pk=mine.pk).update(status=A.EXPIRED)
        client = pair.client(pair.mentee)
        html = page_text(client.get(org_url("survey-answer", org, assignment_pk=mine.pk)))
        assert "This survey has closed: answers are no longer taken." in html
        assert "The next check-in comes to you by itself." in html
        response = client.post(org_url("survey-answer", org, assignment_pk=mine.pk), checkin_form(mine))
        assert response.status_code == 302 and _flash(response) == [
            "This survey has closed: answers are no longer taken."
        ]
        assert not SurveyResponse.objects.exists()

    def test_only_the_respondent_can_open_it(self, org, other_org, admin, stakeholder, pair, mine):
        page = org_url("survey-answer", org, assignment_pk=mine.pk)
        colleague = person(org, "colleague@alpha.test")
        for viewer in (pair.mentor, admin, colleague, MembershipFactory(organization=other_org, role=Role.ADMIN)):
            client = client_for(viewer)
            assert client.get(page).status_code == 404
            assert client.post(page, checkin_form(mine)).status_code == 404
        assert client_for(stakeholder).get(page).status_code == 403
        # Someone else's id in one's own organization's address is just as unknown.
        outsider = MembershipFactory(organization=other_org, role=Role.MEMBER)
        assert client_for(outsider).get(org_url("survey-answer", other_org, assignment_pk=mine.pk)).status_code == 404
        assert not SurveyResponse.objects.exists()

    def test_an_account_without_roster_entry_has_no_surveys(self, org, admin, mine):
        admin.employee = None
        admin.save()
        assert client_for(admin).get(org_url("survey-answer", org, assignment_pk=mine.pk)).status_code == 404


def checkin_form(assignment) -> dict[str, str]:
    return {f"q{key}": str(value) for key, value in checkin_answers(assignment).items()}


# --- HR admins ---------------------------------------------------------------------------------------------------


def _answered_pairs(org, count: int, answered: int) -> list:
    """`count` pairs of one program, due for their first check-in; the mentees of the first `answered` answered."""
    first = pair_due_now(org)
    pairs = [first, *(pair_due_now(org, program=first.program) for _ in range(count - 1))]
    for pair in pairs[:answered]:
        answer(org, pair, pair.mentee, checkin_answers(assignment_of(pair, pair.mentee), comment="SECRET-REMARK-4b1"))
    return pairs


class TestProgramSurveysPage:
    def test_both_surveys_are_made_on_the_first_visit_with_locked_standard_questions(self, org, admin_client):
        program = pair_started(org).program
        response = admin_client.get(org_url("program-surveys", org, program_pk=program.pk))
        html = page_text(response)
        assert set(Survey.objects.filter(program=program).values_list("kind", flat=True)) == {"checkin", "closing"}
        assert "<h1>Surveys: " in html and 'aria-current="page">Surveys</a>' in html
        assert "Check-in (every 30 days of a match)" in html and "Closing survey (when a match ends)" in html
        assert "How likely are you to recommend this program to a colleague?" in html
        assert html.count('<span class="badge">Standard') == 8  # 2 + 6 standard questions, none removable
        assert "program-survey-question-delete" not in html and "/delete/" not in html
        assert "Response figures appear once at least 5 people have been asked" in html
        assert "Add a question of your own to the check-in" in html

    def test_response_rates_show_only_for_groups_of_at_least_the_minimum_size(self, org, admin_client):
        pairs = _answered_pairs(org, 2, 1)  # 4 people asked: fewer than 5
        page = org_url("program-surveys", org, program_pk=pairs[0].program.pk)
        assert "Response figures appear once at least 5 people have been asked" in page_text(admin_client.get(page))

        program = pairs[0].program
        for _ in range(1):  # a third pair in the same program: 6 people asked, 2 answered
            more = pair_started(org, started_at=timezone.now() - timedelta(days=31), program=program)
            plan(org, timezone.now())
            answer(org, more, more.mentor, checkin_answers(assignment_of(more, more.mentor)))
        html = page_text(admin_client.get(page))
        checkin = html.split("Closing survey (when a match ends)")[0]
        assert "<dt>People asked</dt><dd>6</dd>" in checkin
        # 2 answered, 4 not: both small groups, so the count and the rate stay hidden.
        assert "<dt>Surveys due</dt><dd>6</dd>" in checkin and "<dt>Answered</dt><dd>fewer than 5</dd>" in checkin
        assert "33.3" not in checkin
        assert "SECRET-REMARK-4b1" not in html  # counts only, never an answer

    def test_adding_and_removing_an_own_question(self, org, admin, admin_client):
        program = pair_started(org).program
        admin_client.get(org_url("program-surveys", org, program_pk=program.pk))
        checkin = Survey.objects.get(program=program, kind="checkin")
        add = org_url("program-survey-question-add", org, program_pk=program.pk, survey_pk=checkin.pk)
        prefix = f"survey{checkin.pk}"

        refused = admin_client.post(add, {f"{prefix}-prompt": "", f"{prefix}-type": "agree"})
        assert refused.status_code == 400
        html = page_text(refused)
        assert "Write the question." in html and '<details class="add-survey-question" open>' in html

        done = admin_client.post(
            add, {f"{prefix}-prompt": "Was the kick-off useful?", f"{prefix}-type": "agree", f"{prefix}-required": "on"}
        )
        assert done.status_code == 302
        assert _flash(done) == ["Question “Was the kick-off useful?” added to the check-in."]
        question = SurveyQuestion.objects.get(survey=checkin, code="")
        assert (question.prompt, question.type, question.required) == ("Was the kick-off useful?", "agree", True)
        remove = org_url(
            "program-survey-question-delete",
            org,
            program_pk=program.pk,
            survey_pk=checkin.pk,
            survey_question_pk=question.pk,
        )
        assert remove in page_text(admin_client.get(org_url("program-surveys", org, program_pk=program.pk)))

        confirm = page_text(admin_client.get(remove))
        assert "Remove “Was the kick-off useful?”?" in confirm and "no longer asked in the check-in" in confirm
        gone = admin_client.post(remove)
        assert gone.status_code == 302 and not SurveyQuestion.objects.filter(pk=question.pk).exists()

    def test_a_standard_question_cannot_be_removed(self, org, admin_client):
        program = pair_started(org).program
        admin_client.get(org_url("program-surveys", org, program_pk=program.pk))
        standard = SurveyQuestion.objects.get(survey__program=program, code="going_well")
        remove = org_url(
            "program-survey-question-delete",
            org,
            program_pk=program.pk,
            survey_pk=standard.survey_id,
            survey_question_pk=standard.pk,
        )
        response = admin_client.post(remove)
        assert response.status_code == 302 and "standard question" in _flash(response)[0]
        assert SurveyQuestion.objects.filter(pk=standard.pk).exists()

    def test_stakeholders_and_members_get_403_outsiders_404(
        self, org, admin, stakeholder_client, member_client, outsider_client
    ):
        program = pair_started(org).program
        survey = SurveyFactory(organization=org, program=program, kind="checkin")
        own = survey_question_add(
            organization=org, actor=admin.user, program_id=program.pk, survey_id=survey.pk, prompt="Own?", type="text"
        )
        routes = [
            ("get", org_url("program-surveys", org, program_pk=program.pk)),
            ("post", org_url("program-survey-question-add", org, program_pk=program.pk, survey_pk=survey.pk)),
            (
                "post",
                org_url(
                    "program-survey-question-delete",
                    org,
                    program_pk=program.pk,
                    survey_pk=survey.pk,
                    survey_question_pk=own.pk,
                ),
            ),
        ]
        for method, address in routes:
            assert getattr(stakeholder_client, method)(address).status_code == 403
            assert getattr(member_client, method)(address).status_code == 403
            assert getattr(outsider_client, method)(address).status_code == 404
        assert SurveyQuestion.objects.filter(pk=own.pk).exists()

    def test_the_query_count_does_not_grow_with_people_or_questions(
        self, org, admin, admin_client, django_assert_max_num_queries
    ):
        pairs = _answered_pairs(org, 1, 1)
        program = pairs[0].program
        page = org_url("program-surveys", org, program_pk=program.pk)
        admin_client.get(page)  # the surveys exist from here on
        with django_assert_max_num_queries(16) as few:
            admin_client.get(page)
        checkin = Survey.objects.get(program=program, kind="checkin")
        for n in range(4):
            more = pair_started(org, started_at=timezone.now() - timedelta(days=31), program=program)
            plan(org, timezone.now())
            answer(org, more, more.mentee, checkin_answers(assignment_of(more, more.mentee)))
            survey_question_add(
                organization=org,
                actor=admin.user,
                program_id=program.pk,
                survey_id=checkin.pk,
                prompt=f"Q{n}?",
                type="text",
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            html = page_text(admin_client.get(page))
        assert "Q3?" in html and "<dt>People asked</dt><dd>10</dd>" in html


# --- Confidentiality across the whole site -----------------------------------------------------------------------

CHECKIN_REMARK = "CHECKIN-REMARK-8e2d"
CLOSING_REMARK = "CLOSING-REMARK-3f9a"


@pytest.fixture
def answered(org, admin, victim_objects):  # noqa: F811 - the sweep's fixture, used here
    """A pair whose mentee answered a check-in, and another whose mentee answered the closing survey, each
    with a remark only the mentee wrote; every URL parameter filled with these objects."""
    pair = pair_due_now(org)
    checkin = assignment_of(pair, pair.mentee)
    answer(org, pair, pair.mentee, checkin_answers(checkin, score=1, comment=CHECKIN_REMARK))
    ended = pair_started(org, started_at=timezone.now() - timedelta(days=40))
    pair_complete(org, ended)
    plan(org, timezone.now())
    closing = assignment_of(ended, ended.mentee)
    answer(org, ended, ended.mentee, closing_answers(closing, comment=CLOSING_REMARK))
    own = survey_question_add(
        organization=org,
        actor=admin.user,
        program_id=pair.program.pk,
        survey_id=checkin.survey_id,
        prompt="Own?",
        type="text",
    )
    objects = {
        **victim_objects,
        "program_pk": pair.program.pk,
        "match_pk": pair.match.pk,
        "assignment_pk": checkin.pk,
        "survey_pk": checkin.survey_id,
        "survey_question_pk": own.pk,
    }
    return pair, ended, objects


# A person's own data download (their right of access) holds their own answers: the one route where the
# author sees them, and only theirs (tests/accounts/test_privacy_pages.py).
OWN_DATA_ROUTES = {"my-data-json", "my-data-html"}


def _everything_seen_by(client: Client, org_slug: str, objects: dict, *, author: bool = False) -> str:
    bodies = []
    for route in tenant_routes():
        if author and route.name in OWN_DATA_ROUTES:
            continue
        response = client.get(_url(route, org_slug, objects))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        bodies.append(content.decode(errors="replace"))
    return "\n".join(bodies)


def test_the_answers_are_stored(answered):
    """The sweep below can only fail if the remarks exist: they are in the responses."""
    stored = " ".join(str(r.answers) for r in SurveyResponse.objects.all())
    assert CHECKIN_REMARK in stored and CLOSING_REMARK in stored


@pytest.mark.parametrize("role", ["other member", "admin", "stakeholder", "colleague", "outsider", "author"])
def test_no_route_shows_anyones_answers(org, other_org, admin, answered, role):
    """Every GET route (pages, API, CSV exports), by every kind of viewer: no answer text anywhere, not even
    to its author (who is thanked, and never shown a list of answers to share by mistake)."""
    pair, ended, objects = answered
    viewer = {
        "other member": pair.mentor,
        "admin": admin,
        "stakeholder": MembershipFactory(organization=org, role=Role.STAKEHOLDER),
        "colleague": ended.mentor,  # in another match of the organization (who wrote the closing remark's pair)
        "outsider": MembershipFactory(organization=other_org, role=Role.ADMIN),
        "author": pair.mentee,
    }[role]
    seen = _everything_seen_by(client_for(viewer), org.slug, objects, author=role == "author")
    assert CHECKIN_REMARK not in seen and CLOSING_REMARK not in seen, f"{role} can read an answer"


def test_an_admins_api_token_reads_no_answers(org, admin, answered):
    _pair, _ended, objects = answered
    _token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="surveys")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    seen = "\n".join(
        client.get(_url(route, org.slug, objects)).content.decode(errors="replace")
        for route in tenant_routes()
        if route.route.startswith("api/")
    )
    assert '"response_rate"' in seen  # the admin's survey route answered with data
    assert CHECKIN_REMARK not in seen and CLOSING_REMARK not in seen
