"""What the analytics demo writes: the past cohort's shape, how people answer the surveys, and the rates of
the roster's history (departures and promotions). Figures buyers quote (from the articles the product grew
from): 37 % of workers have a mentor; mentored people stay longer (T-Mobile: 37 % higher retention) and move
up more often (26 % more job-level changes); 87 % of mentors and mentees report more confidence. The demo's effect is
deliberately smaller than those headlines: about 90 % against 80 % still here after a year, and one and a half
to two times the promotions."""

from __future__ import annotations

SEED = 606  # of the random generator: the same analytics every time (but for today's date)

# --- The past cohort ----------------------------------------------------------------------------------------

PAST_PROGRAM = "Grow Together 2025"
PAST_DESCRIPTION = (
    "Acme's first company-wide mentoring cohort: one mentor, one mentee, six months, about one conversation a "
    "month. Mentees from every department were paired with experienced colleagues from other teams, to build "
    "skills, confidence and a network beyond their own team."
)
PAST_STARTED_DAYS_AGO = 600  # about twenty months
PAST_WEEKS = 26
PAST_MENTEES = 35
PAST_WAITLISTED = 6  # applied too late for the mentors available
PAST_CAPACITIES = [3] * 5 + [2] * 10  # fifteen mentors for thirty-five mentees
PAST_TEMPLATES = [
    (
        "Speak up with confidence in meetings",
        "Be heard in rooms with senior people.",
        [("Share one idea in the weekly staff meeting", 30), ("Present an update to the leadership team", 100)],
    ),
    (
        "Grow your network across departments",
        "Know who to ask, beyond your own team.",
        [("Coffee chats with three people outside your team", 30), ("Join a cross-team guild", 75)],
    ),
    (
        "Prepare for a promotion conversation",
        "Know the next level and show you are working at it.",
        [
            ("Write down your impact of the last twelve months", 21),
            ("Ask two peers for feedback", 70),
            ("Agree next-level expectations with your manager", 150),
        ],
    ),
    (
        "Learn one new skill for your role",
        "Pick one skill your next step needs, and practise it.",
        [("Choose the skill with your mentor", 14), ("Use it on a real piece of work", 90)],
    ),
]
# How the cohort's matches ended early: (kind, after how many days, the reason given). All before day 90, so
# "active at 90 days" and "completed" are the same people.
EARLY_ENDS = [
    ("left", 64, "The mentee left Acme for a role abroad; the match closes with their last day."),
    ("quiet", 82, "No sessions since the first month and two nudges unanswered; both agreed to close the match."),
    ("leave", 51, "I start parental leave next week; we agreed to stop rather than pause for months."),
    (
        "fit",
        44,
        "Our goals did not fit: I want to grow into people management, my mentor's strength is deep technical work.",
    ),
    ("team", 71, "I moved to the Sustainability team and would like a mentor closer to that work next time."),
]
EARLY_COMPLETIONS = 4  # pairs that agreed they were done a few weeks before the end
COMPLETED_EARLY_REASON = "Completed: everyone agreed."
COMPLETED_REASON = "Completed: the program ended."

# --- Surveys --------------------------------------------------------------------------------------------------

# How a match went for one person: "great", "good", "mixed", "poor"; drawn per story, then answered from these.
EXPERIENCE = {
    "thriving": {"great": 60, "good": 35, "mixed": 5},
    "steady": {"great": 30, "good": 58, "mixed": 12},
    "quiet": {"good": 25, "mixed": 50, "poor": 25},
    "ended": {"good": 20, "mixed": 55, "poor": 25},
}
CHECKIN_SCORES = {
    "great": {5: 60, 4: 35, 3: 5},
    "good": {5: 25, 4: 55, 3: 17, 2: 3},
    "mixed": {4: 30, 3: 58, 2: 12},
    "poor": {3: 35, 2: 45, 1: 20},
}
# The share of check-ins answered, by story.
ANSWERS_CHECKIN = {"thriving": 0.88, "steady": 0.76, "quiet": 0.45, "ended": 0.55}
ANSWERS_CLOSING = {"thriving": 0.9, "steady": 0.82, "quiet": 0.5, "ended": 0.55}
# Closing survey, per experience: {question code: {answer: weight}}. Agree questions: 1 (strongly disagree) to 5.
CLOSING_ANSWERS = {
    "great": {
        "competency": {5: 60, 4: 40},
        "relationship": {5: 80, 4: 20},
        "confidence": {5: 50, 4: 45, 3: 5},
        "stay": {5: 30, 4: 42, 3: 28},
        "recommend": {10: 45, 9: 35, 8: 15, 7: 5},
    },
    "good": {
        "competency": {5: 30, 4: 62, 3: 8},
        "relationship": {5: 40, 4: 52, 3: 8},
        "confidence": {5: 20, 4: 60, 3: 20},
        "stay": {5: 8, 4: 42, 3: 38, 2: 12},
        "recommend": {10: 10, 9: 30, 8: 35, 7: 17, 6: 8},
    },
    "mixed": {
        "competency": {4: 50, 3: 38, 2: 12},
        "relationship": {4: 45, 3: 40, 2: 15},
        "confidence": {4: 40, 3: 45, 2: 15},
        "stay": {4: 15, 3: 50, 2: 25, 1: 10},
        "recommend": {8: 30, 7: 30, 6: 20, 5: 20},
    },
    "poor": {
        "competency": {3: 35, 2: 45, 1: 20},
        "relationship": {3: 30, 2: 45, 1: 25},
        "confidence": {3: 40, 2: 45, 1: 15},
        "stay": {3: 30, 2: 40, 1: 30},
        "recommend": {6: 25, 5: 30, 4: 25, 2: 20},
    },
}
CHECKIN_COMMENTS = {
    "great": [
        "Really useful so far: we have a plan for the next quarter.",
        "My mentor's introductions have opened doors in Product.",
        "I feel more confident speaking up in team meetings.",
        "Our sessions are the most useful hour of my month.",
        "Learning a lot from my mentee's questions, more than I expected.",
    ],
    "good": [
        "Hard to find time this month with the release, but the sessions we had were good.",
        "Good conversations; I'd like us to be more concrete about next steps.",
        "Going well. The time difference makes scheduling tricky.",
    ],
    "mixed": [
        "We keep rescheduling; I'd like to get back to a steady rhythm.",
        "Not sure we're working on the right things yet.",
    ],
    "poor": [
        "We haven't met in weeks.",
        "I don't think we are a good fit; our goals are different.",
    ],
}
CLOSING_COMMENTS = {
    "great": [
        "Six months went fast. I'd love a follow-up session in a quarter.",
        "Matching across offices was the best part: I now know people in three countries.",
        "Mentoring sharpened my own coaching; I'm using it with my team.",
        "I went for the promotion conversation I had been putting off for a year.",
    ],
    "good": [
        "The check-ins were a good nudge to keep meeting.",
        "Give mentors a short guide for the first session: we spent a while working out how to start.",
        "More flexibility on the cadence in busy months would help.",
    ],
    "mixed": [
        "Pair the program with a workshop on giving feedback.",
        "We started well and lost momentum after the summer. A mid-point check with HR would help.",
    ],
    "poor": [
        "Please ask about goals before matching: ours never lined up.",
        "Make it easier to ask for a new match when it isn't working.",
    ],
}
CLOSING_COMMENT_SHARE = 0.45
CHECKIN_COMMENT_SHARE = 0.22

# --- The roster's history -------------------------------------------------------------------------------------

# Colleagues who never enrolled: yearly rates (hazards) from about two years ago until today, a usual turnover
# (about 19 % leave in a year) and promotions now and then (about 9 in 100 a year). Participants leave less and
# are promoted more after their start: by the counts below.
LEAVING_PER_YEAR = 0.21
PROMOTIONS_PER_YEAR = 0.095
HISTORY_FROM_DAYS_BEFORE_COHORT = 120
# The past cohort's people who leave, in months after their start (besides the mentee who left during it):
# four within the first year (five of fifty in all: 90 % stay), two later.
COHORT_LEAVERS_MONTHS = [7.5, 8.5, 9.5, 11, 14, 17.5]
COHORT_PROMOTED_FIRST_YEAR = 9  # of fifty; with the later ones and the current ones: about 16 per 100 person-years
COHORT_PROMOTED_LATER = 3
CURRENT_PROMOTED = 4  # of the current participants, six months in

# --- Self-identification --------------------------------------------------------------------------------------

SHARE_ANY = {"participant": 0.72, "other": 0.57}  # who answered at least one question
ANSWERED = {"gender": 0.96, "age_band": 0.9, "caregiver": 0.72, "disability": 0.58, "first_generation": 0.52}
WOMEN = {"mentee": 0.6, "mentor": 0.28, "other": 0.46}
# Enough to make a group of their own among the mentees (else their share, and a complement, would be hidden).
GENDER_OTHERS = {"Non-binary": 0.045, "In another way": 0.02}
CAREGIVER = 0.34
DISABILITY = {"participant": 0.1, "other": 0.07}
FIRST_GENERATION = {"Yes": 0.3, "No": 0.56, "I did not go to university": 0.14}
