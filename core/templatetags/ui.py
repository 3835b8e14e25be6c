"""The page components' template side: ``{% load ui %}``.

Filters: ``money`` / ``money_compact`` (``{{ amount|money:currency }}``), ``num`` / ``num_compact``,
``pct``, ``day``, ``moment`` (tenant zone), ``moment_iso``, ``label`` (an app's wording of a code,
else the code made readable), ``chip`` (the CSS tone of a status). Tags: ``{% sort_header %}``-free
tables use ``core/partials/table_head.html``; ``{% query_with key=value %}`` builds a link that keeps
the rest of the current query.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.timesince import timesince

from core import formatting
from core.timezones import zone_or_utc

register = template.Library()


@register.filter
def money(value, currency=None):
    return formatting.money(value, currency)


@register.filter
def money_compact(value, currency=None):
    return formatting.money_compact(value, currency)


@register.filter
def num(value, places=0):
    return formatting.number(value, places=int(places or 0))


@register.filter
def num_compact(value):
    return formatting.number_compact(value)


@register.filter
def pct(value, places=1):
    return formatting.percent(value, places=int(places))


@register.filter
def ratio_pct(value, places=1):
    return formatting.percent(value, places=int(places), ratio=True)


@register.filter
def day(value, fmt="medium"):
    return formatting.day(value, fmt=fmt)


@register.filter
def moment(value, zone=None):
    return formatting.moment(value, zone=zone_or_utc(zone) if zone else None)


@register.filter
def moment_iso(value):
    return formatting.moment_iso(value)


@register.filter
def ago(value):
    """``4 minutes ago`` in a <time> element whose title is the exact moment."""
    if value is None:
        return "never"
    return format_html('<time datetime="{}" title="{}">{} ago</time>', value.isoformat(), formatting.moment(value), timesince(value).split(",")[0])


@register.simple_tag
def zone_label(zone=None):
    return formatting.zone_label(zone_or_utc(zone) if zone else None)


@register.filter
def label(value, vocabulary=""):
    return formatting.label_text(value, vocabulary)


# Status words → the chip's tone. Anything unknown is neutral rather than a misleading colour.
_TONES = {
    "ok": ("succeeded", "success", "sent", "delivered", "completed", "active", "connected", "ok", "healthy", "enable", "delivery_ok", "closed", "ready", "done"),
    "info": ("running", "in_transit", "awaiting_collection", "awaiting_shipment", "ongoing", "live", "partially_shipping", "processing", "uploading", "sending"),
    "warn": ("pending", "held", "paused", "needs_reauth", "needs_token", "retrying", "unpaid", "on_hold", "degraded", "skipped", "half_open", "disable"),
    "bad": ("failed", "error", "misconfigured", "cancelled", "canceled", "dead", "rejected", "revoked", "open", "expired", "suspended"),
}
_TONE_OF = {word: tone for tone, words in _TONES.items() for word in words}


@register.filter
def chip(value):
    """The CSS class of a status chip: ``chip chip-ok`` and friends."""
    return f"chip chip-{_TONE_OF.get(str(value).lower(), 'neutral')}"


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` (a value of None or "" removes the key)."""
    request = context["request"]
    query = {key: value for key, value in request.GET.items() if value not in (None, "")}
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = str(value)
    return "?" + urlencode(query) if query else request.path
