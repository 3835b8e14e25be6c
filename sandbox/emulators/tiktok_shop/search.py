"""Order and product search over the lazy data, with opaque page tokens.

A page token pins the snapshot of the first page (the clock and the newest change), so paging
through a result is stable while the clock moves: no order is skipped or shown twice.

Two ways to answer an order search:

- create-time windows sorted by ``create_time`` (the shape of a full sync): the generated orders
  in the window are an index range of the shop's timeline (two bisections), so a page costs only
  its own orders, wherever it is in a 370,000-order shop;
- anything filtered by ``update_time`` or ``order_status``, or sorted by ``update_time``: the
  candidates are the orders created in the window, narrowed by ``MAX_PROGRESSION_SECONDS`` for an
  ``update_time`` window; they are evaluated, sorted and kept in a small per-process cache so the
  next pages of the same snapshot are slices.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass

from sandbox.emulators.tiktok_shop.data import (
    MAX_PROGRESSION_SECONDS,
    CatalogueProduct,
    Shop,
    Snapshot,
    catalogue,
    order_state,
    visible_count,
)

FAR_FUTURE = 2**62


class InvalidPageToken(ValueError):
    pass


@dataclass(frozen=True)
class OrderQuery:
    create_time_ge: int | None = None
    create_time_lt: int | None = None
    update_time_ge: int | None = None
    update_time_lt: int | None = None
    order_status: str | None = None
    sort_field: str = "create_time"
    sort_order: str = "DESC"

    @property
    def signature(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()[:12]

    @property
    def is_index_range(self) -> bool:
        return (
            self.sort_field == "create_time" and self.order_status is None and self.update_time_ge is None and self.update_time_lt is None
        )


@dataclass(frozen=True)
class Cursor:
    now: int
    change_mark: int
    offset: int


def page_token_encode(cursor: Cursor, signature: str) -> str:
    raw = f"{cursor.now}.{cursor.change_mark}.{cursor.offset}.{signature}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def page_token_decode(token: str, signature: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        now, change_mark, offset, token_signature = raw.split(".")
        cursor = Cursor(int(now), int(change_mark), int(offset))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidPageToken(str(exc)) from exc
    if token_signature != signature or cursor.offset < 0:
        raise InvalidPageToken("the page_token belongs to another search")
    return cursor


@dataclass(frozen=True)
class OrderPage:
    indexes: list[int]
    total_count: int
    next_offset: int | None


def orders_search(shop: Shop, snapshot: Snapshot, query: OrderQuery, *, offset: int, limit: int) -> OrderPage:
    if query.is_index_range:
        indexes, total = _index_range_page(shop, snapshot, query, offset, limit)
    else:
        ordered = _evaluated(shop, snapshot, query)
        indexes, total = ordered[offset : offset + limit], len(ordered)
    end = offset + len(indexes)
    return OrderPage(indexes=indexes, total_count=total, next_offset=end if end < total else None)


def _index_range_page(shop: Shop, snapshot: Snapshot, query: OrderQuery, offset: int, limit: int) -> tuple[list[int], int]:
    """A page of "created in [ge, lt), sorted by create_time" without evaluating other orders.

    The result is the timeline's index range [lo, hi) with the added orders merged in by
    (create_time, index); the added ones are few, so their merged positions are computed.
    """
    ge = query.create_time_ge if query.create_time_ge is not None else 0
    lt = min(query.create_time_lt if query.create_time_lt is not None else FAR_FUTURE, snapshot.now + 1)
    timeline = shop.timeline
    visible = visible_count(shop, snapshot.now)
    lo = bisect_left(timeline, ge, hi=visible)
    hi = max(lo, bisect_left(timeline, lt, lo=lo, hi=visible))
    added = [(created, index) for created, index in snapshot.new_orders() if ge <= created < lt]
    # Position of each added order in the ascending merge: generated orders created at or
    # before it (their index is always lower), plus the added ones before it.
    positions = [bisect_left(timeline, created + 1, lo=lo, hi=hi) - lo + rank for rank, (created, _) in enumerate(added)]
    total = hi - lo + len(added)
    if offset >= total:
        return [], total
    stop = min(total, offset + limit)
    ascending = query.sort_order == "ASC"
    wanted = range(offset, stop) if ascending else range(total - 1 - offset, total - 1 - stop, -1)
    indexes = []
    for position in wanted:
        before = bisect_left(positions, position)
        if before < len(positions) and positions[before] == position:
            indexes.append(added[before][1])
        else:
            indexes.append(lo + position - before)
    return indexes, total


_cache: OrderedDict[tuple, list[int]] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_ENTRIES = 16


def _evaluated(shop: Shop, snapshot: Snapshot, query: OrderQuery) -> list[int]:
    key = (shop.id, shop.timeline.seed, query, snapshot.now, snapshot.change_mark)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    ordered = _evaluate(shop, snapshot, query)
    with _cache_lock:
        _cache[key] = ordered
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)
    return ordered


def _evaluate(shop: Shop, snapshot: Snapshot, query: OrderQuery) -> list[int]:
    create_ge = query.create_time_ge if query.create_time_ge is not None else 0
    create_lt = query.create_time_lt if query.create_time_lt is not None else FAR_FUTURE
    update_ge = query.update_time_ge if query.update_time_ge is not None else 0
    update_lt = query.update_time_lt if query.update_time_lt is not None else FAR_FUTURE
    # A generated order's update time is within MAX_PROGRESSION_SECONDS after its create time.
    scan_ge = max(create_ge, update_ge - MAX_PROGRESSION_SECONDS)
    scan_lt = min(create_lt, update_lt)
    visible = visible_count(shop, snapshot.now)
    lo = bisect_left(shop.timeline, scan_ge, hi=visible)
    hi = max(lo, bisect_left(shop.timeline, scan_lt, lo=lo, hi=visible))
    changed = snapshot.changes
    by_update = query.sort_field == "update_time"
    # Changed orders outside the scan range are checked one by one: a change can move an
    # order's update time anywhere.
    candidates = [*range(lo, hi), *(i for i, change in changed.items() if not lo <= i < hi and (change.is_new or i < visible))]
    keyed: list[tuple[int, int]] = []
    for index in candidates:
        state = order_state(shop, index, snapshot)
        if not (create_ge <= state.create_time < create_lt and update_ge <= state.update_time < update_lt):
            continue
        if query.order_status is not None and state.status != query.order_status:
            continue
        keyed.append((state.update_time if by_update else state.create_time, index))
    keyed.sort(reverse=query.sort_order == "DESC")
    return [index for _, index in keyed]


# --- Products ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductQuery:
    status: str = "ALL"
    seller_skus: tuple[str, ...] = ()
    create_time_ge: int | None = None
    create_time_le: int | None = None
    update_time_ge: int | None = None
    update_time_le: int | None = None

    @property
    def signature(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()[:12]


def products_search(shop: Shop, query: ProductQuery) -> list[CatalogueProduct]:
    """The shop's products matching ``query``, newest first (the ``_le`` bounds are inclusive)."""
    skus = set(query.seller_skus)
    found = []
    for product in catalogue(shop).products:
        if query.status != "ALL" and product.status != query.status:
            continue
        if skus and not skus.intersection(sku.seller_sku for sku in product.skus):
            continue
        if not _within(product.create_time, query.create_time_ge, query.create_time_le):
            continue
        if not _within(product.update_time, query.update_time_ge, query.update_time_le):
            continue
        found.append(product)
    found.sort(key=lambda product: (product.create_time, product.id), reverse=True)
    return found


def _within(value: int, ge: int | None, le: int | None) -> bool:
    return (ge is None or value >= ge) and (le is None or value <= le)
