"""The seed's page path, ``/debug-table-ikram``: the same table as ``/gmv-max/``."""

from django.urls import re_path

from gmvmax.views import GmvMaxTableView

urlpatterns = [re_path(r"^debug-table-ikram/?$", GmvMaxTableView.as_view(), name="gmvmax-debug-table-ikram")]
