"""Campaign-stat backfills: a ``core.SyncRun`` of kind ``gmvmax.stats_backfill`` with one part
per ad account × ≤ 93-day chunk, worked in parallel on the ``fetch`` queue.

``stats_backfill_request`` is what the campaign table calls: the days of the range never
fetched for the requested accounts (``selectors.stats_missing``) become ONE run; days already
being fetched by a running backfill are not asked for twice (the request joins that run), and
days whose backfill failed stay failed until retried. Each part commits every page with its
checkpoint (``sync_page_commit``); its last page also records the chunk's coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from core.http import UpstreamError
from core.models import SyncRun, SyncRunPart, SyncState, Tenant
from core.selectors import sync_run_active
from core.services import (
    StaleCheckpoint,
    SyncRunConflict,
    sync_page_commit,
    sync_part_claim,
    sync_part_fail,
    sync_run_resume,
    sync_run_start,
)
from core.targets import advertisers_range_target
from core.timezones import zone_or_utc
from gmvmax import selectors
from gmvmax.models import RunKind
from gmvmax.selectors import MissingSpan
from gmvmax.services.coverage import stats_coverage_record
from gmvmax.services.parsing import advertiser_today, report_ranges, zone_today
from gmvmax.services.stats import _client_for, campaigns_sync, stats_page_write, stats_pages
from tiktok_ads.selectors import advertiser_get, gmvmax_advertiser_rows


@dataclass
class StatsBackfill:
    """What the campaign table says about a range: ``missing`` days (empty: complete) and the
    backfill ``run`` fetching them (or the failed one to retry)."""

    missing: list[MissingSpan]
    run: SyncRun | None = None

    @property
    def complete(self) -> bool:
        return not self.missing


def range_text(start: date, end: date) -> str:
    """ "12 Jan – 31 Mar" (years shown when the range leaves the current one)."""
    this_year = timezone.localdate().year
    if start.year == end.year == this_year:
        return f"{start.day} {start:%b} – {end.day} {end:%b}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def _spans_subtract(spans: list[MissingSpan], taken: list[tuple[int, date, date]]) -> list[MissingSpan]:
    """``spans`` without the days of ``taken`` ((advertiser pk, start, end) ranges)."""
    result = []
    for span in spans:
        pieces = [(span.start, span.end)]
        for advertiser_pk, first, last in taken:
            if advertiser_pk != span.advertiser_pk:
                continue
            cut = []
            for start, end in pieces:
                if last < start or first > end:
                    cut.append((start, end))
                    continue
                if start < first:
                    cut.append((start, first - timedelta(days=1)))
                if last < end:
                    cut.append((last + timedelta(days=1), end))
            pieces = cut
        result.extend(MissingSpan(span.advertiser_pk, span.advertiser_id, span.account_name, s, e) for s, e in pieces)
    return result


def _part_span(part: SyncRunPart) -> tuple[int, date, date]:
    return part.params["advertiser"], date.fromisoformat(part.params["start"]), date.fromisoformat(part.params["end"])


def _overlaps(span: MissingSpan, part_span: tuple[int, date, date]) -> bool:
    advertiser_pk, first, last = part_span
    return advertiser_pk == span.advertiser_pk and first <= span.end and last >= span.start


def stats_backfill_start(*, tenant: Tenant, spans: list[MissingSpan], requested_by=None) -> SyncRun:
    """One run for ``spans``: a part per account × ≤ 93-day chunk. The active run of the same
    accounts and range is returned instead of a second one."""
    parts = [
        (
            f"{span.advertiser_pk}:{chunk_start:%Y%m%d}-{chunk_end:%Y%m%d}",
            {
                "advertiser": span.advertiser_pk,
                "advertiser_id": span.advertiser_id,
                "account_name": span.account_name,
                "start": chunk_start.isoformat(),
                "end": chunk_end.isoformat(),
            },
        )
        for span in spans
        for chunk_start, chunk_end in report_ranges(span.start, span.end)
    ]
    start, end = min(span.start for span in spans), max(span.end for span in spans)
    accounts = sorted({span.advertiser_pk for span in spans})
    target = advertisers_range_target(accounts, start, end)
    active = sync_run_active(tenant, kind=RunKind.STATS_BACKFILL, target=target)
    if active is not None:
        return active
    names = sorted({span.account_name for span in spans})
    try:
        return sync_run_start(
            tenant=tenant,
            kind=RunKind.STATS_BACKFILL,
            target=target,
            parts=parts,
            params={"start": start.isoformat(), "end": end.isoformat(), "advertisers": accounts},
            label=f"GMV Max stats {range_text(start, end)} · {', '.join(names) if len(names) <= 3 else f'{len(names)} ad accounts'}"[:200],
            requested_by=requested_by,
        )
    except SyncRunConflict as exc:  # a concurrent request started it first
        return exc.run


def stats_backfill_retry(*, run: SyncRun) -> SyncRun:
    """Resume a failed backfill: its failed parts go again, from their checkpoints."""
    try:
        return sync_run_resume(run=run)
    except SyncRunConflict as exc:
        return exc.run


def stats_backfill_request(
    *, tenant: Tenant, start: date, end: date, shop_number: int | None = None, retry: bool = False, requested_by=None
) -> StatsBackfill:
    """Complete → nothing to do. Otherwise the backfill of the missing days: the running one
    when it already fetches them all, the failed one (until ``retry``), else a new one for the
    days nobody fetches yet."""
    missing = selectors.stats_missing(tenant, start=start, end=end, shop_number=shop_number)
    if not missing:
        return StatsBackfill(missing)
    parts = selectors.stats_backfill_parts(tenant)
    in_flight = [part for part in parts if part.state != SyncState.FAILED]
    rest = _spans_subtract(missing, [_part_span(part) for part in in_flight])
    if not rest:
        joined = next(part.run for part in in_flight if any(_overlaps(span, _part_span(part)) for span in missing))
        return StatsBackfill(missing, joined)
    failed = next(
        (part.run for part in parts if part.state == SyncState.FAILED and any(_overlaps(s, _part_span(part)) for s in rest)), None
    )
    if failed is not None:
        # Retried once the run has settled: resuming a running run would send its running
        # parts a second time.
        return StatsBackfill(missing, stats_backfill_retry(run=failed) if retry and failed.state == SyncState.FAILED else failed)
    return StatsBackfill(missing, stats_backfill_start(tenant=tenant, spans=rest, requested_by=requested_by))


def backfill(*, tenant: Tenant, start: date, end: date) -> SyncRun | None:
    """Fetch [start, end] again for every active ad account with a GMV Max store, stored or not
    (operators, demo seeding against a real API): one run, clamped to each account's today.
    ``None`` when no account has a day in the range."""
    spans = []
    for row in gmvmax_advertiser_rows(tenant):
        last = min(end, zone_today(row["time_zone"]))
        if start <= last:
            spans.append(MissingSpan(row["id"], row["advertiser_id"], row["name"], start, last))
    return stats_backfill_start(tenant=tenant, spans=spans) if spans else None


def _first_servable_day(advertiser, campaigns: dict) -> date | None:
    """The advertiser's first campaign's creation day (its zone): no figures exist before it."""
    created = [c.platform_created_at for c in campaigns.values() if c.platform_created_at is not None]
    return min(created).astimezone(zone_or_utc(advertiser.time_zone)).date() if created else None


def stats_backfill_part_run(*, part_id: int, client=None) -> SyncRunPart | None:
    """Work one account × chunk: list the campaigns, then every report page committed with the
    part's checkpoint; the last one also records the chunk's coverage. Upstream errors fail the
    part (the run shows the message, a retry resumes it); other errors fail it and raise."""
    part = SyncRunPart.objects.select_related("run").filter(pk=part_id).first()
    if part is None or (part := sync_part_claim(part=part)) is None:
        return None
    advertiser_pk, start, end = _part_span(part)
    advertiser = advertiser_get(part.tenant_id, advertiser_pk)
    counts = {"requests": 0, "pages": 0, "rows": 0}
    try:
        if advertiser is None:  # disconnected since: nothing the platform would give us
            return sync_page_commit(part=part, write_rows=lambda: None, checkpoint={**counts, "skipped": "inactive"}, items=0, done=True)
        end = min(end, advertiser_today(advertiser))  # the platform has no figures after the account's today
        client = client or _client_for(advertiser)
        campaigns = campaigns_sync(advertiser=advertiser, client=client)
        first = _first_servable_day(advertiser, campaigns)
        fetch_start = max(start, first) if first is not None else start
        pages = stats_pages(client, advertiser, fetch_start, end) if fetch_start <= end else iter(())
        page = next(pages, None)
        while page is not None:
            promotion_type, request_no, rows = page
            following = next(pages, None)  # read ahead: the last page also records coverage
            counts = {"requests": request_no, "pages": counts["pages"] + 1, "rows": counts["rows"] + len(rows)}

            def write(promotion_type=promotion_type, rows=rows, last=following is None) -> None:
                stats_page_write(advertiser, campaigns, promotion_type, rows)
                if last:
                    stats_coverage_record(advertiser=advertiser, start=start, end=end)

            part = sync_page_commit(part=part, write_rows=write, checkpoint=dict(counts), items=len(rows), done=following is None)
            page = following
        if part.state != SyncState.SUCCEEDED:  # no request at all (no store, or before the first campaign)
            part = sync_page_commit(
                part=part,
                write_rows=lambda: stats_coverage_record(advertiser=advertiser, start=start, end=end) if start <= end else None,
                checkpoint=dict(counts),
                items=0,
                done=True,
            )
        return part
    except StaleCheckpoint:
        return None
    except UpstreamError as exc:
        sync_part_fail(part=part, error=str(exc) or type(exc).__name__)
    except Exception as exc:
        sync_part_fail(part=part, error=str(exc) or type(exc).__name__)
        raise
    return part
