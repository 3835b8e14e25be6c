"""The secrets of the embedded default, generated once: ``python -m config.embedded var/embedded.env``.

``make run`` runs the product with ``DEBUG`` off, so it needs what production needs: a
``SECRET_KEY``, ``FIELD_ENCRYPTION_KEYS`` and, with the sandbox enabled, a
``SANDBOX_CONTROL_TOKEN``. This writes them to an env file (mode 0600) the first time and leaves
the file alone afterwards, so sessions and encrypted secrets survive restarts; the settings read it
through ``ENV_FILE`` (the real environment still wins). Deleting ``var/`` (``make clean``) starts
over. No Django here: it runs before the settings can load.

A database created by an earlier embedded run encrypted its secrets with a key derived from the
old built-in development ``SECRET_KEY``; when one is found next to the file, that key is kept as
the last (decrypt-only) entry of ``FIELD_ENCRYPTION_KEYS``, so its connections stay readable
(``manage.py rotate_encryption_keys`` re-encrypts them with the new key, after which it can go).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import sys
from pathlib import Path

# The built-in key of DEBUG runs before the embedded default ran with DEBUG off.
LEGACY_DEBUG_SECRET_KEY = "embedded-dev-only-secret-key-do-not-use-in-production"


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _legacy_fernet_key() -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"fernet:{LEGACY_DEBUG_SECRET_KEY}".encode()).digest()).decode()


def embedded_env_text(*, legacy_database: bool) -> str:
    keys = [_fernet_key()] + ([_legacy_fernet_key()] if legacy_database else [])
    return "\n".join(
        [
            "# Generated once by `python -m config.embedded` for `make run` (the embedded default).",
            "# Local secrets: never copy them to a deployment. Delete this file to generate new ones.",
            f"SECRET_KEY={secrets.token_urlsafe(50)}",
            f"FIELD_ENCRYPTION_KEYS={','.join(keys)}",
            f"SANDBOX_CONTROL_TOKEN={secrets.token_urlsafe(32)}",
            "",
        ]
    )


def embedded_env_ensure(path: Path) -> bool:
    """Write ``path`` unless it exists; True when written now."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    text = embedded_env_text(legacy_database=(path.parent / "db.sqlite3").exists())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    return True


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m config.embedded <path of the env file, e.g. var/embedded.env>")
    target = Path(sys.argv[1])
    if embedded_env_ensure(target):
        print(f"Generated the embedded default's secrets in {target}")
