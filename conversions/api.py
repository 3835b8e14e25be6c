"""Conversions API: ingest and read events (with their deliveries), replay deliveries, and the
seed's test endpoints. The booking webhook is in ``conversions.webhooks``.

Roles: viewer reads, analyst ingests, admin replays. Another tenant's event is a 404.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from conversions import selectors, services
from conversions.models import Event, Platform
from conversions.serializers import (
    BatchIngestResultSerializer,
    EventFilterSerializer,
    EventIngestSerializer,
    EventSerializer,
    TestEventResultSerializer,
    TestEventSerializer,
)
from core.api.pagination import DefaultPagination
from core.api.serializers import ErrorSerializer
from core.api.viewsets import TenantScopedAPIView
from core.errors import CoreError
from core.exceptions import NotFound, error_body
from core.models import Role

TAG = "conversions"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `fields` names each bad field. Nothing was stored."),
    401: OpenApiResponse(ErrorSerializer, description="Missing or wrong credentials."),
    403: OpenApiResponse(ErrorSerializer, description="Your role does not allow this."),
    404: OpenApiResponse(ErrorSerializer, description="No such event in your tenant."),
    413: OpenApiResponse(ErrorSerializer, description="More events than one request may carry. Nothing was stored."),
}


def _errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


class EventListView(TenantScopedAPIView):
    model = Event
    read_role = Role.VIEWER
    write_role = Role.ANALYST
    serializer_class = EventSerializer
    pagination_class = DefaultPagination

    @extend_schema(
        summary="Events with their deliveries, newest first (the seed's debugging query)",
        parameters=[EventFilterSerializer, OpenApiParameter("page", int)],
        responses={200: EventSerializer(many=True), **_errors(400)},
        tags=[TAG],
    )
    def get(self, request):
        query = EventFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        events = selectors.events_list(request.tenant, selectors.EventFilters.from_validated(query.validated_data))
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(
        summary="Ingest one event or a batch (analyst)",
        description=(
            "Body: one event `{event_id, event_name, event_time, email?, phone?, external_id?, ttclid?, ttp?, gclid?, gbraid?, "
            'wbraid?, fbc?, fbp?, ip?, user_agent?, page_url?, page_referrer?, value?, currency?}` or `{"events": [...]}` '
            f"(at most {settings.CONVERSIONS_INGEST_MAX_BATCH}). Idempotent by `event_id`: a stored id is not written again. "
            "One event: 201 with it when new, 200 with the stored one when not. A batch: 201 when any event is new, else 200. "
            "Deliveries to every destination are queued in the same transaction."
        ),
        request=inline_serializer(
            "EventIngest",
            {"event_id": serializers.CharField(), "event_name": serializers.CharField(), "event_time": serializers.CharField()},
        ),
        responses={201: EventSerializer, 200: BatchIngestResultSerializer, **_errors(400, 403, 413)},
        tags=[TAG],
    )
    def post(self, request):
        serializer = EventIngestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.events_ingest(tenant=request.tenant, events=data["events"])
        any_created = bool(result.created)
        code = status.HTTP_201_CREATED if any_created else status.HTTP_200_OK
        if not data["batch"]:
            event = selectors.event_get(request.tenant, pk=result.event(data["events"][0]["event_id"]).pk)
            return Response(EventSerializer(event).data, status=code)
        ids = {event.event_id: event.pk for event in (*result.created, *result.existing)}
        body = {
            "created": len(result.created),
            "existing": len(result.order) - len(result.created),
            "events": [{"id": ids[event_id], "event_id": event_id, "created": created} for event_id, created in result.order],
        }
        return Response(body, status=code)


class EventDetailView(TenantScopedAPIView):
    model = Event
    read_role = Role.VIEWER

    @extend_schema(summary="One event with its deliveries", responses={200: EventSerializer, **_errors(404)}, tags=[TAG])
    def get(self, request, pk: int):
        event = selectors.event_get(request.tenant, pk=pk)
        if event is None:
            raise NotFound("No such event.")
        return Response(EventSerializer(event).data)


class ReplayRequestSerializer(serializers.Serializer):
    delivery_ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=10_000)
    destination_id = serializers.IntegerField(required=False)

    def validate(self, attrs):
        if not attrs.get("delivery_ids") and not attrs.get("destination_id"):
            raise serializers.ValidationError({"delivery_ids": ["Give delivery_ids or destination_id."]})
        return attrs


class DeliveryReplayView(TenantScopedAPIView):
    model = Event
    write_role = Role.ADMIN

    @extend_schema(
        summary="Replay DEAD and held deliveries (admin)",
        description="They go back to PENDING with attempts reset and are sent again with the same event_id.",
        request=ReplayRequestSerializer,
        responses={202: inline_serializer("ReplayResult", {"replayed": serializers.IntegerField()}), **_errors(400, 403, 404)},
        tags=[TAG],
    )
    def post(self, request):
        serializer = ReplayRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        destination = None
        if serializer.validated_data.get("destination_id"):
            destination = selectors.destinations_for_tenant(request.tenant).filter(pk=serializer.validated_data["destination_id"]).first()
            if destination is None:
                raise NotFound("No such destination.")
        deliveries = None
        if serializer.validated_data.get("delivery_ids"):
            deliveries = list(selectors.replayable_deliveries(request.tenant).filter(pk__in=serializer.validated_data["delivery_ids"]))
        count = services.deliveries_replay(tenant=request.tenant, deliveries=deliveries, destination=destination)
        return Response({"replayed": count}, status=status.HTTP_202_ACCEPTED)


# --- The seed's test endpoints ------------------------------------------------------------------


class _TestEndpointView(APIView):
    """``Authorization: Bearer <CONVERSIONS_TEST_SECRET>``; sends one event with the env
    credentials and answers ``{ok, status, body, requestBody}``. Nothing is stored."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    platform = ""

    def post(self, request):
        secret = settings.CONVERSIONS_TEST_SECRET
        header = request.headers.get("Authorization", "")
        given = header[7:] if header[:7].lower() == "bearer " else ""
        if not secret or not given or not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(error_body(CoreError.NOT_AUTHENTICATED, "Missing or wrong test secret."), status=status.HTTP_401_UNAUTHORIZED)
        serializer = TestEventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(services.test_event_send(platform=self.platform, event_data=serializer.event_data()))


def _test_schema(label: str):
    return extend_schema(
        summary=f"Send one test event to {label} with the env credentials",
        request=TestEventSerializer,
        responses={200: TestEventResultSerializer, **_errors(400, 401)},
        tags=[TAG],
        auth=[],
    )


class TikTokTestView(_TestEndpointView):
    platform = Platform.TIKTOK

    @_test_schema("TikTok")
    def post(self, request):
        return super().post(request)


class GoogleAdsTestView(_TestEndpointView):
    platform = Platform.GOOGLE_ADS

    @_test_schema("Google Ads")
    def post(self, request):
        return super().post(request)


class MetaTestView(_TestEndpointView):
    platform = Platform.META

    @_test_schema("Meta")
    def post(self, request):
        return super().post(request)
