"""The seed's ``GET /tiktok/instant-pages?adAccountId=`` (or legacy ``userAccountId``): an ad
account's lead forms. Session or API key; another tenant's ad account is a 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Role
from tiktok_ads import services


class InstantPagesView(APIView):
    read_role = Role.VIEWER

    @extend_schema(
        summary="Instant pages (lead forms) of an ad account's TikTok advertiser",
        tags=["tiktok-ads"],
        parameters=[
            OpenApiParameter("adAccountId", str, description="The ad account's id."),
            OpenApiParameter("userAccountId", str, description="Legacy: the workspace's only advertiser."),
        ],
        responses={200: OpenApiResponse(description="`{success, pages: [{page_id (a string), title, status, …}]}`")},
    )
    def get(self, request):
        pages = services.instant_pages_for(
            request.tenant,
            ad_account_id=request.query_params.get("adAccountId"),
            user_account_id=request.query_params.get("userAccountId"),
        )
        return Response({"success": True, "pages": pages})
