import factory
from django.test import Client
from django.urls import reverse

from programs.models import Participant, Program, Question
from tests.factories import EmployeeFactory, OrganizationFactory


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    kind = Program.Kind.ONE_ON_ONE
    status = Program.Status.ENROLLING


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    type = Question.Type.SINGLE
    options = ["Video call", "In person"]
    rule = Question.Rule.SAME
    weight = 2


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    employee = factory.SubFactory(EmployeeFactory, organization=factory.SelfAttribute("..organization"))
    role = Participant.Role.MENTEE
    status = Participant.Status.APPLIED


# The API tests' requests: an API address, and JSON posted or patched.


def api(name: str, org, **kwargs) -> str:
    return reverse(f"api-{name}", kwargs={"org_slug": org.slug, **kwargs})


def post(client: Client, url: str, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client: Client, url: str, data):
    return client.patch(url, data, content_type="application/json")
