"""Executions and reports API (replaced by the runs work)."""

from core.api.viewsets import TenantScopedAPIView


class ExecutionsView(TenantScopedAPIView):
    pass


class ReportsView(TenantScopedAPIView):
    pass
