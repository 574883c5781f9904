"""Scoring: each rule, the hard filters (must, people, management chain, level rule, time zones, exclusions),
explanations that add up to the score, and the matrix agreeing with explain() pair by pair. No database."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime
from unittest import mock

import numpy as np
import pytest

from matching import scoring
from matching.profiles import Profile

NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)  # winter: Berlin UTC+1, New York UTC-5, Auckland UTC+13
NO_ATTRIBUTES = {"attr:job_level": 0, "attr:time_zone": 0, "attr:department": 0, "attr:location": 0}
SKILLS = ["Leadership", "Python", "Excel", "Negotiation", "Public speaking"]
GOALS = ["Career growth", "Confidence", "Networking", "Technical skills"]
FORMATS = ["Video call", "In person", "Phone"]
LANGUAGES = ["English", "German", "Spanish"]

_ids = itertools.count(1)


def person(role="mentee", *, answers=None, level=None, department="Sales", location="Berlin", tz="Europe/Berlin",
           chain=(), employee=None) -> Profile:  # fmt: skip
    pid = next(_ids)
    return Profile(
        participant_id=pid,
        employee_id=employee if employee is not None else 10_000 + pid,
        role=role,
        answers=answers or {},
        department=department,
        job_level=level if level is not None else (3 if role == "mentee" else 5),
        location=location,
        time_zone=tz,
        manager_chain=frozenset(chain),
    )


def question(qid, rule, *, type_="multiple_choice", options=(), weight=3, audience="both", prompt=None):
    return {
        "id": qid,
        "prompt": prompt or f"Question {qid}?",
        "mentor_prompt": "",
        "type": type_,
        "options": list(options),
        "rule": rule,
        "weight": weight,
        "audience": audience,
    }


def score(mentee, mentor, questions, *, kind="one_on_one", max_gap=None, weights=None, excluded=frozenset()):
    criteria = scoring.criteria_for(kind, questions, NO_ATTRIBUTES | (weights or {}))
    matrix = scoring.score_matrix(
        [mentee], [mentor], criteria, program_kind=kind, max_tz_gap_hours=max_gap, excluded=excluded, now=NOW
    )
    explanation = scoring.explain(
        mentee, mentor, criteria, program_kind=kind, max_tz_gap_hours=max_gap, excluded=excluded, now=NOW
    )
    value = float(matrix[0, 0])
    if np.isnan(value):
        assert explanation.score is None and explanation.forbidden
    else:
        assert explanation.forbidden is None
        assert explanation.score == pytest.approx(value, abs=1e-6)
    return value, explanation


# --- Rules ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "expected"), [("Video call", "Video call", 1.0), ("Video call", "Phone", 0.0)])
def test_same_on_a_single_choice(a, b, expected):
    q = question(1, "same", type_="single_choice", options=FORMATS)
    value, explanation = score(person(answers={"1": a}), person("mentor", answers={"1": b}), [q])
    assert value == expected
    if expected:
        assert explanation.parts == [("Both chose Video call", 1.0)]


@pytest.mark.parametrize(("a", "b", "expected"), [("Phone", "Phone", 0.0), ("Video call", "Phone", 1.0)])
def test_different_on_a_single_choice(a, b, expected):
    q = question(1, "different", type_="single_choice", options=FORMATS)
    assert score(person(answers={"1": a}), person("mentor", answers={"1": b}), [q])[0] == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (["Career growth", "Confidence"], ["Confidence", "Networking"], 0.5),  # 1 / sqrt(2 x 2)
        (["Career growth"], GOALS, 0.5),  # 1 / sqrt(1 x 4): ticking every box does not win
        (["Career growth", "Confidence"], ["Confidence", "Career growth"], 1.0),
        (["Career growth"], ["Networking"], 0.0),
    ],
)
def test_overlap_is_the_ochiai_coefficient(a, b, expected):
    q = question(2, "overlap", options=GOALS)
    value, explanation = score(person(answers={"2": a}), person("mentor", answers={"2": b}), [q])
    assert value == pytest.approx(expected, abs=1e-6)
    if expected:
        shared = sorted(set(a) & set(b))
        assert explanation.parts[0][0] == f"Both chose {', '.join(shared)}"


def test_offers_wants_is_the_share_of_wants_on_offer_case_insensitive():
    q = question(3, "offers_wants", type_="tags", options=SKILLS, prompt="Which skills do you want to learn?")
    mentee = person(answers={"3": ["Python", "Excel", "Leadership"]})
    mentor = person("mentor", answers={"3": ["python ", "Leadership", "Negotiation", "Cooking"]})
    value, explanation = score(mentee, mentor, [q])
    assert value == pytest.approx(2 / 3, abs=1e-6)
    assert explanation.parts == [("Can help with Leadership, Python", pytest.approx(2 / 3))]
    # The direction matters: the mentor's wider offer does not count against them.
    wide = person(answers=mentor.answers, level=1)
    assert score(wide, person("mentor", answers=mentee.answers), [q])[0] == pytest.approx(2 / 4, abs=1e-6)


def test_scale_answers_compare_by_distance():
    q = question(4, "same", type_="scale")
    assert score(person(answers={"4": 1}), person("mentor", answers={"4": 3}), [q])[0] == pytest.approx(0.5)
    q = question(4, "different", type_="scale")
    assert score(person(answers={"4": 1}), person("mentor", answers={"4": 5}), [q])[0] == pytest.approx(1.0)


def test_blank_answers_score_zero_and_say_so():
    q = question(2, "overlap", options=GOALS)
    value, explanation = score(person(), person("mentor", answers={"2": ["Confidence"]}), [q])
    assert value == 0.0
    assert explanation.parts == [("Question 2: no answer", 0.0)]


def test_score_is_the_weighted_mean_of_criteria():
    q1 = question(1, "same", type_="single_choice", options=FORMATS, weight=5)
    q2 = question(2, "overlap", options=GOALS, weight=3)
    mentee = person(answers={"1": "Phone", "2": ["Confidence"]})
    mentor = person("mentor", answers={"1": "Phone", "2": ["Networking"]})
    value, explanation = score(mentee, mentor, [q1, q2])
    assert value == pytest.approx(5 / 8, abs=1e-6)
    assert [c for _, c in explanation.parts] == [pytest.approx(5 / 8), 0.0]
    # The admin's weights override the question's.
    assert score(mentee, mentor, [q1, q2], weights={"1": 1})[0] == pytest.approx(1 / 4, abs=1e-6)
    assert score(mentee, mentor, [q1, q2], weights={1: 0})[0] == 0.0


def test_criteria_for_skips_unused_questions_and_adds_attributes():
    questions = [
        question(1, "none", options=GOALS),
        question(2, "overlap", options=GOALS, audience="mentee"),  # nothing to compare with
        question(3, "same", options=GOALS, weight=0),
        question(4, "must", options=LANGUAGES, weight=4),
        question(5, "offers_wants", type_="tags", options=SKILLS, weight=5),
    ]
    criteria = scoring.criteria_for("one_on_one", questions)
    assert [(c.key, c.rule, c.weight) for c in criteria] == [
        ("4", "must", 0.0),
        ("5", "offers_wants", 5.0),
        ("attr:job_level", "senior", 2.0),
        ("attr:time_zone", "tz_overlap", 2.0),
        ("attr:department", "different", 1.0),
        ("attr:location", "same", 1.0),
    ]
    assert criteria[1].options == tuple(SKILLS)
    with pytest.raises(ValueError, match="Weight of '5' must be a number >= 0"):
        scoring.criteria_for("one_on_one", questions, {"5": -1})


# --- Hard filters -----------------------------------------------------------------------------------

LANG = question(9, "must", options=LANGUAGES, prompt="Languages you are comfortable in")


def test_must_needs_a_common_answer():
    value, explanation = score(person(answers={"9": ["English"]}), person("mentor", answers={"9": ["German"]}), [LANG])
    assert np.isnan(value)
    assert explanation.forbidden == "no common answer to “Languages you are comfortable in”"
    both = score(person(answers={"9": ["English", "German"]}), person("mentor", answers={"9": ["german"]}), [LANG])
    assert both[0] == 0.0  # allowed; a must adds nothing to the score
    single = question(8, "must", type_="single_choice", options=FORMATS)
    assert np.isnan(score(person(answers={"8": "Phone"}), person("mentor", answers={"8": "Video call"}), [single])[0])


def test_must_with_a_blank_answer_is_no_constraint():
    assert score(person(), person("mentor", answers={"9": ["German"]}), [LANG])[0] == 0.0
    assert score(person(answers={"9": []}), person("mentor"), [LANG])[0] == 0.0


def test_the_same_person_is_never_their_own_mentor():
    value, explanation = score(person(employee=7), person("mentor", employee=7), [])
    assert np.isnan(value)
    assert explanation.forbidden == "the same person"


def test_management_chain_both_ways():
    boss = person("mentor", employee=500)
    value, explanation = score(person(chain=[400, 500]), boss, [])
    assert np.isnan(value)
    assert explanation.forbidden == "the mentor is in the mentee's management chain"
    value, explanation = score(
        person(employee=600, level=7), person("mentor", level=2, chain=[600]), [], kind="reverse"
    )
    assert np.isnan(value)
    assert explanation.forbidden == "the mentee is in the mentor's management chain"
    assert score(person(chain=[400]), boss, [])[0] == 0.0


@pytest.mark.parametrize(
    ("kind", "mentee_level", "mentor_level", "allowed"),
    [
        ("one_on_one", 5, 3, False),
        ("one_on_one", 5, 5, True),
        ("one_on_one", 3, 6, True),
        ("group", 4, 2, False),
        ("reverse", 5, 5, False),
        ("reverse", 3, 6, False),
        ("reverse", 6, 2, True),
    ],
)
def test_level_rule(kind, mentee_level, mentor_level, allowed):
    value, explanation = score(person(level=mentee_level), person("mentor", level=mentor_level), [], kind=kind)
    assert np.isnan(value) != allowed
    if not allowed:
        expected = "more junior" if kind == "reverse" else "at least as senior"
        assert expected in explanation.forbidden


@pytest.mark.parametrize(("gap", "fit"), [(0, 0.5), (1, 1.0), (3, 1.0), (4, 0.75), (5, 0.5), (8, 0.25)])
def test_seniority_prefers_a_gap_of_one_to_three_levels(gap, fit):
    weights = {"attr:job_level": 1}
    value, explanation = score(person(level=1), person("mentor", level=1 + gap), [], weights=weights)
    assert value == pytest.approx(fit)
    assert explanation.parts[0][0] == (
        "Same job level" if gap == 0 else f"Mentor {gap} level{'s' * (gap > 1)} more senior"
    )
    value, explanation = score(
        person(level=1 + gap + 1), person("mentor", level=1), [], kind="reverse", weights=weights
    )
    assert value == pytest.approx(scoring.level_fit(gap + 1))
    assert "more junior" in explanation.parts[0][0]


@pytest.mark.parametrize(
    ("mentee_tz", "mentor_tz", "max_gap", "expected"),
    [
        ("Europe/Berlin", "America/New_York", 3, None),  # 6 h apart
        ("Europe/Berlin", "America/New_York", 6, 2 / 8),
        ("Europe/Berlin", "America/New_York", None, 2 / 8),
        ("Europe/Berlin", "Europe/London", 3, 7 / 8),
        ("Pacific/Auckland", "Pacific/Honolulu", 2, 7 / 8),  # UTC+13 and UTC-10: 1 h apart around the globe
        ("Asia/Kolkata", "Europe/London", None, 2.5 / 8),
        ("Asia/Tokyo", "America/New_York", None, 0.0),
        ("Not/AZone", "Asia/Tokyo", 1, 0.0),  # unknown: no score, no filter
    ],
)
def test_time_zones(mentee_tz, mentor_tz, max_gap, expected):
    value, explanation = score(
        person(tz=mentee_tz), person("mentor", tz=mentor_tz), [], max_gap=max_gap, weights={"attr:time_zone": 1}
    )
    if expected is None:
        assert np.isnan(value)
        assert explanation.forbidden == f"time zones 6 h apart (the program allows {max_gap} h)"
    else:
        assert value == pytest.approx(expected)


def test_department_and_location():
    weights = {"attr:department": 1, "attr:location": 1}
    value, explanation = score(person(department="Sales"), person("mentor", department="Legal"), [], weights=weights)
    assert value == pytest.approx(1.0)
    assert sorted(label for label, _ in explanation.parts) == [
        "Both in Berlin",
        "Different departments (Sales / Legal)",
    ]
    value, _ = score(
        person(department="Sales", location=" berlin "), person("mentor", department="sales", location="Lisbon"),
        [], weights=weights,
    )  # fmt: skip
    assert value == 0.0


def test_excluded_pairs_are_forbidden():
    mentee, mentor = person(), person("mentor")
    value, explanation = score(mentee, mentor, [], excluded={(mentee.participant_id, mentor.participant_id)})
    assert np.isnan(value)
    assert explanation.forbidden == "excluded from re-matching (declined or ended before)"
    assert score(mentee, mentor, [], excluded={(mentor.participant_id, mentee.participant_id)})[0] == 0.0


# --- Matrix and explanations ------------------------------------------------------------------------


def random_cohort(seed: int, mentees: int = 40, mentors: int = 18):
    rng = random.Random(seed)
    zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney", "Bogus/Zone"]

    def one(role):
        answers = {}
        if rng.random() < 0.9:
            answers["1"] = rng.sample(SKILLS, rng.randint(1, 3)) + (["Cooking"] if rng.random() < 0.1 else [])
        if rng.random() < 0.9:
            answers["2"] = rng.sample(GOALS, rng.randint(1, 3))
        if rng.random() < 0.8:
            answers["3"] = rng.choice(FORMATS)
        if rng.random() < 0.8:
            answers["9"] = rng.sample(LANGUAGES, rng.randint(1, 2))
        if rng.random() < 0.8:
            answers["5"] = rng.randint(1, 5)
        return person(
            role, answers=answers, level=rng.randint(1, 8), department=rng.choice(["Sales", "Legal", "Data", ""]),
            location=rng.choice(["Berlin", "Lisbon", "", " berlin"]), tz=rng.choice(zones),
            chain=rng.sample(range(10_000, 10_000 + 200), rng.randint(0, 3)),
        )  # fmt: skip

    return [one("mentee") for _ in range(mentees)], [one("mentor") for _ in range(mentors)]


QUESTIONS = [
    question(1, "offers_wants", type_="tags", options=SKILLS, weight=5),
    question(2, "overlap", options=GOALS, weight=4),
    question(3, "same", type_="single_choice", options=FORMATS, weight=2),
    LANG,
    question(5, "different", type_="scale", weight=1),
]


@pytest.mark.parametrize(("kind", "max_gap"), [("one_on_one", 6), ("reverse", None), ("group", 9)])
def test_matrix_equals_explain_pair_by_pair_and_parts_add_up(kind, max_gap):
    mentees, mentors = random_cohort(hash(kind) % 1000)
    criteria = scoring.criteria_for(kind, QUESTIONS, {"3": 4})
    excluded = {(mentees[0].participant_id, mentors[0].participant_id)}
    matrix = scoring.score_matrix(
        mentees, mentors, criteria, program_kind=kind, max_tz_gap_hours=max_gap, excluded=excluded, now=NOW
    )
    assert matrix.shape == (len(mentees), len(mentors))
    assert matrix.dtype == np.float32
    assert np.isnan(matrix[0, 0])
    allowed = ~np.isnan(matrix)
    assert 0.1 < allowed.mean() < 0.9  # the cohort exercises both
    assert ((matrix[allowed] >= 0) & (matrix[allowed] <= 1)).all()
    for i, j in itertools.product(range(len(mentees)), range(len(mentors))):
        explanation = scoring.explain(
            mentees[i], mentors[j], criteria, program_kind=kind, max_tz_gap_hours=max_gap, excluded=excluded, now=NOW
        )
        if explanation.forbidden:
            assert np.isnan(matrix[i, j]), (i, j, explanation.forbidden)
            continue
        assert explanation.score == pytest.approx(float(matrix[i, j]), abs=1e-5), (i, j)
        assert sum(c for _, c in explanation.parts) == pytest.approx(explanation.score, abs=1e-12)
        contributions = [c for _, c in explanation.parts]
        assert contributions == sorted(contributions, reverse=True)
        assert all(isinstance(label, str) and label for label, _ in explanation.parts)


def test_large_cohorts_score_the_same_in_parallel_blocks():
    """Past a few blocks of rows, score_matrix splits the rows over two threads: same numbers, same NaN."""
    mentees, mentors = random_cohort(5, mentees=2_300, mentors=25)
    criteria = scoring.criteria_for("one_on_one", QUESTIONS)
    arguments = {"program_kind": "one_on_one", "max_tz_gap_hours": 6, "now": NOW}
    parallel = scoring.score_matrix(mentees, mentors, criteria, **arguments)
    with mock.patch.object(scoring, "BLOCK_ROWS", 100_000):
        single = scoring.score_matrix(mentees, mentors, criteria, **arguments)
    # Same forbidden cells exactly; the same scores up to float32 rounding: OpenBLAS picks its kernel by the
    # shape of the product, so a 512-row block and one 2,300-row block may round the last bit differently.
    np.testing.assert_array_equal(np.isnan(parallel), np.isnan(single))
    np.testing.assert_allclose(parallel, single, rtol=0, atol=1e-6)
    rng = random.Random(5)
    for i, j in ((rng.randrange(len(mentees)), rng.randrange(len(mentors))) for _ in range(200)):
        explanation = scoring.explain(mentees[i], mentors[j], criteria, **arguments)
        if explanation.forbidden:
            assert np.isnan(parallel[i, j])
        else:
            assert explanation.score == pytest.approx(float(parallel[i, j]), abs=1e-5)


def test_empty_cohorts():
    criteria = scoring.criteria_for("one_on_one", QUESTIONS)
    mentees, mentors = random_cohort(1, 3, 2)
    for rows, cols in [([], mentors), (mentees, []), ([], [])]:
        matrix = scoring.score_matrix(rows, cols, criteria, program_kind="one_on_one", max_tz_gap_hours=None)
        assert matrix.shape == (len(rows), len(cols))


def test_without_weighted_criteria_allowed_pairs_score_zero():
    criteria = scoring.criteria_for("one_on_one", [LANG], NO_ATTRIBUTES)
    mentees, mentors = random_cohort(2, 6, 4)
    matrix = scoring.score_matrix(mentees, mentors, criteria, program_kind="one_on_one", max_tz_gap_hours=None)
    assert set(np.unique(matrix[~np.isnan(matrix)])) <= {0.0}
    assert (
        scoring.explain(mentees[0], mentors[0], criteria, program_kind="one_on_one", max_tz_gap_hours=None).parts == []
    )


def test_peer_matrix_for_circle_members():
    members = [
        person(answers={"2": ["Confidence"], "9": ["English"]}, employee=1),
        person(answers={"2": ["Confidence", "Networking"], "9": ["English", "German"]}, employee=2, chain=[1]),
        person(answers={"2": ["Networking"], "9": ["German"]}, employee=3),
        person(answers={"2": ["Career growth"]}, employee=4, tz="Asia/Tokyo"),
    ]
    criteria = scoring.criteria_for("group", [question(2, "overlap", options=GOALS), LANG], NO_ATTRIBUTES)
    peer = scoring.peer_matrix(members, criteria, program_kind="group", max_tz_gap_hours=4, now=NOW)
    assert peer.shape == (4, 4)
    assert np.array_equal(np.isnan(peer), np.isnan(peer.T))
    np.testing.assert_allclose(np.nan_to_num(peer), np.nan_to_num(peer.T))
    assert np.isnan(np.diag(peer)).all()
    assert np.isnan(peer[0, 1])  # member 1 reports to member 0
    assert np.isnan(peer[0, 2])  # no common language
    assert np.isnan(peer[3, 0])  # Tokyo is 8 h from Berlin
    assert peer[1, 2] == pytest.approx(1 / np.sqrt(2), abs=1e-6)
