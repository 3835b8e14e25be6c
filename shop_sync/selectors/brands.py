"""The tenant's brand dictionary and the rules it could gain: candidates read from the product
names that no rule or title convention matches (brand "Other")."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from core.models import Tenant
from core.money import money_quantize
from shop_sync.brands import OTHER_BRAND, brand_pattern, leading_word
from shop_sync.models import Brand, OrderLine
from shop_sync.selectors.common import CANCELLED
from shop_sync.selectors.stats import AGGREGATE_CACHE_SECONDS, orders_version

SUGGESTION_MIN_PRODUCTS = 2
SUGGESTION_LIMIT = 20


def brand_rules_for_tenant(tenant: Tenant) -> QuerySet[Brand]:
    return Brand.objects.for_tenant(tenant).order_by("name", "pk")


@dataclass
class BrandSuggestion:
    name: str
    products: int  # distinct product ids it would move out of "Other"
    units: int
    gmv: dict[str, Decimal] = field(default_factory=dict)  # per currency, orders not cancelled
    examples: list[str] = field(default_factory=list)


@dataclass
class UnmatchedSummary:
    products: int
    gmv: dict[str, Decimal]
    suggestions: list[BrandSuggestion]


def brand_rule_suggestions(tenant: Tenant, *, limit: int = SUGGESTION_LIMIT) -> UnmatchedSummary:
    """``_brand_rule_suggestions``, cached until the orders or the dictionary change: the scan of
    every line in "Other" is the price of a large shop's page."""
    rules = list(Brand.objects.for_tenant(tenant).order_by("pk").values_list("pk", "name", "keywords", "is_active"))
    digest = hashlib.sha256(repr((tenant.pk, limit, orders_version(tenant), rules)).encode()).hexdigest()
    key = f"shop_sync:brand-suggestions:{digest}"
    summary = cache.get(key)
    if summary is None:
        summary = _brand_rule_suggestions(tenant, limit=limit)
        cache.set(key, summary, AGGREGATE_CACHE_SECONDS)
    return summary


def _brand_rule_suggestions(tenant: Tenant, *, limit: int) -> UnmatchedSummary:
    """Candidate brand names from the products currently in "Other": the leading word of each
    title, counted the way the dictionary would match it (a whole word anywhere in the title, any
    case), so the products, units and GMV shown are what accepting it moves out of "Other".
    Candidates matching fewer than ``SUGGESTION_MIN_PRODUCTS`` products are left out; the rest
    come most products first, then most units. One grouped query over all synced lines."""
    rows = list(
        OrderLine.objects.for_tenant(tenant)
        .filter(brand=OTHER_BRAND)
        .order_by()
        .values("product_id", "product_name", "currency")
        .annotate(units=Count("id"), gmv=Coalesce(Sum("sale_price", filter=~Q(order__status=CANCELLED)), Decimal(0)))
    )
    total_gmv: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        total_gmv[row["currency"]] += row["gmv"]
    candidates: dict[str, str] = {}
    for row in rows:
        word = leading_word(row["product_name"])
        if word:
            candidates.setdefault(word.casefold(), word)
    taken = {name.casefold() for name in Brand.objects.for_tenant(tenant).values_list("name", flat=True)}
    suggestions = []
    for key, word in candidates.items():
        if key in taken:
            continue
        pattern = brand_pattern(word)
        matched = [row for row in rows if pattern.search(row["product_name"])]
        products = {row["product_id"] for row in matched}
        if len(products) < SUGGESTION_MIN_PRODUCTS:
            continue
        gmv: dict[str, Decimal] = defaultdict(Decimal)
        for row in matched:
            gmv[row["currency"]] += row["gmv"]
        examples = sorted({row["product_name"] for row in matched})[:3]
        suggestions.append(
            BrandSuggestion(
                name=word,
                products=len(products),
                units=sum(row["units"] for row in matched),
                gmv={currency: money_quantize(amount) for currency, amount in sorted(gmv.items())},
                examples=examples,
            )
        )
    suggestions.sort(key=lambda s: (-s.products, -s.units, s.name.casefold()))
    return UnmatchedSummary(
        products=len({row["product_id"] for row in rows}),
        gmv={currency: money_quantize(amount) for currency, amount in sorted(total_gmv.items())},
        suggestions=suggestions[:limit],
    )
