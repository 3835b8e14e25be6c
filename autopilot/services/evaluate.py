"""Scoring, planning, dispatch and the run's report (owned by the scoring/planner work).

Contract used by ``brain.py``:

- ``brain_evaluate(*, run, data: BrainInput) -> None``: store one ``AdGroupScore`` per ad group
  and the run's ``ProposedAction`` rows (with their dry-run diffs), deterministic for the same input.
- ``brain_dispatch(*, run) -> None``: when the run's mode is autopilot and its data is fresh, send
  each proposed action through ``tiktok_ads.services.action_execute``; else leave them proposed/held.
- ``brain_report(*, run) -> CampaignReport``: the run's report, stored and handed to the outbox.
"""

from __future__ import annotations


def brain_evaluate(*, run, data) -> None:
    raise NotImplementedError


def brain_dispatch(*, run) -> None:
    raise NotImplementedError


def brain_report(*, run):
    raise NotImplementedError
