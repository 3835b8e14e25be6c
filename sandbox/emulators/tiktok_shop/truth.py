"""The digest tests compare stored orders against: sha256 over the sorted lines
``"<order id>:<update_time unix seconds>:<status>:<total_amount with two decimals>"`` joined by
``"\\n"``. ``truth_line`` and ``truth_digest`` let a test compute the same from its own rows."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from sandbox.emulators.tiktok_shop.data import (
    Shop,
    Snapshot,
    money_2dp,
    order_id_for,
    order_state,
    order_total,
    visible_count,
)
from sandbox.seed import current_seed


def truth_line(order_id: str, update_time: int, status: str, total_amount: Decimal | str) -> str:
    return f"{order_id}:{int(update_time)}:{status}:{Decimal(total_amount):.2f}"


def truth_digest(lines: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def shop_truth(shop: Shop, snapshot: Snapshot) -> dict:
    """Every order of the shop at the snapshot: count, status counts and the digest."""
    changes = tuple(sorted(snapshot.changes.items()))
    return dict(_shop_truth(current_seed(), shop, snapshot.now, snapshot.change_mark, changes))


@lru_cache(maxsize=8)
def _shop_truth(seed: int, shop: Shop, now: int, change_mark: int, changes: tuple) -> tuple:
    snapshot = Snapshot(now=now, change_mark=change_mark, changes=dict(changes))
    added = [index for index, change in snapshot.changes.items() if change.is_new]
    lines = []
    statuses: Counter[str] = Counter()
    for index in [*range(visible_count(shop, now)), *added]:
        state = order_state(shop, index, snapshot)
        statuses[state.status] += 1
        lines.append(f"{order_id_for(shop, index)}:{state.update_time}:{state.status}:{money_2dp(order_total(shop, state), shop)}")
    return (
        ("shop_id", shop.id),
        ("now", now),
        ("order_count", len(lines)),
        ("status_counts", dict(sorted(statuses.items()))),
        ("digest", truth_digest(lines)),
        ("line_format", "<order id>:<update_time>:<status>:<total_amount, 2 decimals>, sorted, joined by \\n, sha256"),
    )
