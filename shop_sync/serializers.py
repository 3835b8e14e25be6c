"""Input and output shapes of the TikTok Shop API.

Inputs validate query parameters (a bad filter or date is a 400 naming the field); outputs list
their fields explicitly. Money is a decimal string next to its currency; times are ISO 8601 in
the shop's time zone (the offset says which).
"""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import SyncRunSerializer
from shop_sync.selectors import ORDER_STATUSES, PRODUCT_ORDERINGS, OrderFilters, Period, period_ending, shop_get, today_for, zone

MONEY = {"max_digits": 16, "decimal_places": 2}
DATE_FORMATS = ["%Y-%m-%d"]


# --- Query parameters ---------------------------------------------------------------------


class ShopQuerySerializer(serializers.Serializer):
    shop_id = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text="The platform's shop id; all the tenant's shops when omitted."
    )

    def shop(self, tenant):
        shop_id = self.validated_data.get("shop_id")
        return shop_get(tenant, shop_id=shop_id) if shop_id else None


class OrderFilterQuerySerializer(ShopQuerySerializer):
    order_id = serializers.CharField(required=False, allow_blank=True, max_length=32, help_text="Exact order id.")
    status = serializers.ChoiceField(choices=ORDER_STATUSES, required=False, allow_blank=True)
    brand = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Orders with a line of this brand.")
    product = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="A product id (digits), or part of a product name."
    )
    date_from = serializers.DateField(
        required=False, allow_null=True, input_formats=DATE_FORMATS, help_text="First day (YYYY-MM-DD), in the shop's time zone."
    )
    date_to = serializers.DateField(
        required=False, allow_null=True, input_formats=DATE_FORMATS, help_text="Last day included (YYYY-MM-DD), in the shop's time zone."
    )

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": ["Must be on or after date_from."]})
        return attrs

    def filters(self, tenant) -> OrderFilters:
        data = self.validated_data
        return OrderFilters(
            shop=self.shop(tenant),
            order_id=data.get("order_id", "").strip(),
            status=data.get("status", ""),
            brand=data.get("brand", "").strip(),
            product=data.get("product", "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class PeriodQuerySerializer(ShopQuerySerializer):
    days = serializers.IntegerField(required=False, default=30, min_value=1, max_value=366, help_text="Length of the period in days.")
    end = serializers.DateField(
        required=False, allow_null=True, input_formats=DATE_FORMATS, help_text="Last day of the period (YYYY-MM-DD); today by default."
    )

    def period(self, tenant, shop) -> Period:
        end = self.validated_data.get("end") or today_for(tenant, shop)
        return period_ending(end, self.validated_data["days"])


class ProductQuerySerializer(PeriodQuerySerializer):
    order_by = serializers.ChoiceField(choices=list(PRODUCT_ORDERINGS), required=False, default="gmv")
    brand = serializers.CharField(required=False, allow_blank=True, max_length=100)


class SkuQuerySerializer(PeriodQuerySerializer):
    order_by = serializers.ChoiceField(choices=list(PRODUCT_ORDERINGS), required=False, default="gmv")
    product_id = serializers.CharField(required=False, allow_blank=True, max_length=32)


def validated(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer


# --- Orders -------------------------------------------------------------------------------


class ShopLocalSerializer(serializers.Serializer):
    """Renders its datetimes in the time zone of the object's shop."""

    def to_representation(self, instance):
        from django.utils import timezone

        with timezone.override(zone(self.shop_zone(instance))):
            return super().to_representation(instance)

    def shop_zone(self, instance) -> str:
        return instance.shop.time_zone


class OrderSerializer(ShopLocalSerializer):
    order_id = serializers.CharField()
    shop_id = serializers.CharField(source="shop.shop_id")
    shop_name = serializers.CharField(source="shop.name")
    status = serializers.CharField()
    create_time = serializers.DateTimeField()
    update_time = serializers.DateTimeField()
    paid_time = serializers.DateTimeField(allow_null=True)
    currency = serializers.CharField()
    total_amount = serializers.DecimalField(**MONEY)
    units = serializers.IntegerField(help_text="Line items: the platform sends one per unit.")
    brands = serializers.CharField()
    recipient_region = serializers.CharField()


class OrderLineSerializer(serializers.Serializer):
    line_id = serializers.CharField()
    product_id = serializers.CharField()
    product_name = serializers.CharField()
    sku_id = serializers.CharField()
    sku_name = serializers.CharField()
    seller_sku = serializers.CharField()
    brand = serializers.CharField()
    currency = serializers.CharField()
    sale_price = serializers.DecimalField(**MONEY)
    original_price = serializers.DecimalField(**MONEY)
    seller_discount = serializers.DecimalField(**MONEY)
    platform_discount = serializers.DecimalField(**MONEY)
    display_status = serializers.CharField()


class OrderDetailSerializer(OrderSerializer):
    sub_total = serializers.DecimalField(**MONEY)
    shipping_fee = serializers.DecimalField(**MONEY)
    seller_discount = serializers.DecimalField(**MONEY)
    platform_discount = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY)
    buyer_user_id = serializers.CharField()
    time_zone = serializers.CharField(source="shop.time_zone")
    lines = OrderLineSerializer(many=True, source="lines_list")


class CurrencyTotalsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    orders = serializers.IntegerField(help_text="Every order in the set, cancelled ones included.")
    cancelled_orders = serializers.IntegerField()
    gmv = serializers.DecimalField(**MONEY, help_text="Sum of the totals of the orders that are not cancelled.")
    average_order_value = serializers.DecimalField(**MONEY, help_text="GMV over the orders that are not cancelled.")


class OrderStatsSerializer(serializers.Serializer):
    total_orders = serializers.IntegerField()
    by_currency = CurrencyTotalsSerializer(many=True, help_text="GMV and average order value per currency: currencies never add up.")


class StatusCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    orders = serializers.IntegerField()
    percent = serializers.FloatField()


class StatusBreakdownSerializer(serializers.Serializer):
    total_orders = serializers.IntegerField()
    statuses = StatusCountSerializer(many=True)


# --- Products -----------------------------------------------------------------------------


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()


class ProductRankSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    product_id = serializers.CharField()
    product_name = serializers.CharField()
    brand = serializers.CharField()
    currency = serializers.CharField()
    units = serializers.IntegerField()
    orders = serializers.IntegerField()
    gmv = serializers.DecimalField(**MONEY)


class SkuRankSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    product_id = serializers.CharField()
    product_name = serializers.CharField()
    sku_id = serializers.CharField()
    seller_sku = serializers.CharField()
    sku_name = serializers.CharField()
    currency = serializers.CharField()
    units = serializers.IntegerField()
    orders = serializers.IntegerField()
    gmv = serializers.DecimalField(**MONEY)


class ProductTotalsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    units = serializers.IntegerField()
    orders = serializers.IntegerField()
    gmv = serializers.DecimalField(**MONEY)
    average_unit_price = serializers.DecimalField(**MONEY)


class ProductDailySerializer(serializers.Serializer):
    day = serializers.DateField()
    currency = serializers.CharField()
    units = serializers.IntegerField()
    gmv = serializers.DecimalField(**MONEY)


class ProductSkuSerializer(serializers.Serializer):
    sku_id = serializers.CharField()
    seller_sku = serializers.CharField()
    sku_name = serializers.CharField()
    currency = serializers.CharField()
    units = serializers.IntegerField()
    orders = serializers.IntegerField()
    gmv = serializers.DecimalField(**MONEY)


class ProductAnalyticsSerializer(serializers.Serializer):
    product_id = serializers.CharField()
    product_name = serializers.CharField()
    brand = serializers.CharField()
    status = serializers.SerializerMethodField()
    period = PeriodSerializer()
    previous_period = PeriodSerializer(source="period.previous")
    totals = ProductTotalsSerializer(many=True)
    previous_totals = ProductTotalsSerializer(many=True)
    skus = ProductSkuSerializer(many=True)
    daily = ProductDailySerializer(many=True)

    def get_status(self, analytics) -> str:
        return analytics.catalog.status if analytics.catalog else ""


# --- KPIs and brands ----------------------------------------------------------------------


class ChangeSerializer(serializers.Serializer):
    current = serializers.DecimalField(**MONEY)
    previous = serializers.DecimalField(**MONEY)
    delta = serializers.DecimalField(**MONEY)
    percent = serializers.FloatField(allow_null=True, help_text="Change in percent; null when the previous value is zero.")


class CountChangeSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    previous = serializers.IntegerField()
    delta = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class KpiTotalsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    orders = serializers.IntegerField()
    units = serializers.IntegerField()
    gmv = serializers.DecimalField(**MONEY)
    cancelled_orders = serializers.IntegerField()
    average_order_value = serializers.DecimalField(**MONEY)


class KpiComparisonSerializer(serializers.Serializer):
    currency = serializers.CharField()
    orders = CountChangeSerializer()
    units = CountChangeSerializer()
    cancelled_orders = CountChangeSerializer()
    gmv = ChangeSerializer()
    average_order_value = ChangeSerializer()


class TrendCurrencySerializer(serializers.Serializer):
    currency = serializers.CharField()
    orders = serializers.IntegerField()
    units = serializers.IntegerField()
    gmv = serializers.DecimalField(**MONEY)


class TrendDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    orders = serializers.IntegerField()
    units = serializers.IntegerField()
    by_currency = TrendCurrencySerializer(many=True)


class KpiSummarySerializer(serializers.Serializer):
    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    total_orders = serializers.IntegerField()
    previous_total_orders = serializers.IntegerField()
    totals = KpiTotalsSerializer(many=True, help_text="This period, per currency.")
    previous_totals = KpiTotalsSerializer(many=True, help_text="The previous equal period, per currency.")
    comparison = KpiComparisonSerializer(many=True, help_text="This period against the previous one, per currency.")
    trend = TrendDaySerializer(many=True, help_text="One entry per day of the period, zeros included.")

    def to_representation(self, summary):
        return super().to_representation(
            {
                "period": summary.period,
                "previous_period": summary.previous_period,
                "total_orders": summary.total_orders,
                "previous_total_orders": summary.previous_total_orders,
                "totals": [summary.totals[c] for c in summary.currencies if c in summary.totals],
                "previous_totals": [summary.previous_totals[c] for c in summary.currencies if c in summary.previous_totals],
                "comparison": [{"currency": c, **summary.comparison[c]} for c in summary.currencies],
                "trend": [
                    {**day, "by_currency": [{"currency": c, **figures} for c, figures in day["by_currency"].items()]}
                    for day in summary.trend
                ],
            }
        )


class BrandRowSerializer(serializers.Serializer):
    brand = serializers.CharField()
    currency = serializers.CharField()
    orders = serializers.IntegerField()
    units = serializers.IntegerField()
    gmv = serializers.DecimalField(**MONEY)
    gmv_share = serializers.FloatField(help_text="Percent of the currency's GMV in the period.")
    previous_orders = serializers.IntegerField()
    previous_gmv = serializers.DecimalField(**MONEY)
    gmv_change = ChangeSerializer()
    orders_change = CountChangeSerializer()


class BrandBreakdownSerializer(serializers.Serializer):
    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    brands = BrandRowSerializer(many=True)


# --- Sync ---------------------------------------------------------------------------------


class SyncStartQuerySerializer(serializers.Serializer):
    shop_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="The platform's shop id. Optional when the tenant has one active shop; required (400) when it has several.",
    )


class SyncMetadataSerializer(serializers.Serializer):
    last_full_sync_at = serializers.DateTimeField(allow_null=True)
    last_incremental_sync_at = serializers.DateTimeField(allow_null=True)
    watermark = serializers.DateTimeField(allow_null=True, help_text="The next incremental sync asks for update_time ≥ watermark − 5 min.")
    orders_count = serializers.IntegerField()
    last_full_sync_orders = serializers.IntegerField()
    last_incremental_orders = serializers.IntegerField()
    last_error = serializers.CharField()


class ShopSyncStatusSerializer(serializers.Serializer):
    shop_id = serializers.CharField(source="shop.shop_id")
    shop_name = serializers.CharField(source="shop.name")
    region = serializers.CharField(source="shop.region")
    currency = serializers.CharField(source="shop.currency")
    time_zone = serializers.CharField(source="shop.time_zone")
    connection_status = serializers.CharField(source="shop.status")
    stored_orders = serializers.IntegerField()
    metadata = SyncMetadataSerializer(source="state", allow_null=True)
    running = SyncRunSerializer(allow_null=True, help_text="The running sync's progress: orders, pages, windows (parts), rate, ETA.")
    last_run = SyncRunSerializer(allow_null=True, help_text="The latest finished sync.")

    def to_representation(self, status):
        from django.utils import timezone

        with timezone.override(zone(status.shop.time_zone)):
            return super().to_representation(status)


class SyncStatusSerializer(serializers.Serializer):
    shops = ShopSyncStatusSerializer(many=True)
