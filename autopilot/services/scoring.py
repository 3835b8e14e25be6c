"""The health score of an ad group: 0-100, explained factor by factor.

Each factor gives ``points`` out of ``max_points`` and carries the numbers behind it; the score is
the points earned over the points possible (a factor without the numbers to judge it, e.g. no
target CPL or no previous window, is shown with ``max_points`` 0 and does not count). Pure
functions of a ``BrainInput``: the same input gives the same scores.

- ``cpl`` (35): cost per result against the direction's target. At or under target: 35; at twice
  the target or more: 0; linear between. With no result yet, 35 with nothing spent down to 0 at
  twice the target spent. Traffic ad groups are judged on cost per click (``cpc``) against the same target.
- ``ctr`` (25): click-through rate against 1.00%: 25 at or above, proportionally less below.
- ``frequency`` (15): impressions per person reached: 15 up to 2.0, 0 from 4.0, linear between.
- ``trend`` (25): this window's cost per result against the previous window's: 25 when it held or
  fell, 0 when it rose by half or more, linear between.

Health: ``no_data`` (no delivery in the window; score 0), ``learning`` (fewer than 3 days of delivery, or
fewer than 3 results while spend is under twice the target), ``failing`` (score under 40, or cost
per result at twice the target or more, or twice the target spent without a result), ``watch``
(40-69), ``healthy`` (70+).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from autopilot.models import Health
from autopilot.services.inputs import AdGroupFigures, BrainInput, DirectionLimits

CPL_POINTS = 35
CTR_POINTS = 25
FREQUENCY_POINTS = 15
TREND_POINTS = 25
CTR_TARGET = Decimal("1.00")  # percent
FREQUENCY_GOOD = Decimal("2.0")
FREQUENCY_BAD = Decimal("4.0")
TREND_WORST = Decimal("0.50")  # +50% cost per result = 0 points
LEARNING_DAYS = 3
LEARNING_RESULTS = 3
HEALTHY_FROM = 70
WATCH_FROM = 40

CENT = Decimal("0.01")
OBJECTIVE_OF_TYPE = {
    "LEAD_GENERATION": "lead_generation",
    "TRAFFIC": "traffic",
    "WEB_CONVERSIONS": "conversions",
    "CONVERSIONS": "conversions",
    "PRODUCT_SALES": "conversions",
}


def money(value: Decimal | None) -> str:
    """``3120.00``: the stored/JSON form of an amount."""
    return "" if value is None else f"{Decimal(value).quantize(CENT, ROUND_HALF_UP)}"


def shown(value: Decimal, currency: str) -> str:
    """``3,120 KZT``: an amount in a sentence (cents only when there are some)."""
    value = Decimal(value).quantize(CENT, ROUND_HALF_UP)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{text} {currency}".strip()


def _points(max_points: int, fraction: Decimal) -> int:
    fraction = min(max(fraction, Decimal(0)), Decimal(1))
    return int((max_points * fraction).quantize(Decimal(1), ROUND_HALF_UP))


def _pct(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal(1), ROUND_HALF_UP)}%"


@dataclass
class Judged:
    """One ad group as scored: what ``AdGroupScore`` stores and the planner reads."""

    adgroup_id: str
    adgroup_name: str
    campaign_id: str
    objective: str
    operation_status: str
    daily_budget: Decimal | None
    limits: DirectionLimits | None
    spend: Decimal
    results: int
    leads: int
    cost_per_result: Decimal | None
    ctr: Decimal | None
    frequency: Decimal | None
    score: int
    health: str
    factors: list[dict] = field(default_factory=list)

    @property
    def target(self) -> Decimal | None:
        return self.limits.target_cpl if self.limits else None

    @property
    def main_factor(self) -> dict | None:
        """The factor that lost the most points (the first such by order), for one-line summaries."""
        scored = [factor for factor in self.factors if factor["max_points"]]
        if not scored:
            return self.factors[0] if self.factors else None
        return max(scored, key=lambda factor: factor["max_points"] - factor["points"])


def objective_of(adgroup: dict, campaign: dict | None, limits: DirectionLimits | None) -> str:
    if limits and limits.objective:
        return limits.objective
    for row in (campaign or {}, adgroup):
        found = OBJECTIVE_OF_TYPE.get(str(row.get("objective_type") or row.get("promotion_type") or "").upper())
        if found:
            return found
    return "lead_generation"


def results_of(figures: AdGroupFigures, objective: str, stored_leads: int = 0) -> int:
    """Results by objective: clicks for traffic, conversions for conversions, leads otherwise
    (the platform's count, or the leads stored from TikTok's webhook when those are more)."""
    if objective == "traffic":
        return figures.clicks
    if objective == "conversions":
        return figures.conversions or figures.results
    return max(figures.leads, stored_leads)


def cost_factor(*, spend: Decimal, results: int, target: Decimal | None, objective: str, currency: str) -> tuple[dict, bool]:
    """The ``cpl`` (or ``cpc``) factor, and whether it alone fails the ad group."""
    name, unit = ("cpc", "click") if objective == "traffic" else ("cpl", "lead")
    label = name.upper()
    cost = (spend / results).quantize(CENT, ROUND_HALF_UP) if results else None
    if target is None or target <= 0:
        detail = (
            f"{label} {shown(cost, currency)}; no target set for the direction"
            if cost is not None
            else f"No {unit}s yet; no target set for the direction"
        )
        return {"factor": name, "value": money(cost), "target": "", "points": 0, "max_points": 0, "detail": detail}, False
    if cost is None:
        ratio = spend / target
        hard = ratio >= 2
        detail = f"No {unit}s for {shown(spend, currency)} spent ({_pct(ratio)} of the {shown(target, currency)} target {label})"
        value = ""
    else:
        ratio = cost / target
        hard = ratio >= 2
        if ratio > 1:
            detail = f"{label} {shown(cost, currency)} is {_pct(ratio - 1)} above the {shown(target, currency)} target"
        elif ratio < 1:
            detail = f"{label} {shown(cost, currency)} is {_pct(1 - ratio)} under the {shown(target, currency)} target"
        else:
            detail = f"{label} {shown(cost, currency)} is on the {shown(target, currency)} target"
        value = money(cost)
    # Without a result the spend is only the least the first one costs: points fall from 35 (no
    # spend) to 0 at twice the target, the point where no result fails the ad group.
    points = _points(CPL_POINTS, 1 - ratio / 2) if cost is None else _points(CPL_POINTS, 2 - ratio)
    return {"factor": name, "value": value, "target": money(target), "points": points, "max_points": CPL_POINTS, "detail": detail}, hard


def ctr_factor(figures: AdGroupFigures) -> tuple[dict, Decimal | None]:
    if not figures.impressions:
        return {"factor": "ctr", "value": "", "target": money(CTR_TARGET), "points": 0, "max_points": 0, "detail": "No impressions"}, None
    ctr = (Decimal(figures.clicks) * 100 / figures.impressions).quantize(CENT, ROUND_HALF_UP)
    points = _points(CTR_POINTS, ctr / CTR_TARGET)
    detail = f"CTR {ctr}% ({figures.clicks:,} clicks / {figures.impressions:,} impressions) against {CTR_TARGET}%"
    return {
        "factor": "ctr",
        "value": money(ctr),
        "target": money(CTR_TARGET),
        "points": points,
        "max_points": CTR_POINTS,
        "detail": detail,
    }, ctr


def frequency_factor(figures: AdGroupFigures) -> tuple[dict, Decimal | None]:
    if not figures.reach:
        detail = "No reach reported"
        return {"factor": "frequency", "value": "", "target": money(FREQUENCY_GOOD), "points": 0, "max_points": 0, "detail": detail}, None
    frequency = (Decimal(figures.impressions) / figures.reach).quantize(CENT, ROUND_HALF_UP)
    points = _points(FREQUENCY_POINTS, (FREQUENCY_BAD - frequency) / (FREQUENCY_BAD - FREQUENCY_GOOD))
    detail = f"Frequency {frequency} ({figures.impressions:,} impressions / {figures.reach:,} reached); fatigue from {FREQUENCY_GOOD}"
    return {
        "factor": "frequency",
        "value": money(frequency),
        "target": money(FREQUENCY_GOOD),
        "points": points,
        "max_points": FREQUENCY_POINTS,
        "detail": detail,
    }, frequency


def trend_factor(
    *, spend: Decimal, results: int, previous: AdGroupFigures | None, previous_results: int, objective: str, currency: str
) -> dict:
    label = "CPC" if objective == "traffic" else "CPL"
    if previous is None or not previous.spend or not previous_results:
        return {
            "factor": "trend",
            "value": "",
            "target": "",
            "points": 0,
            "max_points": 0,
            "detail": "No results in the previous window to compare with",
        }
    before = (previous.spend / previous_results).quantize(CENT, ROUND_HALF_UP)
    now = (spend / results).quantize(CENT, ROUND_HALF_UP) if results else spend.quantize(CENT, ROUND_HALF_UP)
    change = (now - before) / before
    points = _points(TREND_POINTS, 1 - change / TREND_WORST) if change > 0 else TREND_POINTS
    if not results:
        detail = f"No results this window for {shown(spend, currency)}; the previous window's {label} was {shown(before, currency)}"
    elif change > 0:
        detail = f"{label} rose {_pct(change)}: {shown(before, currency)} → {shown(now, currency)}"
    elif change < 0:
        detail = f"{label} fell {_pct(-change)}: {shown(before, currency)} → {shown(now, currency)}"
    else:
        detail = f"{label} held at {shown(now, currency)}"
    return {"factor": "trend", "value": money(now), "target": money(before), "points": points, "max_points": TREND_POINTS, "detail": detail}


def score_adgroup(data: BrainInput, adgroup: dict, campaigns: dict[str, dict]) -> Judged:
    adgroup_id = str(adgroup.get("adgroup_id"))
    limits = data.directions.get(adgroup_id)
    campaign = campaigns.get(str(adgroup.get("campaign_id") or ""))
    objective = objective_of(adgroup, campaign, limits)
    currency = (limits.currency if limits and limits.currency else data.currency) or ""
    figures = data.current.get(adgroup_id) or AdGroupFigures()
    previous = data.previous.get(adgroup_id)
    stored_leads = data.leads_by_adgroup.get(adgroup_id, 0)
    results = results_of(figures, objective, stored_leads)
    leads = max(figures.leads, stored_leads)
    target = limits.target_cpl if limits else None
    budget_raw = adgroup.get("budget")
    budget = Decimal(str(budget_raw)).quantize(CENT) if budget_raw not in (None, "") else None

    cost, hard = cost_factor(spend=figures.spend, results=results, target=target, objective=objective, currency=currency)
    ctr, ctr_value = ctr_factor(figures)
    frequency, frequency_value = frequency_factor(figures)
    trend = trend_factor(
        spend=figures.spend,
        results=results,
        previous=previous,
        previous_results=results_of(previous, objective) if previous else 0,
        objective=objective,
        currency=currency,
    )
    factors = [cost, ctr, frequency, trend]
    possible = sum(factor["max_points"] for factor in factors)
    earned = sum(factor["points"] for factor in factors)
    score = int((Decimal(earned) * 100 / possible).quantize(Decimal(1), ROUND_HALF_UP)) if possible else 0

    delivered = figures.spend > 0 or figures.impressions > 0
    if not delivered:
        health, score = Health.NO_DATA, 0
        factors.append(
            {"factor": "delivery", "value": "0", "target": "", "points": 0, "max_points": 0, "detail": "No delivery in the window"}
        )
    elif figures.days < LEARNING_DAYS:
        health = Health.LEARNING
        factors.append(
            {
                "factor": "learning",
                "value": str(figures.days),
                "target": str(LEARNING_DAYS),
                "points": 0,
                "max_points": 0,
                "detail": f"Learning: {figures.days} day(s) of delivery, under {LEARNING_DAYS}",
            }
        )
    elif results < LEARNING_RESULTS and not hard:
        health = Health.LEARNING
        factors.append(
            {
                "factor": "learning",
                "value": str(results),
                "target": str(LEARNING_RESULTS),
                "points": 0,
                "max_points": 0,
                "detail": f"Learning: {results} result(s), under {LEARNING_RESULTS}",
            }
        )
    elif hard or score < WATCH_FROM:
        health = Health.FAILING
    elif score < HEALTHY_FROM:
        health = Health.WATCH
    else:
        health = Health.HEALTHY
    return Judged(
        adgroup_id=adgroup_id,
        adgroup_name=str(adgroup.get("adgroup_name") or ""),
        campaign_id=str(adgroup.get("campaign_id") or ""),
        objective=objective,
        operation_status=str(adgroup.get("operation_status") or ""),
        daily_budget=budget,
        limits=limits,
        spend=figures.spend.quantize(CENT),
        results=results,
        leads=leads,
        cost_per_result=(figures.spend / results).quantize(CENT, ROUND_HALF_UP) if results else None,
        ctr=ctr_value,
        frequency=frequency_value,
        score=score,
        health=health,
        factors=factors,
    )


def score_adgroups(data: BrainInput) -> list[Judged]:
    """Every ad group of ``data``, sorted by ad group id."""
    campaigns = {str(row.get("campaign_id")): row for row in data.campaigns}
    rows = sorted(data.adgroups, key=lambda row: _id_key(row.get("adgroup_id")))
    return [score_adgroup(data, row, campaigns) for row in rows]


def _id_key(value) -> tuple[int, str]:
    text = str(value or "")
    return (len(text), text)
