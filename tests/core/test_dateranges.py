"""The one date range (core.dateranges): presets, comparisons, aliases, bounds."""

from datetime import UTC, date, datetime

import pytest
from django.test import RequestFactory

from core.dateranges import InvalidDateRange, date_range_for_request, date_range_resolve

NOW = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)  # 5 Dec in Jakarta (UTC+7)


def resolve(params, **kwargs):
    return date_range_resolve(params, zone="Asia/Jakarta", now=NOW, **kwargs)


@pytest.mark.parametrize(
    ("params", "span"),
    [
        ({"range": "today"}, (date(2026, 12, 5), date(2026, 12, 5))),
        ({"range": "yesterday"}, (date(2026, 12, 4), date(2026, 12, 4))),
        ({"range": "last_7"}, (date(2026, 11, 29), date(2026, 12, 5))),  # no comparison: today counts
        ({"range": "last_7", "compare": "previous"}, (date(2026, 11, 28), date(2026, 12, 4))),  # comparing: ends yesterday
        ({"range": "last_7", "compare": "previous", "today": "1"}, (date(2026, 11, 29), date(2026, 12, 5))),
        ({"range": "mtd"}, (date(2026, 12, 1), date(2026, 12, 5))),
        ({"range": "last_month"}, (date(2026, 11, 1), date(2026, 11, 30))),
        ({"range": "custom", "start": "2026-02-01", "end": "2026-02-28"}, (date(2026, 2, 1), date(2026, 2, 28))),
    ],
)
def test_presets_are_whole_days_in_the_zone(params, span):
    chosen = resolve(params)
    assert (chosen.start, chosen.end) == span


def test_comparisons():
    previous = resolve({"range": "custom", "start": "2026-03-01", "end": "2026-03-10", "compare": "previous"})
    assert (previous.compare_start, previous.compare_end) == (date(2026, 2, 19), date(2026, 2, 28))
    year = resolve({"range": "custom", "start": "2024-02-29", "end": "2024-03-01", "compare": "year"})
    assert (year.compare_start, year.compare_end) == (date(2023, 2, 28), date(2023, 3, 1))
    assert resolve({"range": "last_30"}).compare_start is None


def test_a_pages_own_parameters_are_aliases():
    chosen = resolve({"startDate": "2026-10-01", "endDate": "2026-10-31"}, aliases=("startDate", "endDate"))
    assert (chosen.preset, chosen.start, chosen.end, chosen.days) == ("custom", date(2026, 10, 1), date(2026, 10, 31), 31)
    assert chosen.query() == {"range": "custom", "start": "2026-10-01", "end": "2026-10-31"}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"range": "custom", "start": "9999-12-31"}, "start", "Pick a date between 2016-01-01 and next year."),
        ({"range": "custom", "start": "31/12/2026"}, "start", "Enter a date as YYYY-MM-DD."),
        ({"range": "custom", "start": "2026-05-02", "end": "2026-05-01"}, "start", "The start date is after the end date."),
        ({"range": "custom", "start": "2016-01-01", "end": "2026-01-01"}, "start", "Pick a range of at most 1098 days."),
        ({"range": "fortnight"}, "range", "Unknown range 'fortnight'. Pick one of: today, yesterday, last_7, last_30, last_90, mtd, last_month, custom."),
        ({"compare": "decade"}, "compare", "Unknown comparison 'decade'. Pick one of: none, previous, year."),
        ({"startDate": "2026-13-01"}, "startDate", "Enter a date as YYYY-MM-DD."),
    ],
)
def test_bad_ranges_are_refused_naming_the_field(params, field, message):
    with pytest.raises(InvalidDateRange) as refused:
        resolve(params, aliases=("startDate", "endDate"))
    assert (refused.value.status, refused.value.fields) == (400, {field: [message]})


def test_the_range_follows_the_analyst_across_pages(rf: RequestFactory):
    session: dict = {}
    first = rf.get("/shop/", {"range": "last_90", "compare": "year"})
    first.session = session
    picked = date_range_for_request(first, zone="Asia/Jakarta")
    later = rf.get("/gmv-max/")
    later.session = session

    assert date_range_for_request(later, zone="Asia/Jakarta") == picked
    assert session["date_range"] == {"range": "last_90", "compare": "year"}
