from core.registry import BeatEntry, NavEntry, PlatformAppConfig, ScheduleOption


class GmvmaxConfig(PlatformAppConfig):
    default = True  # apps.py also imports the base class
    name = "gmvmax"
    verbose_name = "GMV Max"
    nav_group = "Ads & GMV Max"
    nav = (NavEntry("GMV Max", "gmvmax:table"),)
    labels = {
        "live_status": {"ONGOING": "Live now", "END": "Ended"},
        "promotion_type": {"LIVE_GMV_MAX": "LIVE GMV Max", "PRODUCT_GMV_MAX": "Product GMV Max"},
        "campaign_status": {"ENABLE": "Active", "DISABLE": "Paused"},
        "sync_kind": {"gmvmax.room_fetch": "Live rooms from TikTok", "gmvmax.stats_backfill": "GMV Max history backfill"},
    }
    beat_schedules = (BeatEntry("GMV Max recent days sync", "gmvmax.tasks.recent_days_sync_all_task", {"minute": "7,37"}, expires=2700),)
    schedules = (
        ScheduleOption("gmvmax.recent_days", "GMV Max recent days sync", every_minutes=30, choices=(30, 60, 180, 360), hint="Campaign figures of the last days, which TikTok still revises"),
    )
    sync_runners = {
        "gmvmax.room_fetch": "gmvmax.tasks.room_fetch_part_task",  # RunKind.ROOM_FETCH
        "gmvmax.stats_backfill": "gmvmax.tasks.stats_backfill_part_task",  # RunKind.STATS_BACKFILL
    }

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        from gmvmax.demo import demo_seed

        demo_seed(tenant, upstreams=upstreams)

    def search(self, tenant, query: str, *, limit: int):
        """Campaigns by id or name and live rooms by id or title; each opens the GMV Max page on
        the days it has figures, its account expanded (and a room's campaign with its rooms)."""
        from urllib.parse import urlencode

        from django.urls import reverse

        from core.registry import SearchResult
        from gmvmax.selectors import search_hits

        results = []
        for hit in search_hits(tenant, query, limit=limit):
            params = {"promotion_type": hit.promotion_type, "open": hit.account_pk, "trend": hit.campaign_pk}
            if hit.first_day and hit.last_day:
                params.update(startDate=hit.first_day.isoformat(), endDate=hit.last_day.isoformat())
            if hit.kind == "room":
                params["campaign"] = hit.campaign_pk
            url = f"{reverse('gmvmax:table')}?{urlencode(params)}#campaign-{hit.campaign_pk}"
            if hit.kind == "campaign":
                results.append(SearchResult("GMV Max campaign", hit.title, url, f"{hit.identifier} · {hit.account_name}"))
            else:
                results.append(SearchResult("Live session", hit.title, url, f"Room {hit.identifier} · {hit.campaign_name}"))
        return results

    def overview(self, tenant, date_range):
        """GMV Max cost per day and ad account (the range and its comparison span), and when
        campaign figures were last stored."""
        from django.urls import reverse

        from core.registry import DailyFigure, Freshness, Overview
        from gmvmax.selectors import ad_spend_by_day, stats_last_fetched

        spans = [(date_range.start, date_range.end)]
        if date_range.compare_start is not None:
            spans.append((date_range.compare_start, date_range.compare_end))
        figures = [
            DailyFigure(row["day"], source=row["account"], currency=row["currency"], ad_spend=row["cost"]) for row in ad_spend_by_day(tenant, spans)
        ]
        freshness = [Freshness("GMV Max reports", stats_last_fetched(tenant), reverse("gmvmax:table"))]
        return Overview(figures=figures, freshness=freshness)
