"""Brand extraction from product names.

Order of precedence:

1. The tenant's brand dictionary (``Brand``: its name and keywords), matched as whole words,
   case-insensitively; when several match, the one found earliest in the name wins.
2. Rules for how sellers write brands into titles:
   - a bracketed prefix: ``[COSRX] Snail Mucin``, ``【Skintific】 Toner``;
   - a short phrase before ``Official`` or after ``by`` at the end: ``Solenne Official Toner``,
     ``Body Scrub by Verde Botanica``;
   - a separator: ``Anessa - Perfect UV Sunscreen`` (brand first), ``Lip Tint | Maybelline`` (brand
     after a pipe);
   - the known-brand heuristic: a leading word in capitals (``SKINTIFIC 5X Ceramide Moisturizer``).
     Southeast Asian listings put the brand first, in capitals, far more often than any other
     word; capitalised selling words ("NEW", "PROMO", "ORIGINAL", ...) are excluded, and the
     word is title-cased so "AURELLE" and "Aurelle" count as one brand.
3. Otherwise ``OTHER_BRAND``.

A matcher is built per tenant and cached for the duration of a sync run (``cache_key``), and
memoises names, since a shop's orders repeat a limited set of product titles.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import lru_cache

from core.models import Tenant

OTHER_BRAND = "Other"
BRAND_MAX_LENGTH = 100

_BRACKET_PREFIX = re.compile(r"^\s*[\[【(]\s*([^\]】)]{1,40}?)\s*[\]】)]")
_OFFICIAL = re.compile(r"^\s*(.{2,40}?)\s+Official\b")
_BY_SUFFIX = re.compile(r"\s+by\s+([A-Z][\w&'. ]{1,40}?)\s*$")
_LEADING_SEPARATOR = re.compile(r"^\s*([^\-|–—:]{2,40}?)\s+[-–—:]\s+\S")
_PIPE = re.compile(r"\s+\|\s+")
_CAPS_WORD = re.compile(r"^\s*([A-Z][A-Z0-9&'.]{2,19})(?=\s|$)")
_NOT_BRANDS = frozenset(
    "NEW HOT SALE PROMO FREE COD READY STOCK ORIGINAL ORI BPOM HALAL BEST BUY GET SET PACK BUNDLE "
    "COMBO GIFT FLASH DEAL LIMITED OFFICIAL PREMIUM SUPER MEGA MINI BIG SMALL THE FOR AND WITH NEWEST "
    "TERBARU MURAH GRATIS ASLI".split()
)
_RUN_CACHE_SIZE = 32
_LEADING_WORD = re.compile(r"^\s*[\[【(]?\s*([^\W\d_][\w&'.-]*)")


def leading_word(name: str) -> str:
    """The first word of a title as a brand would be written ("SOMETHINC Serum" -> "Somethinc"),
    or "" when it is a selling word, too short or not a word."""
    match = _LEADING_WORD.match(name or "")
    if not match:
        return ""
    word = match.group(1).strip(".-'")
    if len(re.sub(r"[^A-Za-z]", "", word)) < 2 or word.upper() in _NOT_BRANDS or any(c.isdigit() for c in word):
        return ""
    return (word.title() if word.isupper() or word.islower() else word)[:BRAND_MAX_LENGTH]


def brand_pattern(name: str) -> re.Pattern:
    """How the dictionary matches a brand name: a whole word, any case."""
    return re.compile(rf"(?<!\w){re.escape(name.strip())}(?!\w)", re.IGNORECASE)


class BrandMatcher:
    """Brand of a product name for one tenant's dictionary."""

    def __init__(self, entries: list[tuple[str, list[str]]]):
        self._patterns = []
        for name, keywords in entries:
            spellings = sorted({name, *(k for k in keywords if isinstance(k, str))} - {""}, key=len, reverse=True)
            if spellings:
                alternatives = "|".join(re.escape(spelling.strip()) for spelling in spellings if spelling.strip())
                self._patterns.append((name, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)))
        self.brand_for = lru_cache(maxsize=20_000)(self._brand_for)

    @classmethod
    def for_tenant(cls, tenant: Tenant | int) -> BrandMatcher:
        from shop_sync.models import Brand

        rows = Brand.objects.for_tenant(tenant).filter(is_active=True).order_by("name").values_list("name", "keywords")
        return cls([(name, keywords or []) for name, keywords in rows])

    def _brand_for(self, name: str) -> str:
        name = name or ""
        best: tuple[int, str] | None = None
        for brand, pattern in self._patterns:
            match = pattern.search(name)
            if match and (best is None or match.start() < best[0]):
                best = (match.start(), brand)
        if best is not None:
            return best[1]
        return rule_brand(name)


def rule_brand(name: str) -> str:
    """The brand the title's own conventions give, else ``OTHER_BRAND``."""
    candidates = []
    for pattern in (_BRACKET_PREFIX, _OFFICIAL):
        match = pattern.match(name)
        candidates.append(match.group(1) if match else None)
    match = _BY_SUFFIX.search(name)
    candidates.append(match.group(1) if match else None)
    segments = _PIPE.split(name.strip())
    if len(segments) > 1:
        # "Item | Brand": sellers append the brand (or "Brand Official") after a pipe.
        candidates.append(segments[-1] if len(segments[-1].split()) <= 3 else segments[0])
    match = _LEADING_SEPARATOR.match(name)
    candidates.append(match.group(1) if match else None)
    for candidate in candidates:
        if candidate and _plausible(candidate.strip()) and len(candidate.split()) <= 3:
            return candidate.strip()[:BRAND_MAX_LENGTH]
    match = _CAPS_WORD.match(name)
    if match and _plausible(match.group(1)):
        # Listings write the same brand in capitals or not: "AURELLE" and "Aurelle" are one.
        return match.group(1).title() if match.group(1).isalpha() else match.group(1)
    return OTHER_BRAND


def _plausible(candidate: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", candidate)
    return len(letters) >= 2 and not candidate[0].isdigit() and candidate.upper() not in _NOT_BRANDS


_run_matchers: OrderedDict[tuple[int, str], BrandMatcher] = OrderedDict()


def brand_matcher(*, tenant: Tenant | int, cache_key: str | None = None) -> BrandMatcher:
    """The tenant's matcher; with ``cache_key`` (a sync run) it is built once per run and process,
    so dictionary edits apply from the next run on."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    if cache_key is None:
        return BrandMatcher.for_tenant(tenant_id)
    key = (tenant_id, cache_key)
    matcher = _run_matchers.get(key)
    if matcher is None:
        matcher = _run_matchers[key] = BrandMatcher.for_tenant(tenant_id)
        while len(_run_matchers) > _RUN_CACHE_SIZE:
            _run_matchers.popitem(last=False)
    return matcher
