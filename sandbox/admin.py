"""Operator screens for the sandbox: superusers only (it is test infrastructure, not tenant data)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from core.exceptions import ApplicationError
from sandbox.faults import FaultSet, FaultSpecError
from sandbox.framework import emulators
from sandbox.models import ConversionReceipt, EmulatorConfig, ReceivedRequest
from sandbox.selectors import emulator_state_cache_clear
from sandbox.services import emulator_reset


class SuperuserOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


class EmulatorConfigForm(forms.ModelForm):
    name = forms.ChoiceField(choices=())

    class Meta:
        model = EmulatorConfig
        fields = ("name", "faults", "remaining", "latency_ms", "options")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(e.name, f"{e.name} ({e.title})" if e.title else e.name) for e in emulators()]

    def clean_faults(self):
        faults = self.cleaned_data.get("faults") or {}
        if not isinstance(faults, dict):
            raise forms.ValidationError('Give the faults as a JSON object, e.g. {"status": 503}.')
        try:
            parsed = FaultSet.from_dict(faults)
        except FaultSpecError as exc:
            raise forms.ValidationError(str(exc))
        if parsed.times is not None:
            raise forms.ValidationError('Put the count in "remaining", not in the faults.')
        return parsed.to_dict()

    def clean_options(self):
        options = self.cleaned_data.get("options") or {}
        if not isinstance(options, dict):
            raise forms.ValidationError("Give the options as a JSON object.")
        return options


@admin.register(EmulatorConfig)
class EmulatorConfigAdmin(SuperuserOnlyAdmin):
    form = EmulatorConfigForm
    list_display = ("name", "faults", "remaining", "latency_ms", "updated_at")
    actions = ["reset"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Processes re-read within SANDBOX_CONFIG_CACHE_SECONDS; this one at once.
        emulator_state_cache_clear(emulator=obj.name)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        emulator_state_cache_clear(emulator=obj.name)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        emulator_state_cache_clear()

    @admin.action(description="Reset selected emulators (faults, options, received requests, counters)")
    def reset(self, request, queryset):
        names = list(queryset.values_list("name", flat=True))
        for name in names:
            try:
                emulator_reset(emulator=name)
            except ApplicationError as exc:  # a row left by an emulator that no longer exists
                self.message_user(request, f"{name}: {exc.message}", messages.WARNING)
        self.message_user(request, f"Reset {', '.join(names)}.", messages.SUCCESS)


@admin.register(ReceivedRequest)
class ReceivedRequestAdmin(SuperuserOnlyAdmin):
    list_display = ("created_at", "emulator", "method", "path", "status", "fault")
    list_filter = ("emulator", "method", "status")
    search_fields = ("path", "body")
    readonly_fields = [f.name for f in ReceivedRequest._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConversionReceipt)
class ConversionReceiptAdmin(SuperuserOnlyAdmin):
    """Events the conversion destinations accepted (tiktok-events, google-ads, meta-graph)."""

    list_display = ("received_at", "emulator", "destination", "event_id", "event_name", "test_event_code", "request_id")
    list_filter = ("emulator", "test_event_code")
    search_fields = ("=event_id", "=destination", "=request_id")
    ordering = ("-id",)  # newest first
    readonly_fields = [f.name for f in ConversionReceipt._meta.concrete_fields]
    show_full_result_count = False  # a bench run leaves hundreds of thousands of rows

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
