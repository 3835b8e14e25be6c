"""Proposed actions from the scores: a ``Planner`` turns a run's judged ad groups into actions of
the actions API, each with its rule, its reason (with the numbers) and its dry-run diff.

``DeterministicPlanner`` is the default and complete on its own; another planner (e.g. a
model-based one) may implement the same ``plan`` and be chosen by ``planner_for``. Whatever
proposes, the limits are enforced here by ``limits_check`` on every budget it proposes.

The deterministic rules, applied in this order, each ad group touched by at most one budget action:

1. ``pause_failing_ad``: an active ad of a scored (not learning) ad group that spent at least twice
   the target without a result, or whose cost per result is at least twice the target, is paused,
   only while its ad group keeps at least one other active ad.
2. ``shift_budget``: from a failing active ad group to the best healthy one of the same direction
   (highest score, then lowest id): the failing one's budget falls by the direction's
   ``max_raise_pct`` (never below the platform minimum) and the healthy one's rises by the same
   amount (never above the direction's cap).
3. ``raise_winner``: a healthy active ad group at or under target gets its budget raised by up to
   ``max_raise_pct``, never above the direction's cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Protocol, runtime_checkable

from autopilot.models import Health
from autopilot.services.inputs import BrainInput
from autopilot.services.scoring import CENT, Judged, money, results_of, shown

ACTIVE = "ENABLE"


@dataclass
class Proposal:
    action: str
    params: dict
    rule: str
    reason: str
    adgroup_id: str
    diff: list[dict]


@runtime_checkable
class Planner(Protocol):
    name: str

    def plan(self, data: BrainInput, judged: list[Judged]) -> list[Proposal]: ...


def _id_key(value) -> tuple[int, str]:
    text = str(value or "")
    return (len(text), text)


def _budget_diff(adgroup_id: str, before: Decimal, after: Decimal) -> list[dict]:
    return [{"object": f"adgroup:{adgroup_id}", "field": "budget", "before": money(before), "after": money(after)}]


def _status_diff(kind: str, object_id: str, before: str) -> list[dict]:
    return [{"object": f"{kind}:{object_id}", "field": "operation_status", "before": before, "after": "DISABLE"}]


def limits_check(data: BrainInput, judged: Judged, budget: Decimal) -> bool:
    """True when ``budget`` is within the platform minimum and the direction's cap."""
    if budget < data.minimum_daily_budget:
        return False
    cap = judged.limits.max_daily_budget if judged.limits else None
    return cap is None or budget <= cap


def _budget_params(data: BrainInput, adgroup_id: str, budget: Decimal) -> dict:
    return {"ad_account_id": str(data.ad_account_id), "adgroup_id": adgroup_id, "budget": money(budget)}


def _has_daily_budget(judged: Judged) -> bool:
    return judged.daily_budget is not None and judged.daily_budget > 0


class DeterministicPlanner:
    name = "deterministic"

    def plan(self, data: BrainInput, judged: list[Judged]) -> list[Proposal]:
        by_id = {row.adgroup_id: row for row in judged}
        proposals: list[Proposal] = []
        proposals += self._pause_failing_ads(data, by_id)
        touched: set[str] = set()
        proposals += self._shift_budgets(data, judged, touched)
        proposals += self._raise_winners(data, judged, touched)
        return proposals

    # 1. pause a failing ad
    def _pause_failing_ads(self, data: BrainInput, by_id: dict[str, Judged]) -> list[Proposal]:
        ads = sorted(data.ads, key=lambda row: (_id_key(row.get("adgroup_id")), _id_key(row.get("ad_id"))))
        active_left: dict[str, int] = {}
        for ad in ads:
            if str(ad.get("operation_status") or "") == ACTIVE:
                key = str(ad.get("adgroup_id"))
                active_left[key] = active_left.get(key, 0) + 1
        proposals = []
        for ad in ads:
            ad_id, adgroup_id = str(ad.get("ad_id")), str(ad.get("adgroup_id"))
            group = by_id.get(adgroup_id)
            if group is None or group.health in (Health.LEARNING, Health.NO_DATA) or str(ad.get("operation_status") or "") != ACTIVE:
                continue
            target = group.target
            figures = data.ad_current.get(ad_id)
            if target is None or target <= 0 or figures is None or not figures.spend:
                continue
            results = results_of(figures, group.objective)
            unit = "click" if group.objective == "traffic" else "lead"
            currency = (group.limits.currency if group.limits else "") or data.currency
            if results == 0 and figures.spend >= 2 * target:
                why = f"spent {shown(figures.spend, currency)} with no {unit}s (target {unit} cost {shown(target, currency)}, limit 2× = {shown(2 * target, currency)})"
            elif results and figures.spend / results >= 2 * target:
                cost = (figures.spend / results).quantize(CENT)
                why = f"cost per {unit} {shown(cost, currency)} is {(cost / target).quantize(Decimal('0.01'))}× the {shown(target, currency)} target"
            else:
                continue
            if active_left.get(adgroup_id, 0) < 2:
                continue  # it is the ad group's last active ad: the ad group's rules decide
            active_left[adgroup_id] -= 1
            name = str(ad.get("ad_name") or ad_id)
            proposals.append(
                Proposal(
                    action="TikTok.PauseAd",
                    params={"ad_account_id": str(data.ad_account_id), "ad_id": ad_id},
                    rule="pause_failing_ad",
                    reason=f"Ad {name} {why}; its ad group keeps {active_left[adgroup_id]} other active ad(s).",
                    adgroup_id=adgroup_id,
                    diff=_status_diff("ad", ad_id, ACTIVE),
                )
            )
        return proposals

    # 2. shift budget from a failing ad group to the best healthy one of its direction
    def _shift_budgets(self, data: BrainInput, judged: list[Judged], touched: set[str]) -> list[Proposal]:
        proposals = []
        minimum = data.minimum_daily_budget
        for failing in judged:
            if (
                failing.health != Health.FAILING
                or failing.operation_status != ACTIVE
                or not _has_daily_budget(failing)
                or failing.limits is None
            ):
                continue
            if failing.adgroup_id in touched:
                continue
            receivers = [
                row
                for row in judged
                if row.health == Health.HEALTHY
                and row.operation_status == ACTIVE
                and row.limits is not None
                and row.limits.direction_id == failing.limits.direction_id
                and row.adgroup_id not in touched
                and _has_daily_budget(row)
            ]
            if not receivers:
                continue
            receiver = sorted(receivers, key=lambda row: (-row.score, _id_key(row.adgroup_id)))[0]
            pct = Decimal(failing.limits.max_raise_pct)
            amount = (failing.daily_budget * pct / 100).quantize(CENT, ROUND_DOWN)
            amount = min(amount, failing.daily_budget - minimum)
            cap = receiver.limits.max_daily_budget
            if cap is not None:
                amount = min(amount, cap - receiver.daily_budget)
            if amount <= 0:
                continue
            low, high = failing.daily_budget - amount, receiver.daily_budget + amount
            if not (limits_check(data, failing, low) and limits_check(data, receiver, high)):
                continue
            touched.update({failing.adgroup_id, receiver.adgroup_id})
            currency = failing.limits.currency or data.currency
            main = failing.main_factor
            because = f": {main['detail']}" if main else ""
            reason = (
                f"Shift {shown(amount, currency)} a day from failing ad group {failing.adgroup_name or failing.adgroup_id} "
                f"(score {failing.score}{because}) to healthy {receiver.adgroup_name or receiver.adgroup_id} (score {receiver.score})"
            )
            proposals.append(
                Proposal(
                    "TikTok.UpdateAdGroupBudget",
                    _budget_params(data, failing.adgroup_id, low),
                    "shift_budget",
                    f"{reason}: {shown(failing.daily_budget, currency)} → {shown(low, currency)}.",
                    failing.adgroup_id,
                    _budget_diff(failing.adgroup_id, failing.daily_budget, low),
                )
            )
            proposals.append(
                Proposal(
                    "TikTok.UpdateAdGroupBudget",
                    _budget_params(data, receiver.adgroup_id, high),
                    "shift_budget",
                    f"{reason}: {shown(receiver.daily_budget, currency)} → {shown(high, currency)}.",
                    receiver.adgroup_id,
                    _budget_diff(receiver.adgroup_id, receiver.daily_budget, high),
                )
            )
        return proposals

    # 3. raise a healthy winner's budget within its cap
    def _raise_winners(self, data: BrainInput, judged: list[Judged], touched: set[str]) -> list[Proposal]:
        proposals = []
        for winner in judged:
            if winner.health != Health.HEALTHY or winner.operation_status != ACTIVE or not _has_daily_budget(winner):
                continue
            if winner.adgroup_id in touched or winner.limits is None or winner.target is None or winner.cost_per_result is None:
                continue
            if winner.cost_per_result > winner.target:
                continue
            pct = Decimal(winner.limits.max_raise_pct)
            raised = (winner.daily_budget * (100 + pct) / 100).quantize(CENT, ROUND_DOWN)
            cap = winner.limits.max_daily_budget
            capped = cap is not None and raised > cap
            if capped:
                raised = cap
            raised = max(raised, data.minimum_daily_budget)
            if raised <= winner.daily_budget or not limits_check(data, winner, raised):
                continue
            touched.add(winner.adgroup_id)
            currency = winner.limits.currency or data.currency
            unit = "CPC" if winner.objective == "traffic" else "CPL"
            limit = f"the {shown(cap, currency)} cap" if capped else f"+{winner.limits.max_raise_pct}%"
            proposals.append(
                Proposal(
                    "TikTok.UpdateAdGroupBudget",
                    _budget_params(data, winner.adgroup_id, raised),
                    "raise_winner",
                    f"Ad group {winner.adgroup_name or winner.adgroup_id} is healthy (score {winner.score}, {unit} "
                    f"{shown(winner.cost_per_result, currency)} against {shown(winner.target, currency)}): daily budget "
                    f"{shown(winner.daily_budget, currency)} → {shown(raised, currency)} ({limit}).",
                    winner.adgroup_id,
                    _budget_diff(winner.adgroup_id, winner.daily_budget, raised),
                )
            )
        return proposals


PLANNERS: dict[str, Planner] = {DeterministicPlanner.name: DeterministicPlanner()}


def planner_for(name: str | None = None) -> Planner:
    """The planner called ``name`` (settings.AUTOPILOT_PLANNER), the deterministic one by default."""
    return PLANNERS.get(name or DeterministicPlanner.name, PLANNERS[DeterministicPlanner.name])
