"""Destinations for tenant A on each platform, events, and a stub of the three APIs (through
``responses``) that records every request body."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from conversions import clients
from conversions.models import Destination, Platform
from core.tenancy import tenant_scope


@pytest.fixture(autouse=True)
def _no_client_sleep(monkeypatch):
    """In-place retries of the clients don't wait in tests."""
    monkeypatch.setattr(clients, "client_sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def _conversions_settings(settings):
    settings.OUTBOUND_MODE = "live"
    settings.TIKTOK_EVENT_ACTIONS = ""
    settings.GOOGLE_ADS_EVENT_ACTIONS = ""
    settings.META_EVENT_ACTIONS = ""
    settings.TIKTOK_DEFAULT_PHONE_COUNTRY_CODE = "1"
    settings.UPSTREAM_MAX_ATTEMPTS = 1


def make_destination(tenant, platform: str, **fields) -> Destination:
    defaults = {
        Platform.TIKTOK: {"name": "TikTok", "pixel_id": "CPIXEL123", "access_token": "tt-token-123"},
        Platform.GOOGLE_ADS: {
            "name": "Google Ads",
            "customer_id": "1234567890",
            "conversion_action_id": "987654321",
            "developer_token": "dev-token-1",
            "oauth_client_id": "client-1",
            "oauth_client_secret": "client-secret-1",
            "refresh_token": "refresh-1",
        },
        Platform.META: {"name": "Meta", "pixel_id": "1234567890123456", "access_token": "EAAmeta123"},
    }[platform]
    with tenant_scope(tenant):
        return Destination.objects.create(tenant=tenant, platform=platform, **{**defaults, **fields})


@pytest.fixture
def tiktok_a(tenant_a):
    return make_destination(tenant_a, Platform.TIKTOK)


@pytest.fixture
def google_a(tenant_a):
    return make_destination(tenant_a, Platform.GOOGLE_ADS)


@pytest.fixture
def meta_a(tenant_a):
    return make_destination(tenant_a, Platform.META)


def event_payload(n: int = 1, **fields) -> dict:
    data = {
        "event_id": f"appt-{n}",
        "event_name": "TRIAL_BOOKED",
        "event_time": (timezone.now() - timedelta(hours=1)).replace(microsecond=0).isoformat(),
        "email": f" User{n}@Example.com ",
        "phone": "(415) 555-1234",
        "ttclid": f"E.C.P.click{n}",
        "page_url": "https://academy.example.com/schedule",
        "value": 50,
        "currency": "usd",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


class PlatformStub:
    """Answers the three APIs like the platforms do; ``answers[platform]`` is a list of
    ``(status, body)`` used in order (the last one repeats). Records the JSON bodies sent."""

    def __init__(self, mock):
        self.mock = mock
        self.calls: dict[str, list[dict]] = {"tiktok": [], "google": [], "meta": [], "oauth": []}
        self.headers: dict[str, list[dict]] = {"tiktok": [], "google": [], "meta": []}
        self.answers: dict[str, list[tuple[int, dict]]] = {
            "tiktok": [(200, {"code": 0, "message": "OK", "request_id": "req-1", "data": {}})],
            "google": [],
            "meta": [],
            "oauth": [(200, {"access_token": "ya29.fresh", "expires_in": 3599, "token_type": "Bearer"})],
        }
        base_tiktok = f"{settings.TIKTOK_EVENTS_API_BASE}/open_api/v1.3/event/track/"
        mock.add_callback("POST", base_tiktok, callback=self._handler("tiktok"))
        mock.add_callback("POST", settings.GOOGLE_OAUTH_TOKEN_URL, callback=self._oauth)
        import re

        mock.add_callback(
            "POST", re.compile(re.escape(settings.GOOGLE_ADS_API_BASE) + r"/.*uploadClickConversions"), callback=self._handler("google")
        )
        mock.add_callback(
            "POST", re.compile(re.escape(settings.META_GRAPH_API_BASE) + r"/v[\d.]+/\d+/events.*"), callback=self._handler("meta")
        )

    def _answer(self, name, body):
        answers = self.answers[name]
        if answers:
            status, payload = answers[0] if len(answers) == 1 else answers.pop(0)
            return status, payload
        if name == "google":
            return 200, {"results": [{"orderId": c.get("orderId")} for c in body.get("conversions", [])], "jobId": "1"}
        return 200, {"events_received": len(body.get("data", [])), "messages": [], "fbtrace_id": "trace"}

    def _handler(self, name):
        def callback(request):
            body = json.loads(request.body)
            self.calls[name].append(body)
            self.headers[name].append({**dict(request.headers), "url": request.url})
            status, payload = self._answer(name, body)
            return status, {"Content-Type": "application/json"}, json.dumps(payload)

        return callback

    def _oauth(self, request):
        self.calls["oauth"].append({"body": request.body})
        status, payload = self._answer("oauth", {})
        return status, {"Content-Type": "application/json"}, json.dumps(payload)

    def events(self, name) -> list[dict]:
        key = {"tiktok": "data", "google": "conversions", "meta": "data"}[name]
        return [item for call in self.calls[name] for item in call.get(key, [])]


@pytest.fixture
def platforms(mock_upstream):
    return PlatformStub(mock_upstream)
