"""Shapes of the creatives API."""

from __future__ import annotations

from rest_framework import serializers

from tiktok_ads.models import MediaType


class CreativeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    ad_account_id = serializers.IntegerField()
    direction_id = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    media_type = serializers.ChoiceField(choices=MediaType.choices, default=MediaType.VIDEO)
    media_url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    ad_text = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    tiktok_video_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    status = serializers.CharField(read_only=True)
    status_reason = serializers.CharField(read_only=True)
    file_size = serializers.IntegerField(read_only=True, allow_null=True)
    md5 = serializers.CharField(read_only=True)
    transcript = serializers.CharField(read_only=True)
    transcription_status = serializers.CharField(read_only=True)
    transcription_error = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class VideoUploadSerializer(serializers.Serializer):
    upload_id = serializers.UUIDField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    offset = serializers.IntegerField()
    state = serializers.CharField()
    error = serializers.CharField()
    creative_id = serializers.IntegerField(allow_null=True)
