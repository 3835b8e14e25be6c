"""Settings → Schedules: which periodic jobs run for the tenant, and how often. The apps declare
the jobs (``PlatformAppConfig.schedules``); their beat fan-outs read the choice
(``core.selectors.schedule_due_tenant_ids``). Admins change it, everyone else reads it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from core.forms import ScheduleForm
from core.models import Role
from core.registry import schedule_option
from core.selectors import schedules_for_tenant
from core.services import schedule_set
from core.web import TenantPageView

__all__ = ["ScheduleListView"]


def every_text(minutes: int) -> str:
    """``every 15 minutes`` / ``every hour`` / ``every 6 hours`` / ``daily`` / ``weekly``."""
    if minutes % 10080 == 0:
        return "weekly" if minutes == 10080 else f"every {minutes // 10080} weeks"
    if minutes % 1440 == 0:
        return "daily" if minutes == 1440 else f"every {minutes // 1440} days"
    if minutes % 60 == 0:
        return "every hour" if minutes == 60 else f"every {minutes // 60} hours"
    return f"every {minutes} minutes"


class ScheduleListView(TenantPageView):
    template_name = "core/schedule_list.html"
    write_role = Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["schedules"] = [
            {"setting": setting, "every_text": every_text(setting.every_minutes), "choices": [(minutes, every_text(minutes)) for minutes in setting.option.frequencies]}
            for setting in schedules_for_tenant(self.tenant)
        ]
        return context

    def post(self, request, *args, **kwargs):
        option = schedule_option(request.POST.get("key", ""))
        if option is None:
            return self.refuse("key: there is no such schedule.")
        form = ScheduleForm(request.POST, frequencies=option.frequencies)
        if not form.is_valid():
            return self.refuse("; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
        enabled = form.cleaned_data["enabled"]
        every = form.cleaned_data["every_minutes"] or option.every_minutes
        schedule_set(tenant=self.tenant, key=option.key, enabled=enabled, every_minutes=every, user=request.user)
        messages.success(request, f"{option.label} runs {every_text(every)}." if enabled else f"{option.label} is off: it won't run until it is turned back on.")
        return redirect("schedule-list")

    def refuse(self, message: str):
        """Bad input: the page again, with the field named, as a 400."""
        messages.error(self.request, f"Nothing was changed. {message}")
        return self.render_to_response(self.get_context_data(), status=400)
