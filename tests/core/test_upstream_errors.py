"""``UpstreamError`` mapped once (``core.upstream``): 503 with ``retry_after`` for a platform that
is down, throttling us or behind an open circuit; 502 for a broken answer. Pages render the same
mapping as the product's error page."""

import pytest

from core.http import AuthExpired, BadRequest, CircuitOpen, MalformedResponse, RateLimited, Upstream5xx, UpstreamUnavailable
from core.models import Role
from core.upstream import DEFAULT_RETRY_AFTER, upstream_failure
from tests.fixtures.html import parse


@pytest.mark.parametrize(
    ("error", "status", "code", "retry_after"),
    [
        (RateLimited("slow down", provider="tiktok_shop", status=429, retry_after=2.2), 503, "rate_limited", 3),
        (RateLimited("own limit", provider="tiktok_shop"), 503, "rate_limited", DEFAULT_RETRY_AFTER),
        (UpstreamUnavailable("connect timeout", provider="google_ads"), 503, "upstream_unavailable", DEFAULT_RETRY_AFTER),
        (CircuitOpen("open", provider="tiktok_business", retry_after=12.5), 503, "upstream_unavailable", 13),
        (Upstream5xx("busy", provider="tiktok_shop", status=503, retry_after=0.2), 503, "upstream_unavailable", 1),
        (Upstream5xx("boom", provider="tiktok_shop", status=500), 502, "upstream_error", None),
        (MalformedResponse("cut in half", provider="meta_capi", status=200), 502, "upstream_error", None),
        (BadRequest("bad field", provider="tiktok_shop", status=400), 502, "upstream_error", None),
        (AuthExpired("expired", provider="tiktok_shop", status=401), 502, "upstream_error", None),
    ],
)
def test_each_upstream_error_has_one_status_and_code(error, status, code, retry_after):
    failure = upstream_failure(error)
    assert (failure.status, failure.code, failure.retry_after) == (status, code, retry_after)
    assert failure.extra.get("retry_after") == retry_after
    assert failure.extra["provider"] == error.provider


def test_messages_name_the_platform_and_the_wait():
    assert upstream_failure(CircuitOpen("x", provider="tiktok_business", retry_after=4)).message == (
        "TikTok is unavailable right now; try again in 4 seconds."
    )
    assert upstream_failure(Upstream5xx("boom", provider="tiktok_shop", status=500)).message == "TikTok Shop answered with an error: boom"
    assert upstream_failure(MalformedResponse("", provider="acme_ads")).message == "Acme Ads answered with an error."


@pytest.mark.django_db
def test_a_page_that_hits_an_outage_renders_the_error_page_with_503(web_client_for, tenant_a, monkeypatch):
    from shop_sync import selectors

    def down(*args, **kwargs):
        raise CircuitOpen("Circuit open", provider="tiktok_shop", retry_after=7)

    monkeypatch.setattr(selectors, "kpi_summary", down)
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    response = client.get("/shop/")
    assert response.status_code == 503 and response["Retry-After"] == "7"
    page = parse(response.content).find(cls="error-page")
    assert page.attrs["data-error-code"] == "upstream_unavailable"
    assert page.find(cls="error-message").text == "TikTok Shop is unavailable right now; try again in 7 seconds."
