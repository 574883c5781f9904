"""Goals: a new goal under a match (shared, or personal: its owner and their mentor), optionally from one
of the program's templates; a goal's page with its milestones (ticked in place with htmx, or by a plain form
post without JavaScript), the progress, comments (the mentor's marked as such), editing and deleting.

Goals and milestones come from `goal_for_employee` / `milestone_for_employee` (404 when the person may
not see them). Who may change what is the services' rule; `_goal_page` asks the same question only to decide
which controls to show."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching.models import LEAD_ROLES, Match
from matching.selectors import match_member_of
from mentorhub.accounts.models import Employee
from mentorhub.tenancy import OrgRequest, employee_or_404, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text
from mentorhub.web.htmx import is_htmx, vary_on_htmx

from ..forms import PERSONAL, CommentForm, GoalEditForm, GoalForm, MilestoneForm
from ..models import Goal
from ..page_cache import person_cached
from ..selectors.goals import (
    goal_for_employee,
    goal_matches,
    goal_milestones,
    goal_progress,
    milestone_for_employee,
    program_goal_templates,
)
from ..selectors.matches import matches_stamp, places_stamp
from ..services.goals import goal_comment_add, goal_create, goal_update, milestone_update
from ..services.goals import goal_delete as goal_delete_service
from ..services.goals import milestone_add as milestone_add_service
from ..services.goals import milestone_delete as milestone_delete_service
from .common import TAKING_PART, acting_in, match_side, zone_name
from .rendered import render_with_holes


def _goal_url(request: OrgRequest, goal: Goal, anchor: str = "") -> str:
    url = reverse("goal-detail", kwargs={"org_slug": request.organization.slug, "goal_pk": goal.pk})
    return f"{url}#{anchor}" if anchor else url


def _goal_page(request: OrgRequest, goal: Goal) -> dict:
    """What a goal's page shows, and whether the viewer may change it (the services' rule, asked of the
    matches fetched with their people: no query per row)."""
    employee = employee_or_404(request)
    matches = goal_matches(organization=request.organization, goal=goal)
    leads = {m.participant.employee_id for match in matches for m in match.members.all() if m.role in LEAD_ROLES}
    mine = [match for match in matches if match_member_of(match, employee) is not None]
    if goal.match_id is not None:
        can_edit = any(match_side(match, employee).can_act for match in matches)
    else:
        owner = goal.participant
        assert owner is not None, "a goal without a match is a personal goal (its check constraint)"
        can_edit = owner.employee_id == employee.pk or _mentors_now(goal, matches, employee)
    milestones = list(goal.milestones.all())
    return {
        "nav_section": "mentoring",
        "goal": goal,
        "home_match": mine[0] if mine else None,
        "can_edit": can_edit,
        "milestones": milestones,
        "done_count": sum(1 for m in milestones if m.is_done),
        "progress": goal_progress(goal),
        "mentor_ids": leads,
    }


def _mentors_now(goal: Goal, matches: list[Match], employee: Employee) -> bool:
    """Is `employee` the mentor of a personal goal's owner now: a lead of an active match both are in now?"""
    for match in matches:
        side = match_side(match, employee)
        owner_in_it = any(m.current and m.participant_id == goal.participant_id for m in match.members.all())
        if side.can_act and side.is_lead and owner_in_it:
            return True
    return False


def _goal(request: OrgRequest, goal_pk: int) -> Goal:
    """The goal with its milestones and comments, if this person may see it (else 404), from the person's cache
    (sessions/page_cache.py): every change of the goal goes through the services that tell it, and who sees
    what follows the person's places in matches, read live."""
    organization, employee = request.organization, employee_or_404(request)
    return person_cached(
        organization=organization,
        employee_id=employee.pk,
        part=f"goal{goal_pk}",
        stamp=places_stamp(organization, employee),
        build=lambda: (goal_for_employee(organization=organization, employee=employee, goal_id=goal_pk), None),
    )


def _render_goal(
    request: OrgRequest, goal: Goal, *, milestone_form=None, comment_form=None, status: int = 200
) -> HttpResponse:
    context = {
        **_goal_page(request, goal),
        "milestone_form": milestone_form or MilestoneForm(),
        "comment_form": comment_form or CommentForm(),
    }
    return render(request, "sessions/goal_detail.html", context, status=status)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def goal_new(request: OrgRequest, match_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    acting = acting_in(request, match_pk)
    if acting.refusal is not None:
        return acting.refusal
    match, side = acting.match, acting.side
    templates = list(program_goal_templates(organization=organization, program=match.program))
    form = GoalForm(request.POST or None, templates=templates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                goal = goal_create(
                    organization=organization,
                    employee=employee,
                    match_id=match.pk,
                    title=data["title"],
                    description=data["description"],
                    due_on=data["due_on"],
                    personal=data["owner"] == PERSONAL,
                    template_id=data.get("template"),
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Goal “%(title)s” added.") % {"title": goal.title})
                return redirect(_goal_url(request, goal))
        status = 400
    templates_data = [
        {"id": t.pk, "title": t.title, "description": t.description, "milestones": t.milestones} for t in templates
    ]
    context = {
        "nav_section": "mentoring",
        "side": side,
        "match": match,
        "form": form,
        "templates": templates,
        "templates_data": templates_data,
    }
    return render(request, "sessions/goal_form.html", context, status=status)


@org_view(roles=TAKING_PART)
@require_GET
def goal_detail(request: OrgRequest, goal_pk: int) -> HttpResponse:
    """The goal's page rendered once per person, zone and state of their matches (sessions/page_cache.py): the
    stamp, read live, is who is in those matches and how, which decides who sees the goal and may change it."""
    organization, employee = request.organization, employee_or_404(request)
    zone = zone_name()
    page = person_cached(
        organization=organization,
        employee_id=employee.pk,
        part=f"goalpage{goal_pk}:{organization.slug}:{zone}",
        stamp=matches_stamp(organization, employee),
        build=lambda: (_goal_detail_page(request, goal_pk), None),
    )
    context = {
        "nav_section": "mentoring",
        "goal_title": page["title"],
        "page": page["html"].fill(request, timezone.now()),
    }
    return render(request, "sessions/goal_detail.html", context)


def _goal_detail_page(request: OrgRequest, goal_pk: int) -> dict:
    """The goal's page with empty forms, rendered without the request; 404 when this person may not see it."""
    organization = request.organization
    goal = goal_for_employee(organization=organization, employee=employee_or_404(request), goal_id=goal_pk)
    context = {
        **_goal_page(request, goal),
        "current_organization": organization,
        "milestone_form": MilestoneForm(),
        "comment_form": CommentForm(),
    }
    return {"title": goal.title, "html": render_with_holes("sessions/_goal_page.html", context)}


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def goal_edit(request: OrgRequest, goal_pk: int) -> HttpResponse:
    goal = _goal(request, goal_pk)
    page = _goal_page(request, goal)
    if not page["can_edit"]:
        messages.error(request, _("Only its owner and their current mentor can change this goal."))
        return redirect(_goal_url(request, goal))
    initial = {"title": goal.title, "description": goal.description, "due_on": goal.due_on, "status": goal.status}
    form = GoalEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                goal_update(
                    organization=request.organization,
                    employee=employee_or_404(request),
                    goal_id=goal.pk,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Goal saved."))
                return redirect(_goal_url(request, goal))
        status = 400
    return render(request, "sessions/goal_edit.html", {**page, "form": form}, status=status)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def goal_delete(request: OrgRequest, goal_pk: int) -> HttpResponse:
    goal = _goal(request, goal_pk)
    page = _goal_page(request, goal)
    if request.method == "POST":
        try:
            goal_delete_service(organization=request.organization, employee=employee_or_404(request), goal_id=goal.pk)
        except ValidationError as error:
            messages.error(request, service_error_text(error))
            return redirect(_goal_url(request, goal))
        messages.success(request, _("Goal “%(title)s” deleted.") % {"title": goal.title})
        back = page["home_match"]
        if back is not None:
            return redirect("mentoring-match", org_slug=request.organization.slug, match_pk=back.pk)
        return redirect("my-mentoring", org_slug=request.organization.slug)
    if not page["can_edit"]:
        messages.error(request, _("Only its owner and their current mentor can delete this goal."))
        return redirect(_goal_url(request, goal))
    return render(request, "sessions/goal_delete.html", page)


# --- Milestones and comments ------------------------------------------------------------------------------


@org_view(roles=TAKING_PART)
@require_POST
def milestone_add(request: OrgRequest, goal_pk: int) -> HttpResponse:
    goal = _goal(request, goal_pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            milestone = milestone_add_service(
                organization=request.organization,
                employee=employee_or_404(request),
                goal_id=goal.pk,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Milestone “%(title)s” added.") % {"title": milestone.title})
            return redirect(_goal_url(request, goal, "milestones"))
    return _render_goal(request, goal, milestone_form=form, status=400)


@org_view(roles=TAKING_PART)
@require_POST
def milestone_toggle(request: OrgRequest, milestone_pk: int) -> HttpResponse:
    """Tick a milestone off or on. The form sends the state wanted (`done` 1 or 0), so a repeated post
    changes nothing. With htmx the milestones and the progress bar are swapped in place, drawn from the goal
    the service locked and the milestones read after the change: not the whole goal page (its comments and
    matches), which the service's own checks already answered for (404 when not visible, refused when not
    theirs to change)."""
    organization = request.organization
    employee = employee_or_404(request)
    done = request.POST.get("done") == "1"
    try:
        milestone = milestone_update(organization=organization, employee=employee, milestone_id=milestone_pk, done=done)
    except ValidationError as error:
        return _milestone_toggle_refused(request, milestone_pk, service_error_text(error))
    if done:
        status_message = _("“%(title)s” marked done.") % {"title": milestone.title}
    else:
        status_message = _("“%(title)s” marked not done.") % {"title": milestone.title}
    goal = milestone.goal
    if not is_htmx(request):
        messages.success(request, status_message)
        return redirect(_goal_url(request, goal, "milestones"))
    milestones = goal_milestones(organization=organization, goal=goal)
    context = {
        "can_edit": True,  # the service has just let this person change the goal
        "milestones": milestones,
        "done_count": sum(1 for m in milestones if m.is_done),
        "progress": goal_progress(goal, milestones),
        "status_message": status_message,
        "oob": True,
    }
    return vary_on_htmx(render(request, "sessions/_goal_progress.html", context))


def _milestone_toggle_refused(request: OrgRequest, milestone_pk: int, status_message: str) -> HttpResponse:
    """The service refused the change (the match is over, or they left it): the milestones as the page shows
    them to this person, with why."""
    employee = employee_or_404(request)
    milestone = milestone_for_employee(organization=request.organization, employee=employee, milestone_id=milestone_pk)
    if is_htmx(request):
        goal = _goal(request, milestone.goal_id)
        context = {**_goal_page(request, goal), "status_message": status_message, "oob": True}
        return vary_on_htmx(render(request, "sessions/_goal_progress.html", context))
    messages.error(request, status_message)
    return redirect(_goal_url(request, milestone.goal, "milestones"))


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def milestone_delete(request: OrgRequest, milestone_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    milestone = milestone_for_employee(organization=organization, employee=employee, milestone_id=milestone_pk)
    if request.method == "POST":
        try:
            milestone_delete_service(organization=organization, employee=employee, milestone_id=milestone.pk)
        except ValidationError as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(request, _("Milestone “%(title)s” deleted.") % {"title": milestone.title})
        return redirect(_goal_url(request, milestone.goal, "milestones"))
    page = _goal_page(request, _goal(request, milestone.goal_id))
    if not page["can_edit"]:
        messages.error(request, _("Only its owner and their current mentor can change this goal."))
        return redirect(_goal_url(request, milestone.goal, "milestones"))
    return render(request, "sessions/milestone_delete.html", {**page, "milestone": milestone})


@org_view(roles=TAKING_PART)
@require_POST
def goal_comment(request: OrgRequest, goal_pk: int) -> HttpResponse:
    goal = _goal(request, goal_pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            goal_comment_add(
                organization=request.organization,
                employee=employee_or_404(request),
                goal_id=goal.pk,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Comment added."))
            return redirect(_goal_url(request, goal, "comments"))
    return _render_goal(request, goal, comment_form=form, status=400)
