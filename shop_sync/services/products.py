"""The shop's product and SKU catalogue."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from core.money import money_text
from integrations.tiktok_shop import from_unix
from shop_sync.brands import BrandMatcher, brand_matcher
from shop_sync.models import Product, ShopConnection, Sku
from shop_sync.services.common import _int
from shop_sync.services.oauth import shop_client

# --- Products -------------------------------------------------------------------------------


def products_sync(*, shop: ShopConnection) -> int:
    """Fetch the shop's products with their SKUs and upsert them (brands from the titles)."""
    client = shop_client(shop)
    matcher = brand_matcher(tenant=shop.tenant_id)
    page_token, synced = None, 0
    while True:
        page = client.products_search(page_token=page_token)
        with transaction.atomic():
            synced += _products_page_write(shop=shop, products=page["products"], matcher=matcher)
        page_token = page["next_page_token"]
        if not page_token or not page["products"]:
            return synced


def _products_page_write(*, shop: ShopConnection, products: list[dict], matcher: BrandMatcher) -> int:
    if not products:
        return 0
    tenant_id = shop.tenant_id
    rows = [
        Product(
            tenant_id=tenant_id,
            shop=shop,
            product_id=str(product["id"])[:32],
            title=str(product.get("title") or "")[:500],
            status=str(product.get("status") or "")[:32],
            brand=matcher.brand_for(str(product.get("title") or ""))[:100],
            create_time=from_unix(product.get("create_time")),
            update_time=from_unix(product.get("update_time")),
            raw=product,
        )
        for product in products
        if product.get("id")
    ]
    Product.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["tenant", "shop", "product_id"],
        update_fields=["title", "status", "brand", "create_time", "update_time", "raw"],
    )
    ids = dict(
        Product.objects.for_tenant(tenant_id).filter(shop=shop, product_id__in=[r.product_id for r in rows]).values_list("product_id", "id")
    )
    skus = []
    for product in products:
        for sku in product.get("skus") or []:
            if not sku.get("id") or str(product.get("id")) not in ids:
                continue
            price = sku.get("price") or {}
            skus.append(
                Sku(
                    tenant_id=tenant_id,
                    product_id=ids[str(product["id"])],
                    sku_id=str(sku["id"])[:32],
                    seller_sku=str(sku.get("seller_sku") or "")[:100],
                    name=str(sku.get("name") or sku.get("seller_sku") or "")[:200],
                    currency=str(price.get("currency") or shop.currency or "")[:3],
                    sale_price=Decimal(money_text(price.get("sale_price"))),
                    inventory_quantity=sum(_int(stock.get("quantity")) for stock in sku.get("inventory") or []),
                )
            )
    Sku.objects.bulk_create(
        skus,
        update_conflicts=True,
        unique_fields=["tenant", "product", "sku_id"],
        update_fields=["seller_sku", "name", "currency", "sale_price", "inventory_quantity"],
    )
    return len(rows)
