"""API serializers of the accounts app: output shapes, and the small input shapes the API views parse."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from mentorhub.web.serializers import PlannedReadMixin

from ..models import DIRECTORY_COLUMN_KEYS, Employee, Invitation, Membership, Role, RosterImport


class EmployeeRefSerializer(PlannedReadMixin, serializers.ModelSerializer):
    class Meta:
        model = Employee
        fields = ["id", "employee_id", "name"]


# HR data: job level, hiring date and (possibly future, not yet announced) leaving date. Admins only.
HR_FIELDS = ("job_level", "hired_on", "left_on")


class EmployeeSerializer(PlannedReadMixin, serializers.ModelSerializer):
    """A roster row as admins see it, HR fields included."""

    manager = EmployeeRefSerializer(read_only=True, allow_null=True)
    is_current = serializers.BooleanField(read_only=True, help_text="False once left_on has passed.")

    class Meta:
        model = Employee
        fields = [
            "id",
            "employee_id",
            "email",
            "name",
            "title",
            "department",
            "job_level",
            "location",
            "time_zone",
            "manager",
            "hired_on",
            "left_on",
            "is_current",
        ]
        read_only_fields = fields


_CHOSEN = "Present only if the organization shows this column to members (its people-directory settings)."


class EmployeeDirectorySerializer(EmployeeSerializer):
    """A roster row as members and stakeholders see it: the directory, without the HR fields, with only the
    optional columns their organization chose (context["directory_columns"]; every one if absent)."""

    # Not marked read-only so the schema lists them as optional (a read-only field is documented as always
    # present); this serializer is never used for input.
    employee_id = serializers.CharField(required=False, help_text=_CHOSEN)
    email = serializers.EmailField(required=False, help_text=_CHOSEN)
    title = serializers.CharField(required=False, help_text=_CHOSEN)
    department = serializers.CharField(required=False, help_text=_CHOSEN)
    location = serializers.CharField(required=False, help_text=_CHOSEN)
    time_zone = serializers.CharField(required=False, help_text=_CHOSEN)
    manager = EmployeeRefSerializer(required=False, allow_null=True, help_text=_CHOSEN + " Null if none or left.")
    is_current = serializers.BooleanField(read_only=True, help_text="Always true: members see current colleagues.")

    class Meta(EmployeeSerializer.Meta):
        fields = [name for name in EmployeeSerializer.Meta.fields if name not in HR_FIELDS]
        read_only_fields = ["id", "name", "is_current"]

    def to_representation(self, instance: Employee) -> dict[str, Any]:
        data = super().to_representation(instance)
        columns = self.context.get("directory_columns", DIRECTORY_COLUMN_KEYS)
        for key in DIRECTORY_COLUMN_KEYS:
            if key not in columns:
                data.pop(key, None)
        if data.get("manager") is not None and instance.manager is not None and not instance.manager.is_current:
            data["manager"] = None  # a leaver is not a colleague any more
        return data


class RosterImportSerializer(serializers.ModelSerializer):
    """An import and where it stands. `processed_rows` is live while it runs."""

    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True)
    progress_percent = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="This status, for polling.")
    page_url = serializers.SerializerMethodField(help_text="The import's page in the browser.")

    class Meta:
        model = RosterImport
        fields = [
            "id",
            "filename",
            "status",
            "total_rows",
            "processed_rows",
            "progress_percent",
            "created_count",
            "updated_count",
            "unchanged_count",
            "event_count",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "url",
            "page_url",
        ]
        read_only_fields = fields

    def get_progress_percent(self, obj: RosterImport) -> int:
        if obj.status == RosterImport.Status.DONE:
            return 100
        return obj.processed_rows * 100 // obj.total_rows if obj.total_rows else 0

    def _url(self, name: str, obj: RosterImport) -> str:
        request = self.context.get("request")
        # The request's organization is the import's (the queryset is scoped); no query per row.
        organization = getattr(request, "organization", None) or obj.organization
        path = reverse(name, kwargs={"org_slug": organization.slug, "import_pk": obj.pk})
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, obj: RosterImport) -> str:
        return self._url("api-roster-import-detail", obj)

    def get_page_url(self, obj: RosterImport) -> str:
        return self._url("roster-import-detail", obj)


class RosterUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The roster as CSV (UTF-8), with a header row.")


class RosterErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="Physical line in the file (the header is 1).")
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class RosterErrorsSerializer(serializers.Serializer):
    # The API's field name, documented in the schema; it shadows Serializer.errors on this schema-only class.
    errors = RosterErrorSerializer(  # type: ignore[assignment]
        many=True, help_text="Every problem found; nothing was applied."
    )


# --- Members and invitations --------------------------------------------------------------------


class MemberEmployeeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee_id = serializers.CharField()
    name = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.name")
    employee = MemberEmployeeSerializer(allow_null=True)
    joined_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "employee", "joined_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=["pending", "accepted", "expired", "revoked"], read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", allow_null=True, default=None)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)
