"""Output shapes of directions, ad accounts and actions, with the seed's field names."""

from __future__ import annotations

from rest_framework import serializers

from tiktok_ads.platforms import DB_TO_UI, platform_of


class DirectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    ad_account_id = serializers.IntegerField()
    account_name = serializers.CharField(source="ad_account.name")
    platform = serializers.SerializerMethodField(help_text="facebook or tiktok (a legacy row without one reads as facebook)")
    ui_platform = serializers.SerializerMethodField(help_text="instagram or tiktok (the UI's names)")
    is_active = serializers.BooleanField()
    default_settings = serializers.JSONField()
    tiktok_objective = serializers.CharField(allow_null=True)
    tiktok_daily_budget = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    tiktok_target_cpl = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    tiktok_target_cpl_kzt = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, source="tiktok_target_cpl")
    tiktok_adgroup_mode = serializers.CharField(allow_null=True)
    tiktok_campaign_id = serializers.CharField(allow_null=True)
    tiktok_pixel_id = serializers.CharField(allow_null=True)
    tiktok_identity_id = serializers.CharField(allow_null=True)
    tiktok_page_id = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_platform(self, direction) -> str:
        return platform_of(direction.platform)

    def get_ui_platform(self, direction) -> str:
        return DB_TO_UI[platform_of(direction.platform)]

    def to_representation(self, direction):
        data = super().to_representation(direction)
        if data["platform"] != "tiktok":  # TikTok fields are null on a facebook direction
            for name in data:
                if name.startswith("tiktok_"):
                    data[name] = None
        else:
            for name in ("tiktok_objective", "tiktok_campaign_id", "tiktok_pixel_id", "tiktok_identity_id", "tiktok_page_id"):
                data[name] = data[name] or None
        return data


class AdAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    tiktok_business_id = serializers.CharField(source="advertiser.advertiser_id", allow_null=True, default=None)
    advertiser_name = serializers.CharField(source="advertiser.name", allow_null=True, default=None)
    currency = serializers.SerializerMethodField(help_text="The currency TikTok budgets are in (the advertiser's; KZT without one)")
    tiktok_account_id = serializers.SerializerMethodField()
    autopilot_tiktok = serializers.BooleanField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_currency(self, account) -> str:
        from tiktok_ads.selectors import ad_account_currency

        return ad_account_currency(account)

    def get_tiktok_account_id(self, account) -> str | None:
        return account.tiktok_account_id or None


class AdAccountChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    action = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()
    actor = serializers.CharField()
    created_at = serializers.DateTimeField()


class ActionRecordSerializer(serializers.Serializer):
    request_id = serializers.CharField()
    action = serializers.CharField()
    params = serializers.JSONField()
    ad_account_id = serializers.IntegerField(allow_null=True)
    dry_run = serializers.BooleanField()
    state = serializers.CharField()
    diff = serializers.SerializerMethodField()
    before = serializers.JSONField()
    after = serializers.JSONField()
    upstream_response = serializers.JSONField()
    error = serializers.CharField()
    actor = serializers.CharField()
    source = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_diff(self, record) -> list[dict]:
        from tiktok_ads.services import action_diff

        return action_diff(record)
