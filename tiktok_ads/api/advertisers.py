"""Advertisers API: the tenant's active advertisers with their stores and shop numbers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from core.api.viewsets import TenantScopedGenericViewSet
from core.models import Role
from tiktok_ads import selectors
from tiktok_ads.models import Advertiser
from tiktok_ads.serializers import AdvertiserSerializer

TAG = "tiktok-ads"


@extend_schema_view(
    list=extend_schema(summary="Connected TikTok advertisers with their stores and shop numbers", tags=[TAG]),
    retrieve=extend_schema(summary="One connected advertiser", tags=[TAG]),
)
class AdvertiserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedGenericViewSet):
    model = Advertiser
    serializer_class = AdvertiserSerializer
    read_role = Role.VIEWER

    def get_base_queryset(self):
        return selectors.advertisers_for_tenant(self.request.tenant)
