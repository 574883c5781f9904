"""This app's personal data, for the registry accounts owns (mentorhub/accounts/privacy/registry.py;
docs/privacy.md), registered from MentoringSessionsConfig.ready().

A session's agenda and shared notes are written by the match's members together (no author is recorded) and
are the other member's record as much as the person's: they stay, with the person's name replaced. What the
person wrote alone goes: their private reflections and topics, the goals and milestones they set (texts replaced
by a placeholder, so the match's progress figures still count them), their comments, their notices."""

from __future__ import annotations

from mentorhub.accounts.privacy.registry import (
    Erasure,
    Kind,
    PersonalData,
    PersonalField,
    anonymised,
    blanked,
    kept,
    mentioning,
    redacted,
    register_not_personal,
    register_personal_data,
    removed,
)

from .models import (
    AgreementConfirmation,
    AvailabilityWindow,
    AwayPeriod,
    BusyFeed,
    BusyInterval,
    CalendarFeed,
    FlashBooking,
    FlashSlot,
    Goal,
    GoalComment,
    GoalTemplate,
    MatchAgreement,
    MentoringSession,
    Milestone,
    Notification,
    NotificationPreference,
    PairingFitAnswer,
    RecordShare,
    Reminder,
    SessionConfirmation,
    SessionFeedback,
)


def _redact_sections(value, person):
    """An agreement's texts stay (the other member's record too), with the person's names replaced."""
    if not isinstance(value, dict):
        return value
    return {key: person.redact(text) if isinstance(text, str) else text for key, text in value.items()}


JOINT = "written by the match's members together (no author is recorded): the other member's record too"
MEMBERS = "match__members__participant__employee"
THEIR_GOALS = ("created_by", "participant__employee")

ENTRIES = (
    PersonalData(
        MentoringSession,
        "Sessions of your matches",
        about=(MEMBERS,),
        context=("program", "starts_at", "duration_minutes", "format", "status"),
        fields=(
            redacted("agenda", Kind.FREE_TEXT, JOINT),
            redacted("shared_notes", Kind.FREE_TEXT, JOINT),
            redacted("location", Kind.FREE_TEXT, JOINT),
            redacted("cancel_reason", Kind.FREE_TEXT, JOINT),
        ),
    ),
    PersonalData(
        SessionFeedback,
        "Your feedback on sessions (ratings, topics, private reflections)",
        about=("author",),
        context=("session", "created_at"),
        fields=(
            kept("rating", Kind.ANSWERS, "ratings count in the match's and the program's averages, never per person"),
            blanked("topics", Kind.FREE_TEXT),
            blanked("reflection", Kind.FREE_TEXT, private_to="author"),
        ),
    ),
    PersonalData(
        Goal,
        "Goals you set, your own goals and your matches' goals",
        about=(*THEIR_GOALS, MEMBERS),
        context=("program", "status", "due_on", "completed_at"),
        fields=(
            anonymised("title", Kind.FREE_TEXT, "Removed goal", erase_for=THEIR_GOALS),
            blanked("description", Kind.FREE_TEXT, erase_for=THEIR_GOALS),
        ),
    ),
    PersonalData(
        Milestone,
        "Milestones of those goals",
        about=tuple(f"goal__{path}" for path in (*THEIR_GOALS, MEMBERS)),
        context=("goal", "due_on", "done_at"),
        fields=(
            anonymised(
                "title", Kind.FREE_TEXT, "Removed milestone", erase_for=tuple(f"goal__{p}" for p in THEIR_GOALS)
            ),
        ),
    ),
    PersonalData(
        GoalComment,
        "Your comments on goals, and comments on your own goals",
        about=("author", "goal__participant__employee"),
        remove_for=("author",),
        context=("goal", "created_at"),
        fields=(removed("body", Kind.FREE_TEXT),),
    ),
    PersonalData(
        Notification,
        "Your notifications",
        about=("recipient",),
        remove_for=("recipient",),
        context=("kind", "created_at", "read_at"),
        fields=(
            redacted(
                "title",
                Kind.FREE_TEXT,
                "their own notices are removed; the other people's notices that name them are theirs: kept, "
                "with the name replaced",
                erase_rows=mentioning("title", exclude="recipient"),
            ),
            redacted(
                "body",
                Kind.FREE_TEXT,
                "as the title",
                erase_rows=mentioning("body", exclude="recipient"),
            ),
            removed("url", Kind.ACTIVITY),
        ),
    ),
    PersonalData(
        NotificationPreference,
        "Your email preferences",
        about=("employee",),
        remove_for=("employee",),
        context=("updated_at",),
        fields=(removed("email_off", Kind.MEMBERSHIP),),
    ),
    PersonalData(
        FlashSlot,
        "Office hours you published (flash mentoring)",
        about=("host__employee",),
        context=("program", "starts_at", "duration_minutes", "capacity", "status"),
        fields=(
            anonymised("topics", Kind.FREE_TEXT, "Removed office hour"),
            blanked("location", Kind.FREE_TEXT),
        ),
    ),
    PersonalData(
        FlashBooking,
        "Your flash mentoring bookings (with your ratings)",
        about=("participant__employee",),
        context=("slot", "status", "created_at", "rated_at"),
        fields=(
            kept("rating", Kind.ANSWERS, "ratings count in the program's averages, never per person"),
            blanked("comment", Kind.FREE_TEXT),
        ),
    ),
    PersonalData(
        MatchAgreement,
        "Your matches' agreements",
        about=(MEMBERS,),
        context=("program", "version", "updated_at"),
        fields=(
            PersonalField("sections", Kind.FREE_TEXT, Erasure.TRANSFORM, reason=JOINT, transform=_redact_sections),
        ),
    ),
    PersonalData(
        AgreementConfirmation,
        "Your confirmations of those agreements",
        about=("employee",),
        context=("agreement", "version", "confirmed_at"),
        fields=(),
    ),
    PersonalData(
        SessionConfirmation,
        "Your confirmations that you will be at a session",
        about=("employee",),
        context=("session", "sequence", "confirmed_at"),
        fields=(),
    ),
    PersonalData(
        PairingFitAnswer,
        "Your private answers to “Is this a good match for you?”",
        about=("author",),
        context=("program", "match", "created_at"),
        fields=(
            kept("answer", Kind.ANSWERS, "answers count in the program's fit rate, never per person"),
            blanked("comment", Kind.FREE_TEXT, private_to="author"),
        ),
    ),
    PersonalData(
        CalendarFeed,
        "Your calendar subscription address",
        about=("employee",),
        remove_for=("employee",),
        context=("created_at", "last_fetched_at"),
        fields=(),
    ),
    PersonalData(
        RecordShare,
        "Links you made to show your mentoring record",
        about=("employee",),
        remove_for=("employee",),
        context=("created_at", "expires_at", "revoked_at", "view_count", "last_viewed_at"),
        fields=(),
    ),
    PersonalData(
        AvailabilityWindow,
        "Your weekly working windows (find a time)",
        about=("employee",),
        remove_for=("employee",),
        context=(),
        fields=(
            removed("weekday", Kind.PROFILE),
            removed("starts", Kind.PROFILE),
            removed("ends", Kind.PROFILE),
        ),
    ),
    PersonalData(
        AwayPeriod,
        "Your away dates (find a time)",
        about=("employee",),
        remove_for=("employee",),
        context=(),
        fields=(removed("starts_on", Kind.PROFILE), removed("ends_on", Kind.PROFILE)),
    ),
    PersonalData(
        BusyFeed,
        "Your own calendar's address (read for your busy times)",
        about=("employee",),
        remove_for=("employee",),
        context=("url_host", "status", "created_at", "last_fetched_at", "last_error"),
        # A capability: whoever has it reads the calendar, so it is never exported, like a password.
        fields=(removed("url_encrypted", Kind.CREDENTIAL),),
    ),
    PersonalData(
        BusyInterval,
        "When your own calendar says you are busy (start and end only)",
        about=("employee",),
        remove_for=("employee",),
        context=("starts_at", "ends_at"),
        fields=(),
    ),
)


def register() -> None:
    register_personal_data(*ENTRIES)
    register_not_personal(MentoringSession, time_zone="the zone the session was scheduled in")
    register_not_personal(
        GoalTemplate,
        title="a ready-made goal an admin offers everyone in a program",  # untranslated: the privacy register
        description="a ready-made goal an admin offers everyone in a program",
    )
    register_not_personal(
        Reminder,
        slot="which occurrence a reminder is for (a time, a sequence): system text",
        key="the reminder's unique key, built from kind, target and slot",
        note="why a reminder was skipped or failed: system text",
    )
    register_not_personal(
        FlashSlot,
        time_zone="the zone the office hour was published in",
        series="a random id shared by the office hours published together",
    )
    register_not_personal(
        CalendarFeed,
        nonce="a random value the feed's secret address is derived from",
        token_hash="a hash of the feed's secret address",  # noqa: S106 (a reason, not a password)
    )
    register_not_personal(
        RecordShare,
        token_hash="a hash of the record link's secret",  # noqa: S106 (a reason, not a password)
    )
    register_not_personal(
        BusyFeed,
        url_host="the host of the calendar address (a calendar service's name), shown instead of the address",
        last_error="why the last fetch failed: system text naming the host at most",
    )
