"""factory_boy factories of the matching models; `organization` comes from the program (a sub-factory)."""

import factory

from matching.models import Match, MatchMember, MatchRun
from tests.programs.factories import ParticipantFactory, ProgramFactory


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRun

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    status = MatchRun.Status.DONE
    progress = 100


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    run = None
    kind = Match.Kind.PAIR
    status = Match.Status.PROPOSED


class MatchMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchMember

    match = factory.SubFactory(MatchFactory)
    program = factory.SelfAttribute("match.program")
    organization = factory.SelfAttribute("match.organization")
    participant = factory.SubFactory(ParticipantFactory, program=factory.SelfAttribute("..program"))
    role = MatchMember.Role.MENTEE
    current = True
