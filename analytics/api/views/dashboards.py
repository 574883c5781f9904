"""API of the dashboards under /api/v1/o/<org_slug>/analytics/: every figure behind the charts and tables of
program health and the impact report (HR admins and stakeholders; members 403), and recomputing the
figures (HR admins). The at-risk matches with their people's names are given to HR admins only.

The filters are parsed by the same forms as the pages (analytics.forms), so the API and the
pages answer the same question with the same figures."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from mentorhub.accounts.models import Role
from mentorhub.tenancy import OrganizationAPIView, OrganizationScopedViewSet, OrgApiRequest

from ... import selectors
from ...forms import HealthFilterForm, ImpactFilterForm, filter_errors
from ...models import RollupRun
from ...reports.builds import FAILED_SECONDS, RETRY_AFTER_SECONDS, Preparing, health_or_preparing, impact_or_preparing
from ...reports.health import HealthReport
from ...reports.impact import ROLES, ImpactReport
from ...reports.rendered import report_rendered
from ...services.rollups import rollup_run_start
from ..serializers.dashboards import (
    HealthReportSerializer,
    ImpactReportSerializer,
    PreparingSerializer,
    RollupRunSerializer,
)

DASHBOARD_READERS = frozenset({Role.ADMIN, Role.STAKEHOLDER})
ADMIN_ONLY = frozenset({Role.ADMIN})

PROGRAM = OpenApiParameter("program", OpenApiTypes.INT, description="One program (its id); all programs if absent.")
HEALTH_PARAMETERS = [
    PROGRAM,
    OpenApiParameter("department", OpenApiTypes.STR, description="One department; all if absent."),
    OpenApiParameter("since", OpenApiTypes.DATE, description="Start of the period (enrollments, match starts)."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="End of the period, included."),
]
IMPACT_PARAMETERS = [
    PROGRAM,
    OpenApiParameter("role", OpenApiTypes.STR, enum=list(ROLES), description="Participants taking part as (all)."),
]
# A selection whose figures are not cached is built by a task (analytics/reports/builds.py), never in the request.
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[202, 503],
    description="Seconds to wait before asking the same URL again.",
)
PREPARING_RESPONSES = {
    202: OpenApiResponse(
        PreparingSerializer,
        description="The figures of this selection are being prepared by a task: ask the same URL again after "
        "Retry-After seconds (a few seconds at most); the dashboards' default views are prepared after each roll-up.",
    ),
    503: OpenApiResponse(
        PreparingSerializer, description="Preparing these figures failed a moment ago: try again after Retry-After."
    ),
}


def _valid(form: Any) -> Any:
    if not form.is_valid():
        raise exceptions.ValidationError(filter_errors(form))
    return form


def _preparing(request: OrgApiRequest, preparing: Preparing) -> Response:
    if preparing.failed:
        data = {
            "status": "failed",
            "detail": "These figures could not be prepared. Try again in a minute.",
            "retry_after": FAILED_SECONDS,
        }
        return Response(data, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": str(FAILED_SECONDS)})
    data = {
        "status": "preparing",
        "detail": "These figures are being prepared. Ask again in a few seconds.",
        "retry_after": RETRY_AFTER_SECONDS,
    }
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Location": request.build_absolute_uri()}
    return Response(data, status=status.HTTP_202_ACCEPTED, headers=headers)


def _serialized(
    request: OrgApiRequest,
    report: HealthReport | ImpactReport,
    variant: tuple[Hashable, ...],
    serialize: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """The report's data, serialized once per report build for everyone of the same `variant` and time zone (the
    times' offset) (analytics/reports/rendered.py): the serializers read nothing else of the request."""
    variant = ("api", timezone.get_current_timezone_name(), *variant)
    return report_rendered(organization=request.organization, report=report, variant=variant, render=serialize)


class HealthView(OrganizationAPIView):
    read_roles = DASHBOARD_READERS

    @extend_schema(
        summary="Program health: every figure behind its charts and tables (admins, stakeholders)",
        description="The enrollment funnel, timings, sessions against the cadence, goals, satisfaction, check-in "
        "response rate, matches at risk (the matches themselves, with names, for HR admins only), trends by month "
        "and departments. Each figure is {value, n, suppressed}; a group smaller than the organization's minimum "
        "is suppressed (value and n null). A selection that would single out a small group is `refused`.",
        parameters=[*HEALTH_PARAMETERS, RETRY_AFTER],
        responses={200: HealthReportSerializer, **PREPARING_RESPONSES},
    )
    def get(self, request: OrgApiRequest, org_slug: str) -> Response:
        organization = request.organization
        form = _valid(HealthFilterForm(request.query_params, organization=organization))
        report = health_or_preparing(organization=organization, filters=form.filters())
        if isinstance(report, Preparing):
            return _preparing(request, report)
        with_names = request.membership.is_admin

        def serialize() -> dict[str, Any]:
            shown = report
            if report.computed_at is None:
                # Never rolled up: nothing to show yet (as on the page), only `computed_at` null.
                shown = HealthReport(k=report.k, filters=report.filters, computed_at=None)
            return dict(HealthReportSerializer(shown, context={"request": request, "with_names": with_names}).data)

        return Response(_serialized(request, report, ("names" if with_names else "",), serialize))


class ImpactView(OrganizationAPIView):
    read_roles = DASHBOARD_READERS

    @extend_schema(
        summary="Impact report: every figure behind its charts and tables (admins, stakeholders)",
        description="Participants against comparable colleagues who never took part: group sizes, retention "
        "(Kaplan-Meier curves with 95% intervals, the difference in points), promotions per 100 person-years, "
        "closing-survey outcomes and NPS, participation by self-identified group. Each figure is {value, n, "
        "suppressed}; intervals are [estimate, lower, upper].",
        parameters=[*IMPACT_PARAMETERS, RETRY_AFTER],
        responses={200: ImpactReportSerializer, **PREPARING_RESPONSES},
    )
    def get(self, request: OrgApiRequest, org_slug: str) -> Response:
        organization = request.organization
        form = _valid(ImpactFilterForm(request.query_params, organization=organization))
        report = impact_or_preparing(organization=organization, filters=form.filters())
        if isinstance(report, Preparing):
            return _preparing(request, report)
        computed_at = selectors.facts_computed_at(organization=organization)

        def serialize() -> dict[str, Any]:
            context = {"request": request, "computed_at": computed_at}
            return dict(ImpactReportSerializer(report, context=context).data)

        return Response(_serialized(request, report, (computed_at,), serialize))


@extend_schema_view(
    list=extend_schema(summary="Recomputes of the figures, newest first (admins)"),
    retrieve=extend_schema(summary="A recompute: status and progress (admins)"),
)
class RollupRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Recomputing the dashboards' figures (the nightly run does it too). Start one, then poll it."""

    serializer_class = RollupRunSerializer
    schema_model = RollupRun
    lookup_url_kwarg = "rollup_pk"
    lookup_value_converter = "int"
    read_roles = ADMIN_ONLY
    write_roles = ADMIN_ONLY

    def get_base_queryset(self) -> QuerySet[RollupRun]:
        return selectors.rollup_runs(organization=self.request.organization)

    @extend_schema(
        summary="Recompute the figures now (admins)",
        description="Queues a recompute, or finds the one already queued or running: the answer is 202 with the "
        "run either way. Poll its `url` until `status` is done or failed.",
        request=None,
        responses={202: RollupRunSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        run, _created = rollup_run_start(organization=self.request.organization, actor=self.request.user)
        data = self.get_serializer(run).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})
