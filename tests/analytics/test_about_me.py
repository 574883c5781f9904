"""About me: everyone (members, admins, stakeholders) may share, change and remove answers about themselves;
"I prefer not to say" records nothing; values are checked; nobody sees anyone else's answers, HR included;
the page is linked from the notification preferences and from no HR page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from analytics.demographics import ATTRIBUTES
from analytics.models import SelfIdentification
from analytics.services.self_identification import self_identification_clear, self_identification_save
from mentorhub.accounts.models import Role
from tests.factories import MembershipFactory
from tests.helpers import client_for, org_url, page_text
from tests.programs.factories import ProgramFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def _shared(membership) -> dict[str, str]:
    return dict(SelfIdentification.objects.filter(employee=membership.employee).values_list("attribute", "value"))


class TestPage:
    def test_asks_every_attribute_with_a_way_out_and_says_why(self, org, member_client):
        html = page_text(member_client.get(org_url("about-me", org)))
        assert "<h1>About me</h1>" in html and "Why we ask" in html
        assert "only ever counted in totals, and only for groups of at least 5 people" in html
        assert "never shown per person: not to your mentor, not to your manager, not to HR" in html
        for attribute in ATTRIBUTES:
            assert f"<legend>{attribute.question}</legend>" in html
            for value in attribute.values:
                assert f'name="{attribute.code}" value="{value}"' in html
        assert html.count("\n I prefer not to say</label>") == len(ATTRIBUTES)
        assert html.count(f'name="gender" value="" id="id_gender_{len(ATTRIBUTES[0].values)}" checked') == 1
        assert "Remove all my answers" not in html  # nothing shared yet

    def test_share_change_and_prefer_not_to_say(self, org, member, member_client):
        page = org_url("about-me", org)
        response = member_client.post(page, {"gender": "Non-binary", "caregiver": "Yes", "age_band": ""}, follow=True)
        assert response.redirect_chain == [(page, 302)]
        html = page_text(response)
        assert "Saved. You share 2 answers; change or remove them at any time." in html
        assert _shared(member) == {"gender": "Non-binary", "caregiver": "Yes"}
        assert 'name="gender" value="Non-binary" id="id_gender_2" checked' in html
        assert 'name="caregiver" value="Yes" id="id_caregiver_0" checked' in html
        assert org_url("about-me-clear", org) in html

        member_client.post(page, {"gender": "In another way", "caregiver": ""})
        assert _shared(member) == {"gender": "In another way"}  # "I prefer not to say" removed the answer

    def test_a_value_that_is_not_offered_is_refused(self, org, member, member_client):
        response = member_client.post(org_url("about-me", org), {"gender": "Robot", "disability": "Yes"})
        assert response.status_code == 400
        html = page_text(response)
        assert "Choose one of the answers offered, or “I prefer not to say”." in html
        assert 'aria-describedby="id_gender_error"' in html
        assert _shared(member) == {}

    def test_remove_all_after_a_confirmation(self, org, member, member_client):
        self_identification_save(
            organization=org, employee=member.employee, answers={"gender": "Woman", "disability": "No"}
        )
        confirm = page_text(member_client.get(org_url("about-me-clear", org)))
        assert "You share 2 answers about yourself." in confirm and "Remove all my answers" in confirm
        assert _shared(member) == {"gender": "Woman", "disability": "No"}  # asking is not removing
        response = member_client.post(org_url("about-me-clear", org), follow=True)
        assert "All your answers are removed." in page_text(response)
        assert _shared(member) == {}

    @pytest.mark.parametrize("role", [Role.ADMIN, Role.STAKEHOLDER, Role.MEMBER])
    def test_every_role_may_answer(self, org, role):
        membership = MembershipFactory(organization=org, role=role)
        client = client_for(membership)
        assert client.get(org_url("about-me", org)).status_code == 200
        assert client.post(org_url("about-me", org), {"age_band": "35 to 44"}).status_code == 302
        assert _shared(membership) == {"age_band": "35 to 44"}

    def test_an_account_without_roster_entry_is_told_why_there_is_nothing_to_answer(self, org):
        membership = MembershipFactory(organization=org, role=Role.STAKEHOLDER, employee=None)
        client = client_for(membership)
        html = page_text(client.get(org_url("about-me", org)))
        assert "not linked to an entry of Alpha Ltd's roster" in html and '<form method="post" class' not in html
        assert client.post(org_url("about-me", org), {"gender": "Woman"}).status_code == 200
        assert client.post(org_url("about-me-clear", org)).status_code == 302
        assert not SelfIdentification.objects.exists()

    def test_nobody_else_sees_my_answers(self, org, member, admin, stakeholder):
        self_identification_save(organization=org, employee=member.employee, answers={"gender": "Non-binary"})
        for viewer in (admin, stakeholder):
            html = page_text(client_for(viewer).get(org_url("about-me", org)))
            assert 'value="Non-binary" id="id_gender_2" checked' not in html
            assert (
                client_for(viewer).get(reverse("api-about-me", kwargs={"org_slug": org.slug})).json()["gender"] is None
            )

    def test_linked_from_the_notification_preferences_and_no_hr_page(self, org, member_client, admin_client):
        link = org_url("about-me", org)
        assert link in page_text(member_client.get(org_url("notification-preferences", org)))
        program = ProgramFactory(organization=org)
        for page in (
            org_url("program-list", org),
            org_url("program-detail", org, program_pk=program.pk),
            org_url("program-surveys", org, program_pk=program.pk),
            org_url("members", org),
        ):
            # Only the person's own account menu links it (every role has one); no HR page's content does.
            content = page_text(admin_client.get(page)).split('<main id="main"', 1)[1]
            assert link not in content, page

    def test_outsiders_get_404(self, org, outsider_client):
        assert outsider_client.get(org_url("about-me", org)).status_code == 404
        assert outsider_client.post(org_url("about-me-clear", org)).status_code == 404


class TestService:
    def test_values_are_checked_against_the_attributes(self, org, member):
        with pytest.raises(ValidationError) as refused:
            self_identification_save(
                organization=org, employee=member.employee, answers={"gender": "Robot", "shoe_size": "42"}
            )
        assert set(refused.value.message_dict) == {"gender", "shoe_size"}
        assert _shared(member) == {}

    def test_set_change_remove_and_clear(self, org, member):
        employee = member.employee
        assert self_identification_save(organization=org, employee=employee, answers={"gender": "Woman"}) == {
            "gender": "Woman"
        }
        now = self_identification_save(
            organization=org, employee=employee, answers={"gender": "Man", "first_generation": "Yes"}
        )
        assert now == {"gender": "Man", "first_generation": "Yes"}
        assert self_identification_save(organization=org, employee=employee, answers={"gender": None}) == {
            "first_generation": "Yes"
        }
        assert SelfIdentification.objects.filter(employee=employee).count() == 1
        assert self_identification_clear(organization=org, employee=employee) == 1
        assert _shared(member) == {}


class TestApi:
    def test_read_share_change_remove(self, org, member, member_client):
        address = reverse("api-about-me", kwargs={"org_slug": org.slug})
        assert member_client.get(address).json() == {attribute.code: None for attribute in ATTRIBUTES}
        body = member_client.put(
            address, {"gender": "Woman", "caregiver": "No"}, content_type="application/json"
        ).json()
        assert body["gender"] == "Woman" and body["caregiver"] == "No" and body["age_band"] is None
        body = member_client.put(address, {"gender": None}, content_type="application/json").json()
        assert body["gender"] is None and body["caregiver"] == "No"  # left out: unchanged
        assert _shared(member) == {"caregiver": "No"}
        assert member_client.delete(address).status_code == 204
        assert _shared(member) == {}

    def test_refuses_unknown_questions_and_values(self, org, member, member_client):
        address = reverse("api-about-me", kwargs={"org_slug": org.slug})
        unknown = member_client.put(address, {"gendre": "Woman"}, content_type="application/json")
        assert unknown.status_code == 400 and unknown.json() == {"gendre": ["There is no such question."]}
        wrong = member_client.put(address, {"gender": "Robot"}, content_type="application/json")
        assert wrong.status_code == 400 and list(wrong.json()) == ["gender"]
        assert member_client.put(address, ["Woman"], content_type="application/json").status_code == 400
        assert _shared(member) == {}

    def test_every_role_but_not_without_roster_entry(self, org, stakeholder_client, outsider_client):
        address = reverse("api-about-me", kwargs={"org_slug": org.slug})
        assert (
            stakeholder_client.put(address, {"age_band": "Under 25"}, content_type="application/json").status_code
            == 200
        )
        unlinked = MembershipFactory(organization=org, role=Role.MEMBER, employee=None)
        assert client_for(unlinked).get(address).status_code == 404
        assert outsider_client.get(address).status_code == 404
