"""The order detail page and the sync page's polled shop card, walked as tenant B against tenant
A's rows (the full walk covers them too; this names them, so a regression points here)."""

import pytest

from tests.isolation.walker import Walker, collect_routes

SHOP_ROUTES = ("/shop/orders/<int:pk>/", "/shop/orders/<int:pk>/lines/", "/shop/sync/shops/<int:pk>/card/")


@pytest.mark.timeout(300)
def test_order_detail_and_shop_card_are_tenant_scoped(victim, actor, b_principals):
    routes = [route for route in collect_routes() if route.display in SHOP_ROUTES]
    assert sorted(route.display for route in routes) == sorted(SHOP_ROUTES)

    report = Walker(victim=victim, actor=actor, principals=b_principals).run(routes)

    assert not report.failures, "\n".join(report.failures)
    for entry in report.routes:
        assert entry.victim_urls > 0, f"{entry.route.display}: never tried with tenant A's ids"
        # The card of a shop with no running sync answers 286 (stop polling) with its content.
        own = entry.own_hits or (entry.statuses[286] if entry.route.display.endswith("/card/") else 0)
        assert own > 0, f"{entry.route.display}: never answered for tenant B's own object"
