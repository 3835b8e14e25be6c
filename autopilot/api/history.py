"""The seed's ``GET /api/autopilot/executions`` (brain runs) and ``GET /api/autopilot/reports``
(campaign reports), newest first and paginated (``page``, ``page_size``), filtered by
``platform`` (facebook | instagram | tiktok; instagram = facebook) and ``accountId`` (our ad account
id; another workspace's is a 404). The seed's ``userAccountId`` and ``telegramId`` are accepted and
ignored: the rows are always the caller's workspace's."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from autopilot import selectors
from autopilot.models import BrainRun, CampaignReport, Health, ProposalState, ProposedAction
from core.api.pagination import DefaultPagination
from core.api.viewsets import TenantScopedAPIView
from core.models import Role

TAG = "autopilot"


class ProposedActionSerializer(serializers.ModelSerializer):
    # Plain strings (not enums) in the schema: other apps' serializers name fields "state" too.
    state = serializers.CharField(read_only=True, help_text="proposed | held | succeeded | failed | invalid")

    class Meta:
        model = ProposedAction
        fields = [
            "position",
            "action",
            "params",
            "rule",
            "reason",
            "adgroup_id",
            "diff",
            "state",
            "request_id",
            "action_record_id",
            "error",
            "dispatched_at",
        ]


class ExecutionSerializer(serializers.ModelSerializer):
    platform = serializers.CharField(read_only=True, help_text="facebook | tiktok")
    trigger = serializers.CharField(read_only=True, help_text="manual | schedule")
    mode = serializers.CharField(read_only=True, help_text="report_only | autopilot")
    state = serializers.CharField(read_only=True, help_text="queued | running | succeeded | failed")
    ad_account_name = serializers.SerializerMethodField()
    health = serializers.SerializerMethodField()
    action_counts = serializers.SerializerMethodField()
    actions = ProposedActionSerializer(many=True, read_only=True)

    class Meta:
        model = BrainRun
        fields = [
            "id",
            "platform",
            "ad_account_id",
            "ad_account_name",
            "trigger",
            "mode",
            "state",
            "correlation_id",
            "batch_id",
            "window_start",
            "window_end",
            "data_as_of",
            "summary",
            "stats",
            "stale_reason",
            "error",
            "health",
            "action_counts",
            "actions",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_ad_account_name(self, run) -> str:
        return run.ad_account.name if run.ad_account_id and run.ad_account else ""

    def get_health(self, run) -> dict[str, int]:
        return {health: getattr(run, f"health_{health}", 0) for health in Health.values}

    def get_action_counts(self, run) -> dict[str, int]:
        return {state: getattr(run, f"actions_{state}", 0) for state in ProposalState.values}


class ReportSerializer(serializers.ModelSerializer):
    platform = serializers.CharField(read_only=True, help_text="facebook | tiktok")

    class Meta:
        model = CampaignReport
        fields = ["id", "run_id", "platform", "ad_account_id", "report_text", "report_data", "created_at"]


FILTERS = [
    OpenApiParameter("platform", str, enum=["facebook", "instagram", "tiktok"], description="instagram = facebook; anything else is a 400"),
    OpenApiParameter("accountId", int, description="Our ad account id (another workspace's: 404; not a number: 400)"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


def _filters(request) -> dict:
    return {
        "platform": selectors.platform_param(request.query_params.get("platform")),
        "ad_account_id": selectors.account_param(request.tenant, request.query_params.get("accountId")),
    }


class ExecutionsView(TenantScopedAPIView):
    model = BrainRun
    read_role = Role.VIEWER
    serializer_class = ExecutionSerializer
    pagination_class = DefaultPagination

    @extend_schema(
        summary="Brain runs (the seed's brain_executions), newest first, with their proposed actions and dry-run diffs",
        parameters=[*FILTERS, OpenApiParameter("userAccountId", str, description="Accepted for the seed's clients and ignored")],
        responses=ExecutionSerializer(many=True),
        tags=[TAG],
    )
    def get(self, request):
        rows = selectors.runs_list(request.tenant, with_actions=True, **_filters(request))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ExecutionSerializer(page, many=True).data)


class ReportsView(TenantScopedAPIView):
    model = CampaignReport
    read_role = Role.VIEWER
    serializer_class = ReportSerializer
    pagination_class = DefaultPagination

    @extend_schema(
        summary="Campaign reports (Telegram HTML), newest first",
        parameters=[*FILTERS, OpenApiParameter("telegramId", str, description="Accepted for the seed's clients and ignored")],
        responses=ReportSerializer(many=True),
        tags=[TAG],
    )
    def get(self, request):
        rows = selectors.reports_list(request.tenant, **_filters(request))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ReportSerializer(page, many=True).data)
