"""Explicit changes laid over the generated orders (the ``changes`` control call), and the
snapshot every search reads them through.

New orders take indexes from ``NEW_ORDER_INDEX_BASE`` up (a counter per shop), are created and
updated "now" and stay in their first status; changed orders move one status step at "now".
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.db import transaction
from django.db.models import Count, F, Max, Sum

from core.exceptions import ApplicationError
from sandbox.emulators.tiktok_shop.clock import EMULATOR, sandbox_now
from sandbox.emulators.tiktok_shop.data import (
    AWAITING_SHIPMENT,
    MAX_PROGRESSION_SECONDS,
    NEW_ORDER_INDEX_BASE,
    NEXT_STATUS,
    UNPAID,
    Change,
    OrderState,
    Shop,
    Snapshot,
    order_id_for,
    order_state,
    visible_count,
)
from sandbox.models import EmulatorCounter, TikTokShopOrderChange

MAX_CHANGES_PER_CALL = 10_000
CACHE_ENTRIES = 32
_cache: OrderedDict[tuple, dict[int, Change]] = OrderedDict()
_cache_lock = threading.Lock()


def shop_snapshot(shop: Shop, *, now: int | None = None, change_mark: int | None = None) -> Snapshot:
    """The shop at ``now`` (default: the sandbox clock) with the changes up to ``change_mark``
    (default: all of them).

    The changes are cached per process by a fingerprint of the rows (newest id, count, sums of
    indexes and update times), read with one aggregate query, so a database that rolls back and
    reuses ids (tests on SQLite) doesn't serve changes that are gone.
    """
    rows = TikTokShopOrderChange.objects.filter(shop_id=shop.id)
    if change_mark is not None:
        rows = rows.filter(id__lte=change_mark)
    fingerprint = rows.aggregate(mark=Max("id"), count=Count("id"), indexes=Sum("order_index"), updates=Sum("update_time"))
    change_mark = fingerprint["mark"] or 0
    key = (shop.id, change_mark, fingerprint["count"], fingerprint["indexes"], fingerprint["updates"])
    with _cache_lock:
        changes = _cache.get(key)
    if changes is None:
        changes = {}
        for index, is_new, status, created, updated in rows.order_by("id").values_list(
            "order_index", "is_new", "status", "create_time", "update_time"
        ):
            changes[index] = Change(status=status, create_time=created, update_time=updated, is_new=is_new)
        with _cache_lock:
            _cache[key] = changes
            while len(_cache) > CACHE_ENTRIES:
                _cache.popitem(last=False)
    return Snapshot(now=sandbox_now() if now is None else now, change_mark=change_mark, changes=changes)


def shop_changes_cache_clear() -> None:
    with _cache_lock:
        _cache.clear()


def shop_orders_change(*, shop: Shop, new_orders: int, changed_orders: int) -> dict:
    """Add ``new_orders`` orders and move ``changed_orders`` orders one status step, all at the
    sandbox's now; the most recent orders that can still move are the ones changed."""
    for name, value in (("new_orders", new_orders), ("changed_orders", changed_orders)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CHANGES_PER_CALL:
            raise ApplicationError(f"{name} must be an integer between 0 and {MAX_CHANGES_PER_CALL}.", code="invalid_changes")
    with transaction.atomic():
        # One change at a time per shop: the counter row is the lock.
        counter, _ = EmulatorCounter.objects.select_for_update().get_or_create(emulator=EMULATOR, key=f"new-orders:{shop.id}")
        snapshot = shop_snapshot(shop)
        now = snapshot.now
        movable = _movable_orders(shop, snapshot, changed_orders)
        if len(movable) < changed_orders:
            raise ApplicationError(
                f"Only {len(movable)} orders of this shop can change status now.",
                code="not_enough_orders",
                extra={"available": len(movable)},
            )
        first_new = NEW_ORDER_INDEX_BASE + counter.value
        rows = [
            TikTokShopOrderChange(
                shop_id=shop.id,
                order_index=index,
                is_new=True,
                status=UNPAID if index % 5 == 0 else AWAITING_SHIPMENT,
                create_time=now,
                update_time=now,
            )
            for index in range(first_new, first_new + new_orders)
        ]
        rows += [
            TikTokShopOrderChange(
                shop_id=shop.id, order_index=state.index, status=NEXT_STATUS[state.status], create_time=state.create_time, update_time=now
            )
            for state in movable
        ]
        TikTokShopOrderChange.objects.bulk_create(rows)
        EmulatorCounter.objects.filter(pk=counter.pk).update(value=F("value") + new_orders)
    return {
        "shop_id": shop.id,
        "now": now,
        "new_order_ids": [order_id_for(shop, row.order_index) for row in rows if row.is_new],
        "changed_order_ids": [order_id_for(shop, state.index) for state in movable],
    }


def movable_order_count(shop: Shop, *, limit: int) -> int:
    """How many orders (up to ``limit``) a change could move one status step right now."""
    return len(_movable_orders(shop, shop_snapshot(shop), limit))


def _movable_orders(shop: Shop, snapshot: Snapshot, count: int) -> list[OrderState]:
    """Up to ``count`` orders that have a next status, newest first: added orders, then the
    generated ones still on their schedule, then older changed ones."""
    if count == 0:
        return []
    changed_base = sorted((index for index, change in snapshot.changes.items() if not change.is_new), reverse=True)
    added = [index for _, index in reversed(snapshot.new_orders())]
    # Generated orders older than this finished their schedule unless a change stopped them.
    settled_before = snapshot.now - MAX_PROGRESSION_SECONDS

    def candidates():
        yield from added
        index = visible_count(shop, snapshot.now) - 1
        while index >= 0 and shop.timeline.at(index) >= settled_before:
            yield index
            index -= 1
        yield from (index for index in changed_base if shop.timeline.at(index) < settled_before)

    found = []
    for index in candidates():
        state = order_state(shop, index, snapshot)
        # An order that already moved this second would show two statuses at one update_time.
        if state.status in NEXT_STATUS and state.update_time < snapshot.now:
            found.append(state)
            if len(found) == count:
                break
    return found
