import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from sandbox.seed import LazySequence, Timeline, derive, rng, stable_int

ROOT = Path(__file__).resolve().parents[2]

PINNED_SCRIPT = """
from sandbox.seed import rng, stable_int, derive
r = rng("tiktok_shop", 7, "order", 123, seed=1)
print(derive("a", seed=1).hex()[:16], stable_int("orders", 7, lo=0, hi=10**9, seed=1), r.digits(18), r.money("5", "250"))
"""


def test_same_key_and_seed_give_the_same_values():
    first, second = rng("shop", 1, "order", 5, seed=42), rng("shop", 1, "order", 5, seed=42)
    assert [first.random() for _ in range(5)] == [second.random() for _ in range(5)]


def test_values_are_pinned_so_data_survives_upgrades():
    # Changing how keys are derived would silently change every emulator's data.
    r = rng("tiktok_shop", 7, "order", 123, seed=1)
    assert derive("a", seed=1).hex()[:16] == "aaa8be88bd4afa32"
    assert stable_int("orders", 7, lo=0, hi=10**9, seed=1) == 543889551
    assert r.digits(18) == "557686500383169724"
    assert r.money("5", "250") == "117.39"
    assert r.full_name() == "Putri Wong"
    assert r.timestamp(1700000000, 1700086400) == 1700023951


def test_values_are_stable_across_processes_with_different_hash_seeds():
    outputs = set()
    for hash_seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", PINNED_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout.strip())
    assert outputs == {"aaa8be88bd4afa32 543889551 557686500383169724 117.39"}


def test_a_different_seed_or_key_gives_different_values():
    base = [rng("k", 1, seed=1).random() for _ in range(3)]
    assert [rng("k", 1, seed=2).random() for _ in range(3)] != base
    assert [rng("k", 2, seed=1).random() for _ in range(3)] != base


def test_default_seed_comes_from_settings(settings):
    settings.SANDBOX_SEED = 1
    under_one = rng("telegram", "bot", 5).digits(12)
    assert under_one == rng("telegram", "bot", 5, seed=1).digits(12)
    settings.SANDBOX_SEED = 2
    assert rng("telegram", "bot", 5).digits(12) != under_one


def test_key_parts_compare_as_text():
    # Ids come as strings from URLs and as ints from code: both must name the same item.
    assert derive("shop", 7, seed=1) == derive("shop", "7", seed=1)


def test_money_and_amounts():
    r = rng("money", seed=3)
    values = [r.amount("0.99", "1.01") for _ in range(200)]
    assert all(Decimal("0.99") <= v <= Decimal("1.01") for v in values)
    assert {str(v) for v in values} <= {"0.99", "1.00", "1.01"}
    assert all(len(r.money("10", "99").split(".")[1]) == 2 for _ in range(20))
    vnd = r.money("10000", "500000", places=0)
    assert "." not in vnd and 10000 <= int(vnd) <= 500000


def test_helpers_produce_the_documented_shapes():
    r = rng("shapes", seed=9)
    assert len(r.digits(19)) == 19 and r.digits(19)[0] != "0"
    assert len(r.hex(32)) == 32 and int(r.hex(32), 16) >= 0
    assert r.phone("+62", 10).startswith("+62") and len(r.phone("+62", 10)) == 13
    assert r.email().endswith("@example.com")
    assert 1700000000 <= r.timestamp(1700000000, 1700000010) < 1700000010
    assert r.weighted({"only": 1.0, "never": 0.0}) == "only"


def test_stable_int_rejects_an_empty_range():
    with pytest.raises(ValueError):
        stable_int("x", lo=5, hi=4)


def test_lazy_sequence_computes_only_what_is_asked():
    calls = []

    def make(n):
        calls.append(n)
        return f"order-{n}"

    orders = LazySequence(370_000, make)
    assert len(orders) == 370_000 and calls == []
    assert orders[0] == "order-0" and orders[-1] == "order-369999"
    assert orders[1000:1003] == ["order-1000", "order-1001", "order-1002"]
    assert calls == [0, 369999, 1000, 1001, 1002]
    with pytest.raises(IndexError):
        orders[370_000]


def test_timeline_is_sorted_within_bounds_and_each_item_is_computable_alone():
    timeline = Timeline("shop", 3, "orders", count=1000, start=1_700_000_000, end=1_700_086_400, seed=5)
    values = list(timeline)
    assert values == sorted(values)
    assert values[0] >= 1_700_000_000 and values[-1] < 1_700_086_400
    assert Timeline("shop", 3, "orders", count=1000, start=1_700_000_000, end=1_700_086_400, seed=5)[417] == values[417]


def test_timeline_window_matches_a_full_scan():
    timeline = Timeline("shop", 4, count=5000, start=0, end=100_000, seed=5)
    values = list(timeline)
    window = timeline.window(20_000, 20_500)
    assert list(window) == [i for i, t in enumerate(values) if 20_000 <= t < 20_500]
    assert len(window) == 25


def test_timeline_window_on_a_large_shop_touches_few_items(monkeypatch):
    timeline = Timeline("shop", 5, count=370_000, start=1_600_000_000, end=1_700_000_000, seed=5)
    touched = []
    original = Timeline.at

    def counting_at(self, index):
        touched.append(index)
        return original(self, index)

    monkeypatch.setattr(Timeline, "at", counting_at)
    window = timeline.window(1_650_000_000, 1_650_086_400)
    monkeypatch.undo()
    assert len(touched) < 60
    assert timeline[window.start] >= 1_650_000_000 > timeline[window.start - 1]
    assert timeline[window.stop - 1] < 1_650_086_400 <= timeline[window.stop]
    assert len(window) == 320  # 370,000 orders over ~1,157 days: ~320 a day
