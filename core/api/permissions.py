from __future__ import annotations

from rest_framework import permissions

from core.models import Role

SAFE_METHODS = permissions.SAFE_METHODS


class TenantRolePermission(permissions.BasePermission):
    """Authenticated, in a tenant, and holding the role the view asks for.

    Views declare ``read_role`` (safe methods, default viewer) and ``write_role`` (default admin);
    ``action_roles`` ({"resume": "admin"}) overrides both for the actions it names. Roles rank viewer < analyst < admin <
    owner. Object access is scoped by the queryset, so a foreign object is a 404 before this runs.
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(request, "tenant", None) is None:
            self.message = "You are not a member of any tenant."
            return False
        return Role.allows(getattr(request, "role", None), required_role_for(request, view))


def required_role_for(request, view) -> str:
    action = getattr(view, "action", None)
    per_action = getattr(view, "action_roles", {}) or {}
    if action in per_action:
        return per_action[action]
    if request.method in SAFE_METHODS:
        return getattr(view, "read_role", Role.VIEWER)
    return getattr(view, "write_role", Role.ADMIN)
