"""Platform-shaped orders (reference 1.7) for write-path tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal


def ts(*args) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


def platform_order(
    order_id: str,
    *,
    create_time: int,
    update_time: int | None = None,
    status="AWAITING_SHIPMENT",
    lines=(("Glow Lab Serum", "24.99"),),
    currency="MYR",
    total=None,
    shipping="0",
):
    """An order with one line item per unit; ``lines`` are (product name, sale price)."""
    items = [
        {
            "id": f"{order_id}{n:02d}",
            "sku_id": f"sku-{name[:8]}",
            "product_id": f"prod-{name[:8]}",
            "product_name": name,
            "sku_name": "30ml",
            "seller_sku": "SKU-30",
            "sale_price": price,
            "original_price": price,
            "seller_discount": "0",
            "platform_discount": "0",
            "currency": currency,
            "display_status": status,
        }
        for n, (name, price) in enumerate(lines)
    ]
    sub_total = sum((Decimal(price) for _, price in lines), Decimal(0))
    return {
        "id": order_id,
        "status": status,
        "create_time": create_time,
        "update_time": update_time if update_time is not None else create_time,
        "paid_time": create_time + 60,
        "user_id": "7494015953103652213",
        "payment": {
            "currency": currency,
            "sub_total": str(sub_total),
            "shipping_fee": shipping,
            "seller_discount": "0",
            "platform_discount": "0",
            "tax": "0",
            "total_amount": total if total is not None else str(sub_total + Decimal(shipping)),
        },
        "recipient_address": {"region_code": "MY", "phone_number": "(+60)12*****34"},
        "line_items": items,
    }
