"""Event mapping: seed defaults, then env overrides, then the destination's own."""

from __future__ import annotations

import pytest

from conversions.mapping import mapping_for, parse_overrides, resolve_event
from conversions.models import Destination, Platform


def test_seed_defaults_for_tiktok():
    assert mapping_for(Platform.TIKTOK) == {
        "TRIAL_BOOKED": "SubmitForm",
        "TRIAL_RESCHEDULED": "SubmitForm",
        "LEAD_SUBMITTED": "SubmitForm",
        "TRIAL_CANCELED": None,
        "APPOINTMENT_UPDATED": "Schedule",
    }


def test_parse_overrides():
    assert parse_overrides("TRIAL_BOOKED=CompleteRegistration, APPOINTMENT_UPDATED=Contact,TRIAL_RESCHEDULED=,junk") == {
        "TRIAL_BOOKED": "CompleteRegistration",
        "APPOINTMENT_UPDATED": "Contact",
        "TRIAL_RESCHEDULED": None,
    }


def test_env_overrides_defaults_and_destination_overrides_env(settings):
    settings.TIKTOK_EVENT_ACTIONS = "TRIAL_BOOKED=CompleteRegistration,APPOINTMENT_UPDATED=Contact,TRIAL_CANCELED=Contact"
    destination = Destination(platform=Platform.TIKTOK, event_mapping={"APPOINTMENT_UPDATED": "Subscribe", "TRIAL_CANCELED": ""})
    assert resolve_event(destination, "TRIAL_BOOKED") == "CompleteRegistration"  # env
    assert resolve_event(destination, "APPOINTMENT_UPDATED") == "Subscribe"  # destination
    assert resolve_event(destination, "TRIAL_CANCELED") is None  # destination says skip
    assert resolve_event(destination, "TRIAL_RESCHEDULED") == "SubmitForm"  # default
    assert resolve_event(destination, "UNKNOWN") is None


def test_google_ads_maps_to_conversion_actions(settings):
    settings.GOOGLE_ADS_EVENT_ACTIONS = "APPOINTMENT_UPDATED=222"
    destination = Destination(platform=Platform.GOOGLE_ADS, conversion_action_id="111", event_mapping={"TRIAL_CANCELED": "333"})
    assert [resolve_event(destination, name) for name in ("TRIAL_BOOKED", "APPOINTMENT_UPDATED", "TRIAL_CANCELED")] == ["111", "222", "333"]
    assert resolve_event(Destination(platform=Platform.GOOGLE_ADS), "TRIAL_BOOKED") is None


@pytest.mark.parametrize(("env", "expected"), [("", "Lead"), ("TRIAL_BOOKED=Schedule", "Schedule")])
def test_meta_mapping(env, expected, settings):
    settings.META_EVENT_ACTIONS = env
    assert resolve_event(Destination(platform=Platform.META), "TRIAL_BOOKED") == expected
