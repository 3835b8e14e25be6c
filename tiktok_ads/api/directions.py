"""The seed's directions, ad-accounts and actions endpoints (``/api/directions``,
``/api/ad-accounts``, ``/api/actions``; each also with a trailing slash). Reads need the viewer
role, writes admin; another tenant's row is a 404. The services validate and write; refusals are
the API's one error body naming the field."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ApplicationError
from core.models import Role
from tiktok_ads import selectors, services
from tiktok_ads.platforms import platform_from_param
from tiktok_ads.serializers import ActionRecordSerializer, AdAccountChangeSerializer, AdAccountSerializer, DirectionSerializer

TAG = "tiktok-ads"


def request_actor(request) -> str:
    """Who acts: the user's name, or ``api key <name>`` for an API-key request."""
    api_key = getattr(request.user, "api_key", None)
    if api_key is not None:
        return f"api key {api_key.name}"
    return request.user.get_username()


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise ApplicationError("The body must be a JSON object.")
    return request.data


class _TenantAPIView(APIView):
    read_role = Role.VIEWER
    write_role = Role.ADMIN


class DirectionListView(_TenantAPIView):
    @extend_schema(
        summary="Directions, filtered by platform (instagram = facebook; legacy rows read as facebook) and ad account",
        tags=[TAG],
        parameters=[
            OpenApiParameter("platform", str, enum=["facebook", "instagram", "tiktok"]),
            OpenApiParameter("accountId", int, description="Our ad account id"),
            OpenApiParameter(
                "userAccountId", str, description="Accepted for the seed's clients and ignored: the workspace is the caller's"
            ),
        ],
        responses=DirectionSerializer(many=True),
    )
    def get(self, request):
        try:
            platform = platform_from_param(request.query_params.get("platform"))
        except ValueError as exc:
            raise ApplicationError(f"platform: {exc}", extra={"fields": {"platform": [str(exc)]}}) from None
        account_ref = request.query_params.get("accountId") or request.query_params.get("ad_account_id")
        account_id = selectors.ad_account_get(request.tenant, account_ref, field="accountId").pk if account_ref else None
        rows = selectors.directions_list(request.tenant, platform=platform, ad_account_id=account_id)
        return Response({"success": True, "directions": DirectionSerializer(rows, many=True).data})

    @extend_schema(
        summary="Create a direction (platform both creates a facebook and a tiktok row)", tags=[TAG], request=dict, responses={201: dict}
    )
    def post(self, request):
        created = services.direction_create(tenant=request.tenant, data=_body(request), actor=request_actor(request))
        rows = DirectionSerializer(created, many=True).data
        return Response({"success": True, "direction": rows[0], "directions": rows}, status=status.HTTP_201_CREATED)


class DirectionDetailView(_TenantAPIView):
    @extend_schema(summary="One direction", tags=[TAG], responses=DirectionSerializer)
    def get(self, request, pk: int):
        return Response({"success": True, "direction": DirectionSerializer(selectors.direction_get(request.tenant, pk)).data})

    @extend_schema(
        summary="Change a direction (name, is_active, default settings, TikTok fields)", tags=[TAG], request=dict, responses=dict
    )
    def patch(self, request, pk: int):
        direction = selectors.direction_get(request.tenant, pk)
        direction = services.direction_update(tenant=request.tenant, direction=direction, data=_body(request), actor=request_actor(request))
        return Response({"success": True, "direction": DirectionSerializer(direction).data})

    @extend_schema(summary="Delete a direction", tags=[TAG], responses=dict)
    def delete(self, request, pk: int):
        direction = selectors.direction_get(request.tenant, pk)
        deleted_id = direction.pk
        services.direction_delete(tenant=request.tenant, direction=direction, actor=request_actor(request))
        return Response({"success": True, "id": deleted_id})


class AdAccountListView(_TenantAPIView):
    @extend_schema(
        summary="The workspace's ad accounts with their TikTok advertiser and identity",
        tags=[TAG],
        responses=AdAccountSerializer(many=True),
    )
    def get(self, request):
        rows = selectors.ad_accounts_for_tenant(request.tenant)
        return Response({"success": True, "ad_accounts": AdAccountSerializer(rows, many=True).data})

    @extend_schema(summary="Create an ad account", tags=[TAG], request=dict, responses={201: AdAccountSerializer})
    def post(self, request):
        account = services.ad_account_create(tenant=request.tenant, data=_body(request), actor=request_actor(request))
        return Response({"success": True, "ad_account": AdAccountSerializer(account).data}, status=status.HTTP_201_CREATED)


class AdAccountDetailView(_TenantAPIView):
    @extend_schema(summary="One ad account with its recent changes", tags=[TAG], responses=dict)
    def get(self, request, pk: int):
        account = selectors.ad_account_get(request.tenant, pk, field="id")
        changes = account.changes.all()[:50]
        return Response(
            {
                "success": True,
                "ad_account": AdAccountSerializer(account).data,
                "changes": AdAccountChangeSerializer(changes, many=True).data,
            }
        )

    @extend_schema(
        summary="The seed's ad-account settings: tiktok_business_id, tiktok_account_id (null disconnects), autopilot_tiktok, name",
        tags=[TAG],
        request=dict,
        responses=dict,
    )
    def patch(self, request, pk: int):
        account = selectors.ad_account_get(request.tenant, pk, field="id")
        changes = services.ad_account_update(tenant=request.tenant, account=account, data=_body(request), actor=request_actor(request))
        return Response(
            {
                "success": True,
                "ad_account": AdAccountSerializer(account).data,
                "changes": AdAccountChangeSerializer(changes, many=True).data,
            }
        )


def _one_action(request, item) -> tuple[dict, int]:
    if not isinstance(item, dict):
        raise ApplicationError("Each action must be a JSON object.")
    dry_run = item.get("dry_run", False)
    if not isinstance(dry_run, bool):
        raise ApplicationError("dry_run: must be true or false.", extra={"fields": {"dry_run": ["Must be true or false."]}})
    record, replayed = services.action_execute(
        tenant=request.tenant,
        action=str(item.get("action") or item.get("type") or ""),
        params=item.get("params", {}),
        request_id=item.get("request_id") or "",
        actor=request_actor(request),
        dry_run=dry_run,
        source="api",
    )
    body = {**ActionRecordSerializer(record).data, "replayed": replayed}
    if record.state == "failed":
        return body, int(record.upstream_response.get("answered_with") or 502)
    return body, (200 if replayed else 201)


class ActionsView(_TenantAPIView):
    @extend_schema(
        summary="Run one TikTok action (or the seed's batch {actions:[...]}), idempotent by request_id, audited; dry_run returns the diff",
        tags=[TAG],
        request=dict,
        responses=ActionRecordSerializer,
    )
    def post(self, request):
        body = _body(request)
        if "actions" in body:
            items = body["actions"]
            if not isinstance(items, list) or not items:
                raise ApplicationError("actions: a non-empty list of actions.", extra={"fields": {"actions": ["A non-empty list."]}})
            results = []
            for item in items:  # each stands alone: a refused one is reported, the rest still run
                try:
                    result, code = _one_action(request, item)
                except ApplicationError as exc:
                    result, code = (
                        {
                            "request_id": item.get("request_id") if isinstance(item, dict) else None,
                            "error": {"code": exc.code, "message": exc.message},
                        },
                        exc.status,
                    )
                results.append({**result, "status": code})
            return Response({"results": results}, status=status.HTTP_200_OK)
        result, code = _one_action(request, body)
        return Response(result, status=code)
