"""Re-encrypt every stored secret with the first key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), run this
command, then remove the old keys.
"""

from django.core.management.base import BaseCommand

from core.services import encrypted_values_rotate


class Command(BaseCommand):
    help = "Re-encrypt all EncryptedTextField values with the newest key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        counts = encrypted_values_rotate(batch_size=batch_size)
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} value(s) rotated")
        self.stdout.write(self.style.SUCCESS(f"Rotated {sum(counts.values())} secret(s)."))
