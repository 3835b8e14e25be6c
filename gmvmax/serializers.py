"""Input and output shapes of the GMV Max API (the seed's field names, camelCase).

Inputs validate the query string (a bad date, a start after the end, an unknown promotion type
are 400s naming the parameter). Outputs are documented here and built as plain dicts by the
views: the campaign table can hold a thousand rows and must answer in a few milliseconds.
Numbers are JSON numbers (money with 2 decimals, in the ad account's currency).
"""

from __future__ import annotations

from rest_framework import serializers

from gmvmax.models import PromotionType

DATE_FORMATS = ["%Y-%m-%d"]


def validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RangeQuerySerializer(serializers.Serializer):
    startDate = serializers.DateField(input_formats=DATE_FORMATS, help_text="First day (YYYY-MM-DD), in each ad account's time zone.")
    endDate = serializers.DateField(
        input_formats=DATE_FORMATS,
        help_text="Last day included (YYYY-MM-DD). Ranges over 93 days work: stored data is read, backfills are split upstream.",
    )

    def validate(self, attrs):
        if attrs["startDate"] > attrs["endDate"]:
            raise serializers.ValidationError({"startDate": ["startDate must be on or before endDate."]})
        return attrs


class CampaignQuerySerializer(RangeQuerySerializer):
    promotion_type = serializers.ChoiceField(
        choices=PromotionType.values,
        error_messages={"invalid_choice": "Unknown promotion_type {input!r}: use PRODUCT_GMV_MAX or LIVE_GMV_MAX."},
    )
    shopNumber = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="The tenant's shop number (1, 2, …); every shop when omitted."
    )


class RoomQuerySerializer(RangeQuerySerializer):
    campaignId = serializers.CharField(max_length=32, help_text="The platform's campaign id (a LIVE GMV MAX campaign).")


class CampaignRowSerializer(serializers.Serializer):
    campaignId = serializers.CharField()
    campaignName = serializers.CharField()
    accountName = serializers.CharField(help_text="The ad account (advertiser) name.")
    cost = serializers.FloatField()
    gmv = serializers.FloatField(help_text="gross_revenue")
    orders = serializers.IntegerField()
    roi = serializers.FloatField(help_text="gmv / cost from the summed figures; 0 without cost.")


class CampaignsResponseSerializer(serializers.Serializer):
    campaigns = CampaignRowSerializer(many=True)


class LiveSessionSerializer(serializers.Serializer):
    roomId = serializers.CharField()
    liveName = serializers.CharField()
    liveStatus = serializers.CharField(help_text="ONGOING, END, or empty for older rooms.")
    liveDuration = serializers.CharField()
    launchedTime = serializers.CharField(
        help_text="yyyy-MM-dd HH:mm:ss in the ad account's time zone: the earliest live_launched_time, else the first stat_time_day."
    )
    cost = serializers.FloatField()
    gmv = serializers.FloatField()
    orders = serializers.IntegerField()
    roi = serializers.FloatField()


class RoomsReadySerializer(serializers.Serializer):
    campaignId = serializers.CharField()
    liveSessions = LiveSessionSerializer(many=True)


class FetchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["queued", "running", "succeeded", "failed"])
    error = serializers.CharField(help_text="The upstream message of a failed fetch.")
    startDate = serializers.DateField()
    endDate = serializers.DateField()
    pages = serializers.IntegerField()
    attempts = serializers.IntegerField()
    requestedAt = serializers.DateTimeField()
    startedAt = serializers.DateTimeField(allow_null=True)
    finishedAt = serializers.DateTimeField(allow_null=True)


class RoomsPendingSerializer(serializers.Serializer):
    campaignId = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "running", "failed"])
    fetch = FetchSerializer()
    poll = serializers.CharField(help_text="GET this URL until it answers 200.")
    retry = serializers.CharField(required=False, help_text="Failed fetches only: POST this URL to fetch again.")
    liveSessions = LiveSessionSerializer(
        many=True, required=False, help_text="While ONGOING rooms are refreshed: the last complete list (stale: true)."
    )
    stale = serializers.BooleanField(required=False)


def money(value) -> float:
    return float(value)


def campaign_row(row: dict) -> dict:
    return {
        "campaignId": row["campaign_id"],
        "campaignName": row["campaign_name"],
        "accountName": row["account_name"],
        "cost": float(row["cost"]),
        "gmv": float(row["gmv"]),
        "orders": row["orders"],
        "roi": float(row["roi"]),
    }


def live_session(session: dict) -> dict:
    return {
        "roomId": session["room_id"],
        "liveName": session["live_name"],
        "liveStatus": session["live_status"],
        "liveDuration": session["live_duration"],
        "launchedTime": session["launched_time"],
        "cost": float(session["cost"]),
        "gmv": float(session["gmv"]),
        "orders": session["orders"],
        "roi": float(session["roi"]),
    }


def fetch_body(record) -> dict:
    return {
        "id": record.pk,
        "state": record.state,
        "error": record.error,
        "startDate": record.start_date.isoformat(),
        "endDate": record.end_date.isoformat(),
        "pages": record.pages,
        "attempts": record.attempts,
        "requestedAt": record.requested_at.isoformat(),
        "startedAt": record.started_at.isoformat() if record.started_at else None,
        "finishedAt": record.finished_at.isoformat() if record.finished_at else None,
    }
