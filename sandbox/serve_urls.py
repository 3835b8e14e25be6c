"""The urlconf of ``manage.py sandbox_serve``: the sandbox alone, at the same ``/sandbox/`` prefix
as in the product, so ``SANDBOX_BASE_URL`` has the same shape whichever serves it."""

from django.urls import include, path

urlpatterns = [path("sandbox/", include("sandbox.urls"))]
