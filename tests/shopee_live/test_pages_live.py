"""Live now: a card per ongoing session with its figures in the account's currency, the sparkline,
filters, the htmx partial, last sync per account with the stale marker, and the empty states."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Role
from shopee_live.models import SessionStatus
from tests.fixtures.html import parse
from tests.shopee_live.pages_data import make_account, make_host, make_minutes, make_session, make_studio

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.VIEWER)[0]


@pytest.fixture
def world(tenant_a):
    now = timezone.now()
    jakarta = make_studio(tenant_a, "Studio Jakarta")
    bangkok = make_studio(tenant_a, "Studio Bangkok")
    glow = make_account(tenant_a, jakarta, name="Glow ID", region="ID", user_id="880001")
    siam = make_account(
        tenant_a,
        bangkok,
        name="Siam Beauty",
        region="TH",
        user_id="880002",
        last_synced_at=now - timedelta(minutes=25),
        last_sync_error="error_rate_limit: too many calls",
    )
    ayu = make_host(tenant_a, jakarta)
    flash = make_session(
        tenant_a, glow, session_id="9001", session_name="Flash Sale Serum", status=SessionStatus.ONGOING, host=ayu,
        started_at=now - timedelta(minutes=42), current_viewers=1234, peak_viewers=2001, total_orders=87,
        total_revenue=Decimal("12345678.00"), items_sold=140,
    )  # fmt: skip
    make_minutes(flash, now - timedelta(minutes=3), [{"viewers": 900}, {"viewers": 1100}, {"viewers": 1234}])
    siam_live = make_session(
        tenant_a, siam, session_id="9002", session_name="Songkran deals", status=SessionStatus.ONGOING,
        started_at=now - timedelta(minutes=5), current_viewers=50, peak_viewers=60, total_orders=3, total_revenue=Decimal("1499.50"),
    )  # fmt: skip
    make_session(tenant_a, glow, session_id="8001", session_name="Yesterday's show", started_at=now - timedelta(days=1))
    return {"glow": glow, "siam": siam, "flash": flash, "siam_live": siam_live, "jakarta": jakarta, "bangkok": bangkok}


def field(card, name: str) -> str:
    """The text of the element of ``card`` with ``data-field=name``."""
    return next(el for el in card.iter() if el.attrs.get("data-field") == name).text


def test_cards_show_each_ongoing_session_in_its_currency(viewer, world):
    response = viewer.get("/live/")
    assert response.status_code == 200
    page = parse(response.content.decode())
    cards = page.find_all("article", cls="live-card")
    assert [card.attrs["id"] for card in cards] == [f"live-session-{world['flash'].pk}", f"live-session-{world['siam_live'].pk}"]
    flash = cards[0]
    assert field(flash, "current-viewers") == "1,234"
    assert field(flash, "peak-viewers") == "2,001"
    assert field(flash, "orders") == "87"
    assert field(flash, "items-sold") == "140"
    assert field(flash, "revenue") == "Rp 12,345,678"
    assert field(flash, "host") == "Ayu"
    assert field(flash, "region") == "ID Indonesia"
    assert "42 minutes ago" in field(flash, "started")
    assert "Viewers, last 3 min" in flash.find("figure", cls="sparkline").text
    assert field(cards[1], "revenue") == "฿1,499.50"
    assert field(cards[1], "region") == "TH Thailand"
    assert "Yesterday's show" not in response.content.decode()


def test_stale_account_is_marked_with_its_age_and_error(viewer, world):
    page = parse(viewer.get("/live/").content.decode())
    fresh = page.find(id=f"sync-account-{world['glow'].pk}")
    stale = page.find(id=f"sync-account-{world['siam'].pk}")
    assert fresh.text == "Glow ID synced 2 minutes ago"
    assert stale.text == "Siam Beauty synced 25 minutes ago Stale"
    assert (
        page.find(id="stale-note").text
        == "Siam Beauty: the last sync failed (error_rate_limit: too many calls); figures as of 25 minutes ago."
    )
    siam_card = page.find(id=f"live-session-{world['siam_live'].pk}")
    assert "Stale" in siam_card.text
    assert "Stale" not in page.find(id=f"live-session-{world['flash'].pk}").text


def test_filters_and_the_refresh_partial(viewer, world):
    page = parse(viewer.get(f"/live/?studio={world['bangkok'].pk}").content.decode())
    assert [card.attrs["id"] for card in page.find_all("article", cls="live-card")] == [f"live-session-{world['siam_live'].pk}"]
    page = parse(viewer.get(f"/live/?account={world['glow'].pk}").content.decode())
    assert [card.attrs["id"] for card in page.find_all("article", cls="live-card")] == [f"live-session-{world['flash'].pk}"]
    cards = page.find(id="live-cards")
    assert cards.attrs["hx-trigger"] == "every 30s"
    assert cards.attrs["hx-get"] == f"/live/partials/live-cards/?account={world['glow'].pk}"

    partial = viewer.get(f"/live/partials/live-cards/?account={world['glow'].pk}", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="live-cards"') and "<html" not in body
    assert "Flash Sale Serum" in body and "Songkran" not in body


def test_unknown_or_foreign_filter_is_a_400_naming_it(viewer, world, tenant_b):
    foreign = make_account(tenant_b, make_studio(tenant_b, "B studio"), name="B account", user_id="990001")
    response = viewer.get(f"/live/?account={foreign.pk}")
    assert response.status_code == 400
    page = parse(response.content.decode())
    assert "account: Unknown account: pick one from the list." in page.find(id="query-errors").text
    assert "B account" not in response.content.decode()
    assert viewer.get("/live/?studio=abc").status_code == 400


def test_empty_states(viewer, tenant_a):
    page = parse(viewer.get("/live/").content.decode())
    assert page.find(id="empty-no-account").find("h2").text == "No Shopee account connected yet"
    make_account(tenant_a, make_studio(tenant_a), name="Quiet shop")
    page = parse(viewer.get("/live/").content.decode())
    assert page.find(id="empty-no-live").find("h2").text == "No session is live right now"
