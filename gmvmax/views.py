"""The GMV Max page (``/gmv-max/``, also at the seed's ``/debug-table-ikram``): accounts →
campaigns → (LIVE only) live rooms loaded on demand, each level a ``core.tables`` table with its
own sort and paging in the URL (``sort``, ``c_sort``, ``r_sort``), a column chooser for the live
metrics, a daily trend chart (every campaign or one) and CSV exports per level.

The range is the shared picker's (``core.dateranges``); the seed's ``startDate``/``endDate`` are
aliases that keep working, as do ``promotion_type`` and ``shopNumber``, validated like the API: a
bad query re-renders the page with the message and a 400. The campaigns of an account and the
rooms of a campaign are partials: sorting or paging one swaps only that table (htmx). Rooms are
fetched on demand ("Loading live sessions..." polls until the worker is done, or shows the
upstream error with Retry). Days of the range never fetched are backfilled the same way: the table
shows what is stored under a "Fetching 12 Jan – 31 Mar from TikTok…" panel that polls the backfill
and reloads the page when it is done (or shows the error with Retry).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from core.charts import Chart, Series
from core.dateranges import InvalidDateRange, date_range_context, date_range_for_request, date_range_resolve
from core.exceptions import ApplicationError, NotFound
from core.exports import export_response
from core.models import Role
from core.selectors import sync_run_progress
from core.tables import Column, Table
from core.timezones import zone_or_utc
from core.web import InvalidQuery, TenantPageView, validated_query
from gmvmax import selectors
from gmvmax.errors import GmvMaxError
from gmvmax.models import PromotionType
from gmvmax.selectors import campaigns_for_query
from gmvmax.serializers import CampaignQuerySerializer, RangeQuerySerializer
from gmvmax.services import range_text, room_sessions_get, stats_backfill_request, stats_backfill_retry
from tiktok_ads.selectors import advertiser_get, advertiser_ids_by_pk, shop_numbers

METRIC_LABELS = {PromotionType.LIVE: "LIVE GMV MAX (Marketing API)", PromotionType.PRODUCT: "PRODUCT GMV MAX (Marketing API)"}
FIGURE_COLUMNS = ["cost", "gmv", "orders", "roi", "live_views", "ten_second_live_views", "live_follows", "cost_per_view"]
ALIASES = ("startDate", "endDate")
ROOMS_CHART_SIZE = 12  # bars: the rooms with the most GMV

FIGURES = [
    Column("cost", "Cost", numeric=True),
    Column("gmv", "GMV", numeric=True, help="gross_revenue"),
    Column("orders", "Orders", numeric=True),
    Column("roi", "ROI", numeric=True, help="GMV ÷ cost"),
]
# The live metrics sit behind the column chooser (remembered per table in the browser).
LIVE_FIGURES = [
    Column("live_views", "Live views", numeric=True, optional=True),
    Column("ten_second_live_views", "10-second views", numeric=True, optional=True),
    Column("live_follows", "Follows", numeric=True, optional=True),
    Column("cost_per_view", "Cost per view", numeric=True, optional=True),
]


def accounts_table(is_live: bool) -> Table:
    columns = [Column("name", "Account"), Column("campaign_count", "Campaigns", numeric=True), *FIGURES]
    return Table("accounts-table", columns + (LIVE_FIGURES if is_live else []), default_sort="name", zero_field="activity")


def campaigns_table(advertiser_pk: int, is_live: bool) -> Table:
    columns = [Column("campaign_name", "Campaign"), Column("campaign_id", "Campaign ID"), *FIGURES]
    return Table(f"campaigns-{advertiser_pk}", columns + (LIVE_FIGURES if is_live else []), default_sort="-cost", prefix="c_")


ROOMS_TABLE = Table(
    "rooms",
    [
        Column("live_name", "Live Name"),
        Column("room_id", "Room ID"),
        Column("launched_time", "Launched Time"),
        Column("live_status", "Status"),
        Column("live_duration", "Duration", sort=None),
        *FIGURES,
        *LIVE_FIGURES,
    ],
    default_sort="-launched_time",
    per_page=25,
    prefix="r_",
)


def _activity(row: dict) -> dict:
    """``activity`` is zero only when every figure is: what "hide rows with no activity" reads."""
    row["activity"] = row["cost"] + row["gmv"] + row["orders"] + row["live_views"]
    return row


def _own_params(request, prefix: str) -> dict[str, str]:
    """The query parameters of one nested table (its ``prefix``: ``c_`` campaigns, ``r_`` rooms)."""
    return {key: value for key, value in request.GET.items() if key.startswith(prefix) and value != ""}


def _zone(tenant):
    return zone_or_utc(tenant.time_zone)


def _int_param(request, name: str) -> int | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidQuery({name: [f"{name} must be a number."]})
    return int(raw)


class GmvMaxPageMixin:
    def read_query(self):
        """(query, date range, errors): the validated filters, the seed's names first."""
        params = self.request.GET
        self.form_values = {"promotion_type": params.get("promotion_type") or PromotionType.LIVE, "shopNumber": params.get("shopNumber") or ""}
        if params.get("startDate") and params.get("endDate"):
            dates = RangeQuerySerializer(data={key: params[key] for key in ALIASES})
            if not dates.is_valid():
                return None, None, dates.errors  # the API's messages, word for word
        try:
            date_range = date_range_for_request(self.request, zone=_zone(self.tenant), default="last_7", aliases=ALIASES)
        except InvalidDateRange as exc:
            return None, None, exc.fields
        data = {**self.form_values, "startDate": date_range.start.isoformat(), "endDate": date_range.end.isoformat()}
        serializer = CampaignQuerySerializer(data={key: value for key, value in data.items() if value != ""})
        if not serializer.is_valid():
            return None, date_range, serializer.errors
        return serializer.validated_data, date_range, None

    @staticmethod
    def base_params(query: dict) -> dict[str, str]:
        """The seed's parameters for a query: what partials, exports and links carry."""
        params = {
            "promotion_type": query["promotion_type"],
            "startDate": query["startDate"].isoformat(),
            "endDate": query["endDate"].isoformat(),
        }
        if query.get("shopNumber"):
            params["shopNumber"] = str(query["shopNumber"])
        return params

    def query_string(self, query: dict, **extra) -> str:
        return urlencode({**self.base_params(query), **extra})


    def bind_campaigns(self, account: dict, query: dict, *, is_live: bool, hide_zero: bool):
        """An account's campaigns table; its links and forms go to the account's partial."""
        rows = [row for row in account["campaigns"] if row["activity"]] if hide_zero else account["campaigns"]
        params = {**self.base_params(query), **_own_params(self.request, "c_")}
        if hide_zero:
            params["hide_zero"] = "1"
        path = reverse("gmvmax:campaigns", args=[account["advertiser_pk"]])
        return campaigns_table(account["advertiser_pk"], is_live).bind(self.request, rows, query=params, path=path)


def _account_rows(accounts) -> list[dict]:
    return [
        _activity(
            {
                "advertiser_pk": account.advertiser_pk,
                "name": account.name,
                "currency": account.currency,
                "time_zone": account.time_zone,
                "campaign_count": len(account.campaigns),
                "campaigns": [_activity(row) for row in account.campaigns],
                **account.totals,
            }
        )
        for account in accounts
    ]


def trend_charts(series_by_currency: dict[str, list[dict]], *, title: str) -> list[Chart]:
    """Cost and GMV bars per day with ROI as a line, one chart per currency."""
    return [
        Chart(
            id=f"trend-{currency.lower() or 'none'}",
            title=f"{title} · {currency}",
            labels=[row["day"].isoformat() for row in rows],
            series=[
                Series("Cost", [row["cost"] for row in rows]),
                Series("GMV", [row["gmv"] for row in rows]),
                Series("ROI", [row["roi"] for row in rows], axis="y2", kind="line"),
            ],
            kind="bar",
            y_format="money",
            y2_format="count",
            currency=currency,
            small=len(series_by_currency) > 1,
        )
        for currency, rows in series_by_currency.items()
    ]


def rooms_chart(campaign, sessions: list[dict]) -> Chart | None:
    """GMV and cost bars with ROI per live session: the rooms with the most GMV."""
    top = sorted(sessions, key=lambda s: (-s["gmv"], s["room_id"]))[:ROOMS_CHART_SIZE]
    if not top:
        return None
    return Chart(
        id=f"rooms-chart-{campaign.pk}",
        title=f"Live sessions by GMV (top {len(top)})",
        labels=[s["live_name"] or s["room_id"] for s in top],
        series=[
            Series("Cost", [s["cost"] for s in top]),
            Series("GMV", [s["gmv"] for s in top]),
            Series("ROI", [s["roi"] for s in top], axis="y2"),
        ],
        kind="bar",
        y_format="money",
        y2_format="count",
        currency=campaign.advertiser.currency,
        x_label="Live session",
        small=True,
    )


class GmvMaxTableView(GmvMaxPageMixin, TenantPageView):
    template_name = "gmvmax/table.html"

    def get(self, request, *args, **kwargs):
        query, date_range, errors = self.read_query()
        context = self.get_context_data(
            form=self.form_values,
            metrics=list(METRIC_LABELS.items()),
            shops=shop_numbers(self.tenant),
            can_export=Role.allows(request.role, Role.ANALYST),
            query_errors=errors,
        )
        if date_range is not None:
            context.update(date_range_context(date_range, zone=_zone(self.tenant)))
        else:
            context.update(date_range_context(_default_range(self.tenant), zone=_zone(self.tenant)))
        if errors:
            return self.render_to_response(context, status=400)
        try:
            rows = campaigns_for_query(self.tenant, query)
            open_account = _int_param(request, "open")
            open_campaign = _int_param(request, "campaign")
            trend_pk = _int_param(request, "trend")
        except ApplicationError as exc:
            context["query_errors"] = exc.extra.get("fields") or {"shopNumber": [exc.message]}
            return self.render_to_response(context, status=400)
        is_live = query["promotion_type"] == PromotionType.LIVE
        accounts = selectors.accounts_report(rows)
        table = accounts_table(is_live).bind(request, _account_rows(accounts))
        for account in table.rows:
            account["table"] = self.bind_campaigns(account, query, is_live=is_live, hide_zero=table.hide_zero)
            account["open"] = account["advertiser_pk"] == open_account
        answer = stats_backfill_request(
            tenant=self.tenant, start=query["startDate"], end=query["endDate"], shop_number=query.get("shopNumber")
        )
        trend_campaign = selectors.campaign_get_by_pk(self.tenant, pk=trend_pk) if trend_pk else None  # another tenant's: 404
        trend = selectors.daily_trend(
            self.tenant,
            start=query["startDate"],
            end=query["endDate"],
            promotion_type=query["promotion_type"],
            shop_number=query.get("shopNumber"),
            campaign_pk=trend_campaign.pk if trend_campaign else None,
        )
        title = f"{trend_campaign.name or trend_campaign.campaign_id}: cost and GMV per day" if trend_campaign else "Cost and GMV per day"
        range_query = urlencode({key: value for key, value in self.base_params(query).items() if key in ALIASES})
        if table.hide_zero:
            range_query += "&hide_zero=1"
        context.update(
            backfill=backfill_context(answer.run) if not answer.complete else None,
            query=query,
            is_live=is_live,
            metric_label=METRIC_LABELS[query["promotion_type"]],
            table=table,
            accounts=accounts,
            colspan=len(table.columns),
            grand_totals=selectors.totals_by_currency(accounts),
            query_string=self.query_string(query),
            range_query=range_query,
            open_campaign=open_campaign,
            trend_campaign=trend_campaign,
            trend_choices=sorted(((row["campaign_name"], row["pk"]) for row in rows), key=lambda c: c[0].lower()),
            trend_hidden=[(key, value) for key, value in request.GET.items() if key != "trend" and value != ""],
            charts=trend_charts(trend, title=title),
        )
        return self.render_to_response(context)


def _default_range(tenant):
    """The picker's range when the query was refused: the default, so the form still renders."""
    return date_range_resolve({}, zone=_zone(tenant), default="last_7")


class CampaignsPartialView(GmvMaxPageMixin, TenantPageView):
    """htmx partial: one account's campaigns table, sorted and paged by its own ``c_`` parameters."""

    template_name = "gmvmax/partials/campaigns.html"

    def get(self, request, *args, pk: int, **kwargs):
        if advertiser_get(self.tenant, pk) is None:
            raise NotFound("No such ad account in your tenant.", code=GmvMaxError.UNKNOWN_ACCOUNT)
        query, _date_range, errors = self.read_query()
        if errors:
            raise InvalidQuery(errors)
        rows = [row for row in campaigns_for_query(self.tenant, query) if row["advertiser_pk"] == pk]
        is_live = query["promotion_type"] == PromotionType.LIVE
        account = _account_rows(selectors.accounts_report(rows))
        if not account:
            account = [{"advertiser_pk": pk, "campaigns": [], **selectors.totals_of([]), "currency": "", "name": ""}]
        account = account[0]
        account["table"] = self.bind_campaigns(account, query, is_live=is_live, hide_zero=request.GET.get("hide_zero") == "1")
        range_query = urlencode({key: value for key, value in self.base_params(query).items() if key in ALIASES})
        return self.render_to_response(
            self.get_context_data(
                account=account,
                is_live=is_live,
                query_string=self.query_string(query),
                range_query=range_query,
                can_export=Role.allows(request.role, Role.ANALYST),
            )
        )


def backfill_context(run) -> dict:
    start, end = (date.fromisoformat(run.params[key]) for key in ("start", "end"))
    return {"run": run, "range": range_text(start, end), "percent": sync_run_progress(run)["percent"] or 0}


class BackfillPartialView(TenantPageView):
    """htmx partial: a stats backfill's progress (polls itself while it runs). Done: the page
    reloads to show the whole range. Failed: the error and Retry (POST)."""

    template_name = "gmvmax/partials/backfill.html"
    write_role = Role.VIEWER

    def get(self, request, *args, pk: int, **kwargs):
        return self.respond(self.run(pk))

    def post(self, request, *args, pk: int, **kwargs):
        run = self.run(pk)
        return self.respond(stats_backfill_retry(run=run) if run.state == "failed" else run)

    def run(self, pk: int):
        return selectors.stats_backfill_get(self.tenant, pk=pk)  # another tenant's run: NotFound, a 404

    def respond(self, run):
        response = self.render_to_response(self.get_context_data(backfill=backfill_context(run)))
        if run.state == "succeeded" and self.request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"  # the stored table now covers the range
        return response


class RoomsPartialView(TenantPageView):
    """htmx partial: one campaign's rooms for a range. GET reads (and requests a fetch when
    needed); POST retries a failed fetch."""

    template_name = "gmvmax/partials/rooms.html"
    write_role = Role.VIEWER

    def get(self, request, *args, pk: int, **kwargs):
        return self.respond(pk, retry=False)

    def post(self, request, *args, pk: int, **kwargs):
        return self.respond(pk, retry=True)

    def respond(self, pk: int, *, retry: bool):
        campaign = selectors.campaign_get_by_pk(self.tenant, pk=pk)
        serializer = RangeQuerySerializer(data=self.request.GET)
        if not serializer.is_valid():
            return self.render_to_response({"campaign": campaign, "query_errors": serializer.errors}, status=400)
        start, end = serializer.validated_data["startDate"], serializer.validated_data["endDate"]
        try:
            result = room_sessions_get(tenant=self.tenant, campaign=campaign, start=start, end=end, retry=retry)
        except ApplicationError as exc:
            return self.render_to_response({"campaign": campaign, "query_errors": {"campaign": [exc.message]}}, status=400)
        range_query = urlencode({"startDate": start.isoformat(), "endDate": end.isoformat()})
        sessions = result.sessions
        hide_zero = self.request.GET.get("hide_zero") == "1"
        if hide_zero:
            range_query += "&hide_zero=1"
        table = None
        if sessions:
            rows = [_activity(dict(s)) for s in sessions]
            rows = [row for row in rows if row["activity"]] if hide_zero else rows
            path = reverse("gmvmax:rooms", args=[campaign.pk])
            rooms = dataclasses.replace(ROOMS_TABLE, name=f"rooms-{campaign.pk}")
            params = {"startDate": start.isoformat(), "endDate": end.isoformat(), **_own_params(self.request, "r_")}
            if hide_zero:
                params["hide_zero"] = "1"
            table = rooms.bind(self.request, rows, query=params, path=path)
        own = urlencode(_own_params(self.request, "r_"))
        return self.render_to_response(
            self.get_context_data(
                campaign=campaign,
                result=result,
                sessions=sessions,
                table=table,
                chart=rooms_chart(campaign, sessions) if sessions else None,
                totals=selectors.totals_of(sessions) if sessions else None,
                currency=campaign.advertiser.currency,
                range_query=range_query,
                panel_query=f"{range_query}&{own}" if own else range_query,
                colspan=len(ROOMS_TABLE.columns),
                can_export=Role.allows(self.request.role, Role.ANALYST),
                # While a room is live its figures move: the panel asks again once they are stale.
                live_refresh_seconds=settings.GMVMAX_ONGOING_MAX_AGE_SECONDS if any(s["live_status"] == "ONGOING" for s in sessions or ()) else None,
            )
        )



# --- Exports ------------------------------------------------------------------------------


class _ExportView(GmvMaxPageMixin, TenantPageView):
    min_role = Role.ANALYST

    def get(self, request, *args, export_format: str, **kwargs):
        query, _date_range, errors = self.read_query()
        if errors:
            raise InvalidQuery(errors)  # validated before anything streams
        rows = campaigns_for_query(self.tenant, query)  # an unknown shop number: 400 naming it
        return self.export(export_format, query, rows, **kwargs)

    @staticmethod
    def figures(row: dict) -> list:
        return [row[key] for key in FIGURE_COLUMNS]


FIGURE_HEADER = ["cost", "gmv", "orders", "roi", "live_views", "10_second_live_views", "live_follows", "cost_per_live_view"]


class AccountsExportView(_ExportView):
    def export(self, export_format, query, rows, **kwargs):
        header = ["account", "advertiser_id", "currency", "promotion_type", "start_date", "end_date", "campaigns", *FIGURE_HEADER]
        period = [query["promotion_type"], query["startDate"], query["endDate"]]
        accounts = selectors.accounts_report(rows)
        advertiser_ids = self._advertiser_ids([account.advertiser_pk for account in accounts])
        lines = (
            [
                account.name,
                advertiser_ids.get(account.advertiser_pk, ""),
                account.currency,
                *period,
                len(account.campaigns),
                *self.figures(account.totals),
            ]
            for account in accounts
        )
        return export_response(
            export_format, basename=f"gmv-max-accounts-{self.tenant.slug}", header=header, rows=lines, sheet_title="Accounts"
        )

    def _advertiser_ids(self, pks: list[int]) -> dict[int, str]:
        return advertiser_ids_by_pk(self.tenant, pks)


class CampaignsExportView(_ExportView):
    def export(self, export_format, query, rows, **kwargs):
        account = self.request.GET.get("account")
        if account:
            rows = [row for row in rows if str(row["advertiser_pk"]) == account]
        header = ["account", "currency", "campaign_id", "campaign_name", "promotion_type", "start_date", "end_date", *FIGURE_HEADER]
        lines = (
            [
                row["account_name"],
                row["currency"],
                row["campaign_id"],
                row["campaign_name"],
                row["promotion_type"],
                query["startDate"],
                query["endDate"],
                *self.figures(row),
            ]
            for row in rows
        )
        return export_response(
            export_format, basename=f"gmv-max-campaigns-{self.tenant.slug}", header=header, rows=lines, sheet_title="Campaigns"
        )


class RoomsExportView(TenantPageView):
    """The stored live sessions of one campaign for a range (what the rooms table shows)."""

    min_role = Role.ANALYST

    def get(self, request, *args, pk: int, export_format: str, **kwargs):
        campaign = selectors.campaign_get_by_pk(self.tenant, pk=pk)
        query = validated_query(request, RangeQuerySerializer).validated_data
        start, end = query["startDate"], query["endDate"]
        if selectors.room_fetch_covering(self.tenant, campaign=campaign, start=start, end=end) is None:
            raise NotFound("The live sessions of this campaign and range are not fetched yet.", code=GmvMaxError.ROOMS_NOT_FETCHED)
        sessions = selectors.room_sessions(self.tenant, campaign=campaign, start=start, end=end)
        header = ["campaign_id", "room_id", "live_name", "launched_time", "live_status", "live_duration", "currency", *FIGURE_HEADER]
        currency = campaign.advertiser.currency
        lines = (
            [campaign.campaign_id, s["room_id"], s["live_name"], s["launched_time"], s["live_status"], s["live_duration"], currency]
            + [s[key] for key in FIGURE_COLUMNS]
            for s in sessions
        )
        basename = f"gmv-max-rooms-{campaign.campaign_id}"
        return export_response(export_format, basename=basename, header=header, rows=lines, sheet_title="Live sessions")
