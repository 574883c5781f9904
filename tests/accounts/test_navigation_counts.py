"""The registry of numbers every page's navigation shows (mentorhub/accounts/extensions.py): one entry per
name however often the apps are readied, and the sessions app's unread count is in it."""

from __future__ import annotations

from django.apps import apps

from mentorhub.accounts.extensions import navigation_counts, register_navigation_count


def test_each_count_is_registered_once():
    before = navigation_counts()
    apps.get_app_config("mentoring_sessions").ready()
    register_navigation_count(before[0])
    assert navigation_counts() == before
    assert [count.name for count in before] == ["unread_notifications"]
