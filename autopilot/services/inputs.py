"""What one brain run works on, loaded once by ``brain.py`` and handed to scoring and the
planner: the advertiser's live objects (as TikTok returned them this run) and the stored figures
of the current and previous windows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass
class AdGroupFigures:
    """One ad group's additive figures over a window (summed from ``CreativeMetricDay``)."""

    spend: Decimal = Decimal(0)
    impressions: int = 0
    clicks: int = 0
    reach: int = 0
    leads: int = 0
    conversions: int = 0
    results: int = 0
    days: int = 0


@dataclass
class DirectionLimits:
    """A direction's targets and caps (``Direction`` + ``DirectionPolicy``), in ``currency``."""

    direction_id: int
    name: str
    objective: str
    currency: str
    target_cpl: Decimal | None
    max_daily_budget: Decimal | None
    max_raise_pct: int


@dataclass
class BrainInput:
    run_id: int
    ad_account_id: int
    advertiser_id: str
    currency: str
    time_zone: str
    window_start: date
    window_end: date
    previous_start: date
    previous_end: date
    data_as_of: datetime | None
    campaigns: list[dict] = field(default_factory=list)  # TikTok campaign/get rows
    adgroups: list[dict] = field(default_factory=list)  # TikTok adgroup/get rows
    ads: list[dict] = field(default_factory=list)  # TikTok ad/get rows
    current: dict[str, AdGroupFigures] = field(default_factory=dict)  # adgroup_id -> current window
    previous: dict[str, AdGroupFigures] = field(default_factory=dict)  # adgroup_id -> previous window
    ad_current: dict[str, AdGroupFigures] = field(default_factory=dict)  # ad_id -> current window
    leads_by_adgroup: dict[str, int] = field(default_factory=dict)  # stored TikTok leads in the window
    directions: dict[str, DirectionLimits] = field(default_factory=dict)  # adgroup_id -> its direction's limits
    minimum_daily_budget: Decimal = Decimal(0)  # the platform's minimum in ``currency``
