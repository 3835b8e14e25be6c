"""Output shapes of the advertisers API. Tokens never appear: only the connection's status."""

from __future__ import annotations

from rest_framework import serializers


class StoreSerializer(serializers.Serializer):
    store_id = serializers.CharField()
    name = serializers.CharField()
    shop_number = serializers.IntegerField()
    is_gmv_max_available = serializers.BooleanField()


class AdvertiserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    advertiser_id = serializers.CharField()
    name = serializers.CharField()
    currency = serializers.CharField()
    time_zone = serializers.CharField()
    is_active = serializers.BooleanField()
    connection_id = serializers.IntegerField()
    connection_status = serializers.CharField(source="connection.status")
    stores = StoreSerializer(many=True, source="stores.all")
