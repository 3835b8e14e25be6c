"""Alert pages (replaced by the notifications work)."""

from core.web import TenantPageView


class AlertsView(TenantPageView):
    template_name = "autopilot/wip.html"
