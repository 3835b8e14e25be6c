"""Test helpers: a handle on the sandbox, and a bridge that serves ``requests`` calls to the
sandbox in-process (exposed as the ``sandbox`` and ``sandbox_live`` fixtures in
``tests/fixtures/sandbox.py``).

``SandboxBridge`` registers ``responses`` callbacks for the sandbox base URL: every call the
product makes through ``requests`` goes through Django's test ``Client`` to the emulator views,
and comes back with the sandbox's real status, headers and body. No server, no sockets. Delays
(latency and slow faults) are judged against the call's read timeout: a delay at or beyond it
raises ``requests.exceptions.ReadTimeout`` at once (no real wait); a shorter one is slept.
"""

from __future__ import annotations

import re
import time
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import requests
import responses
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host
from django.test import Client
from django.urls import NoReverseMatch, reverse

from sandbox.framework import IN_PROCESS_KEY
from sandbox.models import ReceivedRequest
from sandbox.selectors import emulator_config_describe, received_request_list
from sandbox.services import emulator_config_update, emulator_faults_clear, emulator_faults_set, emulator_reset

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class Sandbox:
    """The sandbox as a test sees it: where it is, and its faults, options and records.

    State goes through the database, so this works the same for the in-process bridge and for
    a live server in another thread.
    """

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    def url(self, emulator: str, path: str = "") -> str:
        return f"{self.base_url}/{emulator}/{path.lstrip('/')}"

    def set_faults(self, emulator: str, **faults: Any) -> None:
        """``set_faults("telegram", status=429, retry_after=2, times=1)``; see ``sandbox.faults``."""
        emulator_faults_set(emulator=emulator, faults=faults)

    def clear_faults(self, emulator: str | None = None) -> None:
        emulator_faults_clear(emulator=emulator)

    def set_latency(self, emulator: str, latency_ms: int) -> None:
        emulator_config_update(emulator=emulator, latency_ms=latency_ms)

    def set_options(self, emulator: str, **options: Any) -> None:
        """Merge ``options`` into the emulator's stored options."""
        current = emulator_config_describe(emulator=emulator)["options"]
        emulator_config_update(emulator=emulator, options={**current, **options})

    def received(self, emulator: str, limit: int = 1000) -> list[ReceivedRequest]:
        """What ``emulator`` received, oldest first (only emulators that record)."""
        return received_request_list(emulator=emulator, limit=limit)

    def reset(self, emulator: str | None = None) -> None:
        emulator_reset(emulator=emulator)

    # --- Shopee (sandbox.emulators.shopee) ---

    def shopee_accounts(self, fixture: str = "demo") -> list[dict]:
        """The fixture's accounts (``describe()``: account, user_id, shop_id, region, ...)."""
        from sandbox.emulators.shopee.data import accounts

        return [account.describe() for account in accounts(fixture)]

    def shopee_auth_code(self, account: str = "demo-id-1") -> str:
        """A ``code`` as ``shop/auth_partner`` hands it to the redirect when ``account`` authorizes."""
        from sandbox.emulators.shopee.tokens import auth_code_issue

        return auth_code_issue(account=account)

    def shopee_qr_confirm(self, qrcode_id: str, account: str = "demo-id-1") -> None:
        """The account's phone scans and confirms the login QR ``qrcode_id``."""
        from sandbox.emulators.shopee.tokens import qr_confirm

        qr_confirm(qrcode_id=qrcode_id, account=account)

    def shopee_connect(self, account: str) -> dict:
        """Open Platform tokens and an ``SPC_EC`` cookie for ``account`` at once (bench, fixtures)."""
        from sandbox.emulators.shopee.control import account_connect

        return account_connect(account)

    def shopee_clock(self, *, frozen_at: int | None = None, advance_seconds: int = 0) -> int:
        """Freeze the Shopee clock at ``frozen_at`` and/or move it; returns its now."""
        from sandbox.emulators.shopee.data import sandbox_now

        options = emulator_config_describe(emulator="shopee")["options"]
        if frozen_at is not None:
            options["clock_frozen_at"] = frozen_at
        if advance_seconds:
            if options.get("clock_frozen_at") is not None:
                options["clock_frozen_at"] += advance_seconds
            else:
                options["clock_offset_seconds"] = int(options.get("clock_offset_seconds") or 0) + advance_seconds
        emulator_config_update(emulator="shopee", options=options)
        return sandbox_now()


class SandboxBridge(Sandbox):
    """A ``Sandbox`` whose base URL is served in-process through ``responses``.

    Use as a context manager (or ``start()``/``stop()``). Pass ``mock`` to add the callbacks to
    an active ``responses.RequestsMock`` instead of starting one; ``self.mock`` takes other stubs.
    URLs outside the base URL that nothing else stubs fail with ``ConnectionError``.
    """

    def __init__(self, base_url: str | None = None, *, mock: responses.RequestsMock | None = None):
        super().__init__(base_url or settings.SANDBOX_BASE_URL)
        self._owns_mock = mock is None
        self.mock = mock or responses.RequestsMock(assert_all_requests_are_fired=False)
        self._client = Client()
        self._base_path = urlsplit(self.base_url).path.rstrip("/")
        pattern = re.compile(re.escape(self.base_url) + r"(?:[/?#].*)?$")
        for method in HTTP_METHODS:
            self.mock.add_callback(method, pattern, callback=self._forward, content_type=None)

    def start(self) -> SandboxBridge:
        if self._owns_mock:
            self.mock.start()
        return self

    def stop(self) -> None:
        if self._owns_mock:
            self.mock.stop()
            self.mock.reset()

    def __enter__(self) -> SandboxBridge:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def calls(self):
        """``responses`` call list: each ``requests`` call and the response it got."""
        return self.mock.calls

    def _forward(self, prepared: requests.PreparedRequest):
        url = urlsplit(prepared.url)
        relative = url.path[len(self._base_path) :].lstrip("/")
        target = _mount_path() + relative + (f"?{url.query}" if url.query else "")
        headers = {
            name: value for name, value in prepared.headers.items() if name.lower() not in ("content-type", "content-length", "host")
        }
        # Cookies travel only in the request's own Cookie header: the test client would otherwise
        # keep one login's cookie (Shopee's SPC_EC) and send it with every later call.
        self._client.cookies = SimpleCookie()
        response = self._client.generic(
            prepared.method,
            target,
            data=_body_bytes(prepared.body),
            content_type=prepared.headers.get("Content-Type", ""),
            secure=url.scheme == "https",
            headers=headers,
            **_host_meta(url.netloc),
            **{IN_PROCESS_KEY: True},
        )
        delay_ms = getattr(response, "sandbox_delay_ms", 0)
        read_timeout = _read_timeout(getattr(prepared, "req_kwargs", {}).get("timeout"))
        if delay_ms and read_timeout is not None and delay_ms / 1000 >= read_timeout:
            return requests.exceptions.ReadTimeout(
                f"Sandbox answered after {delay_ms} ms: read timed out. (read timeout={read_timeout})", request=prepared
            )
        if delay_ms:
            time.sleep(delay_ms / 1000)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        # Django keeps cookies apart from the headers; a real server sends them as Set-Cookie.
        cookies = [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        return response.status_code, list(response.items()) + cookies, content


def _host_meta(netloc: str) -> dict:
    """The test client's own host (``testserver``) where it is allowed (the test suite), else the
    host of the sandbox URL itself: outside DEBUG (``make run``'s demo seeding) only the configured
    ``ALLOWED_HOSTS`` answer."""
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # what Django allows then
    if validate_host("testserver", allowed):
        return {}
    return {"HTTP_HOST": netloc}


def _mount_path() -> str:
    try:
        return reverse("sandbox:index")
    except NoReverseMatch:
        raise ImproperlyConfigured("The sandbox isn't mounted (SANDBOX_ENABLED is off), so the bridge has nowhere to send requests.")


def _body_bytes(body) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    if hasattr(body, "read"):
        return body.read()
    return b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in body)


def _read_timeout(timeout) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, tuple):
        return timeout[1]
    read = getattr(timeout, "read_timeout", timeout)  # urllib3 Timeout
    return None if read is None else float(read)


def point_upstreams_at(settings_wrapper, base_url: str) -> None:
    """Move every setting that points into the current sandbox base (``SANDBOX_BASE_URL``,
    ``TELEGRAM_API_BASE``, ...) to ``base_url``. ``settings_wrapper`` is pytest-django's
    ``settings`` fixture, which restores them after the test."""
    old = settings.SANDBOX_BASE_URL.rstrip("/")
    for name in dir(settings):
        value = getattr(settings, name, None) if name.isupper() else None
        if isinstance(value, str) and (value == old or value.startswith(old + "/")):
            setattr(settings_wrapper, name, base_url + value[len(old) :])
