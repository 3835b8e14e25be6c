from django.urls import NoReverseMatch, reverse

from core import registry
from core.models import Role
from core.selectors import memberships_for_user


def tenancy(request):
    """Tenant switcher, role and navigation for every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": []}
    role = getattr(request, "role", None)
    return {
        "current_tenant": getattr(request, "tenant", None),
        "current_role": role,
        "user_memberships": memberships_for_user(user) if hasattr(user, "memberships") else [],
        "nav_groups": nav_groups(role, request.path, getattr(request, "tenant", None)),
        "can_manage": Role.allows(role, Role.ADMIN),
        "is_owner": Role.allows(role, Role.OWNER),
    }


def nav_groups(role, path: str, tenant=None) -> list[dict]:
    """The navigation: each group with the entries ``role`` may see (and ``tenant`` has switched
    on, ``NavEntry.visible``), in ``NAV_GROUPS`` order.

    Exactly one entry is active: the one whose URL is the longest prefix of ``path`` (so
    ``/shop/orders/7/`` marks Orders, not Shop)."""
    groups: dict[str, list[dict]] = {name: [] for name in registry.NAV_GROUPS}
    for config in registry.platform_apps():
        for entry in config.nav:
            if not Role.allows(role, entry.min_role) or not entry.shown_to(tenant):
                continue
            try:
                href = reverse(entry.url_name)
            except NoReverseMatch:
                continue
            group = entry.group or config.nav_group
            groups.setdefault(group, []).append({"label": entry.label, "href": href, "app": config.label, "hint": entry.hint, "active": False})
    entries = [entry for items in groups.values() for entry in items]
    matches = [entry for entry in entries if path.startswith(entry["href"]) and entry["href"] != "/"]
    if matches:
        max(matches, key=lambda entry: len(entry["href"]))["active"] = True
    return [
        {"name": name, "entries": items, "active": any(entry["active"] for entry in items), "slug": name.lower().replace(" & ", "-").replace(" ", "-")}
        for name, items in groups.items()
        if items
    ]
