"""Alert rules and their history (viewers read, analysts manage), and where notifications go
(admins): the Telegram bot and chat, email addresses, the digest hour, a test message."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views import View

from autopilot.forms import KIND_FIELDS, AlertRuleForm, NotificationSettingsForm
from autopilot.selectors import alerts as selectors
from autopilot.services import alerts as services
from autopilot.services.notifications import notification_settings_update, notification_test_send
from core.fields import mask_secret
from core.models import Role
from core.web import FormRefusalMixin, TenantPageView, TenantRequiredMixin


def _user_label(request) -> str:
    return request.user.get_username() if request.user.is_authenticated else ""


class AlertsView(TenantPageView):
    template_name = "autopilot/alerts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        config = selectors.notification_settings_get(self.tenant)
        context.update(
            rules=list(selectors.alert_rules_for_tenant(self.tenant)),
            events=selectors.alert_events_recent(self.tenant, limit=30),
            config=config,
            masked_token=mask_secret(config.telegram_bot_token) if config and config.telegram_bot_token else "",
            outbox=selectors.outbox_recent(self.tenant, limit=10),
            can_manage=Role.allows(self.request.role, Role.ANALYST),
            can_admin=Role.allows(self.request.role, Role.ADMIN),
        )
        return context


class _RuleFormView(FormRefusalMixin, TenantPageView):
    min_role = Role.ANALYST
    template_name = "autopilot/alert_rule_form.html"
    rule = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", AlertRuleForm(instance=self.rule))
        context.update(rule=self.rule, kind_fields=KIND_FIELDS)
        return context

    def post(self, request, *args, **kwargs):
        self.bound_form = form = AlertRuleForm(request.POST, instance=self.rule)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        # A fresh copy: the bound form has already set the new values on the instance.
        current = selectors.alert_rule_get(self.tenant, self.rule.pk) if self.rule is not None else None
        rule = services.alert_rule_save(tenant=self.tenant, data=form.cleaned_data, rule=current, user_label=_user_label(request))
        messages.success(request, f"Saved the rule {rule.name}. It is checked every 5 minutes.")
        return redirect("autopilot:alerts")


class AlertRuleCreateView(_RuleFormView):
    pass


class AlertRuleEditView(_RuleFormView):
    def get(self, request, *args, **kwargs):
        self.rule = selectors.alert_rule_get(self.tenant, kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.rule = selectors.alert_rule_get(self.tenant, kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def handle_application_error(self, exc):
        if self.rule is None:
            return TenantRequiredMixin.handle_application_error(self, exc)
        return super().handle_application_error(exc)


class AlertRuleDetailView(TenantPageView):
    template_name = "autopilot/alert_rule.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rule = selectors.alert_rule_get(self.tenant, kwargs["pk"])
        context.update(
            rule=rule,
            events=selectors.alert_events_recent(self.tenant, rule=rule, limit=200),
            can_manage=Role.allows(self.request.role, Role.ANALYST),
        )
        return context


class AlertRuleDeleteView(TenantRequiredMixin, View):
    min_role = Role.ANALYST
    error_redirect = "autopilot:alerts"

    def post(self, request, pk: int):
        rule = selectors.alert_rule_get(self.tenant, pk)
        count = services.alert_rule_delete(rule=rule)
        messages.success(request, f"Deleted the rule {rule.name} and its {count} event(s).")
        return redirect("autopilot:alerts")


class NotificationSettingsView(FormRefusalMixin, TenantPageView):
    min_role = Role.ADMIN
    template_name = "autopilot/notifications.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        config = selectors.notification_settings_get(self.tenant)
        context.setdefault("form", NotificationSettingsForm(current=config))
        context.update(config=config, outbox=selectors.outbox_recent(self.tenant, limit=20))
        return context

    def post(self, request, *args, **kwargs):
        config = selectors.notification_settings_get(self.tenant)
        self.bound_form = form = NotificationSettingsForm(request.POST, current=config)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        notification_settings_update(tenant=self.tenant, **form.cleaned_data)
        messages.success(request, "Saved where notifications go. Send a test message to check them.")
        return redirect("autopilot:notifications")


class NotificationTestView(TenantRequiredMixin, View):
    min_role = Role.ADMIN
    error_redirect = "autopilot:notifications"

    def post(self, request):
        sent = notification_test_send(tenant=self.tenant, user_label=_user_label(request))
        messages.success(request, f"Queued {len(sent)} test message(s); their outcome shows below.")
        return redirect("autopilot:notifications")
