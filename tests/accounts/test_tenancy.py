import pytest
from django.http import Http404
from django.urls import reverse

from mentorhub.accounts.models import Employee
from mentorhub.tenancy import OrganizationScopedViewSet, get_scoped_or_404, membership_for


def test_org_home_for_member(member_client, org, member):
    response = member_client.get(reverse("org-home", kwargs={"org_slug": org.slug}))
    assert response.status_code == 200
    assert "Alpha Ltd" in response.content.decode()


def test_org_home_404_for_outsider_and_unknown_slug(outsider_client, org):
    assert outsider_client.get(reverse("org-home", kwargs={"org_slug": org.slug})).status_code == 404
    assert outsider_client.get(reverse("org-home", kwargs={"org_slug": "no-such-org"})).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, org):
    response = client.get(reverse("org-home", kwargs={"org_slug": org.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_membership_for_refuses_other_org(outsider, org):
    with pytest.raises(Http404):
        membership_for(outsider.user, org.slug)


def test_get_scoped_or_404_filters_in_query(employee, other_org, org):
    assert get_scoped_or_404(Employee, org, pk=employee.pk) == employee
    with pytest.raises(Http404):
        get_scoped_or_404(Employee, other_org, pk=employee.pk)
    with pytest.raises(Http404):
        get_scoped_or_404(Employee, org, pk="not-a-number")


def test_viewset_cannot_override_scoping():
    with pytest.raises(TypeError, match="get_base_queryset"):

        class Leaky(OrganizationScopedViewSet):
            def get_queryset(self):
                return Employee.objects.all()


def test_switcher_lists_every_organization(admin, other_org):
    from tests.factories import MembershipFactory

    MembershipFactory(organization=other_org, user=admin.user, role="member")
    from django.test import Client

    client = Client()
    client.force_login(admin.user)
    home = client.get("/")
    assert home.status_code == 200
    page = home.content.decode()
    assert "Alpha Ltd" in page and "Beta plc" in page


def test_memberships_with_answers_each_user_their_own_active_memberships(admin, member, other_org, org):
    """The memberships query is compiled once (mentorhub/db/compiled.py) and run for every user with their id."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from mentorhub.tenancy import memberships_with
    from tests.factories import MembershipFactory

    elsewhere = MembershipFactory(organization=other_org, user=admin.user, role="admin")
    MembershipFactory(organization=other_org, user=member.user, deactivated_at=timezone.now())

    with CaptureQueriesContext(connection) as queries:
        found, memberships = memberships_with(admin.user, other_org.slug)
        # Loaded with the membership, in the same query: the organization, the roster entry and the user.
        assert (found.organization.name, found.employee.name, found.user.email) == (
            "Beta plc",
            elsewhere.employee.name,
            admin.user.email,
        )
    assert len(queries) == 1
    assert [m.pk for m in memberships] == [admin.pk, elsewhere.pk]  # by organization name: Alpha, then Beta

    found, memberships = memberships_with(member.user, org.slug)
    assert found.pk == member.pk and [m.pk for m in memberships] == [member.pk]  # the deactivated one opens nothing
    with pytest.raises(Http404):
        memberships_with(member.user, other_org.slug)


def test_compiled_query_refuses_a_queryset_that_does_not_take_the_value_as_a_parameter(org):
    from mentorhub.accounts.models import Membership
    from mentorhub.db.compiled import CompiledQuery

    with pytest.raises(TypeError, match="parameter"):
        CompiledQuery(lambda value: Membership.objects.filter(role="member"))(1)
