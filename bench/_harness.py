"""What the benches share: a database of their own, the environment of the processes they
start (sandbox, web, Celery workers), and starting and stopping those processes.

The leading underscore keeps it out of ``make bench``, which runs ``bench/[!_]*.py``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The started processes run outside DEBUG, where the sandbox control API needs its token.
SANDBOX_CONTROL_TOKEN = os.environ.get("SANDBOX_CONTROL_TOKEN") or secrets.token_urlsafe(32)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_database_url(url: str, *, bench: str) -> str:
    """``<name>_<bench>_bench`` beside the database of ``url``, which must be PostgreSQL."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"bench/{bench}.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    name = parts.path.lstrip("/") or "postgres"
    return urlunsplit(parts._replace(path=f"/{name}_{bench}_bench"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def base_env(*, database_url: str, sandbox_base: str, broker_dir: str) -> dict[str, str]:
    """Production-like settings for the processes a bench starts; each bench adds its own."""
    env = {**os.environ}
    # BENCH_REDIS_URL keeps the bench's broker and cache apart from a Redis database that test
    # runs flush between tests.
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL", "")
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DEBUG": "false",
            "SECRET_KEY": env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SANDBOX_BASE_URL": sandbox_base,
            "SANDBOX_CONTROL_TOKEN": SANDBOX_CONTROL_TOKEN,
            "LOG_LEVEL": "WARNING",
            "CELERY_BROKER_URL": redis_url or f"filesystem://{broker_dir}",
            "VAR_DIR": broker_dir,
            # System checks are `manage.py check`'s job, not a benchmark's.
            "CELERY_SKIP_CHECKS": "1",
            "FIELD_ENCRYPTION_KEYS": env.get("FIELD_ENCRYPTION_KEYS") or base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        }
    )
    return env


def http_json(method: str, url: str, payload: dict | None = None) -> dict:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", "X-Sandbox-Control-Token": SANDBOX_CONTROL_TOKEN}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def sandbox_command(port: int) -> list[str]:
    return [PYTHON, "manage.py", "sandbox_serve", "--port", str(port), "--quiet", "--skip-checks"]


def wait_for_sandbox(proc: subprocess.Popen) -> None:
    """Until a ``sandbox_serve`` started with ``stdout=PIPE, text=True`` says it serves."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "Sandbox serving at" in line:
            return
        if proc.poll() is not None:
            sys.exit(f"sandbox_serve exited with {proc.returncode}")
    sys.exit("sandbox_serve did not start in 60 s")


def setup_django() -> None:
    """Django in the bench's own process (it reads and writes what the started processes do)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process group (newest first), then SIGKILL what is left after 20 s."""
    for proc in reversed(processes):
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)
    for proc in processes:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)
    except ProcessLookupError:  # already gone
        pass


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=100, method="inclusive")[94], 1)


def logged_in_session(base: str, username: str, password: str) -> requests.Session:
    """A session that logged in through the form, as a browser does (CSRF token and cookie)."""
    session = requests.Session()
    form = session.get(f"{base}/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    answer = session.post(
        f"{base}/login/", data={"username": username, "password": password, "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30
    )
    if answer.status_code != 302 or "/login/" in answer.headers.get("Location", ""):
        sys.exit(f"logging in as {username} failed: {answer.status_code}")
    return session


def timed_gets(session: requests.Session, url: str, *, count: int, warmup: int) -> list[float]:
    samples = []
    for n in range(warmup + count):
        started = time.perf_counter()
        response = session.get(url, allow_redirects=False, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
        if n >= warmup:
            samples.append(elapsed)
    return samples


def sandbox_connected_tenant(*, name: str, slug: str, fixture: str = "demo"):
    """A new tenant whose Business API advertisers are connected to the sandbox's ``fixture``
    through the product's own OAuth services (state, then the code the authorize page would hand
    over); returns the tenant and its advertisers by advertiser id. Call after ``setup_django``."""
    from urllib.parse import parse_qs, urlsplit

    from core.services import tenant_create
    from core.tenancy import tenant_scope
    from sandbox.emulators.tiktok_business.tokens import auth_code_issue
    from tiktok_ads.selectors import advertisers_for_tenant
    from tiktok_ads.services import business_oauth_complete, business_oauth_start

    tenant = tenant_create(name=name, slug=slug)
    with tenant_scope(tenant):
        state = parse_qs(urlsplit(business_oauth_start(tenant=tenant)).query)["state"][0]
        business_oauth_complete(tenant=tenant, state=state, auth_code=auth_code_issue(fixture=fixture))
        advertisers = list(advertisers_for_tenant(tenant).order_by("advertiser_id"))
    return tenant, advertisers
