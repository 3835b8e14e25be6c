"""The one table every page shows: server-side sort by any column, page size, jump to page and
hide-zero rows, all in the URL (``?sort=-gmv&per_page=100&page=3&hide_zero=1``), so a sorted,
filtered view can be bookmarked and shared.

A view declares its columns once::

    ORDERS = Table("orders", [
        Column("order_id", "Order"),
        Column("create_time", "Created"),
        Column("total_amount", "Total", numeric=True),
    ], default_sort="-create_time")

    table = ORDERS.bind(request, queryset)      # or a list of dicts / objects
    context["table"] = table                    # rows in table.rows, headers in table.headers

and its template renders ``{% include "core/partials/table_head.html" %}`` for the header row and
``{% include "core/partials/table_foot.html" %}`` for the controls under it. A column's ``sort``
is the ORM expression to order by (or the key / attribute for a list); ``None`` makes it unsortable.
Unknown sort keys and page sizes fall back to the defaults instead of failing: a stale bookmark
still opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F, QuerySet

PAGE_SIZES = (25, 50, 100, 200)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: str | None | bool = True  # True: sort by ``key``; a string: that expression; None/False: unsortable
    numeric: bool = False
    optional: bool = False  # the column chooser may hide it
    hidden: bool = False  # hidden until the analyst picks it
    help: str = ""

    @property
    def sort_expression(self) -> str | None:
        if self.sort is True:
            return self.key
        return self.sort or None


@dataclass(frozen=True)
class Header:
    column: Column
    url: str | None
    direction: str | None  # "ascending" / "descending" when the table is sorted by it

    @property
    def key(self) -> str:
        return self.column.key

    @property
    def label(self) -> str:
        return self.column.label


@dataclass
class BoundTable:
    table: Table
    page: Any
    paginator: Paginator
    sort_key: str
    descending: bool
    per_page: int
    hide_zero: bool
    query: dict[str, str]
    path: str
    headers: list[Header] = field(default_factory=list)

    @property
    def rows(self):
        return self.page.object_list

    @property
    def id(self) -> str:
        return self.table.name

    @property
    def columns(self) -> list[Column]:
        return self.table.columns

    @property
    def has_optional_columns(self) -> bool:
        return any(column.optional for column in self.table.columns)

    @property
    def is_paginated(self) -> bool:
        return self.page.has_other_pages()

    @property
    def page_sizes(self) -> Sequence[int]:
        return self.table.page_sizes

    def url(self, **changes) -> str:
        query = {**self.query, **{key: str(value) for key, value in changes.items() if value not in (None, "")}}
        for key, value in changes.items():
            if value in (None, ""):
                query.pop(key, None)
        return f"{self.path}?{urlencode(query)}" if query else self.path

    def page_url(self, number: int) -> str:
        return self.url(**{self.table._param("page"): number if number > 1 else None})

    @property
    def previous_url(self) -> str | None:
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else None

    @property
    def next_url(self) -> str | None:
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else None

    @property
    def hidden_inputs(self) -> list[tuple[str, str]]:
        """The current query minus the controls' own fields, for the controls' GET form."""
        controls = {self.table._param(name) for name in ("page", "per_page", "hide_zero")}
        return [(key, value) for key, value in self.query.items() if key not in controls]

    @property
    def jump_inputs(self) -> list[tuple[str, str]]:
        return [(key, value) for key, value in self.query.items() if key != self.table._param("page")]


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[Column]
    default_sort: str = ""
    per_page: int = 50
    page_sizes: Sequence[int] = PAGE_SIZES
    # Rows whose value here is zero are hidden with "hide zero rows" (an ORM field or a key).
    zero_field: str | None = None
    # The query parameter names (two tables on one page need their own).
    prefix: str = ""

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)

    def _param(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def bind(self, request, rows, *, query: dict[str, str] | None = None, path: str | None = None) -> BoundTable:
        params = request.GET
        sort_raw = (params.get(self._param("sort")) or self.default_sort).strip()
        descending = sort_raw.startswith("-")
        column = self.column(sort_raw.lstrip("-"))
        if column is None or column.sort_expression is None:
            sort_raw = self.default_sort
            descending = sort_raw.startswith("-")
            column = self.column(sort_raw.lstrip("-"))
        try:
            per_page = int(params.get(self._param("per_page")) or self.per_page)
        except ValueError:
            per_page = self.per_page
        if per_page not in self.page_sizes:
            per_page = self.per_page
        hide_zero = bool(self.zero_field) and params.get(self._param("hide_zero")) == "1"

        if hide_zero:
            rows = _without_zero(rows, self.zero_field)
        if column is not None:
            rows = _sorted(rows, column.sort_expression, descending)
        paginator = Paginator(rows, per_page)
        page = paginator.get_page(params.get(self._param("page")))

        current = dict(query) if query is not None else {key: value for key, value in params.items() if value not in (None, "")}
        bound = BoundTable(
            table=self,
            page=page,
            paginator=paginator,
            sort_key=column.key if column else "",
            descending=descending,
            per_page=per_page,
            hide_zero=hide_zero,
            query=current,
            path=path or request.path,
        )
        bound.headers = [self._header(bound, candidate) for candidate in self.columns]
        return bound

    def _header(self, bound: BoundTable, column: Column) -> Header:
        if column.sort_expression is None:
            return Header(column, None, None)
        active = bound.sort_key == column.key
        # Numbers sort largest first on the first click, text A→Z: what an analyst wants first.
        next_descending = (not bound.descending) if active else column.numeric
        url = bound.url(**{self._param("sort"): ("-" if next_descending else "") + column.key, self._param("page"): None})
        direction = ("descending" if bound.descending else "ascending") if active else None
        return Header(column, url, direction)


def _value(row, key: str):
    if isinstance(row, dict):
        return row.get(key)
    for part in key.split("__"):
        row = getattr(row, part, None)
    return row


def _without_zero(rows, key: str):
    if isinstance(rows, QuerySet):
        return rows.exclude(**{key: 0})
    return [row for row in rows if _value(row, key) not in (0, None, Decimal(0), "0")]


def _sorted(rows, expression: str, descending: bool):
    if isinstance(rows, QuerySet):
        ordering = F(expression).desc(nulls_last=True) if descending else F(expression).asc(nulls_last=True)
        return rows.order_by(ordering, "-pk" if descending else "pk")
    present = [row for row in rows if _value(row, expression) is not None]
    missing = [row for row in rows if _value(row, expression) is None]
    return sorted(present, key=lambda row: _sort_key(_value(row, expression)), reverse=descending) + missing


def _sort_key(value):
    return value.casefold() if isinstance(value, str) else value
