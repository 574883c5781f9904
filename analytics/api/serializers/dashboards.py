"""Serializers of the dashboards' API: every figure behind every chart and table of program health and the
impact report, and roll-up runs.

Each figure is suppression.Figure.as_json(): {"value", "n", "suppressed"} when shown; {"value": null,
"n": null, "suppressed": true, "reason": "fewer than 5"} when its group is too small (or would reveal one).
A hidden figure is never a number here either."""

from __future__ import annotations

from typing import Any, cast

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...models import RollupRun
from ...suppression import Figure

SUPPRESSED_HELP = "Why the figure is hidden: “fewer than 5” (its group is smaller than the minimum group size) or "
SUPPRESSED_HELP += "“hidden (it would reveal a smaller group)”. Only present when `suppressed` is true."


class _FigureSchema(serializers.Serializer):
    n = serializers.IntegerField(allow_null=True, help_text="The group size: how many people (or matches) it is about.")
    suppressed = serializers.BooleanField(help_text="True when the figure is hidden: `value` and `n` are null then.")
    reason = serializers.CharField(required=False, help_text=SUPPRESSED_HELP)


class CountFigureSerializer(_FigureSchema):
    value = serializers.IntegerField(allow_null=True, help_text="A number of people or matches.")


class NumberFigureSerializer(_FigureSchema):
    value = serializers.FloatField(allow_null=True, help_text="A number: days, a percent, an average, a rate.")


class IntervalFigureSerializer(_FigureSchema):
    value = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        min_length=3,
        max_length=3,
        allow_null=True,
        help_text="[estimate, lower, upper]: the estimate with its 95% interval (bounds null when there is none).",
    )


class _FigureField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Figure) -> dict[str, Any]:
        data = value.as_json()
        if isinstance(data["value"], tuple):
            # A mean of one person has no interval (skills growth with a minimum group size of 1): null bounds.
            data["value"] = [float(part) if part is not None else None for part in data["value"]]
        return data


@extend_schema_field(CountFigureSerializer)
class CountFigure(_FigureField):
    pass


@extend_schema_field(NumberFigureSerializer)
class NumberFigure(_FigureField):
    pass


@extend_schema_field(IntervalFigureSerializer)
class IntervalFigure(_FigureField):
    pass


# --- Program health ----------------------------------------------------------------------------------------


class HealthFiltersSerializer(serializers.Serializer):
    program = serializers.IntegerField(source="program_id", allow_null=True, help_text="null: all programs.")
    department = serializers.CharField(help_text="Empty: all departments.")
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)


class StageSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # the API's field name
    people = CountFigure()
    share_of_previous = NumberFigure(allow_null=True, help_text="Percent of the stage before; null for the first.")


class AtRiskSerializer(serializers.Serializer):
    match_id = serializers.IntegerField()
    program = serializers.CharField(source="program_name")
    people = serializers.CharField(help_text="The names of the people in the match.")
    reason = serializers.CharField()
    last_session_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="The first day of the month.")
    active_matches = CountFigure(help_text="Active matches at the end of the month.")
    sessions_held = CountFigure()
    new_enrollments = CountFigure()
    checkin_average = NumberFigure(help_text="1 to 5; n is the number of check-ins answered.")


class DepartmentSerializer(serializers.Serializer):
    department = serializers.CharField()
    enrolled = CountFigure(help_text="Mentees enrolled.")
    matched = CountFigure()
    active_90 = NumberFigure(help_text="Percent of the matched still meeting at 90 days.")
    sessions_per_month = NumberFigure(help_text="Sessions held per match per month; n is the number of matches.")


class HealthReportSerializer(serializers.Serializer):
    """Program health for the filters. `refused` explains a selection that would single out a small group:
    nothing else is given then. `at_risk` (the matches, with names) is for HR admins only: null otherwise."""

    min_group_size = serializers.IntegerField(source="k")
    filters = HealthFiltersSerializer()
    computed_at = serializers.DateTimeField(allow_null=True, help_text="The roll-up these figures come from.")
    refused = serializers.CharField()
    funnel = StageSerializer(many=True)
    mentors = CountFigure(allow_null=True)
    days_to_match = NumberFigure(allow_null=True, help_text="Median days from enrollment to match.")
    days_to_first_session = NumberFigure(allow_null=True, help_text="Median days from match to first session.")
    sessions_per_month = NumberFigure(allow_null=True, help_text="Sessions held per match per month.")
    cadence = serializers.FloatField(allow_null=True, help_text="The programs' cadence (sessions a month).")
    goal_completion = NumberFigure(allow_null=True, help_text="Percent of goals done.")
    checkin_average = NumberFigure(allow_null=True, help_text="1 to 5.")
    rating_average = NumberFigure(allow_null=True, help_text="Session ratings, 1 to 5.")
    fit_rate = NumberFigure(
        allow_null=True, help_text='Percent "yes" to "Is this a good match for you?" after the first session.'
    )
    checkin_response_rate = NumberFigure(allow_null=True, help_text="Percent of check-ins answered.")
    at_risk_count = CountFigure(allow_null=True)
    at_risk = serializers.SerializerMethodField()
    months = MonthSerializer(many=True)
    departments = DepartmentSerializer(many=True, help_text="Empty when one department is chosen.")

    @extend_schema_field(AtRiskSerializer(many=True, allow_null=True))
    def get_at_risk(self, report: Any) -> list[dict[str, Any]] | None:
        if not self.context.get("with_names"):
            return None
        return cast(list[dict[str, Any]], AtRiskSerializer(report.at_risk, many=True).data)


# --- Impact report -----------------------------------------------------------------------------------------


class ImpactFiltersSerializer(serializers.Serializer):
    program = serializers.IntegerField(source="program_id", allow_null=True, help_text="null: all programs.")
    role = serializers.ChoiceField(choices=["all", "mentee", "mentor"])


class CurvePointSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    participants = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, help_text="[retained %, lower, upper]; null when hidden."
    )
    comparison = serializers.ListField(child=serializers.FloatField(), allow_null=True)


class RetentionSerializer(serializers.Serializer):
    horizon_months = serializers.IntegerField(help_text="12, or fewer when too few people were followed that long.")
    participants = IntervalFigure(help_text="Percent still employed at the horizon.")
    comparison = IntervalFigure()
    difference = IntervalFigure(help_text="Percentage points, participants minus comparison.")
    curve = serializers.SerializerMethodField()
    note = serializers.CharField()

    @extend_schema_field(CurvePointSerializer(many=True))
    def get_curve(self, retention: Any) -> list[dict[str, Any]]:
        # A curve is given when its group's figure is (the same rule as the page's chart and table).
        def points(values: Any, figure: Figure) -> list[float] | None:
            return [float(value) for value in values] if values is not None and figure.shown else None

        return [
            {
                "month": point.month,
                "participants": points(point.participants, retention.participants),
                "comparison": points(point.comparison, retention.comparison),
            }
            for point in retention.curve
        ]


class PromotionsSerializer(serializers.Serializer):
    participants = IntervalFigure(help_text="Promotions per 100 person-years.")
    comparison = IntervalFigure()
    participants_person_years = serializers.SerializerMethodField()
    comparison_person_years = serializers.SerializerMethodField()

    def _years(self, years: float, figure: Figure) -> float | None:
        return float(years) if figure.shown else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_participants_person_years(self, promotions: Any) -> float | None:
        return self._years(promotions.participants_person_years, promotions.participants)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_comparison_person_years(self, promotions: Any) -> float | None:
        return self._years(promotions.comparison_person_years, promotions.comparison)


class OutcomeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the API's field name
    agreeing = IntervalFigure(help_text="Percent agreeing (4 or 5 of 5); n is the number of answers.")


class NpsSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # the API's field name
    score = NumberFigure(source="agreeing", help_text="Net promoter score, -100 to 100.")


class GroupShareSerializer(serializers.Serializer):
    value = serializers.CharField()
    participants = NumberFigure(help_text="Percent of the participants who answered.")
    organization = NumberFigure(help_text="Percent of everyone in the organization who answered.")


class AttributeTableSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the API's field name
    answered_participants = CountFigure()
    answered_organization = CountFigure()
    rows = GroupShareSerializer(many=True)


class SkillGrowthSerializer(serializers.Serializer):
    skill_id = serializers.IntegerField()
    name = serializers.CharField()
    change = IntervalFigure(
        help_text="Mean change of mentees' own ratings (1 = beginner, 5 = expert) from enrollment to the close, "
        "in levels; n is the number of people."
    )


class ImpactReportSerializer(serializers.Serializer):
    """The impact report for the filters. `retention` and `promotions` are null until there are enough
    people on both sides (`note` says so)."""

    min_group_size = serializers.IntegerField(source="k")
    filters = ImpactFiltersSerializer()
    computed_at = serializers.SerializerMethodField(help_text="The roll-up the participants come from (null: never).")
    today = serializers.DateField()
    participants = CountFigure()
    compared = CountFigure(help_text="Participants with comparable colleagues.")
    unmatched = CountFigure(help_text="Participants without one (left out of the comparison).")
    comparison = CountFigure(help_text="Colleagues in the comparison group.")
    retention = RetentionSerializer(allow_null=True)
    promotions = PromotionsSerializer(allow_null=True)
    outcomes = serializers.SerializerMethodField()
    nps = serializers.SerializerMethodField()
    respondents = CountFigure(allow_null=True, help_text="People who answered a closing survey.")
    groups = AttributeTableSerializer(many=True, help_text="Participation by self-identified group.")
    skills = SkillGrowthSerializer(many=True, help_text="Skills growth per skill (mentees' own ratings).")
    skills_overall = IntervalFigure(
        allow_null=True, help_text="Skills growth over all skills: each person's mean change, then over people."
    )
    note = serializers.CharField()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_computed_at(self, report: Any) -> str | None:
        computed_at = self.context.get("computed_at")
        return serializers.DateTimeField().to_representation(computed_at) if computed_at else None

    @extend_schema_field(OutcomeSerializer(many=True))
    def get_outcomes(self, report: Any) -> list[dict[str, Any]]:
        outcomes = [o for o in report.outcomes if o.code != "recommend"]
        return cast(list[dict[str, Any]], OutcomeSerializer(outcomes, many=True).data)

    @extend_schema_field(NpsSerializer(allow_null=True))
    def get_nps(self, report: Any) -> dict[str, Any] | None:
        nps = next((o for o in report.outcomes if o.code == "recommend"), None)
        return NpsSerializer(nps).data if nps is not None else None


# --- Figures being prepared ----------------------------------------------------------------------------------


class PreparingSerializer(serializers.Serializer):
    """The figures of this selection are not ready: a task is preparing them (202), or preparing them failed a
    moment ago (503). Ask the same URL again after `retry_after` seconds (the Retry-After header says the same)."""

    status = serializers.ChoiceField(
        choices=["preparing", "failed"], help_text="preparing: ask again shortly; failed: try again in a minute."
    )
    detail = serializers.CharField(help_text="The same, in words.")
    retry_after = serializers.IntegerField(help_text="Seconds to wait before asking again.")


# --- Roll-up runs ------------------------------------------------------------------------------------------


class RollupRunSerializer(serializers.ModelSerializer):
    """A recompute of the organization's figures: poll `url` until `status` is done or failed."""

    url = serializers.SerializerMethodField(help_text="This run, for polling its progress.")
    page_url = serializers.SerializerMethodField(help_text="Its progress in the browser.")

    class Meta:
        model = RollupRun
        fields = [
            "id",
            "status",
            "progress",
            "stage",
            "error",
            "duration_s",
            "created_at",
            "started_at",
            "finished_at",
            "url",
            "page_url",
        ]
        read_only_fields = fields

    def _url(self, name: str, run: RollupRun) -> str:
        request = self.context.get("request")
        organization = getattr(request, "organization", None) or run.organization
        try:
            path = reverse(name, kwargs={"org_slug": organization.slug, "rollup_pk": run.pk})
        except NoReverseMatch:  # the pages are not installed
            return ""
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, run: RollupRun) -> str:
        return self._url("api-rollup-run-detail", run)

    def get_page_url(self, run: RollupRun) -> str:
        return self._url("rollup-run", run)
