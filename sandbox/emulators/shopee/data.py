"""Deterministic, lazy Shopee data: accounts, catalogues, live sessions and their per-minute
metrics. Everything is derived from ``settings.SANDBOX_SEED``; only what clients change (sessions
created through the Open Platform, item bags, comments, promotions, coins) is stored.

Fixtures (``GET /sandbox/_control/shopee/accounts?fixture=``):

- ``demo``: two studios, 12 accounts, two per region (ID, VN, TH, MY, PH, SG). Schedules:
  ``always`` (one session per 4-hour slot, back to back: exactly one ongoing at any time),
  ``daily`` (three 8-hour slots a day, 60% of them hold a 1–3 h session) and ``none`` (sessions
  only through the Open Platform's create_session). History starts at ``HISTORY_START``.
- ``bench``: 200 accounts, ``always`` schedule with 5 lanes: 5 ongoing sessions each, 1,000 in all.
- ``edge``: one BR account, a region the livestream APIs don't serve.

Session ids: seeded sessions are ``SEEDED_BASE + (slot * LANES_MAX + lane) * ACCOUNTS_MAX +
account number``, so an id alone says whose and when; sessions made with create_session are
numbered from ``CREATED_BASE`` (rows of ``ShopeeLiveSession``).

Metrics: a session has a per-minute curve (``minute_values``, drawn per 15-minute block); totals
at time t are the sums of the minutes completed by t (``session_snapshot``). The Open Platform's get_session_metric, the
web dashboard, sessionList, liveList and trends all read that one snapshot, so they agree. Money
is kept in minor units (``Region.places``): IDR and VND have none.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from sandbox.clock import emulator_clock_now
from sandbox.seed import current_seed, derive, rng, stable_int

EMULATOR = "shopee"
WEB_EMULATOR = "shopee-web"
NS = "shopee"

HISTORY_START = int(datetime(2025, 10, 1, tzinfo=UTC).timestamp())
SEEDED_BASE = 1_000_000
CREATED_BASE = 5_000_000_000
LANES_MAX = 8
ACCOUNTS_MAX = 1000
ITEM_BASE = 20_000_000_000
ITEMS_PER_ACCOUNT = 120
ITEM_SET_BASE = 7_000_000
ITEM_SETS_PER_ACCOUNT = 4
VIEWER_BASE = 600_000_000
VIEWERS_PER_SESSION = 1000
ALWAYS_SLOT = 4 * 3600
DAILY_SLOT = 8 * 3600
MAX_ITEM_COUNT = 100


def sandbox_now() -> int:
    """Unix seconds on the Shopee clock (both emulators read the ``shopee`` emulator's options)."""
    return emulator_clock_now(EMULATOR)


@dataclass(frozen=True)
class Region:
    code: str
    currency: str
    domain: str  # shopee.<domain>
    places: int  # decimals of the currency as Shopee shows it
    price_low: int  # item prices, major units
    price_high: int
    price_step: int  # prices are multiples of this (minor units)
    timezone: str  # x-region-timezone
    coin_value_minor: int  # one Shopee coin in minor units
    coin_balance: int  # coins an account may spend on live rewards
    budget_limit: int  # the highest daily promotion budget, major units
    livestream: bool = True

    def money(self, minor: int) -> float | int:
        """Minor units as the JSON number Shopee sends (an integer for IDR and VND)."""
        return minor if self.places == 0 else round(minor / 10**self.places, self.places)

    def minor(self, major) -> int:
        return int(round(float(major) * 10**self.places))


REGIONS = {
    "ID": Region("ID", "IDR", "co.id", 0, 25_000, 350_000, 100, "+0700", 1, 500_000, 50_000_000),
    "VN": Region("VN", "VND", "vn", 0, 50_000, 900_000, 1000, "+0700", 1, 2_000_000, 100_000_000),
    "TH": Region("TH", "THB", "co.th", 2, 99, 1_500, 100, "+0700", 100, 50_000, 100_000),
    "MY": Region("MY", "MYR", "com.my", 2, 10, 250, 10, "+0800", 1, 500_000, 20_000),
    "PH": Region("PH", "PHP", "ph", 2, 99, 2_500, 100, "+0800", 1, 500_000, 250_000),
    "SG": Region("SG", "SGD", "sg", 2, 5, 150, 10, "+0800", 1, 300_000, 5_000),
    "BR": Region("BR", "BRL", "com.br", 2, 20, 400, 10, "-0300", 1, 100_000, 20_000, livestream=False),
}


@dataclass(frozen=True)
class Account:
    """A Shopee seller/creator account: one user (livestream authorizer) and its shop."""

    key: str
    fixture: str
    number: int  # 1..ACCOUNTS_MAX-1, in session and item ids
    region_code: str
    studio: str
    schedule: str  # always | daily | none
    lanes: int = 1

    @property
    def region(self) -> Region:
        return REGIONS[self.region_code]

    @property
    def user_id(self) -> int:
        return 100_000_000 + stable_int(NS, "user", self.number, lo=0, hi=99_999) * ACCOUNTS_MAX + self.number

    @property
    def shop_id(self) -> int:
        return 300_000_000 + stable_int(NS, "shop", self.number, lo=0, hi=99_999) * ACCOUNTS_MAX + self.number

    @property
    def username(self) -> str:
        return f"{rng(NS, 'username', self.number).choice(('glow', 'lumi', 'kirana', 'mode', 'nusa', 'saka'))}_{self.region_code.lower()}{self.number}"

    @property
    def shop_name(self) -> str:
        return f"{self.studio} {self.region_code} {self.number}"

    @property
    def follower_count(self) -> int:
        return stable_int(NS, "followers", self.number, lo=2_000, hi=400_000)

    @property
    def audience(self) -> int:
        """Typical concurrent viewers of this account's lives."""
        return 40 + self.follower_count // 400

    def hosts(self) -> list[dict]:
        generator = rng(NS, "hosts", self.number)
        return [
            {"streamer_id": self.user_id * 10 + n, "name": generator.full_name(), "followers": generator.randint(500, 90_000)}
            for n in range(1, generator.randint(2, 4) + 1)
        ]

    def describe(self) -> dict:
        region = self.region
        return {
            "account": self.key,
            "fixture": self.fixture,
            "studio": self.studio,
            "region": region.code,
            "currency": region.currency,
            "domain": f"shopee.{region.domain}",
            "user_id": self.user_id,
            "shop_id": self.shop_id,
            "username": self.username,
            "shop_name": self.shop_name,
            "schedule": self.schedule,
            "lanes": self.lanes,
        }


def _demo_accounts() -> list[Account]:
    studio_a, studio_b = "Kirana Live Studio", "Saigon Glow House"
    plan = [
        ("ID", studio_a, "always"), ("VN", studio_a, "always"), ("TH", studio_a, "daily"),
        ("MY", studio_a, "daily"), ("PH", studio_a, "daily"), ("SG", studio_a, "none"),
        ("ID", studio_b, "daily"), ("VN", studio_b, "daily"), ("TH", studio_b, "always"),
        ("MY", studio_b, "always"), ("PH", studio_b, "none"), ("SG", studio_b, "daily"),
    ]  # fmt: skip
    seen: dict[str, int] = {}
    accounts = []
    for number, (region, studio, schedule) in enumerate(plan, start=1):
        seen[region] = seen.get(region, 0) + 1
        accounts.append(Account(f"demo-{region.lower()}-{seen[region]}", "demo", number, region, studio, schedule))
    return accounts


def _bench_accounts() -> list[Account]:
    regions = ("ID", "VN", "TH", "MY", "PH", "SG")
    return [
        Account(f"bench-{n:03d}", "bench", 100 + n, regions[n % len(regions)], f"Bench Studio {1 + (n - 1) // 20}", "always", lanes=5)
        for n in range(1, 201)
    ]


FIXTURES = ("demo", "bench", "edge")
DEMO_ACCOUNT = "demo-id-1"  # the account the product's demo connects


@functools.cache
def _directory() -> dict[str, Account]:
    accounts = [*_demo_accounts(), Account("edge-br-1", "edge", 13, "BR", "Edge Studio", "daily"), *_bench_accounts()]
    return {account.key: account for account in accounts}


def accounts(fixture: str | None = None) -> list[Account]:
    return [account for account in _directory().values() if fixture is None or account.fixture == fixture]


def account_get(key: str) -> Account | None:
    return _directory().get(key)


@functools.cache
def _by_number() -> dict[int, Account]:
    return {account.number: account for account in _directory().values()}


def account_by_number(number: int) -> Account | None:
    return _by_number().get(number)


@functools.lru_cache(maxsize=8)
def _by_user_id(seed: int) -> dict[int, Account]:
    return {account.user_id: account for account in _directory().values()}


def account_by_user_id(user_id) -> Account | None:
    try:
        return _by_user_id(current_seed()).get(int(user_id))
    except (TypeError, ValueError):
        return None


# --- Items ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    item_id: int
    shop_id: int
    name: str
    image_url: str
    currency: str
    original_minor: int
    current_minor: int
    stock: int
    sold: int
    commission_rate: float
    coins: int  # coins cashback per unit
    region: Region

    @property
    def discount(self) -> int:
        """Percent off the original price."""
        return round(100 * (self.original_minor - self.current_minor) / self.original_minor)

    def price_info(self) -> dict:
        region = self.region
        return {
            "currency": self.currency,
            "current_price": region.money(self.current_minor),
            "original_price": region.money(self.original_minor),
        }

    def brief(self) -> dict:
        return {
            "item_id": self.item_id,
            "shop_id": self.shop_id,
            "name": self.name,
            "image_url": self.image_url,
            "price_info": self.price_info(),
        }

    def affiliate_info(self) -> dict:
        return {
            "commission_rate": self.commission_rate,
            "is_campaign": False,
            "campaign_mcn_name": "",
            "campaign_start_time": 0,
            "campaign_end_time": 0,
        }


def item_id_for(account: Account, index: int) -> int:
    return ITEM_BASE + account.number * 100_000 + index


@functools.lru_cache(maxsize=65536)
def _item(seed: int, number: int, index: int) -> Item:
    account = account_by_number(number)
    region = account.region
    generator = rng(NS, "item", number, index)
    step = region.price_step
    original = generator.randint(region.price_low * 10**region.places // step, region.price_high * 10**region.places // step) * step
    discount = generator.choice((0, 0, 5, 10, 15, 20, 30, 40))
    current = max(step, (original * (100 - discount) // 100) // step * step)
    return Item(
        item_id=item_id_for(account, index),
        shop_id=account.shop_id,
        name=generator.product_name(),
        image_url=f"https://cf.shopee.{region.domain}/file/{region.code.lower()}-11134207-{generator.hex(20)}",
        currency=region.currency,
        original_minor=original,
        current_minor=current,
        stock=generator.randint(0, 2_000),
        sold=generator.randint(0, 25_000),
        commission_rate=round(generator.choice((2, 3, 5, 7, 10, 12, 15)) / 100, 2),
        coins=generator.choice((0, 0, 10, 20, 50, 100)),
        region=region,
    )


def item_get(item_id) -> Item | None:
    try:
        offset = int(item_id) - ITEM_BASE
    except (TypeError, ValueError):
        return None
    number, index = divmod(offset, 100_000)
    if offset < 0 or index >= ITEMS_PER_ACCOUNT or account_by_number(number) is None:
        return None
    return _item(current_seed(), number, index)


def catalogue(account: Account) -> list[Item]:
    return [_item(current_seed(), account.number, index) for index in range(ITEMS_PER_ACCOUNT)]


def item_sets(account: Account) -> list[dict]:
    """The account's product sets (``get_item_set_list``), each a run of its catalogue."""
    sets = []
    for n in range(ITEM_SETS_PER_ACCOUNT):
        generator = rng(NS, "item_set", account.number, n)
        first, count = generator.randint(0, ITEMS_PER_ACCOUNT - 20), generator.randint(5, 15)
        sets.append(
            {
                "item_set_id": ITEM_SET_BASE + account.number * 10 + n,
                "item_set_name": f"{generator.choice(('Flash', 'Payday', 'Best Seller', 'New In', 'Bundle'))} {n + 1}",
                "item_ids": [item_id_for(account, index) for index in range(first, first + count)],
            }
        )
    return sets


def item_set_get(item_set_id) -> tuple[Account, dict] | None:
    try:
        number, n = divmod(int(item_set_id) - ITEM_SET_BASE, 10)
    except (TypeError, ValueError):
        return None
    account = account_by_number(number)
    if account is None or not 0 <= n < ITEM_SETS_PER_ACCOUNT:
        return None
    return account, item_sets(account)[n]


# --- Sessions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A live session, seeded or created; ``end`` is when it ends (or ended), None while open-ended."""

    session_id: int
    account: Account
    title: str
    description: str
    cover_image_url: str
    is_test: bool
    create_time: int
    update_time: int
    start: int | None  # None: not started (status 0)
    end: int | None
    seeded: bool

    def status(self, now: int) -> int:
        if self.start is None or self.start > now:
            return 0
        if self.end is not None and self.end <= now:
            return 2
        return 1

    def share_url(self) -> str:
        return f"https://live.shopee.{self.account.region.domain}/share?from=live&session={self.session_id}&share_user_id={self.account.user_id}"


def _slot_offset(account: Account, lane: int) -> int:
    return stable_int(NS, "slot_offset", account.number, lane, lo=0, hi=3599)


def _seeded_window(account: Account, slot: int, lane: int) -> tuple[int, int] | None:
    """(start, end) of the seeded session in ``slot`` of ``lane``, or None when the slot is empty."""
    if account.schedule == "always":
        begin = HISTORY_START + _slot_offset(account, lane) + slot * ALWAYS_SLOT
        return begin, begin + ALWAYS_SLOT
    if account.schedule == "daily" and lane == 0:
        if stable_int(NS, "daily_on", account.number, slot, lo=0, hi=99) >= 60:
            return None
        begin = HISTORY_START + slot * DAILY_SLOT + stable_int(NS, "daily_start", account.number, slot, lo=0, hi=4 * 3600)
        return begin, begin + 60 * stable_int(NS, "daily_minutes", account.number, slot, lo=60, hi=180)
    return None


def _slot_seconds(account: Account) -> int:
    return ALWAYS_SLOT if account.schedule == "always" else DAILY_SLOT


def seeded_session_id(account: Account, slot: int, lane: int = 0) -> int:
    return SEEDED_BASE + (slot * LANES_MAX + lane) * ACCOUNTS_MAX + account.number


def _seeded_session(account: Account, slot: int, lane: int) -> Session | None:
    window = _seeded_window(account, slot, lane)
    if window is None:
        return None
    start, end = window
    session_id = seeded_session_id(account, slot, lane)
    generator = rng(NS, "session", session_id)
    title = f"{generator.choice(('Flash Sale', 'Payday Live', 'Morning Deals', 'Night Market', 'Mega Bundle', 'Live Unboxing'))} {generator.title(1)}"
    return Session(
        session_id=session_id,
        account=account,
        title=title,
        description=f"{title} with {account.shop_name}",
        cover_image_url=f"https://cf.shopee.{account.region.domain}/file/{account.region_code.lower()}-11134104-{generator.hex(20)}",
        is_test=False,
        create_time=start - 900,
        update_time=start - 900,
        start=start,
        end=end,
        seeded=True,
    )


def seeded_session_get(session_id: int, now: int) -> Session | None:
    """A seeded session by id; None for ids that name no session, or one not created yet at ``now``."""
    offset = session_id - SEEDED_BASE
    if offset < 0 or session_id >= CREATED_BASE:
        return None
    rest, number = divmod(offset, ACCOUNTS_MAX)
    slot, lane = divmod(rest, LANES_MAX)
    account = account_by_number(number)
    if account is None or lane >= account.lanes:
        return None
    session = _seeded_session(account, slot, lane)
    if session is None or session.create_time > now:
        return None
    return session


def seeded_sessions(account: Account, since: int, until: int) -> list[Session]:
    """Seeded sessions starting in [since, until), newest first."""
    since = max(since, HISTORY_START)
    if until <= since:
        return []
    width = _slot_seconds(account)
    first, last = (since - HISTORY_START) // width - 1, (until - HISTORY_START) // width + 1
    found = []
    for slot in range(max(0, first), last + 1):
        for lane in range(account.lanes):
            session = _seeded_session(account, slot, lane)
            if session is not None and since <= session.start < until:
                found.append(session)
    return sorted(found, key=lambda s: (s.start, s.session_id), reverse=True)


# --- Metrics -------------------------------------------------------------------------------
# A session's audience is drawn per 15-minute block (one hash per block) and spread over the
# block's minutes by one of a few fixed patterns, so the totals after n minutes cost O(n / 15):
# a 30-day history of a 5-lane bench account (216,000 minutes) stays a fraction of a second.

FLOW_FIELDS = (
    "views", "likes", "comments", "shares", "product_clicks", "atc", "orders", "items_sold", "gmv",
    "confirmed_orders", "confirmed_items_sold", "confirmed_gmv", "buyers", "confirmed_buyers", "new_followers",
)  # fmt: skip
BLOCK_MINUTES = 15
# How a block's flows and viewers spread over its minutes (relative weights, one pattern per block).
MINUTE_PATTERNS = (
    (8, 9, 10, 11, 12, 12, 11, 10, 10, 11, 12, 13, 12, 11, 10),
    (12, 11, 10, 9, 9, 10, 11, 12, 13, 13, 12, 11, 10, 9, 10),
    (10, 10, 11, 13, 14, 12, 10, 9, 9, 10, 11, 12, 11, 10, 10),
    (11, 12, 12, 11, 10, 9, 9, 10, 12, 14, 13, 11, 10, 10, 11),
)
PATTERN_TOTALS = tuple(sum(pattern) for pattern in MINUTE_PATTERNS)
PATTERN_PREFIXES = tuple(tuple(sum(pattern[:k]) for k in range(BLOCK_MINUTES + 1)) for pattern in MINUTE_PATTERNS)
PATTERN_MEANS = tuple(total / BLOCK_MINUTES for total in PATTERN_TOTALS)


@dataclass(frozen=True)
class Block:
    """15 minutes of a session: the flows of the block, and the viewer level it spreads by ``pattern``."""

    pattern: int
    ccu: int  # concurrent viewers at an average minute of the block
    engaged_ccu: int
    flows: dict[str, int]

    def minute_ccu(self, index: int) -> int:
        return round(self.ccu * MINUTE_PATTERNS[self.pattern][index] / PATTERN_MEANS[self.pattern])

    def minute_engaged(self, index: int) -> int:
        return round(self.engaged_ccu * MINUTE_PATTERNS[self.pattern][index] / PATTERN_MEANS[self.pattern])

    def flows_until(self, minutes: int) -> dict[str, int]:
        """The flows of the block's first ``minutes`` minutes (the same split ``allocate`` makes)."""
        if minutes >= BLOCK_MINUTES:
            return self.flows
        done, whole = PATTERN_PREFIXES[self.pattern][minutes], PATTERN_TOTALS[self.pattern]
        return {name: value * done // whole for name, value in self.flows.items()}

    def minute_flows(self, index: int) -> dict[str, int]:
        before, after = self.flows_until(index), self.flows_until(index + 1)
        return {name: after[name] - before[name] for name in self.flows}


@functools.lru_cache(maxsize=200_000)
def block_values(seed: int, session_id: int, block: int, audience: int, price_minor: int) -> Block:
    raw = derive(NS, "block", session_id, block, seed=seed)
    u = [int.from_bytes(raw[2 * i : 2 * i + 2], "big") / 65536 for i in range(16)]
    # Viewers build up over the first half hour and thin out slowly after four hours.
    shape = min(1.0, (block + 1) / 2) * (1 - 0.15 * min(1.0, block / 16))
    ccu = max(1, round(audience * shape * (0.8 + 0.4 * u[0])))
    views = round(ccu * BLOCK_MINUTES * (0.2 + 0.2 * u[2]))
    clicks = round(views * (0.2 + 0.3 * u[6]))
    atc = round(clicks * (0.15 + 0.2 * u[7]))
    orders = round(atc * (0.2 + 0.3 * u[8]))
    items_sold = orders + round(orders * 0.4 * u[9])
    gmv = round(items_sold * price_minor * (0.8 + 0.4 * u[10]))
    cancelled = round(orders * 0.12 * u[11])
    confirmed_orders = orders - cancelled
    buyers = orders - orders // 7
    flows = {
        "views": views,
        "likes": round(ccu * BLOCK_MINUTES * (0.3 + 1.2 * u[3])),
        "comments": round(ccu * BLOCK_MINUTES * 0.04 * (0.5 + u[4])),
        "shares": round(ccu * BLOCK_MINUTES * 0.006 * (0.5 + u[5])),
        "product_clicks": clicks,
        "atc": atc,
        "orders": orders,
        "items_sold": items_sold,
        "gmv": gmv,
        "confirmed_orders": confirmed_orders,
        "confirmed_items_sold": items_sold - min(items_sold, cancelled + round(cancelled * 0.4 * u[9])),
        "confirmed_gmv": gmv * confirmed_orders // orders if orders else 0,
        "buyers": buyers,
        "confirmed_buyers": buyers - min(buyers, cancelled),
        "new_followers": round(views * 0.03 * u[12]),
    }
    return Block(pattern=raw[31] % len(MINUTE_PATTERNS), ccu=ccu, engaged_ccu=round(ccu * (0.3 + 0.25 * u[1])), flows=flows)


def minute_values(seed: int, session_id: int, minute: int, audience: int, price_minor: int) -> dict[str, int]:
    """What happened in ``minute`` (0-based) of a session: ccu and engaged ccu at that minute, and
    the minute's flows (money in minor units). The trends endpoint draws these."""
    block, index = divmod(minute, BLOCK_MINUTES)
    values = block_values(seed, session_id, block, audience, price_minor)
    return {"ccu": values.minute_ccu(index), "engaged_ccu": values.minute_engaged(index), **values.minute_flows(index)}


@dataclass(frozen=True)
class Totals:
    flows: dict[str, int]
    last_ccu: int
    last_engaged_ccu: int
    peak_ccu: int
    viewer_minutes: int
    engaged_minutes: int
    last_minute: dict[str, int] | None


@functools.lru_cache(maxsize=50_000)
def session_totals(seed: int, session_id: int, minutes: int, audience: int, price_minor: int) -> Totals:
    """The sums over a session's first ``minutes`` minutes."""
    flows = dict.fromkeys(FLOW_FIELDS, 0)
    peak = viewer_minutes = engaged_minutes = 0
    full, rest = divmod(minutes, BLOCK_MINUTES)
    for number in range(full + (1 if rest else 0)):
        block = block_values(seed, session_id, number, audience, price_minor)
        count = BLOCK_MINUTES if number < full else rest
        for name, value in block.flows_until(count).items():
            flows[name] += value
        if count == BLOCK_MINUTES:
            peak = max(peak, round(block.ccu * max(MINUTE_PATTERNS[block.pattern]) / PATTERN_MEANS[block.pattern]))
            viewer_minutes += sum(block.minute_ccu(i) for i in range(count))
            engaged_minutes += sum(block.minute_engaged(i) for i in range(count))
        else:
            ccus = [block.minute_ccu(i) for i in range(count)]
            peak, viewer_minutes = max(peak, *ccus), viewer_minutes + sum(ccus)
            engaged_minutes += sum(block.minute_engaged(i) for i in range(count))
    last = minute_values(seed, session_id, minutes - 1, audience, price_minor) if minutes else None
    return Totals(
        flows=flows,
        last_ccu=last["ccu"] if last else 0,
        last_engaged_ccu=last["engaged_ccu"] if last else 0,
        peak_ccu=peak,
        viewer_minutes=viewer_minutes,
        engaged_minutes=engaged_minutes,
        last_minute=last,
    )


def session_price_minor(session: Session) -> int:
    """The session's typical item price (minor units): the mean of its account's catalogue range."""
    region = session.account.region
    return (region.price_low + region.price_high) * 10**region.places // 3


def minutes_elapsed(session: Session, now: int) -> int:
    """Completed minutes of the session at ``now`` (a minute counts once it is over)."""
    if session.start is None or now <= session.start:
        return 0
    until = now if session.end is None else min(now, session.end)
    return max(0, (until - session.start) // 60)


@dataclass(frozen=True)
class Snapshot:
    """A session's figures at one instant: the source of every metric both surfaces show."""

    session: Session
    now: int
    minutes: int
    totals: dict[str, int]
    ccu: int
    engaged_ccu: int
    peak_ccu: int
    comments_last_minute: int
    atc_last_minute: int
    avg_engaged_ccu: int

    @property
    def status(self) -> int:
        return self.session.status(self.now)

    @property
    def unique_viewers(self) -> int:
        return round(self.totals["views"] * 0.82)

    @property
    def engaged_viewers(self) -> int:
        return round(self.unique_viewers * 0.4)

    @property
    def avg_viewing_seconds(self) -> int:
        return self.totals["viewer_seconds"] // self.totals["views"] if self.totals["views"] else 0

    def ratio(self, numerator: str, denominator: str) -> float:
        bottom = self.totals[denominator]
        return round(self.totals[numerator] / bottom, 4) if bottom else 0.0

    @property
    def duration_seconds(self) -> int:
        session = self.session
        if session.start is None or self.now <= session.start:
            return 0
        return (min(self.now, session.end) if session.end is not None else self.now) - session.start


def session_snapshot(session: Session, now: int) -> Snapshot:
    minutes = minutes_elapsed(session, now)
    totals = session_totals(current_seed(), session.session_id, minutes, session.account.audience, session_price_minor(session))
    live = session.status(now) == 1
    last = totals.last_minute
    return Snapshot(
        session=session,
        now=now,
        minutes=minutes,
        totals={**totals.flows, "viewer_seconds": totals.viewer_minutes * 60},
        ccu=totals.last_ccu if live else 0,
        engaged_ccu=totals.last_engaged_ccu if live else 0,
        peak_ccu=totals.peak_ccu,
        comments_last_minute=last["comments"] if last else 0,
        atc_last_minute=last["atc"] if last else 0,
        avg_engaged_ccu=totals.engaged_minutes // minutes if minutes else 0,
    )


def allocate(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` into integers that sum exactly to ``total``."""
    whole = sum(weights)
    if not weights or whole <= 0:
        return [0] * len(weights)
    shares, running = [], 0.0
    for weight in weights:
        before = int(total * running / whole)
        running += weight
        shares.append(int(total * running / whole) - before)
    return shares


def item_weights(session_id: int, item_ids: list[int]) -> list[float]:
    return [1 + stable_int(NS, "item_weight", session_id, item_id, lo=0, hi=99) / 10 for item_id in item_ids]
