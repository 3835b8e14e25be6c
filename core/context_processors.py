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
    """One entry per app that declares ``nav`` on its AppConfig: (label, url name, min role)."""
    items = []
    for config in apps.get_app_configs():
        for label, url_name, min_role in getattr(config, "nav", ()):
            if Role.allows(role, min_role):
                items.append({"label": label, "url_name": url_name, "app": config.label})
    return items
