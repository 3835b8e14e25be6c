"""The product's URLs plus one view that fails, for the error-page tests."""

from django.urls import path

from config.urls import urlpatterns as product_urlpatterns


def boom(request):
    raise ZeroDivisionError("an unexpected error")


urlpatterns = [path("boom/", boom), *product_urlpatterns]
