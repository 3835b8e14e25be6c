"""Deterministic data for the emulators, derived from ``settings.SANDBOX_SEED``.

Everything an emulator shows (ids, names, amounts, timestamps) comes from a random generator keyed
by a path such as ``("tiktok_shop", shop_id, "order", 1234)``. The key is hashed with SHA-256
together with the seed, never with ``hash()``, so the same seed gives the same data in every
process and on every run, and a different seed gives different data.

Data is generated lazily by index: order #n of a shop is ``rng("tiktok_shop", shop, "order", n)``
and costs nothing until asked for. ``LazySequence`` and ``Timeline`` give list-like access (length,
slicing, bisecting by time) over such generators without materialising them.
"""

from __future__ import annotations

import hashlib
import random
import string
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar, overload

T = TypeVar("T")

_SEPARATOR = "\x1f"

FIRST_NAMES = tuple(
    "An Binh Chi Dung Giang Hanh Hoa Khanh Linh Mai Minh Nam Ngoc Phuong Quang Thao Trang Tuan Vy Yen Ayu "
    "Budi Citra Dewi Eka Fajar Indah Putri Rizky Sari Wulan Arthit Kanya Niran Pim Somchai Maria Jose "
    "Angel Grace".split()
)
LAST_NAMES = tuple(
    "Nguyen Tran Le Pham Hoang Vu Dang Bui Do Ngo Santoso Wijaya Pratama Saputra Hidayat Lestari Suzuki "
    "Wong Tan Lim Chua Reyes Santos Cruz".split()
)
WORDS = tuple(
    "aurora bamboo coral daisy ember fern glow harbor iris jade kiwi lotus maple nova orchid pearl quartz "
    "river sage tulip umber velvet willow zen".split()
)
PRODUCT_NOUNS = tuple(
    "Serum,Cushion,Lipstick,Sunscreen,Toner,Cleanser,Mask,Tote Bag,Sneakers,Hoodie,Earbuds,Power Bank,"
    "Phone Case,Water Bottle,Coffee Beans,Protein Bar,Yoga Mat,Desk Lamp".split(",")
)
PRODUCT_ADJECTIVES = tuple(
    "Hydrating,Matte,Glow,Everyday,Ultra Light,Premium,Classic,Mini,Organic,Vitamin C,Waterproof,Wireless,"
    "Oversized,Travel,Limited Edition,Pro".split(",")
)


def current_seed() -> int:
    from django.conf import settings

    return int(settings.SANDBOX_SEED)


def derive(*key: Any, seed: int | None = None) -> bytes:
    """The 32-byte digest for ``key`` under ``seed`` (default ``settings.SANDBOX_SEED``).

    Key parts are joined as text, so ``1`` and ``"1"`` name the same thing on purpose: ids
    arrive as strings from URLs and as ints from code.
    """
    parts = [str(current_seed() if seed is None else seed), *(str(part) for part in key)]
    return hashlib.sha256(_SEPARATOR.join(parts).encode()).digest()


def stable_int(*key: Any, lo: int, hi: int, seed: int | None = None) -> int:
    """An integer in ``[lo, hi]`` fixed by ``key``; cheaper than building a generator."""
    if hi < lo:
        raise ValueError(f"empty range [{lo}, {hi}]")
    return lo + int.from_bytes(derive(*key, seed=seed)[:8], "big") % (hi - lo + 1)


def rng(*key: Any, seed: int | None = None) -> SeededRandom:
    """A generator fixed by ``key``: the same key and seed always yield the same sequence."""
    return SeededRandom(int.from_bytes(derive(*key, seed=seed), "big"))


class SeededRandom(random.Random):
    """``random.Random`` with helpers for the shapes upstream APIs use."""

    def digits(self, length: int) -> str:
        """A numeric id of exactly ``length`` digits (no leading zero), as upstreams send them."""
        return str(self.randint(10 ** (length - 1), 10**length - 1))

    def hex(self, length: int) -> str:
        return f"{self.getrandbits(4 * length):0{length}x}"

    def token(self, length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
        return "".join(self.choices(alphabet, k=length))

    def amount(self, low: str | Decimal, high: str | Decimal, *, places: int = 2) -> Decimal:
        """A Decimal in ``[low, high]`` with ``places`` decimals (0 for VND/IDR-style currencies)."""
        scale = 10**places
        lo, hi = int(Decimal(low) * scale), int(Decimal(high) * scale)
        return (Decimal(self.randint(lo, hi)) / scale).quantize(Decimal(1).scaleb(-places))

    def money(self, low: str | Decimal, high: str | Decimal, *, places: int = 2) -> str:
        """``amount`` as the decimal string upstream APIs put in JSON (``"129.90"``)."""
        return str(self.amount(low, high, places=places))

    def timestamp(self, start: int, end: int) -> int:
        """Unix seconds in ``[start, end)``."""
        return self.randrange(start, end) if end > start else start

    def moment(self, start: int, end: int) -> datetime:
        return datetime.fromtimestamp(self.timestamp(start, end), tz=UTC)

    def first_name(self) -> str:
        return self.choice(FIRST_NAMES)

    def last_name(self) -> str:
        return self.choice(LAST_NAMES)

    def full_name(self) -> str:
        return f"{self.first_name()} {self.last_name()}"

    def username(self) -> str:
        return f"{self.choice(WORDS)}_{self.choice(WORDS)}{self.randint(1, 999)}"

    def email(self, domain: str = "example.com") -> str:
        return f"{self.first_name().lower()}.{self.last_name().lower()}{self.randint(1, 9999)}@{domain}"

    def phone(self, prefix: str = "+84", digits: int = 9) -> str:
        return prefix + self.digits(digits)

    def words(self, count: int) -> str:
        return " ".join(self.choice(WORDS) for _ in range(count))

    def title(self, count: int = 2) -> str:
        return self.words(count).title()

    def product_name(self) -> str:
        return f"{self.choice(PRODUCT_ADJECTIVES)} {self.choice(PRODUCT_NOUNS)} {self.choice(WORDS).title()}"

    def weighted(self, weights: dict[T, float]) -> T:
        """One key of ``weights``, chosen with the given relative weights."""
        return self.choices(list(weights), weights=list(weights.values()), k=1)[0]


class LazySequence(Sequence[T]):
    """A read-only sequence whose item ``i`` is ``factory(i)``, computed on access only.

    ``LazySequence(370_000, lambda n: make_order(shop, n))`` costs no memory; ``seq[1000:1050]``
    builds 50 items. Items are not cached: factories are pure, so recomputing is always right.
    """

    def __init__(self, length: int, factory: Callable[[int], T]):
        if length < 0:
            raise ValueError("length must be >= 0")
        self._length = length
        self._factory = factory

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._factory(i) for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("LazySequence index out of range")
        return self._factory(index)

    def __iter__(self) -> Iterator[T]:
        return (self._factory(i) for i in range(self._length))


class Timeline(Sequence[int]):
    """``count`` unix timestamps spread over ``[start, end)``, non-decreasing by index.

    Item ``i`` falls in its own slot of the span with a seeded jitter, so it is computable alone,
    and the whole timeline is sorted: ``window(t0, t1)`` finds the indices in a time range by
    bisection (O(log n) items computed). This is what lets an emulator answer "orders created
    between t0 and t1, page 3" for a shop with hundreds of thousands of orders.
    """

    def __init__(self, *key: Any, count: int, start: int, end: int, seed: int | None = None):
        if end <= start:
            raise ValueError("end must be after start")
        self.key, self.count, self.start, self.end, self.seed = key, count, start, end, seed

    def __len__(self) -> int:
        return self.count

    def _slot_start(self, index: int) -> int:
        return self.start + (index * (self.end - self.start)) // self.count

    def at(self, index: int) -> int:
        if not 0 <= index < self.count:
            raise IndexError("Timeline index out of range")
        base = self._slot_start(index)
        width = self._slot_start(index + 1) - base
        return base if width <= 1 else base + stable_int(*self.key, "t", index, lo=0, hi=width - 1, seed=self.seed)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.at(i) for i in range(*index.indices(self.count))]
        return self.at(index + self.count if index < 0 else index)

    def window(self, t0: int, t1: int) -> range:
        """Indices whose timestamp ``t`` satisfies ``t0 <= t < t1``, in order."""
        return range(bisect_left(self, t0), bisect_left(self, t1))
