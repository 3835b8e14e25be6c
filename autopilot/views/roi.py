"""ROI pages (replaced by the ROI work)."""

from core.web import TenantPageView


class RoiView(TenantPageView):
    template_name = "autopilot/wip.html"
