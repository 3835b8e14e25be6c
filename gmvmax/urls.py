"""GMV Max pages, mounted at ``/gmv-max/`` (names in the ``gmvmax`` namespace); the seed's
``/debug-table-ikram`` serves the same table (``config/urls.py``)."""

from django.urls import path, re_path

from gmvmax import views

app_name = "gmvmax"

EXPORT = r"export\.(?P<export_format>csv|xlsx)$"

urlpatterns = [
    path("", views.GmvMaxTableView.as_view(), name="table"),
    re_path(r"^accounts/" + EXPORT, views.AccountsExportView.as_view(), name="accounts-export"),
    path("accounts/<int:pk>/campaigns/", views.CampaignsPartialView.as_view(), name="campaigns"),
    re_path(r"^campaigns/" + EXPORT, views.CampaignsExportView.as_view(), name="campaigns-export"),
    path("campaigns/<int:pk>/rooms/", views.RoomsPartialView.as_view(), name="rooms"),
    path("backfills/<int:pk>/", views.BackfillPartialView.as_view(), name="backfill"),
    re_path(r"^campaigns/(?P<pk>[0-9]+)/rooms/" + EXPORT, views.RoomsExportView.as_view(), name="rooms-export"),
]
