"""API shapes of the autopilot's brain runs (OpenAPI serializers and the dicts the views answer)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from core.selectors import sync_run_progress


class RunTikTokRequestSerializer(serializers.Serializer):
    accountId = serializers.IntegerField(required=False, help_text="The ad account (the seed's name).")
    ad_account_id = serializers.IntegerField(required=False, help_text="The ad account (same as accountId).")


class RunProgressSerializer(serializers.Serializer):
    state = serializers.CharField()
    items_done = serializers.IntegerField()
    items_total = serializers.IntegerField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    error = serializers.CharField()


class BrainRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ad_account_id = serializers.IntegerField(allow_null=True)
    platform = serializers.CharField()
    trigger = serializers.CharField()
    mode = serializers.CharField()
    state = serializers.CharField()
    batch_id = serializers.CharField()
    correlation_id = serializers.CharField()
    window_start = serializers.DateField(allow_null=True)
    window_end = serializers.DateField(allow_null=True)
    data_as_of = serializers.DateTimeField(allow_null=True)
    stats = serializers.DictField()
    summary = serializers.DictField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = RunProgressSerializer(allow_null=True)
    status_url = serializers.CharField()


class BrainRunAnswerSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    run = BrainRunSerializer()


def _when(value):
    return value.isoformat() if value is not None else None


def run_progress(run) -> dict | None:
    job = run.sync_run
    if job is None:
        return None
    progress = sync_run_progress(job)
    return {
        "state": job.state,
        "items_done": job.items_done,
        "items_total": job.items_total,
        "percent": progress.get("percent"),
        "error": job.error or "",
    }


def brain_run(run) -> dict:
    return {
        "id": run.pk,
        "ad_account_id": run.ad_account_id,
        "platform": run.platform,
        "trigger": run.trigger,
        "mode": run.mode,
        "state": run.state,
        "batch_id": run.batch_id,
        "correlation_id": run.correlation_id,
        "window_start": _when(run.window_start),
        "window_end": _when(run.window_end),
        "data_as_of": _when(run.data_as_of),
        "stats": run.stats or {},
        "summary": run.summary or {},
        "error": run.error,
        "created_at": _when(run.created_at),
        "started_at": _when(run.started_at),
        "finished_at": _when(run.finished_at),
        "progress": run_progress(run),
        "status_url": reverse("autopilot-api:run", args=[run.pk]),
    }
