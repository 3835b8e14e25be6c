"""Which platform event a canonical event becomes, and the seed's skip reasons.

Precedence: the destination's own ``event_mapping`` (admin), then the env override
(``TIKTOK_EVENT_ACTIONS`` / ``GOOGLE_ADS_EVENT_ACTIONS`` / ``META_EVENT_ACTIONS``, ``A=B,C=D``),
then the seed's defaults. A mapping to an empty value (or ``-``) means "skip this event".
For Google Ads the value is a conversion action id; the default maps to the destination's own
``conversion_action_id``.
"""

from __future__ import annotations

from django.conf import settings

from conversions.models import Destination, Platform

# None: no event is sent (the seed's "(skipped)").
TIKTOK_DEFAULTS: dict[str, str | None] = {
    "TRIAL_BOOKED": "SubmitForm",
    "TRIAL_RESCHEDULED": "SubmitForm",
    "LEAD_SUBMITTED": "SubmitForm",
    "TRIAL_CANCELED": None,
    "APPOINTMENT_UPDATED": "Schedule",
}
META_DEFAULTS: dict[str, str | None] = {
    "TRIAL_BOOKED": "Lead",
    "TRIAL_RESCHEDULED": "Lead",
    "LEAD_SUBMITTED": "Lead",
    "TRIAL_CANCELED": None,
    "APPOINTMENT_UPDATED": "Schedule",
}
DEFAULT_ACTION = "default"  # Google Ads: the destination's conversion_action_id
GOOGLE_ADS_DEFAULTS: dict[str, str | None] = {
    "TRIAL_BOOKED": DEFAULT_ACTION,
    "TRIAL_RESCHEDULED": DEFAULT_ACTION,
    "LEAD_SUBMITTED": DEFAULT_ACTION,
    "TRIAL_CANCELED": None,
    "APPOINTMENT_UPDATED": DEFAULT_ACTION,
}

PLATFORM_LABELS = {Platform.TIKTOK: "TikTok", Platform.GOOGLE_ADS: "Google Ads", Platform.META: "Meta"}
_DEFAULTS = {Platform.TIKTOK: TIKTOK_DEFAULTS, Platform.GOOGLE_ADS: GOOGLE_ADS_DEFAULTS, Platform.META: META_DEFAULTS}
_ENV_SETTINGS = {
    Platform.TIKTOK: "TIKTOK_EVENT_ACTIONS",
    Platform.GOOGLE_ADS: "GOOGLE_ADS_EVENT_ACTIONS",
    Platform.META: "META_EVENT_ACTIONS",
}


def parse_overrides(text: str) -> dict[str, str | None]:
    """``"A=B, C=D, E="`` → ``{"A": "B", "C": "D", "E": None}``; malformed parts are ignored."""
    overrides: dict[str, str | None] = {}
    for part in (text or "").split(","):
        if "=" not in part:
            continue
        name, _, target = part.partition("=")
        name, target = name.strip(), target.strip()
        if name:
            overrides[name] = target if target and target != "-" else None
    return overrides


def env_overrides(platform: str) -> dict[str, str | None]:
    return parse_overrides(getattr(settings, _ENV_SETTINGS[platform], ""))


def mapping_for(platform: str, destination_mapping: dict | None = None) -> dict[str, str | None]:
    """The effective mapping of a platform, with the destination's overrides on top."""
    mapping = dict(_DEFAULTS[platform])
    mapping.update(env_overrides(platform))
    for name, target in (destination_mapping or {}).items():
        target = str(target).strip() if target is not None else ""
        mapping[str(name)] = target if target and target != "-" else None
    return mapping


def resolve_event(destination: Destination, canonical_name: str) -> str | None:
    """The platform event name (Google Ads: conversion action id) or None when not mapped."""
    target = mapping_for(destination.platform, destination.event_mapping).get(canonical_name)
    if target == DEFAULT_ACTION and destination.platform == Platform.GOOGLE_ADS:
        return destination.conversion_action_id or None
    return target


# --- The seed's skip reasons (exact texts; Google Ads and Meta follow the same pattern) ---------


def missing_credentials_reason(missing: list[str]) -> str:
    return "Missing env: " + ", ".join(missing)


def no_mapping_reason(platform: str, canonical_name: str) -> str:
    if platform == Platform.GOOGLE_ADS:
        return f"No Google Ads conversion action mapping for: {canonical_name}"
    return f"No {PLATFORM_LABELS[platform]} event mapping for: {canonical_name}"


NO_IDENTIFIERS_REASONS = {
    Platform.TIKTOK: "Missing ttclid/ttp and user identifiers (email/phone)",
    Platform.GOOGLE_ADS: "Missing gclid/gbraid/wbraid and user identifiers (email/phone)",
    Platform.META: "Missing fbc/fbp and user identifiers (email/phone)",
}


def mock_mode_reason(platform: str) -> str:
    return f"{platform} mock mode"


META_TOO_OLD_REASON = "Event older than 7 days: Meta rejects an event_time more than 7 days in the past"
META_IN_FUTURE_REASON = "Event time in the future: Meta rejects it"
