"""The seed's platform names: the UI says instagram | tiktok, the database and API facebook |
tiktok; a direction without a platform (a legacy row) is facebook; ``both`` exists only when a
direction is created (it makes two rows)."""

from __future__ import annotations

from tiktok_ads.models import Platform

BOTH = "both"
UI_TO_DB = {"instagram": Platform.FACEBOOK, "facebook": Platform.FACEBOOK, "tiktok": Platform.TIKTOK}
DB_TO_UI = {Platform.FACEBOOK: "instagram", Platform.TIKTOK: "tiktok"}


def platform_from_param(value: str | None) -> str | None:
    """A ``?platform=`` filter value (instagram, facebook or tiktok) as the stored platform; None
    for no filter. Raises ValueError on anything else."""
    if value in (None, ""):
        return None
    try:
        return UI_TO_DB[value.strip().lower()]
    except KeyError:
        raise ValueError("platform must be facebook, instagram or tiktok.") from None


def platform_of(stored: str | None) -> str:
    """The platform a stored row reads as (legacy empty → facebook)."""
    return stored or Platform.FACEBOOK
