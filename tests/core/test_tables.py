"""The table component (core.tables): sort, page size, hide-zero rows, header links."""

from decimal import Decimal

import pytest
from django.test import RequestFactory

from core.models import ApiCallLog
from core.tables import Column, Table

ROWS = [
    {"name": "beta", "gmv": Decimal("10"), "orders": 2},
    {"name": "Alpha", "gmv": Decimal("0"), "orders": 0},
    {"name": "gamma", "gmv": Decimal("30"), "orders": 1},
    {"name": "delta", "gmv": None, "orders": 5},
]
TABLE = Table("shops", [Column("name", "Shop"), Column("gmv", "GMV", numeric=True), Column("orders", "Orders", numeric=True, optional=True), Column("note", "Note", sort=None)], default_sort="-gmv", per_page=25, zero_field="gmv")


def bind(rf, **params):
    return TABLE.bind(rf.get("/shops/", params), ROWS)


def names(table):
    return [row["name"] for row in table.rows]


def test_default_sort_puts_missing_values_last(rf: RequestFactory):
    table = bind(rf)
    assert names(table) == ["gamma", "beta", "Alpha", "delta"]
    assert [(h.label, h.direction) for h in table.headers] == [("Shop", None), ("GMV", "descending"), ("Orders", None), ("Note", None)]


def test_header_links_toggle_and_text_sorts_case_blind(rf: RequestFactory):
    table = bind(rf, sort="name", q="x", page="3")
    assert names(table) == ["Alpha", "beta", "delta", "gamma"]
    links = {h.key: h.url for h in table.headers}
    # The active column flips; numbers start largest first; the page resets, other filters stay.
    assert links == {"name": "/shops/?sort=-name&q=x", "gmv": "/shops/?sort=-gmv&q=x", "orders": "/shops/?sort=-orders&q=x", "note": None}


def test_unknown_sort_and_page_size_fall_back(rf: RequestFactory):
    table = bind(rf, sort="-note", per_page="7")
    assert (table.sort_key, table.descending, table.per_page) == ("gmv", True, 25)


def test_hide_zero_rows_and_paging(rf: RequestFactory):
    assert names(bind(rf, hide_zero="1")) == ["gamma", "beta"]
    many = Table("many", [Column("n", "N", numeric=True)], default_sort="n", per_page=25)
    page = many.bind(rf.get("/x/", {"page": "2", "per_page": "50"}), [{"n": n} for n in range(120)])
    assert ([row["n"] for row in page.rows][:2], page.paginator.num_pages, page.previous_url, page.next_url) == ([50, 51], 3, "/x/?per_page=50", "/x/?page=3&per_page=50")
    assert page.jump_inputs == [("per_page", "50")]


@pytest.mark.django_db
def test_querysets_sort_in_the_database(rf: RequestFactory, tenant_a, api_call_factory):
    for duration in (30, 10, 20):
        api_call_factory(tenant_a, duration_ms=duration)
    table = Table("calls", [Column("duration_ms", "Duration", numeric=True)], default_sort="duration_ms")
    rows = table.bind(rf.get("/", {"sort": "-duration_ms"}), ApiCallLog.objects.for_tenant(tenant_a)).rows
    assert [call.duration_ms for call in rows] == [30, 20, 10]
