"""Live now (``/live/``): a card per ongoing session, refreshed in place every
``LIVE_REFRESH_SECONDS`` (htmx polls the ``live-cards`` partial, as the seed's dashboard polled
every 30 s), with each account's last sync and a stale marker when it failed or is old."""

from __future__ import annotations

from django.utils import timezone

from core.web import application_error_response
from shopee_live import selectors
from shopee_live.views.common import LivePageView, query_without

LIVE_REFRESH_SECONDS = 30


class LiveNowView(LivePageView):
    template_name = "shopee_live/live.html"

    def get(self, request, *args, **kwargs):
        self.read_filters()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        now = timezone.now()
        cards = selectors.live_cards(self.tenant, studio_id=self.studio_id, account_id=self.account_id, now=now)
        freshness = selectors.accounts_freshness(self.tenant, studio_id=self.studio_id, account_id=self.account_id, now=now)
        return self.base_context(
            cards=cards,
            freshness=freshness,
            stale_accounts=[row for row in freshness if row.stale],
            refresh_seconds=LIVE_REFRESH_SECONDS,
            refreshed_at=now,
            filter_query=query_without(self.request),
            **kwargs,
        )


class LiveCardsView(LiveNowView):
    """The cards alone, for the page's htmx refresh; a refused filter is core's error fragment."""

    template_name = "shopee_live/partials/live_cards.html"

    def handle_application_error(self, exc):
        return application_error_response(self.request, exc)
