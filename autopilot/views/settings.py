"""The autopilot's settings page: each ad account's daily run (on/off, local time in its
advertiser's zone) and each TikTok direction's limits (daily-budget cap, largest raise, target
cost per lead). Everyone reads; admins change. A refusal re-renders the page with the message
naming the field (400)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from autopilot.selectors.settings import policy_rows, schedule_rows
from autopilot.services.settings import account_schedule_update, direction_policy_update
from core.exceptions import ApplicationError
from core.models import Role
from core.web import TenantPageView


class SettingsView(TenantPageView):
    template_name = "autopilot/settings.html"
    min_role = Role.VIEWER
    write_role = Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            schedules=schedule_rows(self.tenant),
            policies=policy_rows(self.tenant),
            can_manage=Role.allows(self.request.role, Role.ADMIN),
        )
        return context

    def post(self, request, *args, **kwargs):
        data = request.POST
        try:
            if data.get("form") == "schedule":
                schedule = account_schedule_update(
                    tenant=self.tenant,
                    ad_account_id=data.get("ad_account"),
                    enabled=data.get("enabled") in ("on", "1", "true"),
                    run_at=data.get("run_at"),
                )
                messages.success(request, f"Saved the daily run of {schedule.ad_account.name}.")
            elif data.get("form") == "policy":
                policy = direction_policy_update(
                    tenant=self.tenant,
                    direction_id=data.get("direction"),
                    max_daily_budget=data.get("max_daily_budget"),
                    max_raise_pct=data.get("max_raise_pct"),
                    target_cpl=data.get("target_cpl"),
                )
                messages.success(request, f"Saved the limits of {policy.direction.name}.")
            else:
                raise ApplicationError(
                    "form: say which settings to save (schedule or policy).", extra={"fields": {"form": ["Unknown form."]}}
                )
        except ApplicationError as error:
            if error.status == 404:
                raise
            messages.error(request, error.message)
            return self.render_to_response(
                self.get_context_data(failed=data.get("form"), failed_pk=data.get("ad_account") or data.get("direction")),
                status=error.status,
            )
        return redirect("autopilot:settings")
