"""Base classes for tenant-scoped pages.

Pages get their querysets from ``get_queryset``, which scopes by ``request.tenant``: another
tenant's object is a 404, the same as a missing one. ``min_role`` gates the page (viewer reads,
analyst exports, admin manages connections and secrets, owner manages members).
"""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.generic import DetailView, ListView, TemplateView

from core.models import Role


class TenantRequiredMixin(AccessMixin):
    min_role: str = Role.VIEWER

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if getattr(request, "tenant", None) is None:
            return render(request, "core/no_tenant.html", status=403)
        if not Role.allows(request.role, self.required_role(request)):
            raise PermissionDenied("Your role does not allow this.")
        return super().dispatch(request, *args, **kwargs)

    def required_role(self, request) -> str:
        return self.min_role if request.method in ("GET", "HEAD", "OPTIONS") else getattr(self, "write_role", self.min_role)

    @property
    def tenant(self):
        return self.request.tenant


class TenantScopedQuerysetMixin(TenantRequiredMixin):
    model = None

    def get_base_queryset(self):
        return self.model.objects.for_tenant(self.request.tenant)

    def get_queryset(self):
        return self.get_base_queryset()


class TenantPageView(TenantRequiredMixin, TemplateView):
    pass


class TenantScopedListView(TenantScopedQuerysetMixin, ListView):
    paginate_by = 50


class TenantScopedDetailView(TenantScopedQuerysetMixin, DetailView):
    pass


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
