"""Routes of the platform API, mounted at ``/api/`` (names in the ``api`` namespace).

Domain apps add their viewsets to their own routers and include them beside this one.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from core.api import schema  # noqa: F401  (registers the auth schemes with drf-spectacular)
from core.api.views import ApiCallViewSet, ApiKeyViewSet, MemberViewSet, MeView, SyncRunViewSet

app_name = "api"

# Path converters instead of regexes: each viewset's ``lookup_value_converter`` (int by default)
# rejects a malformed id with a 404 before any view code runs.
router = SimpleRouter(use_regex_path=False)
router.register("sync-runs", SyncRunViewSet, basename="sync-run")
router.register("api-calls", ApiCallViewSet, basename="api-call")
router.register("api-keys", ApiKeyViewSet, basename="api-key")
router.register("members", MemberViewSet, basename="member")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
