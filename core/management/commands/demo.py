"""Create the demo tenant, its owner login and a second tenant, idempotently."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from core.models import Membership, Role, Tenant

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-pass-2026"
DEMO_TENANTS = [
    {"slug": "demo", "name": "Demo Agency", "time_zone": "Asia/Kuala_Lumpur"},
    {"slug": "second-brand", "name": "Second Brand", "time_zone": "Asia/Jakarta"},
]


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

        for tenant in tenants:
            self._seed_demo_data(tenant)

        self.stdout.write(self.style.SUCCESS(f"Demo ready: log in as {DEMO_USERNAME!r} / {password!r} (owner of {', '.join(t.name for t in tenants)})."))
        self.stdout.write(f"Second login: 'analyst' / {password!r} (analyst of {tenants[1].name} only).")

    def _seed_demo_data(self, tenant):
        """Apps add their demo data through ``demo_seed`` hooks on their AppConfig."""
        from django.apps import apps

        for config in apps.get_app_configs():
            hook = getattr(config, "demo_seed", None)
            if hook is not None:
                hook(tenant)
