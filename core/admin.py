"""Admin base for tenant-owned rows, and the platform's own admin screens.

Superusers see every tenant (cross-tenant on purpose). Staff who are not superusers see only the
rows of tenants they are members of: viewing needs any membership, changing needs admin or owner
there. Encrypted secrets are never rendered: lists show them masked, forms take a new value or
keep the old one when left blank.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model

from core.fields import EncryptedTextField, mask_secret
from core.models import ApiCallLog, ApiKey, Membership, OAuthState, Role, SyncRun, SyncRunPart, Tenant, WebhookDelivery
from core.services import sync_run_cancel, sync_run_resume
from core.tenancy import tenant_scope

MANAGER_ROLES = (Role.ADMIN, Role.OWNER)


def admin_tenant_ids(request, *, manage: bool = False) -> list[int]:
    cache_attr = "_admin_manage_tenant_ids" if manage else "_admin_tenant_ids"
    if not hasattr(request, cache_attr):
        memberships = Membership.objects.filter(user=request.user)
        if manage:
            memberships = memberships.filter(role__in=MANAGER_ROLES)
        setattr(request, cache_attr, list(memberships.values_list("tenant_id", flat=True)))
    return getattr(request, cache_attr)


class TenantListFilter(admin.SimpleListFilter):
    title = "tenant"
    parameter_name = "tenant"

    def lookups(self, request, model_admin):
        tenants = Tenant.objects.all()
        if not request.user.is_superuser:
            tenants = tenants.filter(pk__in=admin_tenant_ids(request))
        return [(str(t.pk), t.name) for t in tenants]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tenant_id=self.value())
        return queryset


class TenantRelatedListFilter(admin.RelatedFieldListFilter):
    """A list filter on a foreign key to a tenant-owned model: its choices are read across the
    operator's tenants on purpose (Django would use the tenant-scoped default manager)."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model._base_manager.all()
        if not request.user.is_superuser:
            related = related.filter(tenant_id__in=admin_tenant_ids(request))
        return [(obj.pk, str(obj)) for obj in related.order_by(*field.related_model._meta.ordering or ["pk"])]


def _is_tenant_owned(model) -> bool:
    return any(f.name == "tenant" for f in model._meta.concrete_fields) and model is not Tenant


class SecretFormMixin:
    """Renders encrypted fields as empty password inputs; blank keeps the stored value."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.secret_field_names:
            if name in self.fields:
                field = self.fields[name]
                field.required = False
                field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
                stored = getattr(self.instance, name, "") if self.instance.pk else ""
                field.help_text = f"Stored: {mask_secret(stored) or '(none)'}. Leave blank to keep it."

    def clean(self):
        cleaned = super().clean()
        for name in self.secret_field_names:
            if name in cleaned and not cleaned[name] and self.instance.pk:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


class TenantOwnedAdmin(admin.ModelAdmin):
    """Base for every tenant-owned model's admin."""

    list_filter: tuple = (TenantListFilter,)

    def secret_field_names(self) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields if isinstance(f, EncryptedTextField)]

    # --- scoping ---
    def get_queryset(self, request):
        rows = self.model._base_manager.all()
        ordering = self.get_ordering(request)
        if ordering:
            rows = rows.order_by(*ordering)
        if request.user.is_superuser:
            return rows
        return rows.filter(tenant_id__in=admin_tenant_ids(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if not request.user.is_superuser:
            allowed = admin_tenant_ids(request, manage=True)
            if related is get_user_model():
                # Only people already in the staff member's tenants; others are not theirs to see.
                kwargs["queryset"] = related.objects.filter(memberships__tenant_id__in=allowed).distinct()
            elif related is Tenant:
                kwargs["queryset"] = Tenant.objects.filter(pk__in=allowed)
            elif any(f.name == "tenant" for f in related._meta.concrete_fields):
                kwargs["queryset"] = related._base_manager.filter(tenant_id__in=allowed)
        elif any(f.name == "tenant" for f in related._meta.concrete_fields):
            kwargs["queryset"] = related._base_manager.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request):
        filters = []
        for entry in super().get_list_filter(request):
            field = self.model._meta.get_field(entry) if isinstance(entry, str) and "__" not in entry else None
            if field is not None and field.is_relation and field.many_to_one and _is_tenant_owned(field.related_model):
                entry = (entry, TenantRelatedListFilter)
            filters.append(entry)
        return filters

    # --- permissions: membership decides, not per-model Django permissions ---
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and (request.user.is_superuser or bool(admin_tenant_ids(request)))

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        allowed = admin_tenant_ids(request)
        return bool(allowed) and (obj is None or obj.tenant_id in allowed)

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        allowed = admin_tenant_ids(request, manage=True)
        return bool(allowed) and (obj is None or obj.tenant_id in allowed)

    has_add_permission_default = True

    def has_add_permission(self, request):
        return self.has_add_permission_default and self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    # --- forms and writes run in the row's own tenant context ---
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Unique checks, inlines and related choices read through tenant-scoped managers: run
        the page in the row's tenant (or, on an add form, the tenant chosen, when the operator
        may manage it). A superuser without memberships has no tenant of their own."""
        tenant = None
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            tenant = obj.tenant if obj is not None else None
        elif request.method == "POST" and str(request.POST.get("tenant", "")).isdigit():
            chosen = int(request.POST["tenant"])
            if request.user.is_superuser or chosen in admin_tenant_ids(request, manage=True):
                tenant = Tenant.objects.filter(pk=chosen).first()
        else:
            tenant = getattr(request, "tenant", None)
        with tenant_scope(tenant):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # templates read related rows too
        return response

    def save_model(self, request, obj, form, change):
        with tenant_scope(obj.tenant):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with tenant_scope(form.instance.tenant):
            super().save_related(request, form, formsets, change)

    def delete_model(self, request, obj):
        with tenant_scope(obj.tenant):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    # --- secrets ---
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        secret_names = self.secret_field_names()
        if not secret_names:
            return form
        return type(form.__name__, (SecretFormMixin, form), {"secret_field_names": secret_names})

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        if "tenant" not in display and display != ["__str__"]:
            display.append("tenant")
        return [self._masked_column(name) if name in self.secret_field_names() else name for name in display]

    def _masked_column(self, name):
        def column(obj):
            return mask_secret(getattr(obj, name))

        column.short_description = name.replace("_", " ")
        return column


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "time_zone", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        tenants = super().get_queryset(request)
        return tenants if request.user.is_superuser else tenants.filter(pk__in=admin_tenant_ids(request))

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or (obj is None or obj.pk in admin_tenant_ids(request))

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_delete_permission = lambda self, request, obj=None: request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(TenantOwnedAdmin):
    list_display = ("user", "tenant", "role", "created_at", "last_active_at")
    list_select_related = ("user", "tenant")
    search_fields = ("user__username", "user__email")
    list_filter = (TenantListFilter, "role")

    def has_change_permission(self, request, obj=None):
        # Members are managed by owners.
        if request.user.is_superuser:
            return True
        owned = list(Membership.objects.filter(user=request.user, role=Role.OWNER).values_list("tenant_id", flat=True))
        return bool(owned) and (obj is None or obj.tenant_id in owned)


@admin.register(ApiKey)
class ApiKeyAdmin(TenantOwnedAdmin):
    list_display = ("name", "prefix", "role", "tenant", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at", "created_by")
    exclude = ("key_hash",)
    actions = ["revoke"]
    has_add_permission_default = False  # keys are issued in the app, where the raw key is shown once

    def get_readonly_fields(self, request, obj=None):
        return ("prefix", "created_at", "last_used_at", "created_by")

    @admin.action(description="Revoke selected keys")
    def revoke(self, request, queryset):
        from django.utils import timezone

        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} key(s).", messages.SUCCESS)


class SyncRunPartInline(admin.TabularInline):
    model = SyncRunPart
    extra = 0
    can_delete = False
    fields = ("key", "state", "items_done", "items_total", "seq", "checkpoint", "error", "updated_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return SyncRunPart._base_manager.all()

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SyncRun)
class SyncRunAdmin(TenantOwnedAdmin):
    list_display = ("id", "kind", "target", "state", "items_done", "items_total", "parts_done", "parts_total", "created_at", "finished_at")
    list_filter = (TenantListFilter, "kind", "state")
    search_fields = ("target", "label")
    readonly_fields = [f.name for f in SyncRun._meta.concrete_fields]
    inlines = [SyncRunPartInline]
    actions = ["resume", "cancel"]
    has_add_permission_default = False

    @admin.action(description="Resume selected runs from their checkpoints")
    def resume(self, request, queryset):
        resumed = 0
        for run in queryset:
            try:
                sync_run_resume(run=run)
                resumed += 1
            except Exception as exc:  # report, don't abort the batch
                self.message_user(request, f"Run {run.pk}: {exc}", messages.WARNING)
        self.message_user(request, f"Resumed {resumed} run(s).", messages.SUCCESS)

    @admin.action(description="Cancel selected runs")
    def cancel(self, request, queryset):
        for run in queryset:
            sync_run_cancel(run=run)
        self.message_user(request, "Cancelled.", messages.SUCCESS)


@admin.register(ApiCallLog)
class ApiCallLogAdmin(TenantOwnedAdmin):
    list_display = ("created_at", "provider", "method", "endpoint", "status_code", "outcome", "attempts", "duration_ms", "correlation_id")
    list_filter = (TenantListFilter, "provider", "outcome")
    search_fields = ("endpoint", "correlation_id")
    readonly_fields = [f.name for f in ApiCallLog._meta.concrete_fields]
    has_add_permission_default = False

    def has_change_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(TenantOwnedAdmin):
    """Rows written only by the services: shown, never added or edited here."""

    has_add_permission_default = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.concrete_fields if field.name not in (self.exclude or ())]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OAuthState)
class OAuthStateAdmin(_ReadOnlyAdmin):
    list_display = ("__str__", "provider", "created_by", "created_at", "used_at")
    list_filter = (TenantListFilter, "provider")
    exclude = ("state",)  # a state in flight is a credential of the callback: shown only abbreviated


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ReadOnlyAdmin):
    list_display = ("delivery_id", "provider", "source", "received_at")
    list_filter = (TenantListFilter, "provider")
    search_fields = ("delivery_id",)


admin.site.site_header = "Commerce Analytics operations"
admin.site.site_title = "Commerce Analytics"
