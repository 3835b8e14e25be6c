"""Create the demo tenant, its owner login and a second tenant, idempotently, then the apps' demo
data.

Apps add their demo data through a ``demo_seed(tenant, *, upstreams)`` hook on their AppConfig;
the hooks call only product services. What answers their upstream calls is not theirs to know:
an app that serves the upstream platforms (the sandbox, when ``SANDBOX_ENABLED``) provides
``demo_upstreams()`` on its AppConfig, a context manager that serves them for the duration of the
seeding and yields a ``DemoUpstreams`` saying which platforms answer in this process and how to
get an authorization code for their demo account. Without one, the hooks get an empty
``DemoUpstreams``: nothing is connected, and connections are made from the pages.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from core.models import Membership, Role, Tenant
from core.registry import platform_apps

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-pass-2026"
DEMO_TENANTS = [
    {"slug": "demo", "name": "Demo Agency", "time_zone": "Asia/Kuala_Lumpur"},
    {"slug": "second-brand", "name": "Second Brand", "time_zone": "Asia/Jakarta"},
]


@dataclass(frozen=True)
class DemoUpstreams:
    """What serves the upstream platforms while the demo seeds run, by provider name (the
    ``provider`` of the app's client: ``tiktok_shop``, ``tiktok_business``, ...).

    ``in_process``: providers whose calls are answered in this process, so a seed may make them
    inline (``make run`` seeds before the web server starts). ``auth_codes``: provider → a
    callable issuing a fresh authorization code for the platform's demo account, as its authorize
    page would hand one to the redirect URI.
    """

    in_process: frozenset[str] = frozenset()
    auth_codes: Mapping[str, Callable[[], str]] = field(default_factory=dict)

    def auth_code(self, provider: str) -> str | None:
        """A fresh code for ``provider``'s demo account, or None when nothing issues one."""
        issue = self.auth_codes.get(provider)
        return issue() if issue is not None else None


@contextlib.contextmanager
def demo_upstreams() -> Iterator[DemoUpstreams]:
    """The first installed app's ``demo_upstreams()``, else no upstreams at all."""
    for config in apps.get_app_configs():
        provide = getattr(config, "demo_upstreams", None)
        if provide is not None:
            with provide() as upstreams:
                yield upstreams
            return
    yield DemoUpstreams()


def demo_data_seed(tenants: list[Tenant]) -> None:
    """Every app's ``demo_seed`` hook for each tenant, in INSTALLED_APPS order (tiktok_ads
    connects advertisers before gmvmax syncs their figures), with the upstreams served."""
    hooks = [config.demo_seed for config in platform_apps()]
    with demo_upstreams() as upstreams:
        for tenant in tenants:
            for hook in hooks:
                hook(tenant, upstreams=upstreams)


class Command(BaseCommand):
    help = "Create the demo tenant, an owner login and a second tenant (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Password for the demo owner.")

    @transaction.atomic
    def handle(self, *args, password, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=DEMO_USERNAME, defaults={"email": "demo@example.com", "is_staff": True})
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        tenants = []
        for spec in DEMO_TENANTS:
            tenant, _ = Tenant.objects.get_or_create(slug=spec["slug"], defaults={"name": spec["name"], "time_zone": spec["time_zone"]})
            Membership.objects.get_or_create(user=user, tenant=tenant, defaults={"role": Role.OWNER})
            tenants.append(tenant)
        # A member of the second tenant only, to try isolation with a second login.
        other, other_created = User.objects.get_or_create(username="analyst", defaults={"email": "analyst@example.com"})
        if other_created:
            other.set_password(password)
            other.save(update_fields=["password"])
        Membership.objects.get_or_create(user=other, tenant=tenants[1], defaults={"role": Role.ANALYST})

        demo_data_seed(tenants)

        self.stdout.write(self.style.SUCCESS(f"Demo ready: log in as {DEMO_USERNAME!r} / {password!r} (owner of {', '.join(t.name for t in tenants)})."))
        self.stdout.write(f"Second login: 'analyst' / {password!r} (analyst of {tenants[1].name} only).")
