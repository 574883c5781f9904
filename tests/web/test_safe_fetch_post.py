"""safe_fetch's POST (webhook deliveries): the same address policy as GET, no redirect followed, every status
returned as it came, the body sent as given."""

from __future__ import annotations

import pytest

from mentorhub.web.safe_fetch import FetchRefused, post_public_url
from tests.integrations.receiver import receiver


def test_a_post_returns_the_status_and_follows_no_redirect(settings):
    with receiver([302, 500, 204]) as server:
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
        statuses = [
            post_public_url(server.url("/in"), body=b'{"a":1}', headers={"Content-Type": "application/json"}).status
            for _ in range(3)
        ]
    assert statuses == [302, 500, 204]
    assert [r.path for r in server.received] == ["/in", "/in", "/in"]  # the redirect was not followed
    assert all(r.body == b'{"a":1}' and r.headers["Content-Type"] == "application/json" for r in server.received)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/x", "https://169.254.169.254/latest/", "http://[::1]:9/x", "https://10.1.2.3/x"],
)
def test_a_post_to_a_private_address_is_refused_before_anything_is_sent(settings, url):
    settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = []
    with pytest.raises(FetchRefused):
        post_public_url(url, body=b"{}", headers={})
