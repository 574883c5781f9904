"""The role matrix, part 3: the SCIM 2.0 server under /scim/v2/o/<org_slug>/ (identity/scim/http.py). It takes
bearer tokens only, so here each caller carries a `scim` token acting as its own membership: the admin's
works, a stakeholder's or member's is 403 (SCIM provisions the roster: admins only), the outsider's (of
organization B) is 404, and no token is 401. Writes carry an empty JSON body `{}`."""

# Columns: admin, stakeholder, member, outsider (an admin of organization B), anonymous.
SCIM = {
    "/scim/v2/o/<org_slug>/ServiceProviderConfig": {"GET": "200 403 403 404 401"},
    "/scim/v2/o/<org_slug>/ResourceTypes": {"GET": "200 403 403 404 401"},
    "/scim/v2/o/<org_slug>/ResourceTypes/<resource_type_id>": {"GET": "200 403 403 404 401"},
    "/scim/v2/o/<org_slug>/Schemas": {"GET": "200 403 403 404 401"},
    "/scim/v2/o/<org_slug>/Schemas/<schema_id>": {"GET": "200 403 403 404 401"},
    "/scim/v2/o/<org_slug>/Users": {"GET": "200 403 403 404 401", "POST": "400 403 403 404 401"},
    "/scim/v2/o/<org_slug>/Users/<user_id>": {
        "GET": "200 403 403 404 401",
        "PUT": "400 403 403 404 401",
        "PATCH": "400 403 403 404 401",
        "DELETE": "204 403 403 404 401",
    },
    "/scim/v2/o/<org_slug>/Groups": {"GET": "200 403 403 404 401", "POST": "400 403 403 404 401"},
    "/scim/v2/o/<org_slug>/Groups/<group_id>": {
        "GET": "200 403 403 404 401",
        "PUT": "400 403 403 404 401",
        "PATCH": "400 403 403 404 401",
        "DELETE": "204 403 403 404 401",
    },
    # Anything else under the server (here /Bulk, not offered) is a SCIM 404 for every method.
    "/scim/v2/o/<org_slug>/<rest>": {
        "GET": "404 403 403 404 401",
        "POST": "404 403 403 404 401",
        "PUT": "404 403 403 404 401",
        "PATCH": "404 403 403 404 401",
        "DELETE": "404 403 403 404 401",
    },
}
