"""Writes of a tenant's workspace settings: reporting currency, locale and time zone, dated FX
rates, and saved views."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve

from core.errors import CoreError
from core.exceptions import ApplicationError
from core.models import FxRate, SavedView, Tenant
from core.timezones import is_zone


def _currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ApplicationError("Enter a three-letter ISO 4217 currency code, such as USD or IDR.", code=CoreError.INVALID, extra={"fields": {"currency": ["Enter a three-letter code."]}})
    return code


def tenant_settings_update(*, tenant: Tenant, reporting_currency: str, locale: str, time_zone: str) -> Tenant:
    reporting_currency = _currency(reporting_currency)
    try:
        Locale.parse(locale)
    except (ValueError, UnknownLocaleError):
        raise ApplicationError(f"'{locale}' is not a locale (try en_GB, en_US, id_ID, ms_MY, th_TH, vi_VN).", code=CoreError.INVALID, extra={"fields": {"locale": ["Unknown locale."]}})
    if not is_zone(time_zone):
        raise ApplicationError(f"'{time_zone}' is not a time zone (try Asia/Jakarta).", code=CoreError.INVALID, extra={"fields": {"time_zone": ["Unknown time zone."]}})
    tenant.reporting_currency, tenant.locale, tenant.time_zone = reporting_currency, locale, time_zone
    tenant.save(update_fields=["reporting_currency", "locale", "time_zone"])
    return tenant


def fx_rate_set(*, tenant: Tenant, currency: str, day: date, rate: Decimal) -> FxRate:
    """Add or replace the rate of ``currency`` from ``day``."""
    currency = _currency(currency)
    if currency == tenant.reporting_currency:
        raise ApplicationError(f"{currency} is the reporting currency; it needs no rate.", code=CoreError.INVALID, extra={"fields": {"currency": ["The reporting currency needs no rate."]}})
    if rate is None or rate <= 0:
        raise ApplicationError("A rate must be above zero.", code=CoreError.INVALID, extra={"fields": {"rate": ["Must be above zero."]}})
    fx, _ = FxRate.objects.for_tenant(tenant).update_or_create(tenant=tenant, currency=currency, day=day, defaults={"rate": rate})
    return fx


def fx_rate_delete(*, rate: FxRate) -> None:
    rate.delete()


def saved_view_create(*, tenant: Tenant, user, name: str, url: str, shared: bool = False) -> SavedView:
    """Save a page of this product (its path and query) under ``name``."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Give the view a name.", code=CoreError.INVALID, extra={"fields": {"name": ["Required."]}})
    parts = urlsplit(url or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        raise ApplicationError("Only pages of this product can be saved.", code=CoreError.INVALID)
    try:
        resolve(parts.path)
    except Resolver404:
        raise ApplicationError("Only pages of this product can be saved.", code=CoreError.INVALID) from None
    try:
        with transaction.atomic():
            return SavedView.objects.for_tenant(tenant).create(tenant=tenant, user=user, name=name[:120], path=parts.path, query=parts.query[:2000], shared=shared)
    except IntegrityError:
        raise ApplicationError(f"You already have a view named '{name}'.", code=CoreError.CONFLICT, status=409, extra={"fields": {"name": ["Already used."]}}) from None


def saved_view_delete(*, view: SavedView, user) -> None:
    if view.user_id != user.pk:
        raise ApplicationError("Only the member who saved a view can delete it.", code=CoreError.PERMISSION_DENIED, status=403)
    view.delete()
