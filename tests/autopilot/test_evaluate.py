"""Scores, explained factor by factor, and the deterministic planner's proposals, from hand-built
brain inputs (exact figures; no upstream calls)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import autopilot.services
from autopilot.models import AdGroupScore, ProposedAction
from autopilot.services.evaluate import brain_evaluate
from autopilot.services.inputs import BrainInput
from autopilot.services.planner import DeterministicPlanner, Planner, planner_for
from tests.autopilot.factories import account_with_direction as setup_account
from tests.autopilot.factories import ad, adgroup, brain_input, figures, limits, make_run


@pytest.fixture
def run_and_direction(tenant_a):
    account, direction = setup_account(tenant_a)
    return make_run(tenant_a, account), direction


def _scores(run) -> dict[str, AdGroupScore]:
    return {row.adgroup_id: row for row in AdGroupScore.objects.for_tenant(run.tenant).filter(run=run)}


def _actions(run) -> list[tuple]:
    return [
        (row.position, row.action, row.rule, row.params, row.diff, row.request_id, row.state)
        for row in ProposedAction.objects.for_tenant(run.tenant).filter(run=run).order_by("position")
    ]


def test_public_names_are_importable_from_the_package():
    assert autopilot.services.brain_evaluate is brain_evaluate
    assert {"brain_evaluate", "brain_dispatch", "brain_report"} <= set(autopilot.services.__all__)
    assert isinstance(planner_for(), DeterministicPlanner) and isinstance(planner_for("nope"), DeterministicPlanner)
    assert isinstance(DeterministicPlanner(), Planner)  # the protocol a model-based planner implements


def test_scores_are_explained_factor_by_factor(run_and_direction):
    run, direction = run_and_direction
    brain_evaluate(run=run, data=brain_input(run, direction.pk))
    scores = _scores(run)
    winner = scores["1001"]
    assert (winner.score, winner.health, winner.spend, winner.leads, winner.cpl, winner.ctr, winner.frequency) == (
        100,
        "healthy",
        Decimal("10000.00"),
        5,
        Decimal("2000.00"),
        Decimal("1.50"),
        Decimal("1.50"),
    )
    assert winner.factors == [
        {
            "factor": "cpl",
            "value": "2000.00",
            "target": "2500.00",
            "points": 35,
            "max_points": 35,
            "detail": "CPL 2,000 KZT is 20% under the 2,500 KZT target",
        },
        {
            "factor": "ctr",
            "value": "1.50",
            "target": "1.00",
            "points": 25,
            "max_points": 25,
            "detail": "CTR 1.50% (300 clicks / 20,000 impressions) against 1.00%",
        },
        {
            "factor": "frequency",
            "value": "1.50",
            "target": "2.00",
            "points": 15,
            "max_points": 15,
            "detail": "Frequency 1.50 (20,000 impressions / 13,333 reached); fatigue from 2.0",
        },
        {
            "factor": "trend",
            "value": "2000.00",
            "target": "2500.00",
            "points": 25,
            "max_points": 25,
            "detail": "CPL fell 20%: 2,500 KZT → 2,000 KZT",
        },
    ]
    loser = scores["1002"]
    assert (loser.score, loser.health, loser.cpl) == (21, "failing", Decimal("6000.00"))
    assert [(f["factor"], f["value"], f["points"], f["max_points"]) for f in loser.factors] == [
        ("cpl", "6000.00", 0, 35),
        ("ctr", "0.50", 13, 25),
        ("frequency", "3.00", 8, 15),
        ("trend", "6000.00", 0, 25),
    ]
    assert loser.factors[0]["detail"] == "CPL 6,000 KZT is 140% above the 2,500 KZT target"
    assert loser.factors[3]["detail"] == "CPL rose 100%: 3,000 KZT → 6,000 KZT"
    # Learning: two days of delivery; scored (65 of 75 possible points) but not acted on.
    fresh = scores["1003"]
    assert (fresh.score, fresh.health) == (87, "learning")
    assert fresh.factors[0]["detail"] == "No leads for 1,500 KZT spent (60% of the 2,500 KZT target CPL)"
    assert fresh.factors[0]["points"] == 25 and fresh.factors[3]["max_points"] == 0
    assert fresh.factors[-1]["detail"] == "Learning: 2 day(s) of delivery, under 3"
    assert (scores["1004"].score, scores["1004"].health) == (0, "no_data")


def test_proposals_pause_the_failing_ad_and_shift_budget_with_their_diffs(run_and_direction):
    run, direction = run_and_direction
    brain_evaluate(run=run, data=brain_input(run, direction.pk))
    account = str(run.ad_account_id)
    assert _actions(run) == [
        (
            1,
            "TikTok.PauseAd",
            "pause_failing_ad",
            {"ad_account_id": account, "ad_id": "2001"},
            [{"object": "ad:2001", "field": "operation_status", "before": "ENABLE", "after": "DISABLE"}],
            f"autopilot:{run.pk}:1",
            "proposed",
        ),
        (
            2,
            "TikTok.UpdateAdGroupBudget",
            "shift_budget",
            {"ad_account_id": account, "adgroup_id": "1002", "budget": "4000.00"},
            [{"object": "adgroup:1002", "field": "budget", "before": "5000.00", "after": "4000.00"}],
            f"autopilot:{run.pk}:2",
            "proposed",
        ),
        (
            3,
            "TikTok.UpdateAdGroupBudget",
            "shift_budget",
            {"ad_account_id": account, "adgroup_id": "1001", "budget": "6000.00"},
            [{"object": "adgroup:1001", "field": "budget", "before": "5000.00", "after": "6000.00"}],
            f"autopilot:{run.pk}:3",
            "proposed",
        ),
    ]
    reasons = list(ProposedAction.objects.for_tenant(run.tenant).filter(run=run).order_by("position").values_list("reason", flat=True))
    assert reasons[0] == (
        "Ad Ad 2001 spent 6,000 KZT with no leads (target lead cost 2,500 KZT, limit 2× = 5,000 KZT); its ad group keeps 1 other active ad(s)."
    )
    assert reasons[1].startswith("Shift 1,000 KZT a day from failing ad group Loser <b>& (score 21: CPL 6,000 KZT is 140% above")
    assert reasons[2].endswith("to healthy Winner (score 100): 5,000 KZT → 6,000 KZT.")


def test_same_input_same_scores_and_proposals_whatever_the_order(run_and_direction, tenant_a):
    run, direction = run_and_direction
    data = brain_input(run, direction.pk)
    brain_evaluate(run=run, data=data)
    first = (_actions(run), [(s.adgroup_id, s.score, s.factors) for s in _scores(run).values()])
    shuffled = brain_input(run, direction.pk, adgroups=list(reversed(data.adgroups)), ads=list(reversed(data.ads)))
    brain_evaluate(run=run, data=shuffled)  # evaluating again replaces, same request ids
    assert (_actions(run), [(s.adgroup_id, s.score, s.factors) for s in _scores(run).values()]) == first


def _winner_only(run, direction_id, *, budget="5000", cap="12000", raise_pct=20) -> BrainInput:
    return brain_input(
        run,
        direction_id,
        adgroups=[adgroup("1001", "Winner", budget=budget)],
        ads=[ad("2003", "1001")],
        directions={"1001": limits(direction_id, cap=cap, raise_pct=raise_pct)},
    )


@pytest.mark.parametrize(
    ("budget", "cap", "raise_pct", "after"),
    [
        ("5000", "12000", 20, "6000.00"),  # +20%
        ("5000", "5500", 20, "5500.00"),  # the cap
        ("5000", None, 10, "5500.00"),  # no cap: the raise limit only
        ("5000", "5000", 20, None),  # at the cap: nothing
        ("4999.99", "12000", 15, "5749.98"),  # rounded down to the cent
    ],
)
def test_a_healthy_winner_is_raised_within_its_cap(run_and_direction, budget, cap, raise_pct, after):
    run, direction = run_and_direction
    brain_evaluate(run=run, data=_winner_only(run, direction.pk, budget=budget, cap=cap, raise_pct=raise_pct))
    rows = list(ProposedAction.objects.for_tenant(run.tenant).filter(run=run))
    if after is None:
        assert rows == []
        return
    (row,) = rows
    assert (row.rule, row.params["budget"], row.diff[0]["before"], row.diff[0]["after"]) == (
        "raise_winner",
        after,
        f"{Decimal(budget):.2f}",
        after,
    )
    assert "cap" in row.reason if cap and Decimal(cap) < Decimal(budget) * (100 + raise_pct) / 100 else f"+{raise_pct}%" in row.reason


@pytest.mark.parametrize(("failing_budget", "after"), [("2800", "2500.00"), ("2500", None)])
def test_a_shift_never_takes_a_budget_below_the_platform_minimum(run_and_direction, failing_budget, after):
    run, direction = run_and_direction
    data = brain_input(run, direction.pk)
    data.adgroups = [adgroup("1001", "Winner"), adgroup("1002", "Loser", budget=failing_budget)]
    data.ads = [ad("2003", "1001"), ad("2001", "1002")]  # the loser's only ad: never paused
    brain_evaluate(run=run, data=data)
    rows = [(row.rule, row.adgroup_id, row.params.get("budget")) for row in ProposedAction.objects.for_tenant(run.tenant).filter(run=run)]
    if after is None:
        # nothing to shift; the winner is raised instead
        assert rows == [("raise_winner", "1001", "6000.00")]
    else:
        assert rows == [("shift_budget", "1002", after), ("shift_budget", "1001", "5300.00")]


def test_an_ad_group_last_active_ad_is_not_paused_and_learning_groups_get_nothing(run_and_direction):
    run, direction = run_and_direction
    data = brain_input(run, direction.pk)
    data.ads = [ad("2001", "1002"), ad("2002", "1002", status="DISABLE"), ad("2004", "1003")]
    data.ad_current["2004"] = figures("9000")  # 2× target without leads, but its ad group is learning
    brain_evaluate(run=run, data=data)
    assert [row.rule for row in ProposedAction.objects.for_tenant(run.tenant).filter(run=run)] == ["shift_budget", "shift_budget"]


def test_traffic_is_judged_on_cost_per_click(run_and_direction):
    # 35 (CPC) + 13 (CTR 0.50%) + 15 (frequency 1.25) of 75 possible (no previous window) = 84
    run, direction = run_and_direction
    data = brain_input(
        run,
        direction.pk,
        campaigns=[],
        adgroups=[adgroup("1001", "Clicks")],
        ads=[],
        current={"1001": figures("3000", impressions=10000, clicks=50, reach=8000)},
        previous={},
        directions={"1001": limits(direction.pk, target="100", objective="traffic")},
    )
    brain_evaluate(run=run, data=data)
    score = _scores(run)["1001"]
    assert score.factors[0] == {
        "factor": "cpc",
        "value": "60.00",
        "target": "100.00",
        "points": 35,
        "max_points": 35,
        "detail": "CPC 60 KZT is 40% under the 100 KZT target",
    }
    assert (score.score, score.health, score.cpl) == (84, "healthy", Decimal("60.00"))
