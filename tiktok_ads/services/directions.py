"""Directions (the seed's ``account_directions``): create, update and delete.

One validation path for the API and the pages: the input is the seed's JSON (or a form's data
as a dict); every refusal is an ``ApplicationError`` naming the fields, and nothing is written.
``platform=both`` creates a facebook row and a tiktok row in one transaction. Each row stores its
own platform's default settings (``facebook_default_settings`` / ``tiktok_default_settings``),
else the shared ``default_settings``. TikTok budgets are checked against ``budgets.minimum`` in the
linked advertiser's currency (KZT, the seed's, when the ad account has no advertiser)."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from core.exceptions import ApplicationError, Conflict
from core.models import Tenant
from tiktok_ads import budgets
from tiktok_ads.models import AdAccount, AdGroupMode, Direction, Objective, Platform
from tiktok_ads.platforms import BOTH, UI_TO_DB
from tiktok_ads.selectors.directions import ad_account_currency, ad_account_get

logger = logging.getLogger(__name__)

CREATE_PLATFORMS = ("facebook", "instagram", "tiktok", BOTH)
# The seed's TikTok target CPL is named for its currency (tiktok_target_cpl_kzt); both names work.
TARGET_CPL_KEYS = ("tiktok_target_cpl", "tiktok_target_cpl_kzt")
ACCOUNT_KEYS = ("ad_account", "accountId", "ad_account_id", "account_id")
TEXT_FIELDS = {"tiktok_page_id": 32, "tiktok_identity_id": 64, "tiktok_pixel_id": 32, "tiktok_campaign_id": 32}


class DirectionInvalid(ApplicationError):
    """Bad direction input: ``fields`` maps each field to its messages (400)."""

    def __init__(self, fields: dict[str, list[str]]):
        first = next(iter(fields.items()))
        super().__init__(f"{first[0]}: {first[1][0]}", extra={"fields": fields})


def _first(data: dict, keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in keys:
        if key in data:
            return key, data[key]
    return None, None


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        errors[field] = ["Enter a number."]
        return None
    if not amount.is_finite() or amount <= 0:
        errors[field] = ["Must be a positive number."]
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors[field] = ["At most two decimal places."]
        return None
    return amount


def _settings(value, field: str, errors: dict) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors[field] = ["Must be a JSON object."]
        return None
    return value


def budget_check(account: AdAccount, amount: Decimal) -> str | None:
    """The problem with ``amount`` as a TikTok ad group's daily budget of ``account``, or None."""
    currency = ad_account_currency(account)
    try:
        return budgets.budget_problem(amount, currency)
    except budgets.UnknownCurrency as exc:
        return str(exc)


def _clean_tiktok(data: dict, account: AdAccount, errors: dict, *, partial: bool) -> dict:
    """The TikTok fields present in ``data``, validated (``partial``: only what is given)."""
    cleaned: dict[str, Any] = {}
    objective = str(data.get("tiktok_objective") or "").strip()
    if objective or not partial:
        if not objective:
            errors["tiktok_objective"] = ["Required for a TikTok direction: traffic, conversions or lead_generation."]
        elif objective not in Objective.values:
            errors["tiktok_objective"] = [f"Unknown objective {objective!r}: use traffic, conversions or lead_generation."]
        else:
            cleaned["tiktok_objective"] = objective
    if "tiktok_daily_budget" in data:
        amount = _decimal(data["tiktok_daily_budget"], "tiktok_daily_budget", errors)
        if amount is not None:
            problem = budget_check(account, amount)
            if problem:
                errors["tiktok_daily_budget"] = [problem]
        cleaned["tiktok_daily_budget"] = amount
    key, value = _first(data, TARGET_CPL_KEYS)
    if key is not None:
        cleaned["tiktok_target_cpl"] = _decimal(value, key, errors)
    if "tiktok_adgroup_mode" in data or not partial:
        mode = data.get("tiktok_adgroup_mode") or AdGroupMode.CREATE_NEW
        if mode not in AdGroupMode.values:
            errors["tiktok_adgroup_mode"] = [f"Unknown mode {mode!r}: use use_existing or create_new."]
        else:
            cleaned["tiktok_adgroup_mode"] = mode
    for name, limit in TEXT_FIELDS.items():
        if name in data:
            text = "" if data[name] is None else str(data[name]).strip()
            if len(text) > limit:
                errors[name] = [f"At most {limit} characters."]
            cleaned[name] = text
    return cleaned


def _clean_name(data: dict, errors: dict) -> str | None:
    name = data.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = ["Required."]
        return None
    if len(name) > 200:
        errors["name"] = ["At most 200 characters."]
        return None
    return name


def _unique_refusal(name: str, platform: str) -> Conflict:
    return Conflict(
        f"name: this ad account already has a {platform} direction named {name!r}.",
        extra={"fields": {"name": [f"A {platform} direction with this name already exists for this ad account."]}},
    )


def _taken(tenant: Tenant, account: AdAccount, name: str, platform: str, *, exclude: int | None = None) -> bool:
    rows = Direction.objects.for_tenant(tenant).filter(ad_account=account, name=name)
    # A legacy row without a platform is facebook: it takes the facebook name too.
    rows = rows.filter(platform__in=[Platform.FACEBOOK, ""]) if platform == Platform.FACEBOOK else rows.filter(platform=platform)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.exists()


def direction_create(*, tenant: Tenant, data: dict, actor: str = "") -> list[Direction]:
    """Create one direction (two with ``platform=both``). Refusals name the field; nothing is
    written unless every row can be."""
    errors: dict[str, list[str]] = {}
    key, account_ref = _first(data, ACCOUNT_KEYS)
    if key is None or account_ref in (None, ""):
        raise DirectionInvalid({"ad_account": ["Required: the ad account (accountId) the direction belongs to."]})
    account = ad_account_get(tenant, account_ref, field=key)
    name = _clean_name(data, errors)
    requested = str(data.get("platform") or Platform.FACEBOOK).strip().lower()
    if requested not in CREATE_PLATFORMS:
        errors["platform"] = [f"Unknown platform {requested!r}: use facebook, instagram, tiktok or both."]
        platforms: list[str] = []
    else:
        platforms = [Platform.FACEBOOK, Platform.TIKTOK] if requested == BOTH else [UI_TO_DB[requested]]
    tiktok = _clean_tiktok(data, account, errors, partial=Platform.TIKTOK not in platforms)
    shared = _settings(data.get("default_settings"), "default_settings", errors)
    own = {
        Platform.FACEBOOK: _settings(data.get("facebook_default_settings"), "facebook_default_settings", errors),
        Platform.TIKTOK: _settings(data.get("tiktok_default_settings"), "tiktok_default_settings", errors),
    }
    if "is_active" in data and not isinstance(data["is_active"], bool):
        errors["is_active"] = ["Must be true or false."]
    if errors:
        raise DirectionInvalid(errors)
    for platform in platforms:
        if _taken(tenant, account, name, platform):
            raise _unique_refusal(name, platform)
    created: list[Direction] = []
    try:
        with transaction.atomic():
            for platform in platforms:
                fields = dict(tiktok) if platform == Platform.TIKTOK else {}
                settings = own[platform] if own[platform] is not None else shared
                created.append(
                    Direction.objects.create(
                        tenant=tenant,
                        ad_account=account,
                        name=name,
                        platform=platform,
                        is_active=data.get("is_active", True),
                        default_settings=settings or {},
                        **fields,
                    )
                )
    except IntegrityError:
        raise _unique_refusal(name, ", ".join(platforms)) from None
    logger.info(
        "directions created",
        extra={"tenant_id": tenant.pk, "ad_account_id": account.pk, "direction_ids": [row.pk for row in created], "actor": actor},
    )
    return created


def direction_update(*, tenant: Tenant, direction: Direction, data: dict, actor: str = "") -> Direction:
    """Change a direction's name, activity, default settings or TikTok fields. The platform and
    the ad account stay (create another direction instead)."""
    errors: dict[str, list[str]] = {}
    updates: dict[str, Any] = {}
    platform = direction.platform or Platform.FACEBOOK
    if "platform" in data:
        wanted = UI_TO_DB.get(str(data["platform"] or "").strip().lower())
        if wanted != platform:
            errors["platform"] = ["A direction's platform can't change; create a direction of the other platform instead."]
    key, account_ref = _first(data, ACCOUNT_KEYS)
    if key is not None and str(account_ref) != str(direction.ad_account_id):
        errors[key] = ["A direction's ad account can't change."]
    if "name" in data:
        updates["name"] = _clean_name(data, errors)
    if "is_active" in data:
        if not isinstance(data["is_active"], bool):
            errors["is_active"] = ["Must be true or false."]
        else:
            updates["is_active"] = data["is_active"]
    own_key = f"{platform}_default_settings"
    for settings_key in (own_key, "default_settings"):
        if settings_key in data:
            settings = _settings(data[settings_key], settings_key, errors)
            if settings is not None:
                updates["default_settings"] = settings
            break
    tiktok_given = [name for name in data if name.startswith("tiktok_")]
    if tiktok_given and platform != Platform.TIKTOK:
        errors[tiktok_given[0]] = ["TikTok fields apply to TikTok directions only."]
    elif tiktok_given:
        updates.update(_clean_tiktok(data, direction.ad_account, errors, partial=True))
    if errors:
        raise DirectionInvalid(errors)
    if (
        "name" in updates
        and updates["name"] != direction.name
        and _taken(tenant, direction.ad_account, updates["name"], platform, exclude=direction.pk)
    ):
        raise _unique_refusal(updates["name"], platform)
    if not direction.platform:
        updates["platform"] = Platform.FACEBOOK  # a legacy row gets its platform on its first edit
    for name, value in updates.items():
        setattr(direction, name, value)
    try:
        with transaction.atomic():
            direction.save()
    except IntegrityError:
        raise _unique_refusal(direction.name, platform) from None
    logger.info(
        "direction updated", extra={"tenant_id": tenant.pk, "direction_id": direction.pk, "fields": sorted(updates), "actor": actor}
    )
    return direction


def direction_delete(*, tenant: Tenant, direction: Direction, actor: str = "") -> None:
    """Delete a direction and its ad-group mapping (campaigns and leads keep their rows)."""
    pk = direction.pk
    direction.delete()
    logger.info("direction deleted", extra={"tenant_id": tenant.pk, "direction_id": pk, "actor": actor})
