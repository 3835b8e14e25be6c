"""Shapes of the campaign builder API: request bodies (validated, documented) and answers."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from tiktok_ads.models import Creative, Launch


class ManualLaunchSerializer(serializers.Serializer):
    direction_id = serializers.IntegerField()
    creative_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    daily_budget = serializers.CharField(help_text="In the advertiser's currency (the seed's KZT).")
    objective = serializers.CharField(required=False, allow_blank=True, help_text="traffic, conversions or lead_generation.")
    landing_page_url = serializers.URLField(required=False)
    request_id = serializers.CharField(required=False, max_length=100, help_text="Idempotency key (or the Idempotency-Key header).")


class AutoLaunchSerializer(serializers.Serializer):
    direction_id = serializers.IntegerField()
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50)
    request_id = serializers.CharField(required=False, max_length=100)


class CreateCampaignSerializer(serializers.Serializer):
    accountId = serializers.IntegerField(required=False)
    direction_id = serializers.IntegerField(required=False)
    objective = serializers.CharField(required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True, max_length=400)
    campaign_budget = serializers.CharField(required=False, allow_blank=True)
    with_adgroup = serializers.BooleanField(required=False, default=False)
    daily_budget = serializers.CharField(required=False, allow_blank=True)
    request_id = serializers.CharField(required=False, max_length=100)


class CampaignStatusSerializer(serializers.Serializer):
    campaign_id = serializers.CharField(help_text="The TikTok campaign id.")
    accountId = serializers.IntegerField(required=False)


def validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def launch_body(launch: Launch, steps: list) -> dict:
    url = reverse("tiktok_ads-api:launch", args=[launch.pk])
    body = {
        "id": launch.pk,
        "kind": launch.kind,
        "state": launch.state,
        "ad_account_id": launch.ad_account_id,
        "direction_id": launch.direction_id,
        "idempotency_key": launch.idempotency_key,
        "error": launch.error,
        "result": launch.result,
        "attempts": launch.attempts,
        "correlation_id": launch.correlation_id,
        "created_at": launch.created_at,
        "finished_at": launch.finished_at,
        "status_url": url,
        "steps": [
            {
                "position": step.position,
                "name": step.name,
                "state": step.state,
                "request_id": step.request_id,
                "result": {key: value for key, value in step.result.items() if key != "args"},
                "error": step.error,
                "attempts": step.attempts,
            }
            for step in steps
        ],
    }
    if launch.state == "failed":
        body["resume_url"] = reverse("tiktok_ads-api:launch-resume", args=[launch.pk])
    return body


def creative_row(creative: Creative) -> dict:
    return {
        "id": creative.pk,
        "title": creative.title,
        "media_type": creative.media_type,
        "direction_id": creative.direction_id,
        "tiktok_video_id": creative.tiktok_video_id,
        "media_url": creative.media_url,
        "needs_upload": not creative.tiktok_video_id,
        "running": bool(getattr(creative, "ads_total", 0)),
        "created_at": creative.created_at,
    }


def campaign_row(item: dict) -> dict:
    campaign = item["campaign"]
    direction = campaign.direction
    return {
        "id": campaign.pk,
        "campaign_id": campaign.campaign_id,
        "name": campaign.name,
        "objective_type": campaign.objective_type,
        "objective": direction.tiktok_objective if direction else "",
        "status": item["status"],
        "stored_status": campaign.status,
        "secondary_status": item["secondary_status"],
        "budget": item["budget"],
        "budget_mode": item["budget_mode"],
        "live": item["live"],
        "platform": "tiktok",
        "direction": {"id": direction.pk, "name": direction.name} if direction else None,
        "ad_account_id": direction.ad_account_id if direction else None,
        "advertiser_id": campaign.advertiser.advertiser_id,
        "currency": campaign.advertiser.currency,
        "created_at": campaign.created_at,
    }
