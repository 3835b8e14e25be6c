"""Brain runs pages (replaced by the runs work)."""

from core.web import TenantPageView


class RunsView(TenantPageView):
    template_name = "autopilot/wip.html"


class RunDetailView(TenantPageView):
    template_name = "autopilot/wip.html"
