"""A URLconf without path parameters: the walker must say it substituted nothing."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("plain/", lambda request: HttpResponse("ok"))]
