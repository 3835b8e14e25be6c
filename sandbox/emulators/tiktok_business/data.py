"""Deterministic, lazy GMV Max data of the ``tiktok-business`` emulator. Nothing is stored: every
figure is derived from ``settings.SANDBOX_SEED`` and a key such as (fixture, campaign, day).

Fixtures (chosen on the authorize page; an access token speaks for one fixture):

- ``demo``: 4 advertisers, 120 days of data ending today (in each advertiser's time zone).
  ``Glow Corner MY`` (Asia/Kuala_Lumpur, MYR) and ``Glow Corner MY Live`` (same zone) share the
  store ``Glow Corner MY``; ``Glow Corner Outlet`` (Asia/Kuala_Lumpur) runs the store ``Glow
  Corner Outlet`` whose GMV Max figures are zero every day (the seed's "Shop 2 returns 0 for GMV
  costs"); ``Glow Corner ID`` (Asia/Jakarta, IDR) runs ``Glow Corner ID`` and holds one store
  without GMV Max (``Glow Corner ID Pop-up``). 8 campaigns each, half PRODUCT_GMV_MAX, half
  LIVE_GMV_MAX. Stores in connection order: MY, Outlet, ID, ID Pop-up → shop numbers 1, 2, 3, 4.
- ``large``: 20 advertisers × 50 campaigns × 365 days, one store each.
- ``leads``: 2 advertisers in KZT (Asia/Almaty, KZ) without stores or GMV Max campaigns, for
  ads management and lead forms (``management.py``): ``Almaty English School`` and
  ``Astana Dental Clinic``.

Campaigns: a campaign has a row for every day of its active span (``Campaign.span``), zeros
included. LIVE campaigns have rooms: 0–3 launched per day, 30 min – 5 h long, launched between
08:00 and 23:30 local time, so some span midnight (a row on both days, with the same
``live_launched_time``). A room's figures accrue evenly over its duration, so its day rows are
its totals split at midnight, and a room still live at the sandbox clock's "now" is ``ONGOING``
with the figures accrued so far. About 1 in 10 rooms has no ``live_launched_time`` ("-"); rooms
launched more than 60 days ago have an empty ``live_status`` half of the time. A LIVE campaign's
day figures are the sum of its rooms' figures that day; PRODUCT campaigns accrue over the day.

Pure functions for tests and other apps (``now`` is unix seconds, default the sandbox clock):

- ``fixture_get(key) -> Fixture``; ``fixture.advertisers``, ``fixture.advertiser(id)``,
  ``fixture.campaign(id)``, ``advertiser.campaigns``, ``advertiser.stores``.
- ``today_for(advertiser, now=None) -> date``: "today" in the advertiser's time zone.
- ``campaign_day(fixture, advertiser_id, campaign_id, day, now=None) -> dict | None``: the
  metrics of the ``["stat_time_day","campaign_id"]`` row (strings, as the API returns them), or
  None when the API has no row for that day.
- ``rooms_for(fixture, advertiser_id, campaign_id, start, end, now=None) -> list[dict]``: the
  ``["room_id","stat_time_day"]`` rows of one campaign (``{"dimensions", "metrics"}``, every
  metric of ``ROOM_METRICS``), sorted by room then day, as the API returns them.
- ``room_totals(...)``: the same grouped by room (``["room_id"]``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sandbox.clock import emulator_clock_now
from sandbox.seed import WORDS, current_seed, rng, stable_int

EMULATOR = "tiktok-business"
NS = "tiktok_business"
PRODUCT = "PRODUCT_GMV_MAX"
LIVE = "LIVE_GMV_MAX"

DAY_SECONDS = 86_400
ROOM_STATUS_BLANK_AFTER_DAYS = 60

# Additive figures, kept as integers (money in cents) so splits and sums are exact.
BASE_FIELDS = ("cost", "net_cost", "gross_revenue", "orders", "live_views", "ten_second_views", "live_follows", "impressions", "clicks")

PRODUCT_METRICS = (
    "cost",
    "net_cost",
    "orders",
    "cost_per_order",
    "gross_revenue",
    "roi",
    "product_impressions",
    "product_clicks",
    "product_click_rate",
    "ad_click_rate",
    "ad_conversion_rate",
)
LIVE_PERFORMANCE_METRICS = ("live_views", "cost_per_live_view", "10_second_live_views", "cost_per_10_second_live_view", "live_follows")
# Only with room dimensions and a filter on exactly one campaign.
LIVE_INFO_METRICS = ("live_name", "live_status", "live_launched_time", "live_duration")
ALL_METRICS = PRODUCT_METRICS + LIVE_PERFORMANCE_METRICS + LIVE_INFO_METRICS
# What the seed asks for per room.
ROOM_METRICS = (
    "live_name",
    "live_status",
    "live_launched_time",
    "live_duration",
    "cost",
    "net_cost",
    "orders",
    "cost_per_order",
    "gross_revenue",
    "roi",
    "live_views",
    "cost_per_live_view",
    "10_second_live_views",
    "cost_per_10_second_live_view",
    "live_follows",
)

# Amounts are drawn in MYR-like units and scaled to the account's currency.
CURRENCY_SCALE = {"MYR": 1, "IDR": 3500, "THB": 8, "PHP": 13, "VND": 5500, "SGD": 0.3, "USD": 0.22, "JPY": 33, "KZT": 110}
ETC_ZONES = {
    "Asia/Kuala_Lumpur": "Etc/GMT-8",
    "Asia/Singapore": "Etc/GMT-8",
    "Asia/Manila": "Etc/GMT-8",
    "Asia/Jakarta": "Etc/GMT-7",
    "Asia/Bangkok": "Etc/GMT-7",
    "Asia/Ho_Chi_Minh": "Etc/GMT-7",
    "Asia/Tokyo": "Etc/GMT-9",
    "Asia/Almaty": "Etc/GMT-5",
}


# --- The directory ------------------------------------------------------------------------


@dataclass(frozen=True)
class Store:
    store_id: str
    name: str
    is_gmv_max_available: bool = True
    zero_cost: bool = False
    region: str = "MY"

    def describe(self) -> dict:
        return {
            "store_id": self.store_id,
            "store_name": self.name,
            "store_code": f"{self.region}{self.store_id[-6:]}",
            "is_gmv_max_available": self.is_gmv_max_available,
            "targeting_region_codes": [self.region],
            "store_role": "AD_PROMOTION",
        }


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    name: str
    advertiser_id: str
    store_id: str
    promotion_type: str
    operation_status: str
    start_offset: int  # first active day, in days after the data window's first day
    stop_days: int  # last active day, in days before today (0: still running)
    base_cost: int  # typical daily (PRODUCT) or per-room (LIVE) cost in cents of the account currency
    zero_cost: bool

    @property
    def is_live(self) -> bool:
        return self.promotion_type == LIVE

    def span(self, advertiser: Advertiser, today: date) -> tuple[date, date]:
        first = today - timedelta(days=advertiser.days - 1)
        return first + timedelta(days=self.start_offset), today - timedelta(days=self.stop_days)

    def describe(self, advertiser: Advertiser, today: date) -> dict:
        first, last = self.span(advertiser, today)
        created = datetime.combine(first - timedelta(days=1), datetime.min.time()) + timedelta(hours=3)
        modified = datetime.combine(last, datetime.min.time()) + timedelta(hours=9) if self.stop_days else created + timedelta(hours=2)
        # Local wall times of the account; the platform states create/modify times in UTC.
        created, modified = (moment.replace(tzinfo=advertiser.zone).astimezone(UTC) for moment in (created, modified))
        return {
            "campaign_id": self.campaign_id,
            "campaign_name": self.name,
            "advertiser_id": self.advertiser_id,
            "store_id": self.store_id,
            "gmv_max_promotion_type": self.promotion_type,
            "operation_status": self.operation_status,
            "secondary_status": "CAMPAIGN_STATUS_ENABLE" if self.operation_status == "ENABLE" else "CAMPAIGN_STATUS_DISABLE",
            "objective_type": "PRODUCT_SALES",
            "budget": _money(self.base_cost * 3),
            "budget_mode": "BUDGET_MODE_DAY",
            "create_time": created.strftime("%Y-%m-%d %H:%M:%S"),
            "modify_time": modified.strftime("%Y-%m-%d %H:%M:%S"),
        }


@dataclass(frozen=True)
class Advertiser:
    advertiser_id: str
    name: str
    currency: str
    time_zone: str
    company: str
    country: str
    days: int  # days of data ending today
    stores: tuple[Store, ...]
    campaigns: tuple[Campaign, ...] = field(default=(), compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def balance(self) -> float:
        """The prepaid balance in the account currency (deterministic; a number, as the API sends it)."""
        cents = stable_int(NS, self.advertiser_id, "balance", lo=50_000, hi=2_000_000) * CURRENCY_SCALE.get(self.currency, 1)
        return round(int(cents) / 100, 2)

    def store(self, store_id: str) -> Store | None:
        return next((store for store in self.stores if store.store_id == store_id), None)

    def describe(self) -> dict:
        return {
            "advertiser_id": self.advertiser_id,
            "name": self.name,
            "company": self.company,
            "currency": self.currency,
            "timezone": ETC_ZONES.get(self.time_zone, self.time_zone),
            "display_timezone": self.time_zone,
            "country": self.country,
            "status": "STATUS_ENABLE",
            "role": "ROLE_ADVERTISER",
            "language": "en",
            "balance": self.balance,
            "create_time": 1_700_000_000 + stable_int(NS, self.advertiser_id, "created", lo=0, hi=20_000_000),
        }


@dataclass(frozen=True)
class Fixture:
    key: str
    title: str
    advertisers: tuple[Advertiser, ...]

    @functools.cached_property
    def _advertisers(self) -> dict[str, Advertiser]:
        return {advertiser.advertiser_id: advertiser for advertiser in self.advertisers}

    @functools.cached_property
    def _campaigns(self) -> dict[str, Campaign]:
        return {campaign.campaign_id: campaign for advertiser in self.advertisers for campaign in advertiser.campaigns}

    def advertiser(self, advertiser_id: str) -> Advertiser | None:
        return self._advertisers.get(str(advertiser_id))

    def campaign(self, campaign_id: str) -> Campaign | None:
        return self._campaigns.get(str(campaign_id))


# (name, currency, zone, country, store keys); store keys name entries of the store table.
_DEMO_ADVERTISERS = (
    ("Glow Corner MY", "MYR", "Asia/Kuala_Lumpur", "MY", ("my",)),
    ("Glow Corner Outlet", "MYR", "Asia/Kuala_Lumpur", "MY", ("outlet",)),
    ("Glow Corner MY Live", "MYR", "Asia/Kuala_Lumpur", "MY", ("my",)),
    ("Glow Corner ID", "IDR", "Asia/Jakarta", "ID", ("id", "popup")),
)
_DEMO_STORES = {
    "my": ("Glow Corner MY", True, False, "MY"),
    "outlet": ("Glow Corner Outlet", True, True, "MY"),
    "id": ("Glow Corner ID", True, False, "ID"),
    "popup": ("Glow Corner ID Pop-up", False, False, "ID"),
}
_LARGE_ZONES = (
    ("MYR", "Asia/Kuala_Lumpur", "MY"),
    ("IDR", "Asia/Jakarta", "ID"),
    ("THB", "Asia/Bangkok", "TH"),
    ("PHP", "Asia/Manila", "PH"),
    ("VND", "Asia/Ho_Chi_Minh", "VN"),
    ("SGD", "Asia/Singapore", "SG"),
)
FIXTURE_TITLES = {
    "demo": "Glow Corner (4 ad accounts, 120 days)",
    "large": "Siam Beauty Group (20 ad accounts × 50 campaigns, 365 days)",
    "leads": "Almaty lead generation (2 ad accounts in KZT, lead forms)",
}
_LEADS_ADVERTISERS = ("Almaty English School", "Astana Dental Clinic")
FIXTURES = tuple(FIXTURE_TITLES)


def fixture_get(key: str) -> Fixture:
    """The fixture ``key`` ("demo", "large" or "leads"); KeyError for another name."""
    if key not in FIXTURE_TITLES:
        raise KeyError(key)
    return _fixture_build(key, current_seed())


@functools.lru_cache(maxsize=8)
def _fixture_build(key: str, seed: int) -> Fixture:
    if key == "demo":
        stores = {
            name: Store(rng(NS, key, "store", name, seed=seed).digits(19), title, available, zero, region)
            for name, (title, available, zero, region) in _DEMO_STORES.items()
        }
        specs = [
            (name, currency, zone, country, tuple(stores[s] for s in store_keys), 8, 120)
            for name, currency, zone, country, store_keys in _DEMO_ADVERTISERS
        ]
    elif key == "leads":
        specs = [(name, "KZT", "Asia/Almaty", "KZ", (), 0, 120) for name in _LEADS_ADVERTISERS]
    else:
        specs = []
        for index in range(20):
            currency, zone, country = _LARGE_ZONES[index % len(_LARGE_ZONES)]
            title = f"Siam Beauty {country} {index + 1:02d}"
            store = Store(rng(NS, key, "store", index, seed=seed).digits(19), f"{title} Store", region=country)
            specs.append((title, currency, zone, country, (store,), 50, 365))
    advertisers = []
    for index, (name, currency, zone, country, stores_of, campaign_count, days) in enumerate(specs):
        advertiser_id = rng(NS, key, "advertiser", index, seed=seed).digits(19)
        company = f"{name} LLP" if country == "KZ" else f"{name.split(' ')[0]} Sdn Bhd"
        advertiser = Advertiser(advertiser_id, name, currency, zone, company, country, days, stores_of)
        campaigns = tuple(_campaign_build(key, seed, advertiser, n) for n in range(campaign_count))
        advertisers.append(Advertiser(**{**advertiser.__dict__, "campaigns": campaigns}))
    return Fixture(key, FIXTURE_TITLES[key], tuple(advertisers))


def _campaign_build(fixture: str, seed: int, advertiser: Advertiser, index: int) -> Campaign:
    r = rng(NS, fixture, advertiser.advertiser_id, "campaign", index, seed=seed)
    available = [store for store in advertiser.stores if store.is_gmv_max_available]
    store = available[index % len(available)]
    promotion_type = LIVE if index % 2 == 0 else PRODUCT
    disabled = index % 6 == 5
    scale = CURRENCY_SCALE.get(advertiser.currency, 1)
    base = int(r.randint(4_000, 40_000) * scale)  # cents
    kind = "Live" if promotion_type == LIVE else "Product"
    return Campaign(
        campaign_id=r.digits(19),
        name=f"{advertiser.name} · {kind} GMV Max · {r.title(2)}",
        advertiser_id=advertiser.advertiser_id,
        store_id=store.store_id,
        promotion_type=promotion_type,
        operation_status="DISABLE" if disabled else "ENABLE",
        start_offset=0 if index < 4 else r.randint(0, min(40, advertiser.days // 3)),
        stop_days=r.randint(5, 20) if disabled else 0,
        base_cost=base,
        zero_cost=store.zero_cost,
    )


# --- Clock --------------------------------------------------------------------------------


def sandbox_now() -> int:
    """Unix seconds on the emulator's clock: real time, moved by ``clock_offset_seconds`` or
    stopped at ``clock_frozen_at`` (options set with the ``clock`` control call)."""
    return emulator_clock_now(EMULATOR)


def local_now(advertiser: Advertiser, now: int | None = None) -> datetime:
    """The clock as naive wall time in the advertiser's zone (reports speak that time)."""
    moment = datetime.fromtimestamp(sandbox_now() if now is None else now, tz=advertiser.zone)
    return moment.replace(tzinfo=None)


def today_for(advertiser: Advertiser, now: int | None = None) -> date:
    return local_now(advertiser, now).date()


# --- Figures ------------------------------------------------------------------------------


def totals_zero() -> dict[str, int]:
    return dict.fromkeys(BASE_FIELDS, 0)


def totals_add(total: dict[str, int], part: dict[str, int]) -> None:
    for name in BASE_FIELDS:
        total[name] += part[name]


def _portion(totals: dict[str, int], duration: int, start: int, end: int) -> dict[str, int]:
    """The part of ``totals`` accrued between seconds ``start`` and ``end`` of ``duration``:
    cumulative floors, so the parts of any split add up to the totals exactly."""
    if start <= 0 and end >= duration:
        return dict(totals)
    start, end = max(start, 0), min(end, duration)
    return {name: value * end // duration - value * start // duration for name, value in totals.items()}


@functools.lru_cache(maxsize=200_000)
def _product_day_totals(seed: int, fixture: str, campaign_id: str, day: date, base_cost: int, zero: bool) -> dict[str, int]:
    if zero:
        return totals_zero()
    r = rng(NS, fixture, campaign_id, "day", day.isoformat(), seed=seed)
    weekend = 1.25 if day.weekday() >= 5 else 1.0
    cost = int(base_cost * weekend * r.uniform(0.5, 1.5))
    roi = r.uniform(1.5, 7.0)
    revenue = int(cost * roi)
    aov = max(int(base_cost / 4 * r.uniform(0.7, 1.3)), 100)
    impressions = int(cost / max(base_cost, 1) * r.randint(8_000, 20_000))
    clicks = int(impressions * r.uniform(0.01, 0.05))
    return {
        **totals_zero(),
        "cost": cost,
        "net_cost": cost * r.randint(85, 100) // 100,
        "gross_revenue": revenue,
        "orders": max(revenue // aov, 0),
        "impressions": impressions,
        "clicks": clicks,
    }


@dataclass(frozen=True)
class Room:
    room_id: str
    campaign_id: str
    name: str
    launched: datetime  # naive wall time in the advertiser's zone
    duration: int  # seconds
    has_launched_time: bool
    blank_status_if_old: bool
    totals: dict = field(compare=False, hash=False)

    @property
    def ends(self) -> datetime:
        return self.launched + timedelta(seconds=self.duration)


@functools.lru_cache(maxsize=200_000)
def _rooms_launched(seed: int, fixture: str, campaign_id: str, day: date, base_cost: int, store_name: str) -> tuple[Room, ...]:
    """The rooms a LIVE campaign launched on ``day`` (local), whatever the clock says."""
    r = rng(NS, fixture, campaign_id, "rooms", day.isoformat(), seed=seed)
    count = r.weighted({0: 0.15, 1: 0.4, 2: 0.3, 3: 0.15})
    starts = sorted(r.randint(8 * 12, 23 * 12 + 6) * 300 for _ in range(count))  # 08:00-23:30, 5-minute steps
    rooms = []
    midnight = datetime.combine(day, datetime.min.time())
    for k, start in enumerate(starts):
        rr = rng(NS, fixture, campaign_id, "room", day.isoformat(), k, seed=seed)
        duration = rr.randint(6, 60) * 300  # 30 min - 5 h
        hours = duration / 3600
        cost = int(base_cost * hours / 2 * rr.uniform(0.6, 1.4))
        revenue = int(cost * rr.uniform(1.2, 8.0))
        aov = max(int(base_cost / 5 * rr.uniform(0.7, 1.3)), 100)
        views = int(hours * rr.randint(800, 6_000))
        totals = {
            **totals_zero(),
            "cost": cost,
            "net_cost": cost * rr.randint(85, 100) // 100,
            "gross_revenue": revenue,
            "orders": revenue // aov,
            "live_views": views,
            "ten_second_views": int(views * rr.uniform(0.2, 0.5)),
            "live_follows": int(views * rr.uniform(0.005, 0.03)),
        }
        rooms.append(
            Room(
                room_id=rr.digits(19),
                campaign_id=campaign_id,
                name=f"{store_name} Live · {rr.choice(WORDS).title()} {rr.choice(('Sale', 'Drop', 'Night', 'Deals', 'Show'))}",
                launched=midnight + timedelta(seconds=start),
                duration=duration,
                has_launched_time=rr.random() >= 0.1,
                blank_status_if_old=rr.random() < 0.5,
                totals=totals,
            )
        )
    return tuple(rooms)


class Context:
    """One advertiser's data as of one clock reading."""

    def __init__(self, fixture: Fixture, advertiser: Advertiser, now: int | None = None):
        self.fixture = fixture
        self.advertiser = advertiser
        self.seed = current_seed()
        self.now = local_now(advertiser, now)
        self.today = self.now.date()
        self.first_day = self.today - timedelta(days=advertiser.days - 1)
        self._store_names = {store.store_id: store.name for store in advertiser.stores}

    # rooms

    def rooms_launched(self, campaign: Campaign, day: date) -> tuple[Room, ...]:
        """Rooms launched on ``day`` that exist by now (launched before the clock)."""
        if not campaign.is_live or campaign.zero_cost or day > self.today:
            return ()
        first, last = campaign.span(self.advertiser, self.today)
        if not first <= day <= last:
            return ()
        rooms = _rooms_launched(
            self.seed, self.fixture.key, campaign.campaign_id, day, campaign.base_cost, self._store_names[campaign.store_id]
        )
        if day == self.today:
            rooms = tuple(room for room in rooms if room.launched <= self.now)
        elif day == last and campaign.stop_days:
            # A stopped campaign's last rooms end by midnight: no figures after its last day.
            rooms = tuple(room for room in rooms if room.ends.date() == day)
        return rooms

    def rooms_touching(self, campaign: Campaign, start: date, end: date) -> list[Room]:
        """Rooms with figures in ``[start, end]``: launched in it, or the day before and still
        live after midnight."""
        rooms: list[Room] = []
        range_start = datetime.combine(start, datetime.min.time())
        day = start - timedelta(days=1)
        while day <= end:
            rooms.extend(room for room in self.rooms_launched(campaign, day) if room.ends > range_start)
            day += timedelta(days=1)
        return rooms

    def room_part(self, room: Room, begin: datetime, finish: datetime) -> dict[str, int]:
        """The room's figures accrued in ``[begin, finish)``, up to the clock."""
        finish = min(finish, self.now)
        a = int((begin - room.launched).total_seconds())
        b = int((finish - room.launched).total_seconds())
        if b <= 0 or a >= room.duration or b <= a:
            return totals_zero()
        return _portion(room.totals, room.duration, a, b)

    def room_is_live(self, room: Room) -> bool:
        return room.ends > self.now

    def room_info(self, room: Room) -> dict[str, str]:
        live = self.room_is_live(room)
        if live:
            status = "ONGOING"
        elif room.blank_status_if_old and (self.today - room.launched.date()).days > ROOM_STATUS_BLANK_AFTER_DAYS:
            status = ""
        else:
            status = "END"
        seconds = int((self.now - room.launched).total_seconds()) if live else room.duration
        return {
            "live_name": room.name,
            "live_status": status,
            "live_launched_time": room.launched.strftime("%Y-%m-%d %H:%M:%S") if room.has_launched_time else "-",
            "live_duration": duration_text(seconds),
        }

    # campaign days

    def active(self, campaign: Campaign, day: date) -> bool:
        first, last = campaign.span(self.advertiser, self.today)
        return first <= day <= last and self.first_day <= day <= self.today

    def campaign_day_totals(self, campaign: Campaign, day: date) -> dict[str, int]:
        midnight = datetime.combine(day, datetime.min.time())
        if campaign.is_live:
            total = totals_zero()
            for room in self.rooms_touching(campaign, day, day):
                totals_add(total, self.room_part(room, midnight, midnight + timedelta(days=1)))
            return total
        totals = _product_day_totals(self.seed, self.fixture.key, campaign.campaign_id, day, campaign.base_cost, campaign.zero_cost)
        if day == self.today:
            return _portion(totals, DAY_SECONDS, 0, int((self.now - midnight).total_seconds()))
        return dict(totals)


def duration_text(seconds: int) -> str:
    """As the platform shows it: ``"2h 30m"``, ``"45m"``."""
    hours, minutes = divmod(max(seconds, 0) // 60, 60)
    return f"{hours}h {minutes}m" if hours else f"{minutes}m"


# --- Formatting ---------------------------------------------------------------------------

TWO = Decimal("0.01")


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _ratio(numerator: int | Decimal, denominator: int | Decimal, *, scale: int = 1, empty: str = "-") -> str:
    if not denominator:
        return empty
    return str((Decimal(numerator) * scale / Decimal(denominator)).quantize(TWO, rounding=ROUND_HALF_UP))


def metrics_of(totals: dict[str, int], *, live: bool) -> dict[str, str]:
    """Every performance metric, as strings, from additive totals (money in cents)."""
    cost, orders = totals["cost"], totals["orders"]
    values = {
        "cost": _money(cost),
        "net_cost": _money(totals["net_cost"]),
        "orders": str(orders),
        "cost_per_order": _ratio(cost, orders * 100),
        "gross_revenue": _money(totals["gross_revenue"]),
        "roi": _ratio(totals["gross_revenue"], cost, empty="0.00"),
    }
    if live:
        values.update(
            {
                "product_impressions": "-",
                "product_clicks": "-",
                "product_click_rate": "-",
                "ad_click_rate": "-",
                "ad_conversion_rate": "-",
                "live_views": str(totals["live_views"]),
                "cost_per_live_view": _ratio(cost, totals["live_views"] * 100),
                "10_second_live_views": str(totals["ten_second_views"]),
                "cost_per_10_second_live_view": _ratio(cost, totals["ten_second_views"] * 100),
                "live_follows": str(totals["live_follows"]),
            }
        )
    else:
        clicks, impressions = totals["clicks"], totals["impressions"]
        values.update(
            {
                "product_impressions": str(impressions),
                "product_clicks": str(clicks),
                "product_click_rate": _ratio(clicks, impressions, scale=100),
                "ad_click_rate": _ratio(clicks, impressions, scale=100),
                "ad_conversion_rate": _ratio(orders, clicks, scale=100),
                "live_views": "-",
                "cost_per_live_view": "-",
                "10_second_live_views": "-",
                "cost_per_10_second_live_view": "-",
                "live_follows": "-",
            }
        )
    return values


def day_label(day: date) -> str:
    return f"{day.isoformat()} 00:00:00"


# --- Pure helpers for tests and other apps ------------------------------------------------


def _context(fixture: str, advertiser_id: str, now: int | None) -> Context:
    data = fixture_get(fixture)
    advertiser = data.advertiser(advertiser_id)
    if advertiser is None:
        raise KeyError(f"No advertiser {advertiser_id} in fixture {fixture}")
    return Context(data, advertiser, now)


def _campaign(context: Context, campaign_id: str) -> Campaign:
    campaign = context.fixture.campaign(campaign_id)
    if campaign is None or campaign.advertiser_id != context.advertiser.advertiser_id:
        raise KeyError(f"No campaign {campaign_id} under advertiser {context.advertiser.advertiser_id}")
    return campaign


def campaign_day(fixture: str, advertiser_id: str, campaign_id: str, day: date, now: int | None = None) -> dict[str, str] | None:
    """The metrics of the campaign's row for ``day``, or None when it has none."""
    context = _context(fixture, advertiser_id, now)
    campaign = _campaign(context, campaign_id)
    if not context.active(campaign, day):
        return None
    return metrics_of(context.campaign_day_totals(campaign, day), live=campaign.is_live)


def room_day_rows(
    context: Context, campaign: Campaign, start: date, end: date, *, hourly: bool = False
) -> list[tuple[Room, datetime, dict]]:
    """(room, bucket start, totals) for every room bucket with figures in ``[start, end]``."""
    rows = []
    step = timedelta(hours=1) if hourly else timedelta(days=1)
    range_start = datetime.combine(start, datetime.min.time())
    range_end = datetime.combine(end + timedelta(days=1), datetime.min.time())
    for room in context.rooms_touching(campaign, start, end):
        if hourly:
            bucket = room.launched.replace(minute=0, second=0)
        else:
            bucket = datetime.combine(room.launched.date(), datetime.min.time())
        stop = min(room.ends, context.now)
        while bucket < stop:
            if range_start <= bucket < range_end:
                rows.append((room, bucket, context.room_part(room, bucket, bucket + step)))
            bucket += step
    return rows


def rooms_for(fixture: str, advertiser_id: str, campaign_id: str, start: date, end: date, now: int | None = None) -> list[dict]:
    """The ``["room_id","stat_time_day"]`` rows of one campaign, every metric of ROOM_METRICS."""
    context = _context(fixture, advertiser_id, now)
    campaign = _campaign(context, campaign_id)
    rows = []
    for room, bucket, totals in sorted(room_day_rows(context, campaign, start, end), key=lambda row: (row[0].room_id, row[1])):
        values = {**metrics_of(totals, live=True), **context.room_info(room)}
        rows.append(
            {
                "dimensions": {"room_id": room.room_id, "stat_time_day": day_label(bucket.date())},
                "metrics": {name: values[name] for name in ROOM_METRICS},
            }
        )
    return rows


def room_totals(fixture: str, advertiser_id: str, campaign_id: str, start: date, end: date, now: int | None = None) -> dict[str, dict]:
    """Per room id: the room's totals over ``[start, end]`` (``metrics_of`` strings + info)."""
    context = _context(fixture, advertiser_id, now)
    campaign = _campaign(context, campaign_id)
    grouped: dict[str, tuple[Room, dict[str, int]]] = {}
    for room, _bucket, totals in room_day_rows(context, campaign, start, end):
        _, total = grouped.setdefault(room.room_id, (room, totals_zero()))
        totals_add(total, totals)
    return {room_id: {**metrics_of(total, live=True), **context.room_info(room)} for room_id, (room, total) in grouped.items()}


def days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
