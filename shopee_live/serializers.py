"""Input and output shapes of the seed's Shopee Live API (its field names, snake_case).

Inputs validate the query string or the JSON body: a bad value is a 400 naming the field,
nothing changed. Money goes out as JSON numbers in the account's currency, rounded to its minor
unit (IDR and VND whole), next to a ``currency`` field; times are ISO 8601 in the account's
region's time zone (the offset says which). Ratios are strings as the seed writes them:
``conversion_rate`` "0.15", ``roi_percentage`` "1.5x".
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import segno
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import mask_secret
from core.money import minor_units, money_quantize
from core.timezones import zone_or_utc
from shopee_live.models import Region, SessionStatus
from shopee_live.regions import market, share_link
from shopee_live.selectors import ANALYTICS_MAX_DAYS, SESSION_LIST_LIMIT

DATE_FORMATS = ["%Y-%m-%d"]


def validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Numbers as the seed writes them --------------------------------------------------------


def money_number(amount, currency: str) -> int | float:
    """``amount`` as a JSON number in ``currency``'s minor unit (whole rupiah and dong)."""
    value = money_quantize(amount or 0, currency)
    return int(value) if minor_units(currency) == 0 else float(value)


def ratio_text(value: Decimal | None) -> str:
    """A rate as the seed writes it: "0.15", "0.0312" (up to 4 places, at least 2); "0.00"
    when there is nothing to divide by."""
    if value is None:
        return "0.00"
    text = f"{value.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP):f}".rstrip("0")
    whole, _, places = text.partition(".")
    return f"{whole}.{places.ljust(2, '0')}"


def roi_text(value: Decimal | None) -> str | None:
    """Revenue per unit of spend as the seed writes it, "1.5x"; None without spend."""
    if value is None:
        return None
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}x"


def upstream_body(value, currency: str):
    """A service's answer as JSON: each Decimal a number in the currency of the nearest
    enclosing dict that names one (else ``currency``)."""
    if isinstance(value, dict):
        currency = value.get("currency") or currency
        return {key: upstream_body(item, currency) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [upstream_body(item, currency) for item in value]
    if isinstance(value, Decimal):
        return money_number(value, currency)
    return value


def success_body(answer: dict, currency: str) -> dict:
    """The seed's envelope of several reads: ``{"status": "success", "data": {...}}``."""
    return {"status": "success", "data": upstream_body(answer, currency)}


@extend_schema_field(OpenApiTypes.NUMBER)
class MoneyField(serializers.Field):
    """A Decimal attribute as a number in the currency of the object's ``currency``."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return super().get_attribute(instance), getattr(instance, "currency", "")

    def to_representation(self, value):
        amount, currency = value
        return money_number(amount, currency)


# --- Query parameters and bodies ------------------------------------------------------------


class AccountRefSerializer(serializers.Serializer):
    """How a request names one of the tenant's Shopee accounts (query string or body)."""

    shopee_account_id = serializers.IntegerField(required=False, min_value=1, help_text="The account's id in this product.")
    access_token = serializers.CharField(
        required=False,
        max_length=512,
        trim_whitespace=True,
        help_text="Accepted only to name a stored account (compared with the stored tokens); never sent to Shopee.",
    )

    def validate(self, attrs):
        if not attrs.get("shopee_account_id") and not attrs.get("access_token"):
            raise serializers.ValidationError({"shopee_account_id": ["Give shopee_account_id (or access_token)."]})
        return attrs


class SessionListQuerySerializer(serializers.Serializer):
    studio_id = serializers.IntegerField(required=False, min_value=1)
    shopee_account_id = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=SessionStatus.values, required=False, allow_blank=True)
    skip = serializers.IntegerField(required=False, default=0, min_value=0)
    limit = serializers.IntegerField(required=False, default=SESSION_LIST_LIMIT, min_value=1, help_text="At most 500 (more reads as 500).")


class SessionCreateSerializer(serializers.Serializer):
    studio_id = serializers.IntegerField(min_value=1)
    shopee_account_id = serializers.IntegerField(min_value=1)
    session_id = serializers.RegexField(r"^[A-Za-z0-9_.:-]+$", max_length=64, help_text="Shopee's session id.")
    session_name = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    streamer_id = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    streamer_name = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")


class SessionSyncSerializer(AccountRefSerializer):
    session_id = serializers.RegexField(r"^[A-Za-z0-9_.:-]+$", max_length=64)
    studio_id = serializers.IntegerField(min_value=1)


class CreatorSessionListQuerySerializer(AccountRefSerializer):
    page = serializers.IntegerField(required=False, default=1, min_value=1)
    page_size = serializers.IntegerField(required=False, default=10, min_value=1, max_value=100)


class PromotionEditSerializer(serializers.Serializer):
    promotion_id = serializers.CharField(max_length=64)
    name = serializers.CharField(required=False, max_length=200)
    budget = serializers.DecimalField(
        required=False, max_digits=16, decimal_places=2, min_value=Decimal(0), help_text="In the account's currency; 0 or more."
    )

    def validate(self, attrs):
        if "name" not in attrs and "budget" not in attrs:
            raise serializers.ValidationError({"budget": ["Give a new name or budget."]})
        return attrs


class ItemPromotionQuerySerializer(AccountRefSerializer):
    offset = serializers.IntegerField(required=False, default=0, min_value=0)
    limit = serializers.IntegerField(required=False, default=50, min_value=1, max_value=100)


class CoinStartSerializer(serializers.Serializer):
    total_coins = serializers.IntegerField(min_value=1, max_value=10_000_000)
    distribution_mode = serializers.ChoiceField(choices=["random", "equal"], default="random")


class CoinGiveoutSerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=10_000_000, help_text="Coins per recipient.")
    recipient_count = serializers.IntegerField(min_value=1, max_value=100_000)


class ShopStatusQuerySerializer(AccountRefSerializer):
    uid = serializers.CharField(max_length=32, help_text="The Shopee user id whose live status to check.")


class QrGenerateSerializer(serializers.Serializer):
    studio_id = serializers.IntegerField(min_value=1)
    region = serializers.ChoiceField(choices=Region.values)


class QrCodeSerializer(serializers.Serializer):
    qrcode_id = serializers.CharField(max_length=200)


class ScopeQuerySerializer(serializers.Serializer):
    studio_id = serializers.IntegerField(required=False, min_value=1)
    shopee_account_id = serializers.IntegerField(required=False, min_value=1)


class AnalyticsQuerySerializer(ScopeQuerySerializer):
    start_date = serializers.DateField(
        required=False, input_formats=DATE_FORMATS, help_text="First day (YYYY-MM-DD); 29 days before end_date by default."
    )
    end_date = serializers.DateField(
        required=False, input_formats=DATE_FORMATS, help_text="Last day included (YYYY-MM-DD); today by default."
    )

    def validate(self, attrs):
        end = attrs.get("end_date") or timezone.localdate()
        start = attrs.get("start_date") or end - timedelta(days=29)
        if start > end:
            raise serializers.ValidationError({"start_date": ["Must be on or before end_date."]})
        if (end - start).days + 1 > ANALYTICS_MAX_DAYS:
            raise serializers.ValidationError({"end_date": [f"At most {ANALYTICS_MAX_DAYS} days from start_date."]})
        return {**attrs, "start_date": start, "end_date": end}


class AnalyticsSummaryQuerySerializer(ScopeQuerySerializer):
    days = serializers.IntegerField(required=False, default=30, min_value=1, max_value=ANALYTICS_MAX_DAYS)


class ProductUrlQuerySerializer(serializers.Serializer):
    shop_id = serializers.RegexField(r"^\d{1,20}$", help_text="Shopee's shop id.")
    item_id = serializers.RegexField(r"^[A-Za-z0-9_-]{1,32}$", help_text="Shopee's item id.")
    region = serializers.ChoiceField(
        choices=Region.values, required=False, help_text="When none of your accounts has this shop_id (default ID)."
    )


# --- Sessions -------------------------------------------------------------------------------


class RegionLocalSerializer(serializers.Serializer):
    """Renders its datetimes in the time zone of the session's account's region."""

    def to_representation(self, instance):
        with timezone.override(zone_or_utc(market(instance.account.region).time_zone)):
            return super().to_representation(instance)


class SessionSerializer(RegionLocalSerializer):
    id = serializers.IntegerField()
    session_id = serializers.CharField()
    session_name = serializers.CharField()
    status = serializers.CharField(help_text="initial, ongoing or ended.")
    source = serializers.CharField(help_text="sync, manual or import.")
    studio_id = serializers.IntegerField()
    studio_name = serializers.CharField(source="studio.name")
    shopee_account_id = serializers.IntegerField(source="account_id")
    account_name = serializers.CharField(source="account.name")
    region = serializers.CharField(source="account.region")
    currency = serializers.CharField()
    streamer_id = serializers.CharField(source="host.streamer_id", default=None)
    streamer_name = serializers.CharField(source="host.name", default=None)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    duration_seconds = serializers.IntegerField()
    total_viewers = serializers.IntegerField(help_text="Unique viewers.")
    total_views = serializers.IntegerField()
    current_viewers = serializers.IntegerField(help_text="Concurrent viewers at the last sync.")
    peak_viewers = serializers.IntegerField()
    engaged_viewers = serializers.IntegerField()
    total_orders = serializers.IntegerField()
    total_revenue = MoneyField(help_text="Placed GMV.")
    confirmed_orders = serializers.IntegerField()
    confirmed_revenue = MoneyField()
    items_sold = serializers.IntegerField()
    add_to_cart = serializers.IntegerField()
    product_clicks = serializers.IntegerField()
    total_comments = serializers.IntegerField()
    total_likes = serializers.IntegerField()
    total_shares = serializers.IntegerField()
    new_followers = serializers.IntegerField()
    campaign_id = serializers.CharField()
    campaign_budget = MoneyField()
    campaign_spent = MoneyField()
    coins_distributed = serializers.IntegerField()
    coins_claimed = serializers.IntegerField()
    coin_total_value = MoneyField()
    is_final = serializers.BooleanField(help_text="An ended session whose figures have settled.")
    synced_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class SessionItemSerializer(serializers.Serializer):
    item_id = serializers.CharField()
    shop_id = serializers.CharField()
    product_name = serializers.CharField()
    live_price = MoneyField()
    original_price = MoneyField()
    discount_percentage = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    item_clicks = serializers.IntegerField()
    add_to_cart = serializers.IntegerField()
    quantity_sold = serializers.IntegerField()
    revenue = MoneyField()
    total_commission = MoneyField()


class SessionDetailSerializer(SessionSerializer):
    """One session with the seed's dashboard overview folded in, its items and freshness."""

    average_order_value = MoneyField()
    conversion_rate = serializers.CharField(help_text='Orders ÷ unique viewers, e.g. "0.03".')
    share_link = serializers.URLField()
    items = SessionItemSerializer(many=True)
    stale = serializers.BooleanField(help_text="True when the figures are older than a minute and could not be refreshed.")
    age_seconds = serializers.IntegerField(allow_null=True, help_text="Seconds since the figures were read from Shopee.")
    stale_reason = serializers.CharField(help_text="Why they could not be refreshed (empty when fresh).")


def session_detail_body(read, items) -> dict:
    """``SessionDetailSerializer``'s shape for a ``services.SessionRead`` and the session's items."""
    session = read.session
    orders, viewers = session.total_orders, session.total_viewers
    return {
        **SessionSerializer(session).data,
        "average_order_value": money_number(session.total_revenue / orders if orders else 0, session.currency),
        "conversion_rate": ratio_text(Decimal(orders) / Decimal(viewers) if viewers else None),
        "share_link": share_link(region=session.account.region, session_id=session.session_id, share_user_id=session.account.user_id),
        "items": SessionItemSerializer([_with_currency(item, session.currency) for item in items], many=True).data,
        "stale": read.stale,
        "age_seconds": read.age_seconds,
        "stale_reason": read.stale_reason,
    }


def _with_currency(item, currency: str):
    item.currency = currency
    return item


class SessionSyncResultSerializer(serializers.Serializer):
    class Figures(serializers.Serializer):
        total_viewers = serializers.IntegerField()
        total_orders = serializers.IntegerField()
        total_revenue = serializers.FloatField()
        currency = serializers.CharField()
        synced_at = serializers.DateTimeField()

    status = serializers.CharField(default="success")
    session_id = serializers.CharField()
    data = Figures()


# --- Analytics ------------------------------------------------------------------------------


def figures_body(figures) -> dict:
    currency = figures.currency
    return {
        "total_sessions": figures.sessions,
        "total_revenue": money_number(figures.revenue, currency),
        "total_viewers": figures.viewers,
        "total_orders": figures.orders,
        "average_order_value": money_number(figures.average_order_value, currency),
        "conversion_rate": ratio_text(figures.conversion_rate),
        "campaign_spent": money_number(figures.campaign_spent, currency),
        "roi_percentage": roi_text(figures.roi),
        "currency": currency,
        "missing_rates": sorted(figures.missing_rates),
    }


def analytics_day_body(day) -> dict:
    return {"date": day.day.isoformat(), **figures_body(day)}


def analytics_summary_body(summary) -> dict:
    return {"period_days": summary.period_days, **figures_body(summary)}


class AnalyticsFiguresSerializer(serializers.Serializer):
    total_sessions = serializers.IntegerField()
    total_revenue = serializers.FloatField()
    total_viewers = serializers.IntegerField()
    total_orders = serializers.IntegerField()
    average_order_value = serializers.FloatField(help_text="Revenue ÷ orders.")
    conversion_rate = serializers.CharField(help_text='Orders ÷ viewers, e.g. "0.15".')
    campaign_spent = serializers.FloatField()
    roi_percentage = serializers.CharField(allow_null=True, help_text='Revenue ÷ campaign spend, e.g. "1.5x"; null without spend.')
    currency = serializers.CharField(help_text="The scope's currency, or the reporting currency when its accounts sell in several.")
    missing_rates = serializers.ListField(child=serializers.CharField(), help_text="Currencies left out for want of an FX rate.")


class AnalyticsDaySerializer(AnalyticsFiguresSerializer):
    date = serializers.DateField()


class AnalyticsSummarySerializer(AnalyticsFiguresSerializer):
    period_days = serializers.IntegerField()


# --- Shapes of the upstream answers (documentation; the views pass them through) -----------------


class StatusDataSerializer(serializers.Serializer):
    status = serializers.CharField(default="success")
    data = serializers.DictField()


class QrCodeAnswerSerializer(serializers.Serializer):
    qrcode_id = serializers.CharField()
    qrcode_image = serializers.CharField(help_text="data:image/png;base64,… to put in an <img>.")
    expires_at = serializers.DateTimeField()
    status = serializers.CharField()


class QrStatusAnswerSerializer(serializers.Serializer):
    qrcode_id = serializers.CharField()
    status = serializers.CharField(help_text="NEW, SCANNED, CONFIRMED, EXPIRED or CANCELED.")
    message = serializers.CharField()
    shopee_account_id = serializers.IntegerField(allow_null=True, help_text="The connected account once CONFIRMED.")
    expires_at = serializers.DateTimeField()


class QrLoginAnswerSerializer(serializers.Serializer):
    status = serializers.CharField(default="success")
    shopee_account_id = serializers.IntegerField()
    access_token = serializers.CharField(help_text="Masked (••••••••abcd): the product never hands out Shopee credentials.")
    shop_id = serializers.CharField()
    user_id = serializers.CharField()
    username = serializers.CharField()
    region = serializers.CharField()


def qr_code_body(qr_login, link: str) -> dict:
    """A new login QR: the code, its image (a PNG data URI rendered here) and when it expires."""
    image = segno.make(link, error="m").png_data_uri(scale=6, border=2)
    return {"qrcode_id": qr_login.qrcode_id, "qrcode_image": image, "expires_at": qr_login.expires_at, "status": qr_login.status}


def qr_status_body(qr_login) -> dict:
    return {
        "qrcode_id": qr_login.qrcode_id,
        "status": qr_login.status,
        "message": qr_login.message,
        "shopee_account_id": qr_login.account_id,
        "expires_at": qr_login.expires_at,
    }


def qr_login_body(account) -> dict:
    """The connected account; its Seller Center session is shown masked, never handed out."""
    return {
        "status": "success",
        "shopee_account_id": account.pk,
        "access_token": mask_secret(account.web_session),
        "shop_id": account.shop_id,
        "user_id": account.user_id,
        "username": account.name,
        "region": account.region,
    }


class ShareLinkSerializer(serializers.Serializer):
    share_link = serializers.URLField()


class ProductUrlSerializer(serializers.Serializer):
    product_url = serializers.URLField()
    region = serializers.CharField()
