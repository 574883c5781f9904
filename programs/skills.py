"""The skills catalogue's domain rules, pure (no database): the starter set every organization begins with,
how a typed skill name is compared, and which skills an enrollment wants or offers.

A skill in an answer is its name as the catalogue spelled it when the person answered (questions whose options
come from the catalogue: Question.option_source). Names are compared case- and space-insensitively, the way
matching compares answers (matching/rules.py `norm`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from .models import Participant, Question

# (name, category, description): the articles' recurring themes (future-of-work skills, soft skills, technical
# depth, sustainability goals) as a catalogue an HR admin can rename or extend.
STARTER_SKILLS: tuple[tuple[str, str, str], ...] = (
    ("Leadership", "People", "Leading a team, setting direction, developing others."),
    ("Communication", "People", "Presenting, writing, listening, difficult conversations."),
    ("Emotional intelligence", "People", "Self-awareness, empathy, handling pressure."),
    ("Critical thinking", "Ways of working", "Weighing evidence, structuring problems, deciding."),
    ("Project management", "Ways of working", "Planning, prioritising and delivering work with others."),
    ("AI and data", "Technology", "Data literacy, analytics, machine learning and using AI tools well."),
    ("Digital tools", "Technology", "Getting the most from collaboration, automation and office software."),
    ("Sustainability", "Business", "Aligning work with environmental and social goals."),
    ("Strategic thinking", "Business", "Seeing the wider organization, its market and its direction."),
    ("Career development", "Growth", "Planning a next step, networking, building influence."),
)

LEVEL_LABELS = {1: gettext_lazy("1 = beginner"), 5: gettext_lazy("5 = expert")}


def skill_key(name: Any) -> str:
    """A name as compared: runs of spaces as one, case folded."""
    return " ".join(str(name).split()).casefold()


def is_skill_question(question: Question) -> bool:
    """Questions whose answers name skills: options from the catalogue, or the mentor-offers/mentee-wants rule."""
    return question.option_source == Question.OptionSource.SKILLS or question.rule == Question.Rule.OFFERS_WANTS


def answered_skills(answers: Mapping[str, Any], questions: Iterable[Question], role: str) -> list[str]:
    """The skill names one enrollment gave to the skill questions asked of its role, first spelling kept."""
    found: dict[str, str] = {}
    for question in questions:
        if not is_skill_question(question) or not question.asks(role):
            continue
        value = answers.get(str(question.pk))
        values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        for item in values:
            if isinstance(item, str) and item.strip():
                found.setdefault(skill_key(item), item.strip())
    return list(found.values())


def participant_skill_keys(participant: Participant, questions: Iterable[Question]) -> set[str]:
    return {skill_key(name) for name in answered_skills(participant.answers or {}, questions, participant.role)}


# Words too common to suggest a skill in a job title ("Head of Sales and Marketing").
_STOPWORDS = frozenset({"and", "of", "the", "for", "with", "in", "on", "to", "a", "an", "&"})


def skill_words(name: str) -> list[str]:
    """The words of a skill's name that may appear in a job title: "AI and data" -> ["ai", "data"]."""
    words = [word.strip(".,;:()/-").casefold() for word in name.split()]
    return [word for word in words if len(word) >= 2 and word not in _STOPWORDS]


def title_suggests(title: str, name: str) -> bool:
    """Whether a job title names the skill or one of its words, as a whole word ("Data Scientist": AI and data)."""
    folded = " ".join(title.split()).casefold()
    if not folded:
        return False
    return skill_key(name) in folded or any(re.search(rf"\b{re.escape(w)}\b", folded) for w in skill_words(name))


def text_names(text: str, name: str) -> bool:
    """Whether a free-text answer names the skill in full (single words are too common in sentences)."""
    return skill_key(name) in " ".join(text.split()).casefold()
