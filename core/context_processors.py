from django.apps import apps

from core.models import Role
from core.selectors import memberships_for_user


def tenancy(request):
    """Tenant switcher, role and navigation for every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role = getattr(request, "role", None)
    return {
        "current_tenant": getattr(request, "tenant", None),
        "current_role": role,
        "user_memberships": memberships_for_user(user) if hasattr(user, "memberships") else [],
        "nav_items": nav_items(role),
        "can_manage": Role.allows(role, Role.ADMIN),
        "is_owner": Role.allows(role, Role.OWNER),
    }


def nav_items(role):
    """One entry per ``NavEntry`` an app declares on its AppConfig (``core.registry``)."""
    items = []
    for config in apps.get_app_configs():
        for entry in getattr(config, "nav", ()):
            if Role.allows(role, entry.min_role):
                items.append({"label": entry.label, "url_name": entry.url_name, "app": config.label})
    return items
