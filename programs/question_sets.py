"""Ready-made enrollment forms per program kind, drawn from what workplace programs ask in practice:
skills to learn and to offer, goals (leadership, technical, career growth, sustainability ...), meeting
format, languages, time-zone overlap. Reverse mentoring asks about AI, social media and new tools, and
pairs junior mentors with more senior mentees."""

from __future__ import annotations

from typing import Any

SKILLS = [
    "Leadership",
    "Public speaking",
    "Stakeholder management",
    "Data analysis",
    "Python",
    "Excel",
    "AI tools",
    "Product thinking",
    "Negotiation",
    "People management",
    "Career planning",
    "Sustainability practices",
]
GOALS = [
    "Leadership development",
    "Technical skills",
    "Career growth",
    "Confidence",
    "Networking",
    "Sustainability",
    "Work-life balance",
    "Inclusion and belonging",
]
FORMATS = ["Video call", "In person", "Phone", "Chat", "No preference"]
LANGUAGES = ["English", "Spanish", "Portuguese", "German", "French", "Japanese", "Hindi", "Mandarin"]
REVERSE_TOPICS = [
    "AI and generative tools",
    "Social media",
    "New collaboration tools",
    "Gen Z expectations at work",
    "Remote and hybrid work",
    "Diversity and inclusion",
    "Sustainability",
]


def _q(prompt: str, type_: str, *, rule: str = "none", weight: int = 0, **extra: Any) -> dict[str, Any]:
    return {"prompt": prompt, "type": type_, "rule": rule, "weight": weight, **extra}


ONE_ON_ONE: list[dict[str, Any]] = [
    _q(
        "Which skills do you want to learn?",
        "tags",
        mentor_prompt="Which skills can you offer?",
        options=SKILLS,
        rule="offers_wants",
        weight=5,
        required=True,
    ),
    _q("What are your goals for this program?", "multiple_choice", options=GOALS, rule="overlap", weight=4),
    _q("Preferred meeting format", "single_choice", options=FORMATS, rule="same", weight=2),
    _q("Languages you are comfortable mentoring in", "multiple_choice", options=LANGUAGES, rule="must", weight=0),
    _q(
        "How much overlap in working hours do you need?",
        "single_choice",
        options=["At least 4 hours", "At least 2 hours", "Any, I am flexible"],
        rule="none",
    ),
    _q("How experienced do you feel in your role?", "scale", audience="mentee", rule="none"),
    _q("Anything your match should know about you?", "text", rule="none"),
]

GROUP: list[dict[str, Any]] = [
    _q(
        "Which topics should your circle focus on?",
        "multiple_choice",
        options=GOALS,
        rule="overlap",
        weight=5,
        required=True,
    ),
    _q("Skills you want to build with peers", "tags", options=SKILLS, rule="overlap", weight=3),
    _q("Preferred meeting format", "single_choice", options=FORMATS, rule="same", weight=2),
    _q("Languages you are comfortable in", "multiple_choice", options=LANGUAGES, rule="must"),
    _q("What do you hope to get out of a circle?", "text"),
]

REVERSE: list[dict[str, Any]] = [
    _q(
        "Which topics do you want to learn about?",
        "multiple_choice",
        mentor_prompt="Which topics can you teach?",
        options=REVERSE_TOPICS,
        rule="offers_wants",
        weight=5,
        required=True,
    ),
    _q("Preferred meeting format", "single_choice", options=FORMATS, rule="same", weight=2),
    _q("Languages you are comfortable in", "multiple_choice", options=LANGUAGES, rule="must"),
    _q("How comfortable are you with new digital tools?", "scale", audience="mentee"),
    _q("What would you like your partner to know?", "text"),
]

# Flash mentoring: no matching, so only what helps a mentor prepare for a one-off session.
FLASH = [
    _q("Topics you would like to talk about", "tags", options=SKILLS, audience="mentee"),
    _q("Topics you can help with in office hours", "tags", options=SKILLS, audience="mentor"),
]

QUESTION_SETS: dict[str, list[dict[str, Any]]] = {
    "one_on_one": ONE_ON_ONE,
    "group": GROUP,
    "reverse": REVERSE,
    "flash": FLASH,
}

# Sensible defaults the wizard starts from, per kind.
PROGRAM_DEFAULTS: dict[str, dict[str, Any]] = {
    "one_on_one": {"cadence_per_month": 2, "default_mentor_capacity": 2, "max_mentor_capacity": 4},
    "group": {
        "cadence_per_month": 2,
        "default_mentor_capacity": 6,
        "max_mentor_capacity": 8,
        "circle_min_size": 4,
        "circle_max_size": 6,
    },
    "reverse": {"cadence_per_month": 1, "default_mentor_capacity": 1, "max_mentor_capacity": 2},
    "flash": {"cadence_per_month": 1, "default_mentor_capacity": 1, "max_mentor_capacity": 5},
}
