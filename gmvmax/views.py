"""The GMV Max page (``/gmv-max/``, also at the seed's ``/debug-table-ikram``): accounts →
campaigns → (LIVE only) live rooms loaded on demand, with totals, a live-metrics toggle and CSV
exports per level.

The filters use the API's parameter names (``promotion_type``, ``startDate``, ``endDate``,
``shopNumber``) and its validation: a bad query re-renders the page with the message and a 400.
The rooms partial answers with the table when the rooms are stored, else with a "Loading live
sessions..." panel that polls itself (htmx, every second) until the worker is done, or with the
upstream error and a Retry button. Days of the range never fetched are backfilled the same way:
the table shows what is stored under a "Fetching 12 Jan – 31 Mar from TikTok…" panel that polls
the backfill and reloads the page when it is done (or shows the error with Retry).
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.utils import timezone

from core.exceptions import ApplicationError, NotFound
from core.exports import export_response
from core.models import Role
from core.selectors import sync_run_progress
from core.timezones import zone_or_utc
from core.web import InvalidQuery, TenantPageView, validated_query
from gmvmax import selectors
from gmvmax.errors import GmvMaxError
from gmvmax.models import PromotionType
from gmvmax.selectors import campaigns_for_query
from gmvmax.serializers import CampaignQuerySerializer, RangeQuerySerializer
from gmvmax.services import range_text, room_sessions_get, stats_backfill_request, stats_backfill_retry
from tiktok_ads.selectors import advertiser_ids_by_pk, shop_numbers

METRIC_LABELS = {PromotionType.LIVE: "LIVE GMV MAX (Marketing API)", PromotionType.PRODUCT: "PRODUCT GMV MAX (Marketing API)"}
FIGURE_COLUMNS = ["cost", "gmv", "orders", "roi", "live_views", "ten_second_live_views", "live_follows", "cost_per_view"]


def _defaults(tenant) -> dict:
    """The last 7 days ending yesterday, LIVE GMV MAX, every shop."""
    today = timezone.localdate(timezone=_zone(tenant))
    return {
        "promotion_type": PromotionType.LIVE,
        "startDate": (today - timedelta(days=7)).isoformat(),
        "endDate": (today - timedelta(days=1)).isoformat(),
    }


def _zone(tenant):
    return zone_or_utc(tenant.time_zone)


class GmvMaxPageMixin:
    def read_query(self):
        data = {**_defaults(self.tenant), **{key: value for key, value in self.request.GET.items() if value != ""}}
        self.form_values = data
        serializer = CampaignQuerySerializer(data=data)
        if not serializer.is_valid():
            return None, serializer.errors
        return serializer.validated_data, None

    def query_string(self, query: dict, **extra) -> str:
        params = {
            "promotion_type": query["promotion_type"],
            "startDate": query["startDate"].isoformat(),
            "endDate": query["endDate"].isoformat(),
        }
        if query.get("shopNumber"):
            params["shopNumber"] = query["shopNumber"]
        params.update(extra)
        return urlencode(params)


class GmvMaxTableView(GmvMaxPageMixin, TenantPageView):
    template_name = "gmvmax/table.html"

    def get(self, request, *args, **kwargs):
        query, errors = self.read_query()
        context = self.get_context_data(
            form=self.form_values,
            metrics=list(METRIC_LABELS.items()),
            shops=shop_numbers(self.tenant),
            yesterday=(timezone.localdate(timezone=_zone(self.tenant)) - timedelta(days=1)).isoformat(),
            can_export=Role.allows(request.role, Role.ANALYST),
            query_errors=errors,
        )
        if errors:
            return self.render_to_response(context, status=400)
        try:
            rows = campaigns_for_query(self.tenant, query)
        except ApplicationError as exc:
            context["query_errors"] = exc.extra.get("fields") or {"shopNumber": [exc.message]}
            return self.render_to_response(context, status=400)
        accounts = selectors.accounts_report(rows)
        answer = stats_backfill_request(
            tenant=self.tenant, start=query["startDate"], end=query["endDate"], shop_number=query.get("shopNumber")
        )
        context.update(
            backfill=backfill_context(answer.run) if not answer.complete else None,
            query=query,
            is_live=query["promotion_type"] == PromotionType.LIVE,
            metric_label=METRIC_LABELS[query["promotion_type"]],
            accounts=accounts,
            grand_totals=selectors.totals_by_currency(accounts),
            query_string=self.query_string(query),
            range_query=urlencode({"startDate": query["startDate"].isoformat(), "endDate": query["endDate"].isoformat()}),
        )
        return self.render_to_response(context)


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
        return self.render_to_response(
            self.get_context_data(
                campaign=campaign,
                result=result,
                sessions=sessions,
                totals=selectors.totals_of(sessions) if sessions else None,
                currency=campaign.advertiser.currency,
                range_query=range_query,
                can_export=Role.allows(self.request.role, Role.ANALYST),
            )
        )


# --- Exports ------------------------------------------------------------------------------


class _ExportView(GmvMaxPageMixin, TenantPageView):
    min_role = Role.ANALYST

    def get(self, request, *args, export_format: str, **kwargs):
        query, errors = self.read_query()
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
