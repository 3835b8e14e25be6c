"""The seed's GMV Max API, exactly as written: ``GET /api/tiktok/gmv-max`` (campaign table) and
``/api/tiktok/gmv-max/rooms`` (a campaign's live sessions, fetched on demand by a worker).

Campaigns: 200 when every day of the range is stored for the requested accounts. Otherwise the
missing days are backfilled (one sync run, a part per account × ≤ 93-day chunk) and the answer
is 202 with what is stored, the ``missing`` spans, the ``run`` and a ``poll`` URL
(``/api/tiktok/gmv-max/backfills/<id>``: 202 while it runs, 200 when done; a failed run answers
202 with the error and a ``retry`` URL to POST).

Rooms: 200 with ``liveSessions`` when stored and fresh; otherwise 202 with the fetch's state to
poll (``queued``/``running``), or ``failed`` with the upstream message and a ``retry`` URL (POST
the same query). While ONGOING rooms are refreshed the 202 also carries the last complete list
(``stale: true``). Another tenant's campaign is a 404, the same as a missing one.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from core.api.serializers import ErrorSerializer
from core.api.viewsets import TenantScopedAPIView
from core.models import Role
from gmvmax import selectors, serializers
from gmvmax.models import GmvMaxCampaign
from gmvmax.selectors import campaigns_for_query
from gmvmax.services import StatsBackfill, room_sessions_get, stats_backfill_request, stats_backfill_retry

TAG = "gmv max"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad or missing date, start after end, unknown promotion_type or shopNumber."),
    403: OpenApiResponse(ErrorSerializer, description="Your role does not allow this."),
    404: OpenApiResponse(ErrorSerializer, description="No such campaign in your tenant."),
}


def backfill_body(request, answer: StatsBackfill) -> dict:
    """The 202 parts of a campaign answer with days missing."""
    run = answer.run
    poll = reverse("gmvmax-api:backfill", args=[run.pk])
    body = {"missing": [serializers.missing_span(span) for span in answer.missing], "run": serializers.backfill_run(run), "poll": poll}
    if run.state == "failed":
        body["retry"] = poll
    return body


class _GmvMaxView(TenantScopedAPIView):
    model = GmvMaxCampaign
    read_role = Role.VIEWER
    pagination_class = None


class CampaignsView(_GmvMaxView):
    @extend_schema(
        summary="GMV Max campaigns with their figures over a date range",
        description="Summed from the stored daily report (synced by beat for recent days, backfilled on demand). "
        "`roi` is recomputed from the sums. No `liveSessions` here: see /api/tiktok/gmv-max/rooms.\n\n"
        "200 when every day of the range is stored for the requested ad accounts (each account's range ends on its own "
        "today and starts no earlier than its first campaign). Otherwise **202**: the days never fetched are backfilled "
        "from TikTok (one run for the request, a part per account × ≤ 93-day chunk, fetched in parallel; a second request "
        "joins the running one) and the answer carries what is stored (`campaigns`), the `missing` spans, the `run` and a "
        "`poll` URL. Poll it until 200, then ask again: 200 with the whole range. A failed backfill stays failed "
        "(`run.state` failed, `run.error` the platform's message, `retry` to POST) until retried.",
        parameters=[serializers.CampaignQuerySerializer],
        responses={
            200: serializers.CampaignsResponseSerializer,
            202: serializers.CampaignsPendingSerializer,
            **{code: ERRORS[code] for code in (400, 403)},
        },
        tags=[TAG],
    )
    def get(self, request):
        query = serializers.validated(serializers.CampaignQuerySerializer, request.query_params)
        rows = campaigns_for_query(request.tenant, query, live_metrics=False)
        campaigns = [serializers.campaign_row(row) for row in rows]
        answer = stats_backfill_request(
            tenant=request.tenant, start=query["startDate"], end=query["endDate"], shop_number=query.get("shopNumber")
        )
        if answer.complete:
            return Response({"campaigns": campaigns})
        return Response({"campaigns": campaigns, **backfill_body(request, answer)}, status=status.HTTP_202_ACCEPTED)


class BackfillView(_GmvMaxView):
    # Retrying a failed backfill is part of reading the table.
    write_role = Role.VIEWER

    @extend_schema(
        summary="A GMV Max stats backfill's progress",
        description="202 while it runs (and when it failed: with `retry`), 200 once done. Another tenant's run is a 404.",
        responses={200: serializers.BackfillStatusSerializer, 202: serializers.BackfillStatusSerializer, 404: ERRORS[404]},
        tags=[TAG],
    )
    def get(self, request, pk: int):
        return self.respond(selectors.stats_backfill_get(request.tenant, pk=pk))

    @extend_schema(
        summary="Retry a failed GMV Max stats backfill",
        description="Its failed parts are fetched again (no-op unless it failed); the answer is the same as GET's.",
        request=None,
        responses={200: serializers.BackfillStatusSerializer, 202: serializers.BackfillStatusSerializer, 404: ERRORS[404]},
        tags=[TAG],
    )
    def post(self, request, pk: int):
        run = selectors.stats_backfill_get(request.tenant, pk=pk)
        return self.respond(stats_backfill_retry(run=run) if run.state == "failed" else run)

    def respond(self, run):
        url = reverse("gmvmax-api:backfill", args=[run.pk])
        body = {
            "run": serializers.backfill_run(run),
            "missing": [serializers.remaining_span(p) for p in selectors.stats_backfill_remaining(run)],
        }
        if run.state in ("succeeded", "cancelled"):
            return Response(body)
        body["poll"] = url
        if run.state == "failed":
            body["retry"] = url
        return Response(body, status=status.HTTP_202_ACCEPTED)


class RoomsView(_GmvMaxView):
    # Expanding a campaign (and retrying a failed fetch) is part of reading the table.
    write_role = Role.VIEWER

    @extend_schema(
        summary="Live sessions (rooms) of one LIVE GMV MAX campaign",
        description="200 when the rooms of this campaign and range are stored and fresh. Otherwise a fetch is enqueued "
        "(one per campaign and range, however many requests) and the answer is 202 with its state: poll `poll` until 200. "
        "A failed fetch stays `failed` (with the upstream message) until retried with POST.",
        parameters=[serializers.RoomQuerySerializer],
        responses={
            200: serializers.RoomsReadySerializer,
            202: serializers.RoomsPendingSerializer,
            **{code: ERRORS[code] for code in (400, 403, 404)},
        },
        tags=[TAG],
    )
    def get(self, request):
        return self.respond(request, retry=False)

    @extend_schema(
        summary="Fetch a campaign's live sessions again (retry)",
        description="Enqueues a new fetch of the campaign's rooms for the range (no-op while one is active); 202 with its state.",
        parameters=[serializers.RoomQuerySerializer],
        request=None,
        responses={202: serializers.RoomsPendingSerializer, **{code: ERRORS[code] for code in (400, 403, 404)}},
        tags=[TAG],
    )
    def post(self, request):
        return self.respond(request, retry=True)

    def respond(self, request, *, retry: bool):
        query = serializers.validated(serializers.RoomQuerySerializer, request.query_params)
        campaign = selectors.campaign_get(request.tenant, campaign_id=query["campaignId"])
        result = room_sessions_get(tenant=request.tenant, campaign=campaign, start=query["startDate"], end=query["endDate"], retry=retry)
        if result.ready:
            return Response({"campaignId": campaign.campaign_id, "liveSessions": [serializers.live_session(s) for s in result.sessions]})
        url = (
            reverse("gmvmax-api:rooms")
            + "?"
            + urlencode(
                {"campaignId": campaign.campaign_id, "startDate": query["startDate"].isoformat(), "endDate": query["endDate"].isoformat()}
            )
        )
        fetch = serializers.fetch_body(result.run, result.part)
        body = {"campaignId": campaign.campaign_id, "status": result.status, "fetch": fetch, "poll": url}
        if result.status == "failed":
            body["retry"] = url
        if result.sessions is not None:
            body["liveSessions"] = [serializers.live_session(s) for s in result.sessions]
            body["stale"] = True
        return Response(body, status=status.HTTP_202_ACCEPTED)
