"""The brand dictionary's routes, walked as tenant B against tenant A's rules (the full walk in
test_url_walk covers them too; this keeps them checked on their own and proves they are reached)."""

import pytest

from shop_sync.models import Brand
from tests.isolation.walker import Walker, collect_routes

BRAND_ROUTES = {
    "/shop/brands/rules/",
    "/shop/brands/rules/<int:pk>/",
    "/shop/brands/rules/<int:pk>/delete/",
    "/shop/brands/rules/accept/",
    "/shop/brands/",
    "/shop/products/",
    "/shop/products/<str:product_id>/",
}


@pytest.mark.timeout(600)
def test_brand_rule_routes_leak_and_change_nothing(victim, actor, b_principals):
    routes = [route for route in collect_routes() if route.display in BRAND_ROUTES]
    assert {route.display for route in routes} == BRAND_ROUTES
    rules_before = list(Brand.all_tenants.filter(tenant=victim.tenant).values_list("pk", "name", "keywords", "is_active"))
    assert rules_before, "tenant A has a brand rule to aim at"
    report = Walker(victim=victim, actor=actor, principals=b_principals).run(routes)
    print()
    print(report.summary())
    assert not report.failures, "\n".join(report.failures)
    by_route = {entry.route.display: entry for entry in report.routes}
    assert by_route["/shop/brands/rules/<int:pk>/"].victim_urls > 0
    assert by_route["/shop/brands/rules/<int:pk>/"].own_hits == 1
    assert list(Brand.all_tenants.filter(tenant=victim.tenant).values_list("pk", "name", "keywords", "is_active")) == rules_before
