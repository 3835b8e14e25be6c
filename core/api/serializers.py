"""Input and output shapes of the platform API.

Plain ``Serializer`` classes: outputs list their fields explicitly (so the schema is exact and a
new model column never leaks into a response by accident), inputs only validate; services write.
"""

from __future__ import annotations

from rest_framework import serializers

from core.models import Role, SyncState
from core.selectors import sync_run_parts, sync_run_progress

API_KEY_ROLES = [(Role.VIEWER, "Viewer"), (Role.ANALYST, "Analyst"), (Role.ADMIN, "Admin")]


# --- Who am I -----------------------------------------------------------------------------


class TenantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    time_zone = serializers.CharField()


class PrincipalSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["user", "api_key"])
    id = serializers.IntegerField(help_text="User id, or API key id.")
    username = serializers.CharField(required=False, help_text="Users only.")
    email = serializers.CharField(required=False, help_text="Users only.")
    prefix = serializers.CharField(required=False, help_text="API keys only: the key's visible prefix.")
    name = serializers.CharField(required=False, help_text="API keys only.")


class MeSerializer(serializers.Serializer):
    principal = PrincipalSerializer()
    tenant = TenantSerializer()
    role = serializers.ChoiceField(choices=Role.choices)


# --- Sync runs ----------------------------------------------------------------------------


class SyncRunPartSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    position = serializers.IntegerField()
    state = serializers.ChoiceField(choices=SyncState.choices)
    items_done = serializers.IntegerField()
    items_total = serializers.IntegerField(allow_null=True)
    pages_done = serializers.IntegerField(source="seq", help_text="Pages committed so far.")
    error = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class SyncRunSerializer(serializers.Serializer):
    """A run as ``core.selectors.sync_run_progress`` reports it."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    target = serializers.CharField()
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=SyncState.choices)
    is_active = serializers.BooleanField()
    items_done = serializers.IntegerField()
    items_total = serializers.IntegerField(allow_null=True)
    pages_done = serializers.IntegerField()
    parts_done = serializers.IntegerField()
    parts_total = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    rate_per_second = serializers.FloatField()
    eta_seconds = serializers.FloatField(allow_null=True)
    elapsed_seconds = serializers.FloatField()
    counters = serializers.DictField(help_text="Free-form counters of the job, e.g. created/updated rows.")
    attempts = serializers.IntegerField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, run):
        return super().to_representation(self.source_data(run))

    def source_data(self, run) -> dict:
        return sync_run_progress(run)


class SyncRunDetailSerializer(SyncRunSerializer):
    parts = SyncRunPartSerializer(many=True)

    def source_data(self, run) -> dict:
        return {**sync_run_progress(run), "parts": sync_run_parts(run)}


# --- Upstream call log --------------------------------------------------------------------


class ApiCallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.CharField()
    method = serializers.CharField()
    endpoint = serializers.CharField()
    status_code = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField()
    error_message = serializers.CharField()
    duration_ms = serializers.IntegerField()
    attempts = serializers.IntegerField()
    credential = serializers.CharField(help_text="Masked label of the credential used.")
    correlation_id = serializers.CharField()
    created_at = serializers.DateTimeField()


# --- API keys -----------------------------------------------------------------------------


class ApiKeySerializer(serializers.Serializer):
    """A key as listed: the prefix identifies it; neither the key nor its hash is ever returned."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    role = serializers.ChoiceField(choices=API_KEY_ROLES)
    is_active = serializers.BooleanField()
    created_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)

    def get_created_by(self, api_key) -> str | None:
        return api_key.created_by.get_username() if api_key.created_by_id else None


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(help_text="The full key. Shown in this response only: store it now.")


class ApiKeyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(choices=API_KEY_ROLES, default=Role.ANALYST)


# --- Members ------------------------------------------------------------------------------


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = MemberUserSerializer()
    role = serializers.ChoiceField(choices=Role.choices)
    created_at = serializers.DateTimeField()
    last_active_at = serializers.DateTimeField(allow_null=True)


class MemberAddSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=254, help_text="Username or email of an existing user.")
    role = serializers.ChoiceField(choices=Role.choices, default=Role.VIEWER)


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


# --- Errors (documentation only: the exception handler writes these bodies) ---------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. not_found, not_resumable.")
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), help_text="Per-field messages.")
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds to wait before trying again (503: upstream unavailable or rate limited; also Retry-After)."
    )
    provider = serializers.CharField(required=False, help_text="The upstream platform that failed (502/503).")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
