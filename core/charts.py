"""Charts as data: a view builds a ``Chart`` and the page includes ``core/partials/chart.html``;
``static/js/charts.js`` draws it with the vendored Chart.js. Values are plain numbers (money as
floats in the series' currency); the axis format says how ticks and tooltips read ("money" with a
currency, "count", "percent")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from core.formatting import currency_symbol


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence
    axis: str = "y"  # "y" or "y2" (a second scale on the right)
    kind: str = ""  # "bar" / "line" to mix kinds in one chart; the chart's kind otherwise
    stack: str = ""


@dataclass
class Chart:
    id: str
    title: str
    labels: Sequence[str]
    series: list[Series] = field(default_factory=list)
    kind: str = "line"  # line | bar | stacked
    y_format: str = "count"  # count | money | percent
    y2_format: str = ""
    currency: str = ""
    x_label: str = "Day"
    small: bool = False

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def spec(self) -> dict:
        return {
            "kind": self.kind,
            "labels": list(self.labels),
            "yFormat": self.y_format,
            "y2Format": self.y2_format,
            "currency": self.currency,
            "currencySymbol": currency_symbol(self.currency),
            "series": [
                {"label": s.label, "values": [_plain(v) for v in s.values], "axis": s.axis, "kind": s.kind, "stack": s.stack}
                for s in self.series
            ],
        }

    @property
    def rows(self) -> list[list]:
        """The same figures as a table (for screen readers)."""
        return [[label, *[series.values[index] for series in self.series]] for index, label in enumerate(self.labels)]


def _plain(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value
