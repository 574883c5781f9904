"""Small-group suppression: no page, export or API response shows a figure about fewer people than the
organization's minimum group size (k, default 5), nor lets anyone work one out by subtracting published
figures. Every figure people see is made here, so no view can forget the rule.

The rules, in the order they apply:

1. A figure describes a group (its "n": the people it is about). If n < k the figure is not a number but
   "fewer than k" (primary suppression). Zero counts as small: a visible 0 beside a hidden cell would give
   the hidden one away from the total.
2. Groups that split a published whole (departments of a program, values of an attribute): when one part
   is hidden, the whole minus the others would reveal it, so the smallest visible part is hidden too
   (complementary suppression), and so on until at least two parts are hidden and together they make at
   least k people. When the whole itself is hidden, every part is.
3. Nested groups (a funnel: enrolled, matched, met once, active at 90 days, completed): each stage is shown
   only if the people it loses from the last shown stage are none or at least k.
4. A filtered view (one program, one department, one period) beside the wider views it narrows: each
   figure is shown only if the people it leaves out of the same figure of every wider view are none or at
   least k (else "all" minus "this department" reveals the others); a view whose whole selection would
   single out a small group is refused altogether.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

PRIMARY = "primary"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class Figure:
    """A number as people may see it: the value and its group size, or the reason it is hidden."""

    value: Any
    n: int | None
    hidden: str = ""  # "" (shown), PRIMARY or COMPLEMENTARY
    k: int = 5

    @property
    def shown(self) -> bool:
        return not self.hidden

    def text(self, fmt: str = "{}") -> str:
        if self.hidden == PRIMARY:
            return _("fewer than %(k)s") % {"k": self.k}
        if self.hidden:
            return _("hidden (it would reveal a smaller group)")
        return fmt.format(self.value)

    def as_json(self) -> dict[str, Any]:
        """For the API: the value and n only when shown; otherwise why not."""
        if self.hidden:
            return {"value": None, "n": None, "suppressed": True, "reason": self.text()}
        return {"value": self.value, "n": self.n, "suppressed": False}


def figure(value: Any, n: int, k: int, *, hidden: str = "") -> Figure:
    """A figure about `n` people (hidden when n < k)."""
    if hidden:
        return Figure(None, None, hidden, k)
    if n < k:
        return Figure(None, None, PRIMARY, k)
    return Figure(value, n, "", k)


def count(n: int, k: int, *, hidden: str = "") -> Figure:
    return figure(n, n, k, hidden=hidden)


K = TypeVar("K", bound=Hashable)


def partition(
    parts: Mapping[K, int],
    k: int,
    *,
    whole_published: bool = True,
    hidden_already: Iterable[K] = (),
) -> dict[K, str]:
    """Rule 1 and 2 for groups that split a whole: {part: "" | PRIMARY | COMPLEMENTARY}. With
    `whole_published` False (no total shown anywhere), only rule 1 applies. `hidden_already`: parts another
    rule hides (they count as hidden when complements are chosen)."""
    already = set(hidden_already)
    hidden = {key: (PRIMARY if size < k else COMPLEMENTARY if key in already else "") for key, size in parts.items()}
    total = sum(parts.values())
    if whole_published and total < k:
        return {key: hidden[key] or COMPLEMENTARY for key in parts}
    if not whole_published:
        return hidden
    # One hidden part alone, or hidden parts that add up to a small group, can be worked out from the whole
    # and the visible parts: hide the smallest visible part too, until neither is the case.
    while True:
        secret = [key for key, reason in hidden.items() if reason]
        if not secret or (len(secret) >= 2 and sum(parts[key] for key in secret) >= k):
            return hidden
        visible = [key for key, reason in hidden.items() if not reason]
        if not visible:
            return hidden
        smallest = min(visible, key=lambda key: (parts[key], str(key)))
        hidden[smallest] = COMPLEMENTARY


def chain(stages: Sequence[int], k: int) -> list[str]:
    """Rule 1 and 3 for nested groups, largest first: [""|PRIMARY|COMPLEMENTARY] per stage."""
    reasons = []
    last_shown: int | None = None
    for size in stages:
        if size < k:
            reasons.append(PRIMARY)
            continue
        lost = (last_shown - size) if last_shown is not None else 0
        if 0 < lost < k:
            reasons.append(COMPLEMENTARY)
            continue
        reasons.append("")
        last_shown = size
    return reasons


def guarded(child: Figure, parent: Figure | None) -> Figure:
    """Rule 4 for one figure: `child` (of a filtered view) hidden when its group differs from the same
    figure's group in a wider view (`parent`, published too) by fewer than k people."""
    if parent is None or not child.shown or not parent.shown or child.n is None or parent.n is None:
        return child
    left_out = parent.n - child.n
    if 0 < left_out < child.k:
        return Figure(None, None, COMPLEMENTARY, child.k)
    return child


def filtered_view_allowed(filtered_n: int, whole_n: int, k: int) -> bool:
    """Rule 4: may a subset of `filtered_n` people be shown beside its whole of `whole_n`?"""
    left_out = whole_n - filtered_n
    return filtered_n >= k and (left_out == 0 or left_out >= k)


class Sentence(str):
    """A sentence a report keeps (why a selection is refused, a note): reports are cached for readers of every
    language, so the report holds the English text (what code, tests and the API's JSON see) with its message
    and values, and str() gives it in the reader's language, as templates render it."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Sentence:
        sentence = super().__new__(cls, msgid % params if params else msgid)
        sentence.msgid = msgid
        sentence.params = params
        return sentence

    def __str__(self) -> str:
        text = _(self.msgid)
        return text % self.params if self.params else text

    def __reduce__(self) -> tuple[Any, ...]:  # the cache pickles reports
        return (_sentence, (self.msgid, self.params))


def _sentence(msgid: str, params: dict[str, Any]) -> Sentence:
    return Sentence(msgid, **params)


# Why a selection is not shown on its own, by what it is (the reports' refusals).
TOO_SMALL = {
    "program": gettext_noop(
        "This program is too small to be shown on its own: beside the other programs' figures it would reveal a "
        "group smaller than %(k)s. Choose a wider selection."
    ),
    "department": gettext_noop(
        "This department is too small to be shown on its own: beside the other departments' figures it would "
        "reveal a group smaller than %(k)s. Choose a wider selection."
    ),
    "period": gettext_noop(
        "This period is too small to be shown on its own: beside the other periods' figures it would reveal a "
        "group smaller than %(k)s. Choose a wider selection."
    ),
}
