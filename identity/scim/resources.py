"""The SCIM resources MentorHub serves, as scim2-models classes: what /Schemas publishes, what requests are
validated against and what responses are dumped from.

The core User schema is served with the attributes MentorHub keeps (userName, name.givenName/familyName,
displayName, title, active, emails, groups); the enterprise extension with employeeNumber, department and
manager; a MentorHub extension with jobLevel, location, timeZone and hireDate. Attributes a client sends
that are not in these schemas (phoneNumbers, addresses, locale, password, ...) are ignored (ScimPolicy
`unknown=ignore`), as RFC 7644 §3.3 allows; identity providers send many of them by default.

`emails` is required: an employee needs a work email. The attributes every roster row has (active,
employeeNumber, department, jobLevel, timeZone, hireDate) are published as required, so they are never
removed; a creation that omits them gets the defaults of identity/scim/mapping.py, a PUT that omits them
keeps their current values. Email `type` is always "work" (its one example, published as its
canonical value).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field, model_validator
from scim2_models import (
    URN,
    AnyExtension,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Extension,
    External,
    Filter,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

MAX_RESULTS = 200
DEFAULT_COUNT = 100
ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MENTORHUB_URN = "urn:mentorhub:params:scim:schemas:extension:mentorhub:2.0:User"

# How requests are read: tolerant of what Microsoft Entra ID and Okta actually send (unknown attributes,
# `remove` operations that name their target in `value`, `replace` of `emails[type eq "work"].value` on a
# user with no work email yet). Operation names are case-insensitive in scim2-models itself.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)


class UserName(ComplexAttribute):
    family_name: str | None = None
    given_name: str | None = None


class UserEmail(ComplexAttribute):
    # A plain string: the address is checked like the roster's (Django's validator), which accepts the
    # `.local` test domains identity providers' own examples use.
    value: Annotated[str | None, Required.true] = None
    type: str | None = Field(None, examples=["work"])


class UserGroup(ComplexAttribute):
    value: Annotated[str | None, Mutability.read_only, CaseExact.true] = None
    ref: Annotated[Reference[Group] | None, Mutability.read_only] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    display: Annotated[str | None, Mutability.read_only] = None


class User(Resource[AnyExtension]):
    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: UserName | None = None
    display_name: Annotated[str | None, Required.true] = None
    title: str | None = None
    active: Annotated[bool | None, Required.true] = None
    emails: Annotated[list[UserEmail] | None, Required.true] = None
    groups: Annotated[list[UserGroup] | None, Mutability.read_only] = None

    Emails: ClassVar[type[UserEmail]] = UserEmail
    Groups: ClassVar[type[UserGroup]] = UserGroup


class Manager(ComplexAttribute):
    value: Annotated[str | None, CaseExact.true] = None
    ref: Reference[User] | None = Field(None, serialization_alias="$ref", validation_alias="$ref")
    display_name: Annotated[str | None, Mutability.read_only] = None

    @model_validator(mode="before")
    @classmethod
    def _bare_id(cls, data: Any) -> Any:
        """Microsoft Entra ID sends the manager as the bare id string."""
        return {"value": data} if isinstance(data, str) else data


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE_URN)

    employee_number: Annotated[str | None, Required.true] = None
    department: Annotated[str | None, Required.true] = None
    manager: Manager | None = None


class MentorHubUser(Extension):
    __schema__ = URN(MENTORHUB_URN)

    job_level: Annotated[int | None, Required.true] = None  # 1 to 20, higher is more senior
    location: str | None = None
    time_zone: Annotated[str | None, Required.true] = None  # an IANA name, e.g. Europe/Berlin
    hire_date: Annotated[str | None, Required.true] = None  # YYYY-MM-DD


class GroupMember(ComplexAttribute):
    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    ref: Annotated[Reference[User] | None, Mutability.immutable] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    type: Annotated[str | None, Mutability.immutable] = Field(None, examples=["User"])


class Group(Resource[Any]):
    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:Group")

    display_name: Annotated[str | None, Required.true] = None
    members: list[GroupMember] | None = None

    Members: ClassVar[type[GroupMember]] = GroupMember


FullUser = User[EnterpriseUser | MentorHubUser]
MODELS = (User, EnterpriseUser, MentorHubUser, Group)


def resource_types() -> list[ResourceType]:
    user = ResourceType.from_resource(FullUser)
    for extension in user.schema_extensions or []:
        extension.required = True  # every roster row has these values
    return [user, ResourceType.from_resource(Group)]


def service_provider_config() -> ServiceProviderConfig:
    return ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="OAuth Bearer Token",
                description="An organization's MentorHub API token with the `scim` scope, sent as "
                "`Authorization: Bearer <token>`.",
                spec_uri=Reference[External]("https://www.rfc-editor.org/info/rfc6750"),
                primary=True,
            )
        ],
    )
