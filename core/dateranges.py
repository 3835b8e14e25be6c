"""The one date range every page reads: presets, a custom range, and a comparison.

The range lives in the URL (``?range=last_30&compare=previous``, or ``range=custom&start=…&end=…``)
so a view can be shared, and in the session so it follows the analyst from page to page: a page
opened without a range shows the last one picked.

Presets count whole days in the tenant's zone (or the zone a page passes, such as a shop's).
"Last 7 days" ends yesterday when a comparison is on, unless "include today" is ticked: today is
a partial day, and comparing it against a whole one biases the change down. Pages whose seed
contract names its own parameters (GMV Max's ``startDate``/``endDate``, the shop pages'
``days``/``end``) pass them as aliases; they keep working as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from core.errors import CoreError
from core.exceptions import ApplicationError
from core.formatting import day as format_day
from core.timezones import zone_or_utc

PRESETS = {
    "today": "Today",
    "yesterday": "Yesterday",
    "last_7": "Last 7 days",
    "last_30": "Last 30 days",
    "last_90": "Last 90 days",
    "mtd": "Month to date",
    "last_month": "Last month",
    "custom": "Custom",
}
COMPARISONS = {"none": "No comparison", "previous": "Previous period", "year": "Same period last year"}
DEFAULT_PRESET = "last_30"
# The range a page accepts: the platforms keep a few years; beyond that a range is a typo.
EARLIEST = date(2016, 1, 1)
MAX_DAYS = 3 * 366
SESSION_KEY = "date_range"
PARAMS = ("range", "start", "end", "compare", "today")


class InvalidDateRange(ApplicationError):
    status = 400
    code = CoreError.INVALID

    def __init__(self, field: str, message: str):
        super().__init__(message, extra={"fields": {field: [message]}})
        self.fields = {field: [message]}


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # inclusive
    preset: str = DEFAULT_PRESET
    compare: str = "none"
    include_today: bool = False
    compare_start: date | None = None
    compare_end: date | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.preset != "custom":
            return PRESETS[self.preset]
        return self.span_label

    @property
    def span_label(self) -> str:
        if self.start == self.end:
            return format_day(self.start)
        return f"{format_day(self.start, fmt='short') if self.start.year == self.end.year else format_day(self.start)} – {format_day(self.end)}"

    @property
    def compare_label(self) -> str:
        if self.compare_start is None:
            return ""
        return f"{format_day(self.compare_start)} – {format_day(self.compare_end)}"

    def query(self) -> dict[str, str]:
        """The URL parameters that reproduce this range."""
        params = {"range": self.preset}
        if self.preset == "custom":
            params.update(start=self.start.isoformat(), end=self.end.isoformat())
        if self.compare != "none":
            params["compare"] = self.compare
        if self.include_today:
            params["today"] = "1"
        return params


def _parse_day(field: str, raw: str) -> date:
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidDateRange(field, "Enter a date as YYYY-MM-DD.") from None
    if value < EARLIEST or value > timezone.now().date() + timedelta(days=366):
        raise InvalidDateRange(field, f"Pick a date between {EARLIEST.isoformat()} and next year.")
    return value


def _preset_span(preset: str, today: date, *, include_today: bool) -> tuple[date, date]:
    last = today if include_today else today - timedelta(days=1)
    if preset == "today":
        return today, today
    if preset == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if preset in ("last_7", "last_30", "last_90"):
        length = int(preset.split("_")[1])
        return last - timedelta(days=length - 1), last
    if preset == "mtd":
        return today.replace(day=1), max(today.replace(day=1), last)
    if preset == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    raise InvalidDateRange("range", f"Unknown range '{preset}'. Pick one of: {', '.join(PRESETS)}.")


def _comparison(start: date, end: date, compare: str) -> tuple[date | None, date | None]:
    if compare == "previous":
        length = (end - start).days + 1
        return start - timedelta(days=length), start - timedelta(days=1)
    if compare == "year":
        def year_back(value: date) -> date:
            try:
                return value.replace(year=value.year - 1)
            except ValueError:  # 29 February
                return value.replace(year=value.year - 1, day=28)

        return year_back(start), year_back(end)
    return None, None


def date_range_resolve(
    params,
    *,
    zone=None,
    default: str = DEFAULT_PRESET,
    default_compare: str = "none",
    aliases: tuple[str, str] | None = None,
    now: datetime | None = None,
) -> DateRange:
    """A ``DateRange`` from query parameters (a QueryDict or dict). ``aliases`` names a page's own
    start/end parameters (e.g. ``("startDate", "endDate")``): when given they mean a custom range.
    Raises ``InvalidDateRange`` (400, naming the field) for a bad date or preset."""
    zone = zone_or_utc(zone) if isinstance(zone, str) or zone is None else zone
    today = (now or timezone.now()).astimezone(zone).date()
    compare = (params.get("compare") or default_compare).strip()
    if compare not in COMPARISONS:
        raise InvalidDateRange("compare", f"Unknown comparison '{compare}'. Pick one of: {', '.join(COMPARISONS)}.")
    include_today = (params.get("today") or "") in ("1", "true", "on")
    preset = (params.get("range") or "").strip()
    start_raw, end_raw = params.get("start") or "", params.get("end") or ""
    if aliases and (params.get(aliases[0]) or params.get(aliases[1])):
        preset, start_raw, end_raw = "custom", params.get(aliases[0]) or "", params.get(aliases[1]) or ""
        start_field, end_field = aliases
    else:
        start_field, end_field = "start", "end"
    if not preset:
        preset = "custom" if (start_raw or end_raw) else default
    if preset == "custom":
        end = _parse_day(end_field, end_raw) if end_raw else today
        start = _parse_day(start_field, start_raw) if start_raw else end - timedelta(days=29)
        if start > end:
            raise InvalidDateRange(start_field, "The start date is after the end date.")
        if (end - start).days + 1 > MAX_DAYS:
            raise InvalidDateRange(start_field, f"Pick a range of at most {MAX_DAYS} days.")
    else:
        if preset not in PRESETS:
            raise InvalidDateRange("range", f"Unknown range '{preset}'. Pick one of: {', '.join(PRESETS)}.")
        start, end = _preset_span(preset, today, include_today=include_today or compare == "none")
    compare_start, compare_end = _comparison(start, end, compare)
    return DateRange(start, end, preset, compare, include_today, compare_start, compare_end)


def date_range_for_request(request, **kwargs) -> DateRange:
    """The page's range: from the URL when it names one (remembered in the session), else the
    last one picked in this session, else the page's default."""
    aliases = kwargs.get("aliases") or ()
    names = PARAMS + tuple(aliases)
    if any(request.GET.get(name) for name in names):
        chosen = date_range_resolve(request.GET, **kwargs)
        if hasattr(request, "session"):
            request.session[SESSION_KEY] = chosen.query()
        return chosen
    remembered = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if remembered:
        try:
            return date_range_resolve(remembered, **kwargs)
        except InvalidDateRange:
            request.session.pop(SESSION_KEY, None)
    return date_range_resolve({}, **kwargs)


def date_range_context(date_range: DateRange, *, zone=None) -> dict:
    """What ``core/partials/date_range.html`` needs."""
    from core.formatting import current_zone

    zone = zone_or_utc(zone) if isinstance(zone, str) else (zone or current_zone())
    return {
        "date_range": date_range,
        "date_range_presets": list(PRESETS.items()),
        "date_range_comparisons": list(COMPARISONS.items()),
        "date_range_zone": zone.key,
    }
