"""Input and output shapes of the GMV Max API (the seed's field names, camelCase).

Inputs validate the query string (a bad date, a start after the end, an unknown promotion type
are 400s naming the parameter). Outputs are documented here and built as plain dicts by the
views: the campaign table can hold a thousand rows and must answer in a few milliseconds.
Numbers are JSON numbers (money with 2 decimals, in the ad account's currency).
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from core.models import SyncState
from core.money import money_float
from core.selectors import sync_run_progress
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


class MissingSpanSerializer(serializers.Serializer):
    advertiserId = serializers.CharField(help_text="The platform's advertiser (ad account) id.")
    accountName = serializers.CharField()
    startDate = serializers.DateField()
    endDate = serializers.DateField(help_text="Last day included.")


class BackfillRunSerializer(serializers.Serializer):
    """A stats backfill: a sync run of kind ``gmvmax.stats_backfill`` (also in /api/sync-runs/)."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    state = serializers.ChoiceField(choices=SyncState.choices)
    label = serializers.CharField(help_text='e.g. "GMV Max stats 12 Jan – 31 Mar · Glow Corner MY".')
    startDate = serializers.DateField()
    endDate = serializers.DateField()
    partsDone = serializers.IntegerField(help_text="One part per ad account × ≤ 93-day chunk, fetched in parallel.")
    partsTotal = serializers.IntegerField()
    pagesDone = serializers.IntegerField()
    rowsDone = serializers.IntegerField(help_text="Campaign-day rows stored so far.")
    percent = serializers.FloatField(allow_null=True)
    attempts = serializers.IntegerField()
    error = serializers.CharField(help_text="The upstream message of a failed part.")
    createdAt = serializers.DateTimeField()
    finishedAt = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(help_text="The run in the sync-runs API.")


class CampaignsPendingSerializer(CampaignsResponseSerializer):
    missing = MissingSpanSerializer(many=True, help_text="Days of the range never fetched, per ad account (being backfilled).")
    run = BackfillRunSerializer()
    poll = serializers.CharField(help_text="GET until it answers 200, then ask for the range again.")
    retry = serializers.CharField(required=False, help_text="Failed backfills only: POST this URL to fetch the failed parts again.")


class BackfillStatusSerializer(serializers.Serializer):
    run = BackfillRunSerializer()
    missing = MissingSpanSerializer(many=True, help_text="What the run has still to fetch.")
    poll = serializers.CharField(required=False)
    retry = serializers.CharField(required=False)


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
    pages = serializers.IntegerField(help_text="Report pages read (known once the fetch is done).")
    attempts = serializers.IntegerField()
    url = serializers.CharField(help_text="The fetch as a sync run (kind gmvmax.room_fetch) in the sync-runs API.")
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
    return money_float(value)


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


def _run_url(run) -> str:
    return reverse("api:sync-run-detail", args=[run.pk])


def fetch_body(run, part=None) -> dict:
    """A room fetch run in the rooms API's ``fetch`` shape."""
    status = {"pending": "queued"}.get(part.state, part.state) if part is not None and run.is_active else run.state
    return {
        "id": run.pk,
        "state": status,
        "error": run.error,
        "startDate": run.params["start"],
        "endDate": run.params["end"],
        "pages": (part.checkpoint.get("pages", 0) if part is not None else 0),
        "attempts": run.attempts,
        "url": _run_url(run),
        "requestedAt": run.created_at.isoformat(),
        "startedAt": part.started_at.isoformat() if part is not None and part.started_at else None,
        "finishedAt": run.finished_at.isoformat() if run.finished_at else None,
    }


def missing_span(span) -> dict:
    return {
        "advertiserId": span.advertiser_id,
        "accountName": span.account_name,
        "startDate": span.start.isoformat(),
        "endDate": span.end.isoformat(),
    }


def remaining_span(params: dict) -> dict:
    return {
        "advertiserId": params["advertiser_id"],
        "accountName": params["account_name"],
        "startDate": params["start"],
        "endDate": params["end"],
    }


def backfill_run(run) -> dict:
    progress = sync_run_progress(run)
    return {
        "id": run.pk,
        "kind": run.kind,
        "state": run.state,
        "label": run.label,
        "startDate": run.params["start"],
        "endDate": run.params["end"],
        "partsDone": run.parts_done,
        "partsTotal": run.parts_total,
        "pagesDone": run.pages_done,
        "rowsDone": run.items_done,
        "percent": progress["percent"],
        "attempts": run.attempts,
        "error": run.error,
        "createdAt": run.created_at.isoformat(),
        "finishedAt": run.finished_at.isoformat() if run.finished_at else None,
        "url": _run_url(run),
    }
