"""Settings fail closed: DEBUG and the sandbox are off unless set, upstreams left at the sandbox
and a sandbox without its control token fail the system checks, ``check --deploy`` passes with
production settings, and make run's embedded settings pass ``check``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from config.embedded import embedded_env_ensure
from core.checks import check_sandbox_control_token, check_upstreams_not_sandboxed

REAL_UPSTREAMS = {
    "TIKTOK_SHOP_API_BASE": "https://open-api.tiktokglobalshop.com",
    "TIKTOK_SHOP_AUTH_BASE": "https://auth.tiktok-shops.com",
    "TIKTOK_SHOP_AUTHORIZE_URL": "https://services.tiktokshop.com/open/authorize",
    "TIKTOK_BUSINESS_API_BASE": "https://business-api.tiktok.com",
    "TIKTOK_BUSINESS_AUTHORIZE_URL": "https://business-api.tiktok.com/portal/auth",
    "TIKTOK_EVENTS_API_BASE": "https://business-api.tiktok.com",
    "GOOGLE_ADS_API_BASE": "https://googleads.googleapis.com",
    "GOOGLE_OAUTH_TOKEN_URL": "https://oauth2.googleapis.com/token",
    "META_GRAPH_API_BASE": "https://graph.facebook.com",
    "TELEGRAM_API_BASE": "https://api.telegram.org",
    "SHOPEE_OPEN_API_BASE": "https://partner.shopeemobile.com",
    "SHOPEE_WEB_BASE": "https://seller.shopee.co.id",
    "SHOPEE_AUTHORIZE_URL": "https://partner.shopeemobile.com/api/v2/shop/auth_partner",
    "TRANSCRIPTION_API_BASE": "https://api.openai.com/v1",
}
# Set by config/settings_test.py for the suite; a subprocess that runs the product's own
# settings starts without them (and without a stray .env of the checkout).
# (DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' Playwright fixture.)
SUITE_ONLY = {"DEBUG", "SANDBOX_ENABLED", "SANDBOX_CONTROL_TOKEN", "ENV_FILE", "HTTPS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _manage(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY | set(REAL_UPSTREAMS) | {"SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**clean, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings_shown(expression: str, env: dict[str, str], tmp_path: Path) -> str:
    """``expression`` (over ``s``, the settings) evaluated with the product's own settings and
    ``env``, as printed by a fresh process."""
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    clean = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_upstreams_left_at_the_sandbox_fail_when_it_is_not_enabled(settings):
    settings.SANDBOX_ENABLED = False
    errors = check_upstreams_not_sandboxed(None)
    assert set(_ids(errors)) == {"core.E002"}
    named = {error.msg.split(" ", 1)[0] for error in errors}
    assert set(REAL_UPSTREAMS) <= named  # every platform's URL, authorize and token URLs included
    assert not any(name.startswith("SANDBOX_") for name in named)  # the sandbox's own settings are its business
    assert "SANDBOX_ENABLED" in errors[0].hint


def test_any_url_setting_into_the_sandbox_counts(settings):
    settings.SANDBOX_ENABLED = False
    for name, value in REAL_UPSTREAMS.items():
        setattr(settings, name, value)
    assert check_upstreams_not_sandboxed(None) == []
    settings.SHOPEE_API_BASE = f"{settings.SANDBOX_BASE_URL}/shopee"  # a platform added later
    assert [error.msg.split(" ", 1)[0] for error in check_upstreams_not_sandboxed(None)] == ["SHOPEE_API_BASE"]
    # The sandbox mounted on this server counts even when SANDBOX_BASE_URL points elsewhere.
    settings.SHOPEE_API_BASE = f"{settings.PUBLIC_BASE_URL}/sandbox/shopee"
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:8100/sandbox"
    assert [error.msg.split(" ", 1)[0] for error in check_upstreams_not_sandboxed(None)] == ["SHOPEE_API_BASE"], check_upstreams_not_sandboxed(None)


def test_sandbox_urls_pass_when_the_sandbox_is_enabled_on_purpose(settings):
    settings.SANDBOX_ENABLED = True
    assert check_upstreams_not_sandboxed(None) == []


def test_sandbox_outside_debug_needs_its_control_token(settings):
    settings.SANDBOX_ENABLED, settings.DEBUG, settings.SANDBOX_CONTROL_TOKEN = True, False, ""
    errors = check_sandbox_control_token(None)
    assert _ids(errors) == ["core.E003"] and "SANDBOX_CONTROL_TOKEN" in errors[0].msg
    settings.SANDBOX_CONTROL_TOKEN = "a-long-random-control-token"
    assert check_sandbox_control_token(None) == []
    settings.SANDBOX_CONTROL_TOKEN, settings.DEBUG = "", True
    assert check_sandbox_control_token(None) == []  # a DEBUG run may leave the API open
    settings.DEBUG, settings.SANDBOX_ENABLED = False, False
    assert check_sandbox_control_token(None) == []


def test_nothing_set_means_debug_and_sandbox_off_and_the_checks_refuse_to_start(tmp_path):
    env = {"SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "shop.example.com", "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    shown = _settings_shown("s.DEBUG, s.SANDBOX_ENABLED, s.TIKTOK_SHOP_APP_KEY == '', s.TIKTOK_BUSINESS_APP_SECRET == ''", env, tmp_path)
    assert shown == "False False True True"  # no sandbox app keys without the sandbox

    result = _manage(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "core.E002" in result.stderr and "TIKTOK_BUSINESS_API_BASE" in result.stderr

    result = _manage(["check"], {**env, "SANDBOX_ENABLED": "true"}, tmp_path)
    assert result.returncode != 0
    assert "core.E003" in result.stderr and "core.E002" not in result.stderr


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": Fernet.generate_key().decode() + Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "app.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://app.example.com",
        "PUBLIC_BASE_URL": "https://app.example.com",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        **REAL_UPSTREAMS,
    }
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout

    shown = _settings_shown("s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_SECURE", env, tmp_path)
    assert shown == "True ('HTTP_X_FORWARDED_PROTO', 'https') True True"


def test_make_runs_embedded_settings_pass_the_checks_with_debug_off(tmp_path):
    env_file = tmp_path / "embedded.env"
    assert embedded_env_ensure(env_file) is True
    first = env_file.read_text()
    assert embedded_env_ensure(env_file) is False and env_file.read_text() == first  # generated once
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    env = {"ENV_FILE": str(env_file), "SANDBOX_ENABLED": "true", "HTTPS": "false", "ALLOWED_HOSTS": "localhost,127.0.0.1,[::1]"}
    result = _manage(["check", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr

    shown = _settings_shown("s.DEBUG, s.SANDBOX_ENABLED, bool(s.SANDBOX_CONTROL_TOKEN), s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE", env, tmp_path)
    assert shown == "False True True False False"


def test_an_earlier_embedded_database_keeps_its_encryption_key(tmp_path):
    from config.embedded import _legacy_fernet_key

    (tmp_path / "db.sqlite3").write_bytes(b"")
    embedded_env_ensure(tmp_path / "embedded.env")
    keys = next(line for line in (tmp_path / "embedded.env").read_text().splitlines() if line.startswith("FIELD_ENCRYPTION_KEYS="))
    new, legacy = keys.split("=", 1)[1].split(",")
    assert legacy == _legacy_fernet_key() and new != legacy  # new writes use the new key


@pytest.mark.parametrize("value, expected", [("", None), ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https"))])
def test_proxy_ssl_header_is_configurable(value, expected, tmp_path):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "p" * 50,
        "ALLOWED_HOSTS": "app.example.com",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SECURE_PROXY_SSL_HEADER": value,
    }
    assert _settings_shown("repr(s.SECURE_PROXY_SSL_HEADER)", env, tmp_path) == repr(expected)
