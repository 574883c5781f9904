"""Fixtures of the sessions tests: an active pair (tests/sessions/factories.active_pair) and its people,
signed in. A module that needs a pair of its own defines `pair` itself."""

from __future__ import annotations

import pytest
from django.test import Client

from .factories import active_pair


@pytest.fixture
def pair(org):
    return active_pair(org)


@pytest.fixture
def mentor_client(pair) -> Client:
    return pair.client(pair.mentor)


@pytest.fixture
def mentee_client(pair) -> Client:
    return pair.client(pair.mentee)
