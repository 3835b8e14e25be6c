"""API routes of tiktok_ads, mounted at /api/ (names in ``tiktok_ads-api``). The seed's paths
(``/api/directions``, ``/api/ad-accounts``, ``/api/actions``) work with and without a trailing slash."""

from django.urls import path

from tiktok_ads import api

app_name = "tiktok_ads-api"

advertiser_list = api.AdvertiserViewSet.as_view({"get": "list"})
advertiser_detail = api.AdvertiserViewSet.as_view({"get": "retrieve"})


def _both(route: str, view, name: str) -> list:
    """``route/`` (named) and the seed's ``route`` without the slash."""
    return [path(f"{route}/", view, name=name), path(route, view)]


urlpatterns = [
    path("ads/advertisers/", advertiser_list, name="advertiser-list"),
    path("ads/advertisers/<int:pk>/", advertiser_detail, name="advertiser-detail"),
    *_both("directions", api.DirectionListView.as_view(), "direction-list"),
    *_both("directions/<int:pk>", api.DirectionDetailView.as_view(), "direction-detail"),
    *_both("ad-accounts", api.AdAccountListView.as_view(), "ad-account-list"),
    *_both("ad-accounts/<int:pk>", api.AdAccountDetailView.as_view(), "ad-account-detail"),
    *_both("actions", api.ActionsView.as_view(), "actions"),
]
