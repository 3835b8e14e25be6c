"""The platform's own API: who am I, sync runs, upstream calls, API keys and members.

Views stay thin: a serializer validates input, a service writes, a selector reads. Every
queryset comes from ``get_base_queryset`` scoped to ``request.tenant``, so another tenant's
object is a 404, exactly like a missing one.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import ApiKeyUser
from core.api.serializers import (
    ApiCallSerializer,
    ApiKeyCreatedSerializer,
    ApiKeyCreateSerializer,
    ApiKeySerializer,
    ErrorSerializer,
    MemberAddSerializer,
    MemberRoleSerializer,
    MemberSerializer,
    MeSerializer,
    SyncRunDetailSerializer,
    SyncRunSerializer,
)
from core.api.viewsets import TenantScopedGenericViewSet, TenantScopedReadOnlyViewSet
from core.errors import CoreError
from core.exceptions import Conflict
from core.models import ApiCallLog, ApiKey, Membership, Role, SyncRun, SyncState
from core.selectors import api_calls_for_tenant, api_keys_for_tenant, members_for_tenant, sync_runs_for_tenant
from core.services import (
    api_key_create,
    api_key_revoke,
    membership_add,
    membership_remove,
    membership_set_role,
    sync_run_cancel,
    sync_run_resume,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input."),
    403: OpenApiResponse(ErrorSerializer, description="Your role does not allow this."),
    404: OpenApiResponse(ErrorSerializer, description="No such object in your tenant."),
    409: OpenApiResponse(ErrorSerializer, description="The object's state does not allow this."),
}


def _errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


def _acting_user(request):
    """The Django user behind the request; ``None`` for API keys (they act on their own)."""
    return None if isinstance(request.user, ApiKeyUser) else request.user


# --- Who am I -----------------------------------------------------------------------------


class MeView(APIView):
    read_role = Role.VIEWER

    @extend_schema(summary="The caller: user or API key, tenant and role", responses=MeSerializer, tags=["platform"])
    def get(self, request):
        if isinstance(request.user, ApiKeyUser):
            key = request.user.api_key
            principal = {"type": "api_key", "id": key.pk, "prefix": key.prefix, "name": key.name}
        else:
            user = request.user
            principal = {"type": "user", "id": user.pk, "username": user.get_username(), "email": user.email}
        return Response(MeSerializer({"principal": principal, "tenant": request.tenant, "role": request.role}).data)


# --- Sync runs ----------------------------------------------------------------------------


class SyncRunFilter(filters.FilterSet):
    kind = filters.CharFilter(help_text="Exact job kind, e.g. shop_sync.orders_full.")
    state = filters.ChoiceFilter(choices=SyncState.choices)
    target = filters.CharFilter(help_text="Exact target, e.g. shop:12.")

    class Meta:
        model = SyncRun
        fields = ["kind", "state", "target"]


@extend_schema_view(
    list=extend_schema(summary="Sync runs, newest first", tags=["sync runs"]),
    retrieve=extend_schema(
        summary="A sync run's progress and its parts", responses={200: SyncRunDetailSerializer, **_errors(404)}, tags=["sync runs"]
    ),
)
class SyncRunViewSet(TenantScopedReadOnlyViewSet):
    model = SyncRun
    filterset_class = SyncRunFilter
    action_roles = {"resume": Role.ADMIN, "cancel": Role.ADMIN}

    def get_base_queryset(self):
        return sync_runs_for_tenant(self.request.tenant)

    def get_serializer_class(self):
        return SyncRunSerializer if self.action == "list" else SyncRunDetailSerializer

    @extend_schema(
        summary="Resume a failed or stalled run from its checkpoints (admin)",
        request=None,
        responses={200: SyncRunDetailSerializer, **_errors(403, 404, 409)},
        tags=["sync runs"],
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        run = sync_run_resume(run=self.get_object())
        return Response(SyncRunDetailSerializer(run).data)

    @extend_schema(
        summary="Cancel an active run (admin)",
        request=None,
        responses={200: SyncRunDetailSerializer, **_errors(403, 404, 409)},
        tags=["sync runs"],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        run = self.get_object()
        if not run.is_active:
            # Cancelling is idempotent in the service; the API says so instead of a silent 200.
            raise Conflict(f"This sync has already {run.state}.", code=CoreError.NOT_ACTIVE)
        run = sync_run_cancel(run=run)
        return Response(SyncRunDetailSerializer(run).data)


# --- Upstream call log --------------------------------------------------------------------


class ApiCallFilter(filters.FilterSet):
    provider = filters.CharFilter(help_text="e.g. tiktok_shop, tiktok_business, shopee.")
    outcome = filters.CharFilter(help_text="e.g. ok, rate_limited, auth_expired, upstream_5xx.")

    class Meta:
        model = ApiCallLog
        fields = ["provider", "outcome"]


@extend_schema_view(
    list=extend_schema(summary="Upstream API calls, newest first", tags=["platform"]),
    retrieve=extend_schema(summary="One upstream API call", responses={200: ApiCallSerializer, **_errors(404)}, tags=["platform"]),
)
class ApiCallViewSet(TenantScopedReadOnlyViewSet):
    model = ApiCallLog
    serializer_class = ApiCallSerializer
    filterset_class = ApiCallFilter

    def get_base_queryset(self):
        return api_calls_for_tenant(self.request.tenant)


# --- API keys (admin) ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The tenant's API keys (admin)", tags=["access"]),
    retrieve=extend_schema(summary="One API key (admin)", responses={200: ApiKeySerializer, **_errors(403, 404)}, tags=["access"]),
)
class ApiKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedGenericViewSet):
    model = ApiKey
    serializer_class = ApiKeySerializer
    read_role = Role.ADMIN
    write_role = Role.ADMIN

    def get_base_queryset(self):
        return api_keys_for_tenant(self.request.tenant)

    @extend_schema(
        summary="Issue an API key (admin); the key is in this response only",
        request=ApiKeyCreateSerializer,
        responses={201: ApiKeyCreatedSerializer, **_errors(400, 403)},
        tags=["access"],
    )
    def create(self, request):
        payload = ApiKeyCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        issued = api_key_create(tenant=request.tenant, created_by=_acting_user(request), **payload.validated_data)
        response = Response({**ApiKeySerializer(issued.api_key).data, "key": issued.raw_key}, status=status.HTTP_201_CREATED)
        add_never_cache_headers(response)
        return response

    @extend_schema(
        summary="Revoke an API key (admin)", request=None, responses={200: ApiKeySerializer, **_errors(403, 404)}, tags=["access"]
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        api_key = api_key_revoke(api_key=self.get_object())
        return Response(ApiKeySerializer(api_key).data)


# --- Members (list: admin; changes: owner) ------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The tenant's members (admin)", tags=["access"]),
    retrieve=extend_schema(summary="One member (admin)", responses={200: MemberSerializer, **_errors(403, 404)}, tags=["access"]),
)
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedGenericViewSet):
    model = Membership
    serializer_class = MemberSerializer
    read_role = Role.ADMIN
    write_role = Role.OWNER

    def get_base_queryset(self):
        return members_for_tenant(self.request.tenant)

    @extend_schema(
        summary="Add an existing user to the tenant (owner)",
        request=MemberAddSerializer,
        responses={201: MemberSerializer, **_errors(400, 403, 409)},
        tags=["access"],
    )
    def create(self, request):
        payload = MemberAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = membership_add(
            tenant=request.tenant, username_or_email=payload.validated_data["user"], role=payload.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a member's role (owner)",
        request=MemberRoleSerializer,
        responses={200: MemberSerializer, **_errors(400, 403, 404, 409)},
        tags=["access"],
    )
    def partial_update(self, request, pk=None):
        membership = self.get_object()
        payload = MemberRoleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = membership_set_role(membership=membership, role=payload.validated_data["role"])
        return Response(MemberSerializer(membership).data)

    @extend_schema(summary="Remove a member (owner)", request=None, responses={204: None, **_errors(403, 404, 409)}, tags=["access"])
    def destroy(self, request, pk=None):
        membership_remove(membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
