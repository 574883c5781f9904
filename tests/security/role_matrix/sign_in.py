"""The role matrix, part 1: the routes outside any organization. Home, the API's schema and docs, sign-in
(allauth, with its SAML and OpenID Connect providers), and the links that carry their own secret.

Here the four signed-in callers are four signed-in people like any other: none of these routes names
organization A's data, so the outsider answers as the others do. Two deserve a word:
- the secret links (an invitation, the calendar feed, the unsubscribe link, a shared mentoring record) answer
  whoever holds the secret, signed in or not: the secret is the key (tests/test_outsider_sweep.py checks a wrong
  one is 404);
- allauth's pages come with the methods a browser uses on them (GET, and POST where there is a form).
"""

# Columns: admin, stakeholder, member, outsider (an admin of organization B), anonymous.
SIGN_IN = {
    # A signed-in person goes to their one organization; anonymous to sign in.
    "/": {"GET": "302 302 302 302 login"},
    # Signed-in users and token holders of any organization (docs/api.md): no organization's data in them.
    "/api/schema/": {"GET": "200 200 200 200 401"},
    "/api/docs/": {"GET": "200 200 200 200 login"},
    # The operator's endpoints (mentorhub/ops): probes answer anyone and read no session; /metrics needs
    # METRICS_TOKEN, which the suite does not set, so it does not exist (tests/ops/test_metrics.py: the token).
    "/healthz": {"GET": "200 200 200 200 200"},
    "/readyz": {"GET": "200 200 200 200 200"},
    "/metrics": {"GET": "404 404 404 404 404"},
    # Home-realm discovery: an empty email is refused, whoever asks.
    "/sso/discover/": {"POST": "400 400 400 400 400"},
    # Slack's OAuth return (nothing pending in this browser session: 404) and the addresses Slack calls (not
    # signed with the app's signing secret: 401, whoever asks).
    "/integrations/slack/oauth/": {"GET": "404 404 404 404 404"},
    "/integrations/slack/interactions/": {"POST": "401 401 401 401 401"},
    "/integrations/slack/events/": {"POST": "401 401 401 401 401"},
    # The Teams bot's messaging endpoint: the Bot Connector's JWT or nothing, whoever asks (no cookie counts).
    "/integrations/teams/messages": {"POST": "401 401 401 401 401"},
    # The invitation is for invitee@alpha.test: a signed-in person with another address is refused.
    "/invite/<token>/": {"GET": "403 403 403 403 200", "POST": "403 403 403 403 200"},
    "/calendar/<token>.ics": {"GET": "200 200 200 200 200"},
    # An organization's logo in its emails, named by the hash of its bytes: whoever reads the email sees it.
    "/brand/<token>": {"GET": "200 200 200 200 200"},
    "/unsubscribe/<token>/": {"GET": "200 200 200 200 200", "POST": "200 200 200 200 200"},
    # A mentoring record the member shared with their manager: read-only, whoever holds the link.
    "/record/<token>/": {"GET": "200 200 200 200 200"},
    "/record/<token>/record.pdf": {"GET": "200 200 200 200 200"},
    # allauth. Signed in, the sign-in and sign-up pages send you home.
    "/accounts/login/": {"GET": "302 302 302 302 200", "POST": "302 302 302 302 200"},
    "/accounts/logout/": {"GET": "200 200 200 200 login", "POST": "login login login login login"},
    "/accounts/inactive/": {"GET": "200 200 200 200 200"},
    "/accounts/signup/": {"GET": "302 302 302 302 200", "POST": "302 302 302 302 200"},
    "/accounts/reauthenticate/": {"GET": "200 200 200 200 login", "POST": "200 200 200 200 login"},
    "/accounts/email/": {"GET": "200 200 200 200 login", "POST": "302 302 302 302 login"},
    "/accounts/confirm-email/": {"GET": "200 200 200 200 200"},
    "/accounts/password/change/": {"GET": "200 200 200 200 login", "POST": "200 200 200 200 login"},
    # Everyone here has a password: "set" sends them to "change".
    "/accounts/password/set/": {"GET": "302 302 302 302 login", "POST": "302 302 302 302 login"},
    "/accounts/password/reset/": {"GET": "200 200 200 200 200", "POST": "200 200 200 200 200"},
    # No sign-in code was asked for.
    "/accounts/login/code/confirm/": {"GET": "302 302 302 302 login", "POST": "302 302 302 302 login"},
    # The member's second, unverified address: the link confirms it (the key proves the mailbox); then only
    # its owner goes on signed in, anyone else is sent to sign in.
    "/accounts/confirm-email/<key>/": {"GET": "200 200 200 200 200", "POST": "login login 302 login login"},
    "/accounts/password/reset/key/done/": {"GET": "200 200 200 200 200"},
    # A real reset link of the member's: the key moves into the session and the page redirects to itself.
    "/accounts/password/reset/key/<uidb36>-<key>/": {"GET": "302 302 302 302 302", "POST": "302 302 302 302 302"},
    "/accounts/password/reset/done/": {"GET": "200 200 200 200 200"},
    "/accounts/2fa/": {"GET": "200 200 200 200 login"},
    # No second factor pending, none set up; activating asks to re-enter the password first (302).
    "/accounts/2fa/authenticate/": {"GET": "302 302 302 302 login", "POST": "302 302 302 302 login"},
    "/accounts/2fa/reauthenticate/": {"GET": "302 302 302 302 login", "POST": "302 302 302 302 login"},
    "/accounts/2fa/totp/activate/": {"GET": "302 302 302 302 login", "POST": "302 302 302 302 login"},
    "/accounts/2fa/totp/deactivate/": {"GET": "404 404 404 404 login", "POST": "404 404 404 404 login"},
    "/accounts/2fa/recovery-codes/": {"GET": "404 404 404 404 login"},
    "/accounts/2fa/recovery-codes/generate/": {"GET": "302 302 302 302 login", "POST": "302 302 302 302 login"},
    "/accounts/2fa/recovery-codes/download/": {"GET": "404 404 404 404 login"},
    "/accounts/3rdparty/login/cancelled/": {"GET": "200 200 200 200 200"},
    "/accounts/3rdparty/login/error/": {"GET": "401 401 401 401 401"},
    # No provider sign-in under way: back to the sign-in page.
    "/accounts/3rdparty/signup/": {"GET": "login login login login login", "POST": "login login login login login"},
    "/accounts/3rdparty/": {"GET": "200 200 200 200 login", "POST": "200 200 200 200 login"},
    # allauth's old addresses, redirected to /accounts/3rdparty/.
    "/accounts/social/login/cancelled/": {"GET": "302 302 302 302 302"},
    "/accounts/social/login/error/": {"GET": "302 302 302 302 302"},
    "/accounts/social/signup/": {"GET": "302 302 302 302 302"},
    "/accounts/social/connections/": {"GET": "302 302 302 302 302"},
    # Organization A's SAML connection. Junk posted to the ACS and a logout without a request are refused.
    "/accounts/saml/<organization_slug>/acs/": {"GET": "302 302 302 302 302", "POST": "302 302 302 302 302"},
    "/accounts/saml/<organization_slug>/acs/finish/": {"GET": "403 403 403 403 403"},
    "/accounts/saml/<organization_slug>/sls/": {"GET": "400 400 400 400 400", "POST": "400 400 400 400 400"},
    "/accounts/saml/<organization_slug>/metadata/": {"GET": "200 200 200 200 200"},
    "/accounts/saml/<organization_slug>/login/": {"GET": "200 200 200 200 200", "POST": "302 302 302 302 302"},
    # Organization C's OpenID Connect connection, whose issuer is on a loopback address: the outbound guard
    # refuses to fetch it (identity/sso/outbound.py), so starting a sign-in is the refusal page, with no
    # network; a callback without a sign-in under way is refused too.
    "/accounts/oidc/<provider_id>/login/": {"GET": "200 200 200 200 200", "POST": "403 403 403 403 403"},
    "/accounts/oidc/<provider_id>/login/callback/": {"GET": "403 403 403 403 403"},
}
