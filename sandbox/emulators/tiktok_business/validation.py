"""The platform's rules for ads-management writes, as the ``tiktok-business`` emulator applies
them: enums, name lengths, budget minimums per currency, the objective → promotion type →
optimisation goal → billing event combinations, and the parameter readers of JSON bodies.

Every refusal is a ``PlatformError``: 40002 with a message that starts with the field's name
(``"budget: Budget must be at least 20.00 USD."``), 40007 for an object that does not exist.

Budget minimums: a daily budget is at least a base × the currency's "budget verification ratio"
(base 50 for a campaign, 20 for an ad group; TOTAL budgets: the daily minimum × the scheduled
days); budgets stay below 10,000,000 × ratio. KZT is not in TikTok's table: its ratio is
``settings.TIKTOK_MIN_DAILY_BUDGET_KZT`` / 20 (configurable, as the seed asks for 2,500 KZT).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from sandbox.emulators.tiktok_business.tokens import PlatformError, invalid_params

CAMPAIGN_BASE = Decimal(50)
ADGROUP_BASE = Decimal(20)
MAXIMUM_FACTOR = Decimal(10_000_000)
NAME_MAX = 512
AD_TEXT_MAX = 100
STATUS_IDS_MAX = 20
CREATIVES_MAX = 20
ADS_PER_ADGROUP = 50
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
START_TIME_PAST_SECONDS = 12 * 3600

# "Budget verification ratio and value range for each currency" (reference §B.8).
RATIOS: dict[str, Decimal] = {
    **dict.fromkeys(
        ("USD", "EUR", "GBP", "AUD", "CAD", "SGD", "MYR", "AED", "SAR", "BRL", "ARS", "ILS", "PEN", "QAR", "RON", "NZD", "CHF", "HUF"),
        Decimal(1),
    ),
    "PLN": Decimal(4),
    **dict.fromkeys(("HKD", "CNY", "MXN", "THB", "TRY", "ZAR", "SEK", "NOK", "DKK", "CZK", "EGP", "UAH", "TWD"), Decimal(10)),
    "PHP": Decimal(50),
    **dict.fromkeys(("JPY", "RUB", "INR", "PKR", "KES", "NGN", "BDT", "DZD"), Decimal(100)),
    **dict.fromkeys(("KRW", "CLP", "COP", "CRC"), Decimal(1000)),
    **dict.fromkeys(("IDR", "VND", "PYG"), Decimal(10_000)),
    "VEF": Decimal(100_000),
}

OBJECTIVES = (
    "TRAFFIC",
    "REACH",
    "VIDEO_VIEWS",
    "ENGAGEMENT",
    "LEAD_GENERATION",
    "WEB_CONVERSIONS",
    "APP_PROMOTION",
    "PRODUCT_SALES",
)
LEGACY_OBJECTIVES = {
    "CONVERSIONS": "WEB_CONVERSIONS",
    "APP_INSTALL": "APP_PROMOTION",
    "CATALOG_SALES": "PRODUCT_SALES",
    "SHOP_PURCHASES": "PRODUCT_SALES",
}
CAMPAIGN_BUDGET_MODES = ("BUDGET_MODE_INFINITE", "BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET")
ADGROUP_BUDGET_MODES = ("BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET")
SCHEDULE_TYPES = ("SCHEDULE_START_END", "SCHEDULE_FROM_NOW")
BILLING_EVENTS = ("CPC", "CPM", "CPV", "OCPM", "OCPC", "GD")
BID_TYPES = ("BID_TYPE_NO_BID", "BID_TYPE_CUSTOM")
PACINGS = ("PACING_MODE_SMOOTH", "PACING_MODE_FAST")
PLACEMENT_TYPES = ("PLACEMENT_TYPE_AUTOMATIC", "PLACEMENT_TYPE_NORMAL")
PLACEMENTS = ("PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE")
PROMOTION_TARGET_TYPES = ("INSTANT_PAGE", "EXTERNAL_WEBSITE")
GENDERS = ("GENDER_UNLIMITED", "GENDER_MALE", "GENDER_FEMALE")
AGE_GROUPS = ("AGE_13_17", "AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100")
OPERATION_STATUSES = ("ENABLE", "DISABLE")
STATUS_OPERATIONS = ("ENABLE", "DISABLE", "DELETE")
AD_FORMATS = ("SINGLE_VIDEO", "SINGLE_IMAGE", "CAROUSEL_ADS", "LIVE_CONTENT", "CATALOG_CAROUSEL")
IDENTITY_TYPES = ("CUSTOMIZED_USER", "AUTH_CODE", "TT_USER", "BC_AUTH_TT")

# objective → promotion type → optimisation goal → billing events the ad group may use. The
# three the product launches are the reference's (LEAD_GENERATION, TRAFFIC, WEB_CONVERSIONS);
# the others carry their typical pairs.
COMBINATIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "LEAD_GENERATION": {"LEAD_GENERATION": {"LEAD_GENERATION": ("OCPM",)}},
    "TRAFFIC": {"WEBSITE": {"CLICK": ("CPC",), "TRAFFIC_LANDING_PAGE_VIEW": ("CPC", "OCPM")}},
    "WEB_CONVERSIONS": {"WEBSITE": {"CONVERT": ("OCPM",), "VALUE": ("OCPM",)}},
    "REACH": {"": {"REACH": ("CPM",), "SHOW": ("CPM",)}},
    "VIDEO_VIEWS": {"": {"ENGAGED_VIEW": ("CPV",), "ENGAGED_VIEW_FIFTEEN": ("CPV",), "VIDEO_VIEW": ("CPV",)}},
    "ENGAGEMENT": {"EXTERNAL_OR_DISPLAY": {"FOLLOWERS": ("OCPM",), "PROFILE_VIEWS": ("OCPM",)}},
    "APP_PROMOTION": {
        "APP_ANDROID": {"INSTALL": ("OCPM",), "IN_APP_EVENT": ("OCPM",)},
        "APP_IOS": {"INSTALL": ("OCPM",), "IN_APP_EVENT": ("OCPM",)},
    },
}
# Objectives whose ad groups need no promotion_type.
NO_PROMOTION_TYPE = ("REACH", "VIDEO_VIEWS")
# Ad groups delivering these objectives take video creatives only.
VIDEO_ONLY_OBJECTIVES = ("LEAD_GENERATION", "TRAFFIC", "WEB_CONVERSIONS")


# --- Money --------------------------------------------------------------------------------


def ratio(currency: str) -> Decimal:
    currency = (currency or "").upper()
    if currency == "KZT":
        return Decimal(settings.TIKTOK_MIN_DAILY_BUDGET_KZT) / ADGROUP_BASE
    return RATIOS.get(currency, Decimal(1))


def minimum(currency: str, *, level: str) -> Decimal:
    """The smallest daily budget of a ``"campaign"`` or an ``"adgroup"`` in ``currency``."""
    base = CAMPAIGN_BASE if level == "campaign" else ADGROUP_BASE
    return (base * ratio(currency)).quantize(Decimal("0.01"))


def money_text(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def budget_check(value: Any, currency: str, *, level: str, days: int = 1, name: str = "budget") -> Decimal:
    """The budget as a Decimal, or 40002 naming the minimum (× ``days`` for TOTAL budgets)."""
    amount = number(value, name)
    low = minimum(currency, level=level) * days
    if amount < low:
        raise invalid_params(f"{name}: Budget must be at least {money_text(low)} {currency.upper()}.")
    high = MAXIMUM_FACTOR * ratio(currency)
    if amount >= high:
        raise invalid_params(f"{name}: Budget must be less than {money_text(high)} {currency.upper()}.")
    return amount


def as_number(amount: Decimal) -> float | int:
    """A Decimal as the platform writes numbers in JSON (``20`` or ``20.5``)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


# --- Readers ------------------------------------------------------------------------------


def required(params: dict, name: str) -> Any:
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list | dict) and not value):
        raise invalid_params(f"{name}: Missing data for required field.")
    return value


def text(params: dict, name: str, *, required_: bool = False, default: str = "") -> str:
    value = params.get(name)
    if value is None or value == "":
        if required_:
            raise invalid_params(f"{name}: Missing data for required field.")
        return default
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise invalid_params(f"{name}: Not a valid string.")
    return str(value).strip()


def choice(params: dict, name: str, allowed: tuple[str, ...], *, default: str | None = None) -> str:
    value = params.get(name)
    if value is None or value == "":
        if default is None:
            raise invalid_params(f"{name}: Missing data for required field.")
        return default
    if value not in allowed:
        raise invalid_params(f"{name}: Must be one of {', '.join(allowed)}.")
    return value


def number(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise invalid_params(f"{name}: Not a valid number.")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise invalid_params(f"{name}: Not a valid number.") from None
    if not amount.is_finite():
        raise invalid_params(f"{name}: Not a valid number.")
    return amount


def id_text(value: Any, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip().isdigit():
        raise invalid_params(f"{name}: Not a valid ID.")
    return str(value).strip()


def id_list(params: dict, name: str, *, low: int = 1, high: int = STATUS_IDS_MAX) -> list[str]:
    value = params.get(name)
    if value is None or value == [] or value == "":
        raise invalid_params(f"{name}: Missing data for required field.")
    if not isinstance(value, list):
        raise invalid_params(f"{name}: Must be a list of IDs.")
    if not low <= len(value) <= high:
        raise invalid_params(f"{name}: Length must be between {low} and {high}.")
    ids = [id_text(item, name) for item in value]
    return list(dict.fromkeys(ids))


def string_list(params: dict, name: str, *, allowed: tuple[str, ...] | None = None, required_: bool = False) -> list[str] | None:
    value = params.get(name)
    if value is None:
        if required_:
            raise invalid_params(f"{name}: Missing data for required field.")
        return None
    if not isinstance(value, list) or not all(isinstance(item, str | int) and not isinstance(item, bool) for item in value):
        raise invalid_params(f"{name}: Must be a list of strings.")
    items = [str(item) for item in value]
    if required_ and not items:
        raise invalid_params(f"{name}: Missing data for required field.")
    if allowed is not None:
        for item in items:
            if item not in allowed:
                raise invalid_params(f"{name}: {item} is not one of {', '.join(allowed)}.")
    return items


def name_check(value: str, name: str, *, limit: int = NAME_MAX) -> str:
    """≤ ``limit`` characters where a CJK (wide) character counts as 2; no emoji."""
    width = sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in value)
    if width > limit:
        raise invalid_params(f"{name}: Length must be at most {limit} characters (a CJK character counts as 2).")
    if any(unicodedata.category(char) == "So" for char in value):
        raise invalid_params(f"{name}: Emoji are not allowed.")
    return value


def time_check(value: Any, name: str) -> datetime:
    """A ``"YYYY-MM-DD HH:MM:SS"`` UTC time (naive)."""
    if not isinstance(value, str):
        raise invalid_params(f"{name}: Must be a time in the format YYYY-MM-DD HH:MM:SS (UTC).")
    try:
        return datetime.strptime(value.strip(), TIME_FORMAT)
    except ValueError:
        raise invalid_params(f"{name}: Must be a time in the format YYYY-MM-DD HH:MM:SS (UTC).") from None


def objective_check(value: Any) -> str:
    if value in (None, ""):
        raise invalid_params("objective_type: Missing data for required field.")
    if value in LEGACY_OBJECTIVES:
        raise invalid_params(f"objective_type: {value} is no longer supported; use {LEGACY_OBJECTIVES[value]}.")
    if value not in OBJECTIVES and not (isinstance(value, str) and value.startswith("RF_")):
        raise invalid_params(f"objective_type: Must be one of {', '.join(OBJECTIVES)}.")
    return value


def combination_check(objective: str, promotion_type: str, optimization_goal: str, billing_event: str) -> None:
    """40002 naming the first field whose value the campaign's objective doesn't allow."""
    table = COMBINATIONS.get(objective)
    if table is None:
        raise invalid_params(f"objective_type: The sandbox does not create ad groups under {objective} campaigns.")
    key = "" if objective in NO_PROMOTION_TYPE and "" in table and promotion_type not in table else promotion_type
    if key not in table:
        if not promotion_type:
            raise invalid_params("promotion_type: Missing data for required field.")
        allowed = ", ".join(value for value in table if value)
        raise invalid_params(f"promotion_type: {promotion_type} is not supported with objective {objective}; use {allowed}.")
    goals = table[key]
    if optimization_goal not in goals:
        raise invalid_params(
            f"optimization_goal: {optimization_goal or '(none)'} is not supported with objective {objective}; use {', '.join(goals)}."
        )
    if billing_event not in goals[optimization_goal]:
        raise invalid_params(
            f"billing_event: {billing_event} is not supported with optimization_goal {optimization_goal}; use {', '.join(goals[optimization_goal])}."
        )


def not_found(kind: str, object_id: str) -> PlatformError:
    label = {"campaign": "campaign", "adgroup": "ad group", "ad": "ad"}[kind]
    return PlatformError(40007, f"The {label} {object_id} does not exist.")
