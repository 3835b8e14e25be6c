"""Base classes for tenant-scoped API views.

Querysets come only from ``get_queryset``, which scopes by ``request.tenant``; so another
tenant's object is a 404, the same as a missing one. Subclasses set ``model`` (or override
``get_base_queryset``) and ``read_role``/``write_role``/``action_roles``.
"""

from __future__ import annotations

from rest_framework import generics, mixins, viewsets

from core.models import Role


class TenantScopedMixin:
    model = None
    # Routers built with ``use_regex_path=False`` match the lookup with this path converter, so a
    # malformed id is a 404 at the URL level. Models keyed by UUID or text set "uuid" or "str".
    lookup_value_converter = "int"
    read_role = Role.VIEWER
    write_role = Role.ADMIN
    action_roles: dict[str, str] = {}

    def get_base_queryset(self):
        return self.model.objects.for_tenant(self.request.tenant)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no request tenant; it only needs the model.
            return self.model._base_manager.none()
        return self.get_base_queryset()

    def perform_create(self, serializer):
        serializer.save(tenant=self.request.tenant)


class TenantScopedReadOnlyViewSet(TenantScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantScopedViewSet(TenantScopedMixin, viewsets.ModelViewSet):
    pass


class TenantScopedGenericViewSet(TenantScopedMixin, viewsets.GenericViewSet):
    pass


class TenantScopedAPIView(TenantScopedMixin, generics.GenericAPIView):
    pass


__all__ = [
    "TenantScopedMixin",
    "TenantScopedReadOnlyViewSet",
    "TenantScopedViewSet",
    "TenantScopedGenericViewSet",
    "TenantScopedAPIView",
    "mixins",
]
