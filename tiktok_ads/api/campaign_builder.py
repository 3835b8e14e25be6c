"""The seed's TikTok campaign builder, ``/api/tiktok-campaign-builder/…`` (with or without the
trailing slash), and the launches it starts.

Launches (auto-launch, manual-launch, create-campaign) answer **202** with the launch, its steps
and ``status_url`` (``GET …/launches/<id>``); the work runs on a worker. A repeated request with
the same ``Idempotency-Key`` header (or body ``request_id``) answers with the same launch (200
once it finished, 202 while it runs); the same key with another body is a 409. A failed launch is
resumed with ``POST …/launches/<id>/resume`` from its first unfinished step.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from core.api.serializers import ErrorSerializer
from core.api.viewsets import TenantScopedAPIView
from core.exceptions import ApplicationError
from core.models import Role
from core.timezones import zone_or_utc
from tiktok_ads import selectors, services
from tiktok_ads.models import Launch, LaunchKind, LaunchState, OperationStatus
from tiktok_ads.platforms import platform_from_param
from tiktok_ads.serializers import campaign_builder as shapes

TAG = "tiktok campaign builder"
ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer, description="Invalid input: the message names the problem (budget minimum, objective, creative type, platform)."
    ),
    404: OpenApiResponse(ErrorSerializer, description="No such direction, ad account, creative, campaign or launch in your tenant."),
    409: OpenApiResponse(ErrorSerializer, description="The idempotency key was used for another request."),
    502: OpenApiResponse(ErrorSerializer, description="TikTok answered with an error."),
    503: OpenApiResponse(ErrorSerializer, description="TikTok is unavailable or throttling; retry_after says when to try again."),
}


def _errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


class _BuilderView(TenantScopedAPIView):
    model = Launch
    read_role = Role.VIEWER
    write_role = Role.ANALYST
    pagination_class = None


def _idempotency_key(request, body: dict) -> str:
    key = (request.headers.get("Idempotency-Key") or body.get("request_id") or "").strip()
    if len(key) > 100:
        raise ApplicationError("The idempotency key is at most 100 characters.", extra={"fields": {"request_id": ["Too long."]}})
    return key or f"auto:{uuid.uuid4().hex}"


def _launch_response(launch: Launch, *, created: bool = True) -> Response:
    """202 for a launch this request started, or one still under way; 200 for a finished one
    asked about again (status URL, a replayed request)."""
    body = shapes.launch_body(launch, selectors.launch_steps(launch))
    done = launch.state == LaunchState.SUCCEEDED
    return Response(body, status=status.HTTP_200_OK if done and not created else status.HTTP_202_ACCEPTED)


def _plain(value):
    """Money and ratios as strings (as the API's serializers write decimals), recursively."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _known(request, key: str) -> bool:
    return Launch.objects.for_tenant(request.tenant).filter(idempotency_key=key).exists()


def _day(query, name: str) -> date | None:
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApplicationError(f"{name} must be a date (YYYY-MM-DD), not {raw!r}.", extra={"fields": {name: ["Not a date."]}}) from None


class ManualLaunchView(_BuilderView):
    @extend_schema(
        summary="Launch creatives in a TikTok direction (manual launch)",
        description="Body: `direction_id`, `creative_ids` (video only), `daily_budget` (advertiser's currency, at least "
        "the currency's minimum), `objective` (traffic | conversions | lead_generation; default the direction's). "
        "With the direction's ad-group mode `use_existing` a paused ad group of the direction with room (< 50 ads) is "
        "enabled and gets the ads; otherwise a campaign → ad group → ads are created. 202 with the launch to poll.",
        request=shapes.ManualLaunchSerializer,
        responses={202: OpenApiResponse(description="The launch and its steps."), **_errors(400, 404, 409)},
        tags=[TAG],
    )
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        key = _idempotency_key(request, body)
        known = _known(request, key)
        direction = services.direction_for_launch(tenant=request.tenant, direction_id=body.get("direction_id"))
        data = shapes.validated(shapes.ManualLaunchSerializer, body)
        fingerprint = {k: v for k, v in body.items() if k != "request_id"}
        params = {
            "request": fingerprint,
            "creative_ids": data["creative_ids"],
            "daily_budget": data["daily_budget"],
            "objective": data.get("objective"),
            "landing_page_url": data.get("landing_page_url"),
        }
        launch = services.launch_start(
            tenant=request.tenant,
            kind=LaunchKind.MANUAL,
            ad_account=direction.ad_account,
            direction=direction,
            params=params,
            idempotency_key=key,
            requested_by=services.launch_requested_by(request),
        )
        return _launch_response(launch, created=not known)


class AutoLaunchView(_BuilderView):
    @extend_schema(
        summary="Launch a direction's ready video creatives that are not running yet",
        description="Body: `direction_id`, `limit` (default 5). Uses the direction's `tiktok_daily_budget` and "
        "`tiktok_objective`. 202 with the launch to poll.",
        request=shapes.AutoLaunchSerializer,
        responses={202: OpenApiResponse(description="The launch and its steps."), **_errors(400, 404, 409)},
        tags=[TAG],
    )
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        key = _idempotency_key(request, body)
        known = _known(request, key)
        direction = services.direction_for_launch(tenant=request.tenant, direction_id=body.get("direction_id"))
        data = shapes.validated(shapes.AutoLaunchSerializer, body)
        launch = services.auto_launch_start(
            tenant=request.tenant,
            direction=direction,
            limit=data.get("limit"),
            idempotency_key=key,
            requested_by=services.launch_requested_by(request),
            request={k: v for k, v in body.items() if k != "request_id"},
        )
        return _launch_response(launch, created=not known)


class CreateCampaignView(_BuilderView):
    @extend_schema(
        summary="Create a TikTok campaign only (and optionally its first ad group)",
        description="Body: `accountId` or `direction_id`, `objective`, `name`, `campaign_budget` (optional, campaign "
        "minimum), `with_adgroup` + `daily_budget`. 202 with the launch to poll.",
        request=shapes.CreateCampaignSerializer,
        responses={202: OpenApiResponse(description="The launch and its steps."), **_errors(400, 404, 409)},
        tags=[TAG],
    )
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        key = _idempotency_key(request, body)
        known = _known(request, key)
        data = shapes.validated(shapes.CreateCampaignSerializer, body)
        ad_account, direction = services.ad_account_for_request(
            tenant=request.tenant, account_id=data.get("accountId"), direction_id=data.get("direction_id")
        )
        if direction is not None:
            direction = services.direction_for_launch(tenant=request.tenant, direction_id=direction.pk)
        launch = services.launch_start(
            tenant=request.tenant,
            kind=LaunchKind.CREATE_CAMPAIGN,
            ad_account=ad_account,
            direction=direction,
            params={"request": {k: v for k, v in body.items() if k != "request_id"}, **data},
            idempotency_key=key,
            requested_by=services.launch_requested_by(request),
        )
        return _launch_response(launch, created=not known)


class LaunchView(_BuilderView):
    @extend_schema(
        summary="A launch's progress: its steps with state, result and error",
        description="202 while pending or running (and when failed: with `resume_url`), 200 once succeeded.",
        responses={200: OpenApiResponse(description="The launch."), 202: OpenApiResponse(description="The launch."), **_errors(404)},
        tags=[TAG],
    )
    def get(self, request, pk: int):
        return _launch_response(selectors.launch_get(tenant=request.tenant, pk=pk), created=False)


class LaunchResumeView(_BuilderView):
    @extend_schema(
        summary="Resume a failed launch from its first unfinished step",
        description="Nothing already created is created again (each step's request_id is its idempotency key). "
        "A launch that runs or succeeded is answered as it is.",
        request=None,
        responses={202: OpenApiResponse(description="The launch."), **_errors(404)},
        tags=[TAG],
    )
    def post(self, request, pk: int):
        launch = services.launch_resume(launch=selectors.launch_get(tenant=request.tenant, pk=pk))
        return _launch_response(launch, created=False)


class CampaignsView(_BuilderView):
    @extend_schema(
        summary="Stored TikTok campaigns with their live status and budget",
        parameters=[
            OpenApiParameter("accountId", int, description="Ad account id."),
            OpenApiParameter("direction_id", int),
            OpenApiParameter("platform", str, description="tiktok (facebook answers an empty list)."),
        ],
        responses={200: OpenApiResponse(description="campaigns, upstream_error"), **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = request.query_params
        try:
            platform = platform_from_param(query.get("platform"))
        except ValueError as exc:
            raise ApplicationError(str(exc), extra={"fields": {"platform": [str(exc)]}}) from None
        ad_account = direction = None
        if query.get("accountId") or query.get("direction_id"):
            ad_account, direction = services.ad_account_for_request(
                tenant=request.tenant, account_id=query.get("accountId"), direction_id=query.get("direction_id")
            )
        campaigns = selectors.campaigns_stored(tenant=request.tenant, ad_account=ad_account, direction=direction, platform=platform)
        merged, problem = services.campaigns_merged(campaigns)
        return Response(_plain({"campaigns": [shapes.campaign_row(item) for item in merged], "upstream_error": problem}))


class _CampaignStatusView(_BuilderView):
    target_status = OperationStatus.ENABLE

    def post(self, request):
        data = shapes.validated(shapes.CampaignStatusSerializer, request.data if isinstance(request.data, dict) else {})
        ad_account = None
        if data.get("accountId"):
            ad_account, _ = services.ad_account_for_request(tenant=request.tenant, account_id=data["accountId"])
        campaign = services.campaign_for_tenant(tenant=request.tenant, campaign_id=data["campaign_id"], ad_account=ad_account)
        campaign = services.campaign_status_set(campaign=campaign, status=self.target_status)
        return Response({"campaign_id": campaign.campaign_id, "status": campaign.status, "success": True})


class PauseCampaignView(_CampaignStatusView):
    target_status = OperationStatus.DISABLE

    @extend_schema(
        summary="Pause a campaign (campaign/status/update DISABLE)",
        request=shapes.CampaignStatusSerializer,
        responses={200: OpenApiResponse(description="campaign_id, status"), **_errors(400, 404, 502, 503)},
        tags=[TAG],
    )
    def post(self, request):
        return super().post(request)


class ResumeCampaignView(_CampaignStatusView):
    target_status = OperationStatus.ENABLE

    @extend_schema(
        summary="Resume a campaign (campaign/status/update ENABLE)",
        request=shapes.CampaignStatusSerializer,
        responses={200: OpenApiResponse(description="campaign_id, status"), **_errors(400, 404, 502, 503)},
        tags=[TAG],
    )
    def post(self, request):
        return super().post(request)


class ReportView(_BuilderView):
    @extend_schema(
        summary="Spend, impressions, clicks, CTR, CPC, leads and cost per lead per campaign (or ad) and day",
        description="report/integrated/get at AUCTION_CAMPAIGN (`level=campaign`) or AUCTION_AD (`level=ad`) for the "
        "stored campaigns of the ad account (or direction); ranges longer than 30 days are split into several calls. "
        "Days in the advertiser's time zone; default the last 7 days.",
        parameters=[
            OpenApiParameter("accountId", int),
            OpenApiParameter("direction_id", int),
            OpenApiParameter("level", str, description="campaign (default) or ad"),
            OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
        ],
        responses={200: OpenApiResponse(description="rows, totals"), **_errors(400, 404, 502, 503)},
        tags=[TAG],
    )
    def get(self, request):
        query = request.query_params
        ad_account, direction = services.ad_account_for_request(
            tenant=request.tenant, account_id=query.get("accountId"), direction_id=query.get("direction_id")
        )
        advertiser = services.advertiser_of(ad_account)
        today = datetime.now(zone_or_utc(advertiser.time_zone)).date()
        end = _day(query, "date_to") or today
        start = _day(query, "date_from") or end - timedelta(days=6)
        campaigns = [
            c
            for c in selectors.campaigns_stored(tenant=request.tenant, ad_account=ad_account, direction=direction)
            if c.advertiser_id == advertiser.pk
        ]
        report = services.campaign_report(
            advertiser=advertiser, level=query.get("level") or "campaign", start=start, end=end, campaigns=campaigns
        )
        return Response(_plain({**report, "currency": advertiser.currency, "ad_account_id": ad_account.pk}))


class AvailableCreativesView(_BuilderView):
    @extend_schema(
        summary="Video creatives of the ad account that TikTok can run",
        description="READY video creatives with a `tiktok_video_id`, or a `media_url` to upload first (`needs_upload`).",
        parameters=[OpenApiParameter("accountId", int), OpenApiParameter("direction_id", int)],
        responses={200: OpenApiResponse(description="creatives"), **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = request.query_params
        ad_account, direction = services.ad_account_for_request(
            tenant=request.tenant, account_id=query.get("accountId"), direction_id=query.get("direction_id")
        )
        creatives = selectors.creatives_available(tenant=request.tenant, ad_account=ad_account, direction=direction)
        return Response({"creatives": [shapes.creative_row(c) for c in creatives], "ad_account_id": ad_account.pk})


class AdvertiserInfoView(_BuilderView):
    @extend_schema(
        summary="The ad account's TikTok advertiser: name, currency, time zone, balance, status, minimum daily budget",
        parameters=[OpenApiParameter("accountId", int), OpenApiParameter("direction_id", int)],
        responses={200: OpenApiResponse(description="advertiser info"), **_errors(400, 404, 502, 503)},
        tags=[TAG],
    )
    def get(self, request):
        query = request.query_params
        ad_account, _ = services.ad_account_for_request(
            tenant=request.tenant, account_id=query.get("accountId"), direction_id=query.get("direction_id")
        )
        return Response(
            _plain({**services.advertiser_info_get(advertiser=services.advertiser_of(ad_account)), "ad_account_id": ad_account.pk})
        )
