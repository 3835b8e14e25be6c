"""core.timezones: a zone by name, UTC for an empty or unknown one (logged once per name)."""

import logging
from zoneinfo import ZoneInfo

import pytest

from core.timezones import is_zone, zone_or_none, zone_or_utc


def test_known_zones_are_returned_as_zoneinfo():
    assert zone_or_utc("Asia/Kuala_Lumpur") == ZoneInfo("Asia/Kuala_Lumpur")
    assert zone_or_utc("Etc/GMT-8").key == "Etc/GMT-8"
    assert zone_or_utc("UTC").key == "UTC"


@pytest.mark.parametrize("name", [None, "", "Mars/Olympus", "asia/kuala_lumpur", "UTC ", "America", "../etc/passwd", "a\x00b"])
def test_empty_or_unknown_zones_fall_back_to_utc(name):
    assert zone_or_utc(name).key == "UTC"
    assert zone_or_none(name) is None
    assert is_zone(name) is False


def test_an_unknown_zone_is_logged_once(caplog):
    with caplog.at_level(logging.WARNING, logger="core.timezones"):
        for _ in range(3):
            zone_or_utc("Nowhere/Once")
        zone_or_utc("")
    assert [record.getMessage() for record in caplog.records] == ["Unknown time zone 'Nowhere/Once'; using UTC"]
