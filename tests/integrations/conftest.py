"""Fixtures of the integrations tests: the Microsoft side of the Teams tests (teams_peer.py)."""

from .teams_peer import bot_peer, signing_key  # noqa: F401
