"""A TikTok advertiser in the sandbox with a lead campaign made three days before ``NOW``
(ad group A: ads a1, a2; ad group B: ad b1), connected to tenant A the way a user does, and one
ad account on it; the collector's clock pinned at ``NOW`` (18 Nov 2026, 12:00 in Kuala Lumpur).

Scoring, dispatch and the report are stubbed (``fake_evaluate``): these tests are about the engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from autopilot.services import collector, evaluate
from tests.sandbox.tiktok_business_objects import EMULATOR, MY, NOW, ad, adgroup, campaign, creative, demo_token, video
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import AdAccount, Advertiser

DAY = 86_400
TODAY = date(2026, 11, 18)


@dataclass
class World:
    tenant: object
    advertiser: Advertiser
    account: AdAccount
    ids: dict


def build_world(sandbox, tenant, *, name: str = "Glow account") -> World:
    token = demo_token(sandbox)
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW - 3 * DAY)
    start = "2026-11-15 05:00:00"
    video_id = video()
    lead = campaign(token)["data"]["campaign_id"]
    group_a = adgroup(token, MY, lead, schedule_start_time=start)["data"]["adgroup_id"]
    group_b = adgroup(token, MY, lead, schedule_start_time=start, adgroup_name="IF form B")["data"]["adgroup_id"]
    a1, a2 = ad(token, group_a, [creative(video_id, ad_name="a1"), creative(video_id, ad_name="a2")])["data"]["ad_ids"]
    (b1,) = ad(token, group_b, [creative(video_id, ad_name="b1")])["data"]["ad_ids"]
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW)
    connect_business(tenant)
    advertiser = Advertiser.objects.for_tenant(tenant).get(advertiser_id=MY.advertiser_id)
    account = AdAccount.objects.create(tenant=tenant, name=name, advertiser=advertiser)
    return World(tenant, advertiser, account, {"campaign": lead, "group_a": group_a, "group_b": group_b, "a1": a1, "a2": a2, "b1": b1})


@pytest.fixture
def pinned_clock(monkeypatch):
    moment = datetime.fromtimestamp(NOW, tz=UTC)
    monkeypatch.setattr(collector, "clock", lambda: moment)
    return moment


@pytest.fixture
def fast_retries(settings):
    settings.AUTOPILOT_RETRY_WAITS = (0.0, 0.0, 0.0)


@dataclass
class FakeEvaluate:
    evaluated: list
    dispatched: list
    reported: list


@pytest.fixture
def fake_evaluate(monkeypatch) -> FakeEvaluate:
    fake = FakeEvaluate([], [], [])
    monkeypatch.setattr(evaluate, "brain_evaluate", lambda *, run, data: fake.evaluated.append((run.pk, data)))
    monkeypatch.setattr(evaluate, "brain_dispatch", lambda *, run: fake.dispatched.append(run.pk))
    monkeypatch.setattr(evaluate, "brain_report", lambda *, run: fake.reported.append(run.pk))
    return fake
