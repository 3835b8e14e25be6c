"""API routes of tiktok_ads, mounted at /api/ (names in ``tiktok_ads-api``). The seed's paths
(``/api/directions``, ``/api/ad-accounts``, ``/api/actions``) work with and without a trailing slash."""

from django.urls import path, re_path

from tiktok_ads import api

app_name = "tiktok_ads-api"

advertiser_list = api.AdvertiserViewSet.as_view({"get": "list"})
advertiser_detail = api.AdvertiserViewSet.as_view({"get": "retrieve"})


PK = r"(?P<pk>[0-9]+)"


def _both(route: str, view, name: str):
    """The seed's ``route`` with or without a trailing slash: one pattern, one API operation."""
    return re_path(rf"^{route}/?$", view, name=name)


BUILDER = "tiktok-campaign-builder"

urlpatterns = [
    path("ads/advertisers/", advertiser_list, name="advertiser-list"),
    path("ads/advertisers/<int:pk>/", advertiser_detail, name="advertiser-detail"),
    _both("directions", api.DirectionListView.as_view(), "direction-list"),
    _both(f"directions/{PK}", api.DirectionDetailView.as_view(), "direction-detail"),
    _both("ad-accounts", api.AdAccountListView.as_view(), "ad-account-list"),
    _both(f"ad-accounts/{PK}", api.AdAccountDetailView.as_view(), "ad-account-detail"),
    _both("actions", api.ActionsView.as_view(), "actions"),
    # The seed's campaign builder, as written (no trailing slash) and with one.
    re_path(rf"^{BUILDER}/auto-launch/?$", api.AutoLaunchView.as_view(), name="auto-launch"),
    re_path(rf"^{BUILDER}/manual-launch/?$", api.ManualLaunchView.as_view(), name="manual-launch"),
    re_path(rf"^{BUILDER}/create-campaign/?$", api.CreateCampaignView.as_view(), name="create-campaign"),
    re_path(rf"^{BUILDER}/campaigns/?$", api.CampaignsView.as_view(), name="campaigns"),
    re_path(rf"^{BUILDER}/pause-campaign/?$", api.PauseCampaignView.as_view(), name="pause-campaign"),
    re_path(rf"^{BUILDER}/resume-campaign/?$", api.ResumeCampaignView.as_view(), name="resume-campaign"),
    re_path(rf"^{BUILDER}/report/?$", api.ReportView.as_view(), name="report"),
    re_path(rf"^{BUILDER}/available-creatives/?$", api.AvailableCreativesView.as_view(), name="available-creatives"),
    re_path(rf"^{BUILDER}/advertiser-info/?$", api.AdvertiserInfoView.as_view(), name="advertiser-info"),
    _both(f"{BUILDER}/launches/{PK}", api.LaunchView.as_view(), "launch"),
    _both(f"{BUILDER}/launches/{PK}/resume", api.LaunchResumeView.as_view(), "launch-resume"),
]

creative_list = api.CreativeViewSet.as_view({"get": "list", "post": "create"})
creative_detail = api.CreativeViewSet.as_view({"get": "retrieve"})

urlpatterns += [
    path("creatives/", creative_list, name="creative-list"),
    path("creatives/uploads/", api.VideoUploadCreateView.as_view(), name="creative-upload-list"),
    path("creatives/uploads/<str:upload_id>", api.VideoUploadDetailView.as_view(), name="creative-upload-detail"),
    path("creatives/<int:pk>/", creative_detail, name="creative-detail"),
]
