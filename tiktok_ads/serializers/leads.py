"""The Leads page's filters (query string)."""

from __future__ import annotations

from rest_framework import serializers


class LeadFilterSerializer(serializers.Serializer):
    direction = serializers.IntegerField(required=False, min_value=1)
    campaign = serializers.CharField(required=False, allow_blank=True, max_length=32)
    form = serializers.CharField(required=False, allow_blank=True, max_length=32)
