"""Operator screens for conversions: destinations (masked credentials; saving one back to
active resumes its held deliveries), events with their deliveries, deliveries with retry and
replay actions, and inbound webhook sources (masked secrets)."""

from __future__ import annotations

from django.contrib import admin, messages

from conversions import services
from conversions.models import Delivery, DeliveryBatch, DeliveryStatus, Destination, DestinationState, Event, InboundSource
from core.admin import TenantOwnedAdmin
from core.pii import mask_email, mask_phone
from core.tenancy import tenant_scope


@admin.register(Destination)
class DestinationAdmin(TenantOwnedAdmin):
    list_display = ("name", "platform", "state", "mode", "pixel_id", "customer_id", "last_error_at", "last_success_at")
    list_filter = ("platform", "state", "mode")
    search_fields = ("name", "pixel_id", "customer_id")
    readonly_fields = ("last_error", "last_error_at", "last_success_at", "oauth_access_token_expires_at", "created_at", "updated_at")
    exclude = ("oauth_access_token",)
    actions = ("resume_destinations", "replay_dead_and_held")

    def save_model(self, request, obj, form, change):
        was = Destination.all_tenants.filter(pk=obj.pk).values_list("state", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if change and was != DestinationState.ACTIVE and obj.state == DestinationState.ACTIVE:
            # Fixed (new token, right pixel): its held deliveries go now.
            with tenant_scope(obj.tenant):
                count = services.destination_resume(destination=obj)
            messages.info(request, f"{obj.name} is active again; {count} held deliveries are being sent.")

    @admin.action(description="Resume: set active and send held deliveries")
    def resume_destinations(self, request, queryset):
        total = 0
        for destination in queryset:
            with tenant_scope(destination.tenant):
                total += services.destination_resume(destination=destination)
        self.message_user(request, f"Resumed {queryset.count()} destination(s); {total} deliveries queued.")

    @admin.action(description="Replay dead and held deliveries")
    def replay_dead_and_held(self, request, queryset):
        total = 0
        for destination in queryset:
            with tenant_scope(destination.tenant):
                total += services.deliveries_replay(tenant=destination.tenant, destination=destination)
        self.message_user(request, f"{total} deliveries queued again.")


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("destination", "status", "reason", "attempts", "next_attempt_at", "response_code", "sent_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(TenantOwnedAdmin):
    list_display = ("event_id", "name", "event_time", "source", "masked_email", "masked_phone", "received_at")
    list_filter = ("name", "source")
    search_fields = ("event_id",)
    date_hierarchy = "received_at"
    inlines = (DeliveryInline,)
    exclude = ("email", "phone", "ip")
    readonly_fields = ("masked_email", "masked_phone", "raw", "received_at")
    has_add_permission_default = False

    @admin.display(description="Email")
    def masked_email(self, event):
        return mask_email(event.email)

    @admin.display(description="Phone")
    def masked_phone(self, event):
        return mask_phone(event.phone)


@admin.register(Delivery)
class DeliveryAdmin(TenantOwnedAdmin):
    list_display = ("platform_event_id", "destination", "status", "attempts", "next_attempt_at", "response_code", "sent_at")
    list_filter = ("status", "platform", "destination")
    search_fields = ("platform_event_id",)
    readonly_fields = (
        "event",
        "destination",
        "platform",
        "status",
        "reason",
        "attempts",
        "next_attempt_at",
        "claim_token",
        "claimed_at",
        "batch",
        "response_code",
        "platform_event_id",
        "sent_at",
        "created_at",
        "updated_at",
    )
    actions = ("retry_now", "replay")
    has_add_permission_default = False

    @admin.action(description="Retry now (failed and held deliveries)")
    def retry_now(self, request, queryset):
        rows = list(queryset.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING]))
        self._replay(request, rows)

    @admin.action(description="Replay (dead, failed and held deliveries)")
    def replay(self, request, queryset):
        self._replay(request, list(queryset.filter(status__in=[DeliveryStatus.DEAD, DeliveryStatus.FAILED, DeliveryStatus.PENDING])))

    def _replay(self, request, rows):
        by_tenant: dict = {}
        for row in rows:
            by_tenant.setdefault(row.tenant, []).append(row)
        total = 0
        for tenant, deliveries in by_tenant.items():
            with tenant_scope(tenant):
                total += services.deliveries_replay(tenant=tenant, deliveries=deliveries)
        self.message_user(request, f"{total} deliveries queued again.")


@admin.register(DeliveryBatch)
class DeliveryBatchAdmin(TenantOwnedAdmin):
    list_display = ("id", "destination", "size", "response_code", "outcome", "created_at")
    list_filter = ("outcome", "destination")
    readonly_fields = ("destination", "request_body", "response_code", "response_body", "outcome", "size", "created_at")
    has_add_permission_default = False


@admin.register(InboundSource)
class InboundSourceAdmin(TenantOwnedAdmin):
    list_display = ("name", "public_id", "is_active", "created_at")
    readonly_fields = ("public_id", "created_at")
