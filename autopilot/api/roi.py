"""``GET /api/roi``: ROI of one platform over a date range, grouped by direction, creative or day,
in the tenant's reporting currency (dated FX rates; amounts without a rate come back natively)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from autopilot import selectors
from autopilot.models import CreativeMetricDay
from core.api.serializers import ErrorSerializer
from core.api.viewsets import TenantScopedAPIView
from core.dateranges import date_range_resolve
from core.errors import CoreError
from core.exceptions import ApplicationError
from core.formatting import current_zone
from core.models import Role
from tiktok_ads.selectors import ad_account_get

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(f"{field}: {message}", code=CoreError.INVALID, extra={"fields": {field: [message]}})


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _native(money) -> dict[str, str]:
    return {currency: _money(amount) for currency, amount in money.unconverted_items}


def _row(row) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "spend": _money(row.spend.value),
        "spendWithoutRate": _native(row.spend),
        "impressions": row.impressions,
        "clicks": row.clicks,
        "leads": row.leads,
        "storedLeads": row.stored_leads,
        "cpl": _money(row.cpl),
        "purchases": row.purchases,
        "revenue": _money(row.revenue.value),
        "revenueWithoutRate": _native(row.revenue),
        "roi": None if row.roi is None else str(row.roi.quantize(RATIO, rounding=ROUND_HALF_UP)),
    }


class RoiRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="direction:<id> | direction:none | creative:<id> | ad:<ad id> | YYYY-MM-DD")
    label = serializers.CharField()
    spend = serializers.DecimalField(max_digits=20, decimal_places=2, coerce_to_string=True, help_text="In the reporting currency.")
    spendWithoutRate = serializers.DictField(child=serializers.CharField(), help_text="Spend in currencies with no rate, natively.")
    impressions = serializers.IntegerField()
    clicks = serializers.IntegerField()
    leads = serializers.IntegerField(help_text="As the platform counted them.")
    storedLeads = serializers.IntegerField(help_text="Leads received in this product.")
    cpl = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    purchases = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=20, decimal_places=2)
    revenueWithoutRate = serializers.DictField(child=serializers.CharField())
    roi = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        allow_null=True,
        help_text="(revenue − spend) / spend; null without spend or with an amount that has no rate.",
    )


class RevenueLineSerializer(serializers.Serializer):
    revenue = serializers.DecimalField(max_digits=20, decimal_places=2)
    revenueWithoutRate = serializers.DictField(child=serializers.CharField())
    count = serializers.IntegerField(help_text="Purchases (unattributed) or orders (shop).")


class RoiResponseSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=["facebook", "tiktok"], help_text="The stored platform (instagram reads as facebook).")
    uiPlatform = serializers.ChoiceField(choices=["instagram", "tiktok"])
    currency = serializers.CharField(help_text="The tenant's reporting currency.")
    fromDate = serializers.DateField()  # renamed to "from" below (a keyword in Python)
    to = serializers.DateField()
    groupBy = serializers.ChoiceField(choices=list(selectors.GROUPS))
    accountId = serializers.IntegerField(allow_null=True)
    totals = RoiRowSerializer()
    rows = RoiRowSerializer(many=True)
    unattributed = RevenueLineSerializer(help_text="Purchases matched to no lead (every platform): in no ROI.")
    shopRevenue = RevenueLineSerializer(allow_null=True, help_text="TikTok Shop GMV (TikTok only), not spread over creatives.")
    missingRates = serializers.ListField(child=serializers.CharField(), help_text="Currencies with no rate to the reporting currency.")


RoiResponseSerializer._declared_fields["from"] = RoiResponseSerializer._declared_fields.pop("fromDate")


class RoiView(TenantScopedAPIView):
    model = CreativeMetricDay
    read_role = Role.VIEWER
    pagination_class = None

    @extend_schema(
        summary="ROI by direction, creative or day",
        description="Spend, impressions, clicks, leads, purchases, revenue and ROI of one platform over a date range, in "
        "the tenant's reporting currency: every amount converts at the dated FX rate of its own day (Settings → Workspace); "
        "an amount whose currency has no rate is returned natively (`…WithoutRate`), listed in `missingRates`, and leaves "
        "`roi` null. Revenue is purchases attributed to a stored lead (same ttclid, else same hashed email, else phone); "
        "purchases matched to no lead are `unattributed`.",
        parameters=[
            OpenApiParameter(
                "platform", OpenApiTypes.STR, enum=["instagram", "tiktok", "facebook"], description="Default tiktok; instagram = facebook."
            ),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (tenant's zone); default 30 days before `to`."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day included; default today."),
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=list(selectors.GROUPS), description="Default direction."),
            OpenApiParameter("accountId", OpenApiTypes.INT, description="One ad account (another workspace's is a 404)."),
        ],
        responses={
            200: RoiResponseSerializer,
            400: OpenApiResponse(ErrorSerializer, description="A bad platform, date, group_by or accountId (named in `fields`)."),
            404: OpenApiResponse(ErrorSerializer, description="No such ad account in your workspace."),
        },
        tags=["autopilot"],
    )
    def get(self, request):
        params = request.query_params
        try:
            platform = selectors.db_platform(params.get("platform") or "tiktok")
        except ValueError:
            raise _invalid("platform", "Pick instagram, tiktok or facebook.") from None
        group_by = (params.get("group_by") or "direction").strip()
        if group_by not in selectors.GROUPS:
            raise _invalid("group_by", f"Pick one of: {', '.join(selectors.GROUPS)}.")
        account_id = None
        raw_account = (params.get("accountId") or "").strip()
        if raw_account:
            if not raw_account.isdigit():
                raise _invalid("accountId", "Must be an ad account id (a number).")
            account_id = ad_account_get(request.tenant, raw_account, field="accountId").pk
        dates = {"from": params.get("from") or "", "to": params.get("to") or ""}
        date_range = date_range_resolve({**dates, "range": "custom"}, zone=current_zone(), aliases=("from", "to"))
        report = selectors.roi_report(
            request.tenant, platform=platform, start=date_range.start, end=date_range.end, ad_account_id=account_id
        )
        shop = report.shop_revenue
        return Response(
            {
                "platform": report.platform,
                "uiPlatform": report.ui_platform,
                "currency": report.currency,
                "from": report.start.isoformat(),
                "to": report.end.isoformat(),
                "groupBy": group_by,
                "accountId": account_id,
                "totals": _row(report.totals),
                "rows": [_row(row) for row in report.rows(group_by)],
                "unattributed": {
                    "revenue": _money(report.unattributed.value),
                    "revenueWithoutRate": _native(report.unattributed),
                    "count": report.unattributed_purchases,
                },
                "shopRevenue": None
                if shop is None
                else {"revenue": _money(shop.value), "revenueWithoutRate": _native(shop), "count": report.shop_orders},
                "missingRates": report.missing_rates,
            }
        )
