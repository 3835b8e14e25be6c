"""Brain API: ``POST /api/brain/run-tiktok`` queues a brain run of one ad account (202 with the
run and its status URL); ``GET /api/brain/runs/<id>`` is the run with its job's progress."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from autopilot import serializers
from autopilot.models import BrainRun, RunTrigger
from autopilot.selectors.brain import brain_run_get
from autopilot.services.brain import brain_run_start
from core.api.serializers import ErrorSerializer
from core.api.viewsets import TenantScopedAPIView
from core.exceptions import ApplicationError
from core.models import Role

TAG = "autopilot"


def _actor(request) -> str:
    """Who asked: the user's name, or ``api key <name>`` for an API-key request."""
    api_key = getattr(request.user, "api_key", None)
    if api_key is not None:
        return f"api key {api_key.name}"
    return request.user.get_username()


class _BrainView(TenantScopedAPIView):
    model = BrainRun
    read_role = Role.VIEWER
    write_role = Role.ANALYST
    pagination_class = None


class RunTikTokView(_BrainView):
    serializer_class = serializers.RunTikTokRequestSerializer

    @extend_schema(
        summary="Run the TikTok brain for one ad account",
        description=(
            "Queues a brain run: collect the last 7 days of ad figures, score the ad groups, propose actions and, when the "
            "account's autopilot_tiktok is on and the data fresh, dispatch them; then the report. Answers 202 with the run; "
            "poll status_url. 409 while a run of the account is queued or running (the body names it)."
        ),
        request=serializers.RunTikTokRequestSerializer,
        responses={
            202: serializers.BrainRunAnswerSerializer,
            400: OpenApiResponse(ErrorSerializer, description="No accountId, or the ad account has no TikTok advertiser."),
            403: OpenApiResponse(ErrorSerializer, description="Your role does not allow this (analyst or above)."),
            404: OpenApiResponse(ErrorSerializer, description="No such ad account in your tenant."),
            409: OpenApiResponse(ErrorSerializer, description="A brain run of this ad account is already queued or running."),
        },
        tags=[TAG],
    )
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        field = "accountId" if data.get("accountId") not in (None, "") else "ad_account_id"
        account_id = data.get(field)
        if account_id in (None, ""):
            raise ApplicationError("accountId: required.", extra={"fields": {"accountId": ["This field is required."]}})
        run = brain_run_start(
            tenant=request.tenant, ad_account_id=account_id, trigger=RunTrigger.MANUAL, requested_by=_actor(request), field=field
        )
        run = brain_run_get(request.tenant, run.pk)
        return Response({"success": True, "run": serializers.brain_run(run)}, status=status.HTTP_202_ACCEPTED)


class RunView(_BrainView):
    @extend_schema(
        summary="A brain run and its progress",
        responses={
            200: serializers.BrainRunAnswerSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such run in your tenant."),
        },
        tags=[TAG],
    )
    def get(self, request, pk):
        run = brain_run_get(request.tenant, pk)
        return Response({"success": True, "run": serializers.brain_run(run)})
