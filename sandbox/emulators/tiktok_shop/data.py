"""The emulated sellers, shops, catalogues and orders: deterministic from ``settings.SANDBOX_SEED``
and lazy, so order #i of a shop is computable alone and a time window never generates a shop.

- A shop's orders are the items of a ``Timeline`` of create times: ``history_orders`` of them
  before ``HISTORY_END``, and the same rate after it, so new orders keep arriving as the clock
  passes. Only orders created at or before the sandbox's "now" exist.
- Each order follows a status schedule fixed by its index (UNPAID -> AWAITING_SHIPMENT ->
  IN_TRANSIT -> DELIVERED -> COMPLETED, some CANCELLED); its status and ``update_time`` are the
  last step reached by "now". Every step is within ``MAX_PROGRESSION_SECONDS`` of the create
  time, which bounds the create-time range an ``update_time`` window has to look at.
- Explicit changes (``TikTokShopOrderChange``, see ``changes.py``) are laid on top: an order
  with a change shows the change and no longer follows its schedule.
- Order ids encode the shop and the index (a reversible permutation), so ``orders?ids=`` needs
  no lookup table.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sandbox.seed import Timeline, current_seed, derive, rng

HISTORY_END = 1_793_491_200  # 2026-11-01 00:00 UTC: each shop has its history_orders by then
# Timelines run this many history spans past their start, so "after HISTORY_END" never runs out.
TIMELINE_SPANS = 20
# Indexes of orders added by the changes control endpoint start here, past any timeline.
NEW_ORDER_INDEX_BASE = 10**11
INDEX_LIMIT = 10**12

HOUR = 3600
DAY = 86400
PAY_DELAY = (30, 2 * HOUR)
SHIP_DELAY = (6 * HOUR, 3 * DAY)
DELIVER_DELAY = (1 * DAY, 5 * DAY)
COMPLETE_DELAY = (3 * DAY, 10 * DAY)
CANCEL_DELAY = (1 * HOUR, 24 * HOUR)
CANCEL_PER_MILLE = 60
MAX_PROGRESSION_SECONDS = PAY_DELAY[1] + SHIP_DELAY[1] + DELIVER_DELAY[1] + COMPLETE_DELAY[1]

UNPAID = "UNPAID"
AWAITING_SHIPMENT = "AWAITING_SHIPMENT"
IN_TRANSIT = "IN_TRANSIT"
DELIVERED = "DELIVERED"
COMPLETED = "COMPLETED"
CANCELLED = "CANCELLED"
ORDER_STATUSES = (
    UNPAID,
    "ON_HOLD",
    AWAITING_SHIPMENT,
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
    IN_TRANSIT,
    DELIVERED,
    COMPLETED,
    CANCELLED,
)
# The step an explicit status change takes from each status.
NEXT_STATUS = {UNPAID: AWAITING_SHIPMENT, AWAITING_SHIPMENT: IN_TRANSIT, IN_TRANSIT: DELIVERED, DELIVERED: COMPLETED}
PAID_STATUSES = frozenset({AWAITING_SHIPMENT, IN_TRANSIT, DELIVERED, COMPLETED})
SHIPPED_STATUSES = frozenset({IN_TRANSIT, DELIVERED, COMPLETED})
DELIVERED_STATUSES = frozenset({DELIVERED, COMPLETED})
PACKAGE_STATUS = {
    UNPAID: "TO_FULFILL",
    AWAITING_SHIPMENT: "TO_FULFILL",
    IN_TRANSIT: "FULFILLING",
    DELIVERED: "COMPLETED",
    COMPLETED: "COMPLETED",
    CANCELLED: "CANCELLED",
}


# --- Sellers and shops ----------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    code: str
    country: str
    currency: str
    places: int  # decimals of the currency as the platform writes amounts
    price_factor: float  # catalogue prices are drawn in MYR cents and scaled by this
    price_step: int  # prices are rounded to this many minor units
    shipping_fee: int  # minor units
    phone_prefix: str
    areas: tuple[tuple[str, str, str], ...]  # (state, city, postal code)
    carriers: tuple[str, ...]
    payment_methods: tuple[str, ...]


REGIONS = {
    "MY": Region(
        "MY",
        "Malaysia",
        "MYR",
        2,
        1.0,
        10,
        490,
        "60",
        (
            ("Selangor", "Shah Alam", "40000"),
            ("Kuala Lumpur", "Kuala Lumpur", "50450"),
            ("Johor", "Johor Bahru", "80000"),
            ("Penang", "George Town", "10200"),
            ("Sabah", "Kota Kinabalu", "88000"),
            ("Perak", "Ipoh", "30000"),
        ),
        ("J&T Express", "Ninja Van", "Pos Laju"),
        ("Online Banking", "Credit/debit card", "Touch 'n Go eWallet", "Cash on delivery"),
    ),
    "ID": Region(
        "ID",
        "Indonesia",
        "IDR",
        0,
        3500.0,
        500,
        15000,
        "62",
        (
            ("DKI Jakarta", "Jakarta Selatan", "12190"),
            ("Jawa Barat", "Bandung", "40111"),
            ("Jawa Timur", "Surabaya", "60271"),
            ("Banten", "Tangerang", "15111"),
            ("Bali", "Denpasar", "80232"),
        ),
        ("J&T Express", "SiCepat", "JNE"),
        ("GoPay", "DANA", "Bank transfer", "Cash on delivery"),
    ),
    "TH": Region(
        "TH",
        "Thailand",
        "THB",
        2,
        7.7,
        100,
        3500,
        "66",
        (
            ("Bangkok", "Bang Rak", "10500"),
            ("Chiang Mai", "Mueang Chiang Mai", "50000"),
            ("Chon Buri", "Pattaya", "20150"),
            ("Phuket", "Mueang Phuket", "83000"),
            ("Khon Kaen", "Mueang Khon Kaen", "40000"),
        ),
        ("Flash Express", "Kerry Express", "J&T Express"),
        ("TrueMoney Wallet", "Credit/debit card", "PromptPay", "Cash on delivery"),
    ),
}


@dataclass(frozen=True)
class Seller:
    key: str
    name: str
    region: str


@dataclass(frozen=True)
class ShopSpec:
    key: str
    seller: str
    number: int  # 100-999, part of every order id, so ids never collide across shops
    name: str
    region: str
    time_zone: str
    history_orders: int
    history_days: int
    products: int


SELLERS = {
    "demo": Seller("demo", "Demo Beauty Group", "MY"),
    "large": Seller("large", "Siam Beauty Hub", "TH"),
    "mini": Seller("mini", "Mini Test Store", "MY"),
}
SHOP_SPECS = (
    ShopSpec("demo-my", "demo", 511, "Glow Corner MY", "MY", "Asia/Kuala_Lumpur", 3_000, 365, 48),
    ShopSpec("demo-id", "demo", 512, "Glow Corner ID", "ID", "Asia/Jakarta", 1_800, 365, 56),
    ShopSpec("large-th", "large", 611, "Siam Beauty Hub Official", "TH", "Asia/Bangkok", 370_000, 730, 80),
    ShopSpec("mini-my", "mini", 711, "Mini Test Store", "MY", "Asia/Kuala_Lumpur", 240, 120, 40),
)


@dataclass(frozen=True)
class Shop:
    spec: ShopSpec
    seed: int
    id: str
    cipher: str
    code: str
    region: Region
    warehouse_id: str
    history_start: int
    timeline: Timeline = field(compare=False, repr=False)
    id_multiplier: int
    id_offset: int

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def seller(self) -> str:
        return self.spec.seller

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def currency(self) -> str:
        return self.region.currency

    @property
    def time_zone(self) -> str:
        return self.spec.time_zone

    def describe(self) -> dict[str, Any]:
        """The shop as the authorized-shops endpoint shows it."""
        return {
            "id": self.id,
            "name": self.name,
            "region": self.region.code,
            "seller_type": "LOCAL",
            "cipher": self.cipher,
            "code": self.code,
        }


@dataclass(frozen=True)
class ShopDirectory:
    shops: tuple[Shop, ...]
    by_id: dict[str, Shop]
    by_cipher: dict[str, Shop]

    def for_seller(self, seller: str) -> list[Shop]:
        return [shop for shop in self.shops if shop.seller == seller]


def shop_directory() -> ShopDirectory:
    return _shop_directory(current_seed())


@lru_cache(maxsize=8)
def _shop_directory(seed: int) -> ShopDirectory:
    shops = tuple(_make_shop(spec, seed) for spec in SHOP_SPECS)
    return ShopDirectory(
        shops=shops,
        by_id={shop.id: shop for shop in shops},
        by_cipher={shop.cipher: shop for shop in shops},
    )


def _make_shop(spec: ShopSpec, seed: int) -> Shop:
    r = rng("tiktok_shop", "shop", spec.key, seed=seed)
    history_start = HISTORY_END - spec.history_days * DAY
    span = HISTORY_END - history_start
    # Same slot width as a timeline of history_orders over the history, extended forward.
    timeline = Timeline(
        "tiktok_shop",
        spec.key,
        "created",
        count=spec.history_orders * TIMELINE_SPANS,
        start=history_start,
        end=history_start + span * TIMELINE_SPANS,
        seed=seed,
    )
    multiplier = r.randrange(10**11, INDEX_LIMIT)
    while multiplier % 2 == 0 or multiplier % 5 == 0:  # coprime to 10^12: a permutation
        multiplier += 1
    return Shop(
        spec=spec,
        seed=seed,
        id="7" + r.digits(18),
        cipher="ROW_" + r.token(32),
        code=spec.region + r.token(8, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
        region=REGIONS[spec.region],
        warehouse_id="73" + r.digits(17),
        history_start=history_start,
        timeline=timeline,
        id_multiplier=multiplier,
        id_offset=r.randrange(INDEX_LIMIT),
    )


def order_id_for(shop: Shop, index: int) -> str:
    scrambled = (index * shop.id_multiplier + shop.id_offset) % INDEX_LIMIT
    return f"576{shop.spec.number:03d}{scrambled:012d}"


def order_index_for(shop: Shop, order_id: str) -> int | None:
    """The index of ``order_id`` in ``shop``, or None when it isn't one of the shop's ids."""
    if len(order_id) != 18 or not order_id.isdigit() or not order_id.startswith(f"576{shop.spec.number:03d}"):
        return None
    scrambled = int(order_id[6:])
    return ((scrambled - shop.id_offset) * _inverse(shop.id_multiplier)) % INDEX_LIMIT


@lru_cache(maxsize=32)
def _inverse(multiplier: int) -> int:
    return pow(multiplier, -1, INDEX_LIMIT)


# --- Catalogue --------------------------------------------------------------------------------

BRANDS = ("Glow Lab", "Kiyora", "Nuvo", "Aurelle", "Mintra", "Bloom & Co", "Solenne", "Verde Botanica")
# How each brand writes its titles (real shops are consistent within a brand).
TITLE_STYLES = {
    "Glow Lab": "{brand} {item}{size}",
    "Kiyora": "[{brand}] {item}{size}",
    "Nuvo": "{brand} - {item}{size}",
    "Aurelle": "{upper} {item}{size}",
    "Mintra": "{item}{size} | {brand}",
    "Bloom & Co": "{brand} {item}{size}",
    "Solenne": "{brand} Official {item}{size}",
    "Verde Botanica": "{item}{size} by {brand}",
}
UNBRANDED_PREFIXES = ("Travel Size", "Everyday", "Premium", "Value Pack", "Daily Care")
# (item, variants as (sku name, price multiplier), base price in MYR cents, size shown in the title)
ITEMS = (
    ("Vitamin C Serum", (("30ml", 1.0), ("50ml", 1.5)), 5990, " 30ml"),
    ("Sunscreen SPF50", (("50ml", 1.0), ("100ml", 1.7)), 3990, ""),
    ("Hair Oil", (("100ml", 1.0),), 2990, " 100ml"),
    ("Hydrating Toner", (("150ml", 1.0), ("250ml", 1.4)), 3490, ""),
    ("Gentle Cleanser", (("100ml", 1.0), ("200ml", 1.6)), 2590, ""),
    ("Lip Tint", (("Rose", 1.0), ("Coral", 1.0), ("Berry", 1.0)), 2290, ""),
    ("Cushion Foundation", (("Ivory", 1.0), ("Natural", 1.0), ("Sand", 1.0)), 6990, " SPF30"),
    ("Sheet Mask", (("1 pc", 1.0), ("Box of 10", 8.0)), 590, ""),
    ("Body Lotion", (("250ml", 1.0), ("400ml", 1.4)), 2790, ""),
    ("Niacinamide Serum", (("30ml", 1.0),), 4590, " 10%"),
    ("Clay Mask", (("100g", 1.0),), 3290, " 100g"),
    ("Eye Cream", (("15ml", 1.0),), 5490, " 15ml"),
    ("Shampoo", (("300ml", 1.0), ("500ml", 1.5)), 2490, ""),
    ("Micellar Water", (("200ml", 1.0), ("400ml", 1.6)), 2190, ""),
    ("Retinol Night Cream", (("50ml", 1.0),), 7990, " 50ml"),
    ("Hand Cream", (("50ml", 1.0), ("Set of 3", 2.5)), 1590, ""),
    ("Setting Spray", (("100ml", 1.0),), 3890, " 100ml"),
    ("Brow Pencil", (("Dark Brown", 1.0), ("Grey Brown", 1.0)), 1890, ""),
    ("Body Scrub", (("200g", 1.0),), 3190, " 200g"),
    ("Hyaluronic Essence", (("100ml", 1.0), ("150ml", 1.3)), 4990, ""),
)


@dataclass(frozen=True)
class CatalogueSku:
    id: str
    seller_sku: str
    name: str
    price: int  # minor units
    image: str
    inventory: int


@dataclass(frozen=True)
class CatalogueProduct:
    id: str
    title: str
    brand: str  # "" when the title carries none
    status: str
    create_time: int
    update_time: int
    skus: tuple[CatalogueSku, ...]


@dataclass(frozen=True)
class Catalogue:
    products: tuple[CatalogueProduct, ...]
    # SKUs repeated by popularity: a uniform pick from this is a popularity-weighted pick.
    sellable: tuple[CatalogueSku, ...]
    # The JSON members of an order line that depend on its SKU only, by SKU id.
    line_fragments: dict[str, str]


def catalogue(shop: Shop) -> Catalogue:
    return _catalogue(shop.seed, shop.key)


@lru_cache(maxsize=16)
def _catalogue(seed: int, shop_key: str) -> Catalogue:
    shop = _shop_directory(seed).shops[[spec.key for spec in SHOP_SPECS].index(shop_key)]
    r = rng("tiktok_shop", "catalogue", shop_key, seed=seed)
    region = shop.region
    products: list[CatalogueProduct] = []
    titles: set[str] = set()
    sellable: list[CatalogueSku] = []
    history = HISTORY_END - shop.history_start
    while len(products) < shop.spec.products:
        item, variants, base_price, title_size = r.choice(ITEMS)
        brand = "" if r.random() < 0.15 else r.choice(BRANDS)
        if brand:
            title = TITLE_STYLES[brand].format(brand=brand, upper=brand.upper(), item=item, size=title_size)
        else:
            title = f"{r.choice(UNBRANDED_PREFIXES)} {item}{title_size}"
        if title in titles:
            continue
        titles.add(title)
        number = len(products)
        status = r.choices(("ACTIVATE", "SELLER_DEACTIVATED", "DRAFT"), weights=(90, 6, 4))[0]
        created = shop.history_start + r.randrange(history // 5)
        updated = created + r.randrange(HISTORY_END - created)
        code = "".join(word[0] for word in (brand or "Generic Store").replace("&", "").split()).upper()
        skus = []
        for variant, (sku_name, multiplier) in enumerate(variants):
            cents = base_price * multiplier * r.uniform(0.85, 1.25)
            price = max(region.price_step, int(cents * region.price_factor / region.price_step) * region.price_step)
            sku = CatalogueSku(
                id="17" + r.digits(17),
                seller_sku=f"{code}-{number:03d}-{variant + 1}",
                name=sku_name,
                price=price,
                image=f"https://p16-oec-sg.ibyteimg.com/tos-alisg-i-aphluv4xwc-sg/{r.hex(32)}~tplv-aphluv4xwc-origin-jpeg.jpeg",
                inventory=r.randint(0, 900),
            )
            skus.append(sku)
            if status != "DRAFT":
                # Earlier products sell more: weights 1..4.
                sellable.extend([sku] * (1 + (3 * (shop.spec.products - number)) // shop.spec.products))
        products.append(
            CatalogueProduct(
                id="17" + r.digits(17), title=title, brand=brand, status=status, create_time=created, update_time=updated, skus=tuple(skus)
            )
        )
    line_fields = {
        sku.id: {
            "sku_id": sku.id,
            "product_id": product.id,
            "product_name": product.title,
            "sku_name": sku.name,
            "sku_image": sku.image,
            "seller_sku": sku.seller_sku,
            "sku_type": "NORMAL",
            "original_price": _money(sku.price, region.places),
            "currency": region.currency,
        }
        for product in products
        for sku in product.skus
    }
    line_fragments = {sku_id: _json(fields)[1:-1] for sku_id, fields in line_fields.items()}
    return Catalogue(products=tuple(products), sellable=tuple(sellable), line_fragments=line_fragments)


def product_json(shop: Shop, product: CatalogueProduct) -> dict[str, Any]:
    return {
        "id": product.id,
        "title": product.title,
        "status": product.status,
        "create_time": product.create_time,
        "update_time": product.update_time,
        "sales_regions": [shop.region.code],
        "skus": [
            {
                "id": sku.id,
                "seller_sku": sku.seller_sku,
                "price": {"currency": shop.currency, "sale_price": money(sku.price, shop), "tax_exclusive_price": money(sku.price, shop)},
                "inventory": [{"quantity": sku.inventory, "warehouse_id": shop.warehouse_id}],
            }
            for sku in product.skus
        ],
        "recommended_categories": [],
        "product_sync_fail_reasons": [],
    }


def money(minor: int, shop: Shop) -> str:
    """Minor units as the platform's decimal string ("45.90", "160500")."""
    return _money(minor, shop.region.places)


@lru_cache(maxsize=65536)
def _money(minor: int, places: int) -> str:
    if places == 0:
        return str(minor)
    return f"{minor // 100}.{minor % 100:02d}"


@lru_cache(maxsize=65536)
def _buyer_email(user_id: str) -> str:
    local = base64.b32encode(hashlib.blake2b(user_id.encode(), digest_size=20).digest()).decode().rstrip("=")
    return f"{local}@scs2.tiktok.com"


def _pick(draw, options):
    return options[int(draw() * len(options))]


def money_2dp(minor: int, shop: Shop) -> str:
    """Minor units with exactly two decimals, as a Decimal(…, 2) column holds it."""
    return f"{minor}.00" if shop.region.places == 0 else money(minor, shop)


# --- Orders -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """An explicit change of one order (from ``TikTokShopOrderChange``)."""

    status: str
    create_time: int
    update_time: int
    is_new: bool


@dataclass(frozen=True)
class Snapshot:
    """What a shop looks like at one instant: the clock and the changes made by then."""

    now: int
    change_mark: int  # the id of the newest change included
    changes: dict[int, Change]

    def new_orders(self) -> list[tuple[int, int]]:
        """(create_time, index) of the added orders, in order."""
        return sorted((change.create_time, index) for index, change in self.changes.items() if change.is_new)


class Schedule:
    """Order #i's status steps: (seconds after creation, status), from one digest."""

    __slots__ = ("paid", "shipped", "delivered", "cancelled", "cancel_initiator", "steps")

    def __init__(self, digest: bytes):
        u = int.from_bytes
        pay = PAY_DELAY[0] + u(digest[3:5], "big") % (PAY_DELAY[1] - PAY_DELAY[0])
        ship = pay + SHIP_DELAY[0] + u(digest[5:8], "big") % (SHIP_DELAY[1] - SHIP_DELAY[0])
        deliver = ship + DELIVER_DELAY[0] + u(digest[8:11], "big") % (DELIVER_DELAY[1] - DELIVER_DELAY[0])
        complete = deliver + COMPLETE_DELAY[0] + u(digest[11:14], "big") % (COMPLETE_DELAY[1] - COMPLETE_DELAY[0])
        cancel = CANCEL_DELAY[0] + u(digest[14:16], "big") % (CANCEL_DELAY[1] - CANCEL_DELAY[0])
        self.paid = self.shipped = self.delivered = self.cancelled = None
        self.cancel_initiator = ""
        if u(digest[0:2], "big") % 1000 < CANCEL_PER_MILLE:
            if digest[2] % 2:  # never paid: the system cancels it
                self.cancelled, self.cancel_initiator = cancel, "SYSTEM"
                self.steps = ((0, UNPAID), (cancel, CANCELLED))
            else:  # paid, then the buyer cancels before it ships
                self.paid, self.cancelled, self.cancel_initiator = pay, pay + cancel, "BUYER"
                self.steps = ((0, UNPAID), (pay, AWAITING_SHIPMENT), (pay + cancel, CANCELLED))
        else:
            self.paid, self.shipped, self.delivered = pay, ship, deliver
            self.steps = ((0, UNPAID), (pay, AWAITING_SHIPMENT), (ship, IN_TRANSIT), (deliver, DELIVERED), (complete, COMPLETED))

    def at(self, age: int) -> tuple[int, str]:
        """(offset of the last step reached, its status) ``age`` seconds after creation."""
        reached = self.steps[0]
        for step in self.steps:
            if step[0] > age:
                break
            reached = step
        return reached


def order_digest(shop: Shop, index: int) -> bytes:
    return derive("tiktok_shop", shop.key, "order", index, seed=shop.seed)


class OrderState:
    """Order #index at a snapshot: its times and status, and the digest its content comes from."""

    __slots__ = ("index", "create_time", "update_time", "status", "digest", "schedule")

    def __init__(self, index: int, create_time: int, update_time: int, status: str, digest: bytes, schedule: Schedule):
        self.index, self.create_time, self.update_time, self.status = index, create_time, update_time, status
        self.digest, self.schedule = digest, schedule


def order_state(shop: Shop, index: int, snapshot: Snapshot) -> OrderState:
    digest = order_digest(shop, index)
    schedule = Schedule(digest)
    change = snapshot.changes.get(index)
    if change is not None:
        return OrderState(index, change.create_time, change.update_time, change.status, digest, schedule)
    created = shop.timeline.at(index)
    offset, status = schedule.at(snapshot.now - created)
    return OrderState(index, created, created + offset, status, digest, schedule)


def visible_count(shop: Shop, now: int) -> int:
    """Generated orders created at or before ``now``."""
    return bisect_left(shop.timeline, now + 1)


def order_exists(shop: Shop, index: int, snapshot: Snapshot) -> bool:
    change = snapshot.changes.get(index)
    if change is not None:
        return True
    return 0 <= index < NEW_ORDER_INDEX_BASE and index < shop.timeline.count and shop.timeline.at(index) <= snapshot.now


class Line:
    __slots__ = ("sku", "original", "seller_discount", "platform_discount", "sale")

    def __init__(self, sku: CatalogueSku, original: int, seller_discount: int, platform_discount: int):
        self.sku, self.original, self.seller_discount, self.platform_discount = sku, original, seller_discount, platform_discount
        self.sale = original - seller_discount - platform_discount


class Basket:
    """An order's line items (one per unit), shipping and payment totals, in minor units."""

    __slots__ = (
        "lines",
        "original_shipping",
        "shipping_seller_discount",
        "shipping_platform_discount",
        "generator",
        "original_total",
        "seller_discount",
        "platform_discount",
        "sub_total",
        "shipping_fee",
        "total",
    )

    def __init__(
        self,
        lines: list[Line],
        original_shipping: int,
        shipping_seller_discount: int,
        shipping_platform_discount: int,
        generator: random.Random,
    ):
        self.lines = lines
        self.original_shipping = original_shipping
        self.shipping_seller_discount = shipping_seller_discount
        self.shipping_platform_discount = shipping_platform_discount
        self.generator = generator  # continues the order's draws (buyer, address, carrier)
        self.original_total = sum(line.original for line in lines)
        self.seller_discount = sum(line.seller_discount for line in lines)
        self.platform_discount = sum(line.platform_discount for line in lines)
        self.sub_total = self.original_total - self.seller_discount - self.platform_discount
        self.shipping_fee = original_shipping - shipping_seller_discount - shipping_platform_discount
        # Prices in these regions include tax, so tax and retail delivery fees are zero.
        self.total = self.sub_total + self.shipping_fee


def basket(shop: Shop, digest: bytes) -> Basket:
    """The order's line items (one per unit) and shipping, from its digest."""
    generator = random.Random(int.from_bytes(digest, "big"))
    draw = generator.random
    sellable = catalogue(shop).sellable
    roll = draw()
    kinds = 1 if roll < 0.6 else 2 if roll < 0.9 else 3
    lines: list[Line] = []
    chosen: set[str] = set()
    step = shop.region.price_step
    for _ in range(kinds):
        sku = sellable[int(draw() * len(sellable))]
        if sku.id in chosen:
            continue
        chosen.add(sku.id)
        roll = draw()
        units = 1 if roll < 0.75 else 2 if roll < 0.95 else 3
        roll = draw()
        seller_discount = (sku.price * (10 if roll < 0.2 else 15) // 100) // step * step if roll < 0.3 else 0
        platform_discount = (sku.price * 5 // 100) // step * step if draw() < 0.1 else 0
        lines.extend(Line(sku, sku.price, seller_discount, platform_discount) for _ in range(units))
    fee = shop.region.shipping_fee
    roll = draw()
    platform_shipping = fee if roll < 0.4 else 0
    seller_shipping = fee // 2 // step * step if 0.4 <= roll < 0.55 else 0
    return Basket(lines, fee, seller_shipping, platform_shipping, generator)


def order_total(shop: Shop, state: OrderState) -> int:
    return basket(shop, state.digest).total


@lru_cache(maxsize=1024)
def _masked(name: str) -> str:
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())


FIRST_NAMES = (
    "Aisyah",
    "Nur",
    "Siti",
    "Farah",
    "Mei Ling",
    "Priya",
    "Dewi",
    "Putri",
    "Ayu",
    "Kanya",
    "Pim",
    "Niran",
    "Arthit",
    "Budi",
    "Rizky",
)
LAST_NAMES = ("Tan", "Lim", "Wong", "Abdullah", "Rahman", "Santoso", "Wijaya", "Lestari", "Saetang", "Chaiyaporn", "Kumar", "Lee")
CANCEL_REASONS = {"SYSTEM": "Payment overdue", "BUYER": "No longer needed"}


def order_json(shop: Shop, state: OrderState) -> dict[str, Any]:
    """Order #index as ``orders/search`` and ``orders?ids=`` return it."""
    return json.loads(order_json_text(shop, state))


def order_json_text(shop: Shop, state: OrderState) -> str:
    """The order as compact JSON, written straight from a template: a 100-order page costs a
    few milliseconds this way (a dict and ``json.dumps`` cost twice that). Strings that come
    from word lists go through ``_q`` (cached JSON quoting); the rest are digits and codes."""
    items = basket(shop, state.digest)
    draw = items.generator.random
    region = shop.region
    places = region.places
    fixed = _shop_fragments(shop)
    index, status = state.index, state.status
    created, updated = state.create_time, state.update_time
    schedule = state.schedule

    def reached(offset: int | None, statuses: frozenset[str]) -> int | None:
        # A milestone's time: on schedule, but never after the change that reached it.
        if status not in statuses or offset is None:
            return None
        return min(created + offset, updated)

    cancelled = status == CANCELLED
    paid_time = (created + schedule.paid if schedule.paid is not None else None) if cancelled else reached(schedule.paid, PAID_STATUSES)
    shipped_time = reached(schedule.shipped, SHIPPED_STATUSES)
    delivered_time = reached(schedule.delivered, DELIVERED_STATUSES)
    buyer_number = int(draw() * max(1, shop.spec.history_orders // 3))
    user_id = f"749{(buyer_number * 7_919_113 + shop.spec.number * 104_729) % 10**16:016d}"
    first, last = _pick(draw, FIRST_NAMES), _pick(draw, LAST_NAMES)
    area = _pick(draw, region.areas)
    street_number = 1 + int(draw() * 250)
    carrier = _pick(draw, region.carriers)
    carrier_id = f"68{sum(map(ord, carrier)) * 1_000_003 % 10**17:017d}"
    package_id = f"115{(index * 48_271 + shop.spec.number) % 10**15:015d}"
    tracking = f"{carrier[0]}{carrier[-1]}{index * 7 + shop.spec.number:012d}".upper() if shipped_time else ""
    payment_method = _pick(draw, region.payment_methods)
    phone = f"(+{region.phone_prefix}){10 + int(draw() * 10)}*****{10 + int(draw() * 90)}"
    cancel_reason = _q(CANCEL_REASONS.get(schedule.cancel_initiator, "No longer needed")) if cancelled else '""'
    cancel_user = schedule.cancel_initiator if cancelled else ""

    # Fields every line of the order shares, after each line's id, SKU and money.
    shared = (
        f'"display_status":"{status}","package_id":"{package_id}","package_status":"{PACKAGE_STATUS[status]}",'
        f'"shipping_provider_id":"{carrier_id}","shipping_provider_name":{_q(carrier)},"tracking_number":"{tracking}",'
        f'"is_gift":false,"cancel_reason":{cancel_reason},"cancel_user":"{cancel_user}",'
        '"is_dangerous_good":false,"needs_prescription":false'
    )
    if shipped_time is not None:
        shared += f',"rts_time":{shipped_time}'
    fragments = catalogue(shop).line_fragments
    line_prefix = f"577{shop.spec.number:03d}"
    line_items = ",".join(
        f'{{"id":"{line_prefix}{(index * 16 + number) * 7_654_321 % 10**12:012d}",{fragments[line.sku.id]},'
        f'"sale_price":"{_money(line.sale, places)}","seller_discount":"{_money(line.seller_discount, places)}",'
        f'"platform_discount":"{_money(line.platform_discount, places)}",{shared}}}'
        for number, line in enumerate(items.lines)
    )
    zero = _money(0, places)
    text = (
        f'{{"id":"{order_id_for(shop, index)}","status":"{status}","create_time":{created},"update_time":{updated},'
        f'"user_id":"{user_id}","buyer_email":"{_buyer_email(user_id)}",{fixed.delivery},'
        f'"shipping_provider":{_q(carrier)},"shipping_provider_id":"{carrier_id}","tracking_number":"{tracking}",{fixed.flags},'
        f'"packages":[{{"id":"{package_id}"}}],"payment_method_name":{_q(payment_method)},'
        f'"payment":{{"currency":"{region.currency}","original_total_product_price":"{_money(items.original_total, places)}",'
        f'"seller_discount":"{_money(items.seller_discount, places)}","platform_discount":"{_money(items.platform_discount, places)}",'
        f'"sub_total":"{_money(items.sub_total, places)}","original_shipping_fee":"{_money(items.original_shipping, places)}",'
        f'"shipping_fee_seller_discount":"{_money(items.shipping_seller_discount, places)}",'
        f'"shipping_fee_platform_discount":"{_money(items.shipping_platform_discount, places)}",'
        f'"shipping_fee_cofunded_discount":"{zero}","shipping_fee":"{_money(items.shipping_fee, places)}","tax":"{zero}",'
        f'"product_tax":"{zero}","shipping_fee_tax":"{zero}","retail_delivery_fee":"{zero}","total_amount":"{_money(items.total, places)}"}},'
        f'"recipient_address":{{"name":{_q(_masked(f"{first} {last}"))},"first_name":"","last_name":"","phone_number":"{phone}",'
        f'"full_address":{_q(f"{region.country}, {area[0]}, {area[1]}, {street_number} J*** ***")},"address_detail":"",'
        f'"address_line1":"{street_number} J*** ***","address_line2":"","address_line3":"","address_line4":"",'
        f'"postal_code":"{area[2]}","region_code":"{region.code}","district_info":{_district_info(region.country, area)}}},'
        f'"line_items":[{line_items}],"rts_sla_time":{created + 2 * DAY},"tts_sla_time":{created + 3 * DAY},'
        f'"shipping_due_time":{created + 3 * DAY},"collection_due_time":{created + 5 * DAY},"cancel_order_sla_time":{created + DAY}'
    )
    if paid_time is not None:
        text += f',"paid_time":{paid_time}'
    if shipped_time is not None:
        text += f',"rts_time":{shipped_time},"collection_time":{shipped_time}'
    if delivered_time is not None:
        text += f',"delivery_time":{delivered_time}'
    if cancelled:
        text += (
            f',"cancel_time":{updated},"cancel_reason":{cancel_reason},"cancellation_initiator":"{schedule.cancel_initiator or "SELLER"}"'
        )
    return text + "}"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=4096)
def _q(text: str) -> str:
    """``text`` as a JSON string literal."""
    return _json(text)


@lru_cache(maxsize=256)
def _district_info(country: str, area: tuple[str, str, str]) -> str:
    return _json(
        [
            {"address_level": "L0", "address_level_name": "Country", "address_name": country},
            {"address_level": "L1", "address_level_name": "State", "address_name": area[0]},
            {"address_level": "L2", "address_level_name": "City", "address_name": area[1]},
        ]
    )


@dataclass(frozen=True)
class _ShopFragments:
    delivery: str
    flags: str


@lru_cache(maxsize=16)
def _shop_fragments(shop: Shop) -> _ShopFragments:
    """The JSON members that are the same on every order of the shop."""
    delivery = {
        "buyer_message": "",
        "commerce_platform": "TIKTOK_SHOP",
        "delivery_option_id": f"70570252{shop.spec.number:03d}0000{shop.region.shipping_fee % 10**7:07d}",
        "delivery_option_name": "Standard shipping",
        "delivery_type": "HOME_DELIVERY",
        "fulfillment_type": "FULFILLMENT_BY_SELLER",
        "shipping_type": "TIKTOK",
    }
    flags = {
        "warehouse_id": shop.warehouse_id,
        "is_cod": False,
        "is_on_hold_order": False,
        "is_replacement_order": False,
        "is_sample_order": False,
        "is_buyer_request_cancel": False,
        "has_updated_recipient_address": False,
        "order_type": "NORMAL",
        "split_or_combine_tag": "",
        "seller_note": "",
    }
    return _ShopFragments(delivery=_json(delivery)[1:-1], flags=_json(flags)[1:-1])
