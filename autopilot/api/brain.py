"""Brain API (replaced by the brain-runs work)."""

from core.api.viewsets import TenantScopedAPIView


class RunTikTokView(TenantScopedAPIView):
    pass
