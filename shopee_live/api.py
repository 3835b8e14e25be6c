"""The seed's Shopee Live API under ``/api/live-streaming/…``, exactly as written (paths, methods,
parameter and field names), plus the QR-code generation the seed mislabels.

Thin views: a serializer validates, a selector reads or a service acts, the answer is the seed's
shape. Accounts are named by ``shopee_account_id`` or by the seed's ``access_token`` (compared
with the stored tokens in constant time; an unknown one is a 401; a caller's token is never sent
to Shopee). Every studio, account and session lookup is scoped by ``request.tenant``: another
tenant's is a 404, the same as a missing one. Shopee failing is a 502/503 with ``retry_after``
(``core.api.exceptions``), never a 500; the session read serves stored figures marked stale.

Roles: viewers read (several of the seed's reads are POSTs), analysts record and sync sessions,
admins connect accounts, edit promotions and give out coins.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from core.api.authentication import ApiKeyUser
from core.api.serializers import ErrorSerializer
from core.api.viewsets import TenantScopedAPIView
from core.exceptions import ApplicationError, Conflict
from core.models import Role
from shopee_live import regions, selectors, serializers, services
from shopee_live.errors import LiveError
from shopee_live.models import LiveSession, QrLoginStatus

TAG = "shopee live"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `fields` names the field."),
    401: OpenApiResponse(
        ErrorSerializer, description="Not signed in, or `access_token` names none of your accounts (`unknown_access_token`)."
    ),
    403: OpenApiResponse(ErrorSerializer, description="Your role does not allow this."),
    404: OpenApiResponse(ErrorSerializer, description="No such studio, account or session in your tenant."),
    409: OpenApiResponse(ErrorSerializer, description="A session with this `session_id` is already recorded."),
    502: OpenApiResponse(ErrorSerializer, description="Shopee answered with an error (`upstream_error`, or the platform's refusal)."),
    503: OpenApiResponse(
        ErrorSerializer, description="Shopee is unavailable or throttling us (`upstream_unavailable`, `rate_limited`); see `retry_after`."
    ),
}
ACCOUNT_PARAMS = [
    OpenApiParameter("shopee_account_id", int, description="The account's id in this product (or give access_token)."),
    OpenApiParameter("access_token", str, description="The seed's way to name an account: must equal a stored token of one of yours."),
]


def _errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


def _acting_user(request):
    return None if isinstance(request.user, ApiKeyUser) else request.user


def _params(request) -> dict:
    """The query string with the JSON body over it: the seed puts some fields in either."""
    params = request.query_params.dict()
    if isinstance(request.data, dict):
        params.update(request.data)
    return params


class _LiveView(TenantScopedAPIView):
    model = LiveSession
    read_role = Role.VIEWER
    write_role = Role.VIEWER  # the seed reads with POST; views that change something raise it
    pagination_class = None

    def account(self, request, params: dict | None = None):
        """The account the request names (``shopee_account_id`` or ``access_token``)."""
        ref = serializers.validated(serializers.AccountRefSerializer, _params(request) if params is None else params)
        return services.account_get(tenant=request.tenant, account_id=ref.get("shopee_account_id"), access_token=ref.get("access_token"))

    def session_account(self, request, session_id: str):
        """The stored session's account; a named account must be that one."""
        session = selectors.session_get(request.tenant, session_id=session_id)
        params = _params(request)
        if params.get("shopee_account_id") or params.get("access_token"):
            named = self.account(request, params)
            if named.pk != session.account_id:
                raise ApplicationError(
                    "This session belongs to another of your Shopee accounts.",
                    code=LiveError.ACCOUNT_NOT_FOUND,
                    extra={"fields": {"shopee_account_id": ["Not the account of this session."]}},
                )
            return session, named
        return session, services.account_get(tenant=request.tenant, account_id=session.account_id)


# --- QR login -------------------------------------------------------------------------------


class QrGenerateView(_LiveView):
    write_role = Role.ADMIN

    @extend_schema(
        summary="Generate a Shopee login QR code (added: the seed mislabels creator/user-info as this)",
        description="Starts a Seller Center QR login for a studio and region. Show `qrcode_image` (a PNG data URI rendered "
        "here, no remote service) and poll qr-status until CONFIRMED, then call qr-login. The code expires at `expires_at`.",
        request=serializers.QrGenerateSerializer,
        responses={200: serializers.QrCodeAnswerSerializer, **_errors(400, 403, 404, 502, 503)},
        tags=[TAG],
    )
    def post(self, request):
        body = serializers.validated(serializers.QrGenerateSerializer, request.data)
        studio = selectors.studio_get(request.tenant, studio_id=body["studio_id"])
        qr_login = services.qr_login_start(tenant=request.tenant, user=_acting_user(request), studio=studio, region=body["region"])
        return Response(serializers.qr_code_body(qr_login, services.qr_universal_link(qr_login)))


class QrStatusView(_LiveView):
    write_role = Role.ADMIN

    @extend_schema(
        summary="Check a login QR code's status",
        description="Asks Shopee where the code stands; once CONFIRMED the account is stored and `shopee_account_id` names it.",
        request=serializers.QrCodeSerializer,
        responses={200: serializers.QrStatusAnswerSerializer, **_errors(400, 403, 404)},
        tags=[TAG],
    )
    def post(self, request):
        body = serializers.validated(serializers.QrCodeSerializer, request.data)
        qr_login = selectors.qr_login_get(request.tenant, qrcode_id=body["qrcode_id"])
        return Response(serializers.qr_status_body(services.qr_login_poll(tenant=request.tenant, qr_login=qr_login)))


class QrLoginView(_LiveView):
    write_role = Role.ADMIN

    @extend_schema(
        summary="Complete a QR login: the connected account",
        description="Once the code is CONFIRMED the account is stored (its Seller Center session encrypted). The seed answered "
        "with Shopee's token; this product never hands out credentials: `access_token` is masked and `shopee_account_id` "
        "names the account in every other call. A code not confirmed yet is a 409 with its status; an expired or "
        "cancelled one a 410 (`qr_expired`): generate a new one.",
        request=serializers.QrCodeSerializer,
        responses={200: serializers.QrLoginAnswerSerializer, **_errors(400, 403, 404, 409)},
        tags=[TAG],
    )
    def post(self, request):
        body = serializers.validated(serializers.QrCodeSerializer, request.data)
        qr_login = selectors.qr_login_get(request.tenant, qrcode_id=body["qrcode_id"])
        qr_login = services.qr_login_poll(tenant=request.tenant, qr_login=qr_login)
        if qr_login.status in (QrLoginStatus.EXPIRED, QrLoginStatus.CANCELED):
            raise ApplicationError(qr_login.message or "This code expired. Scan again.", code=LiveError.QR_EXPIRED, status=410)
        if qr_login.status != QrLoginStatus.CONFIRMED or qr_login.account_id is None:
            raise Conflict(
                "The code is not confirmed yet: scan it with the Shopee app and confirm, then ask again.",
                extra={"qr_status": qr_login.status},
            )
        account = services.account_get(tenant=request.tenant, account_id=qr_login.account_id)
        return Response(serializers.qr_login_body(account))


# --- Creator --------------------------------------------------------------------------------


class CreatorUserInfoView(_LiveView):
    @extend_schema(
        summary="Creator user info (user_id, username, shop_id, follower_count)",
        parameters=ACCOUNT_PARAMS,
        request=None,
        responses={200: OpenApiResponse(description="`{user_id, username, shop_id, follower_count}`"), **_errors(400, 401, 404, 502, 503)},
        tags=[TAG],
    )
    def post(self, request):
        account = self.account(request)
        return Response(serializers.upstream_body(services.creator_user_info(account), account.currency))


class CreatorSessionListView(_LiveView):
    @extend_schema(
        summary="The creator's live sessions as Shopee lists them",
        parameters=[*ACCOUNT_PARAMS, OpenApiParameter("page", int), OpenApiParameter("page_size", int, description="1–100, default 10.")],
        request=None,
        responses={200: serializers.StatusDataSerializer, **_errors(400, 401, 404, 502, 503)},
        tags=[TAG],
    )
    def post(self, request):
        params = _params(request)
        query = serializers.validated(serializers.CreatorSessionListQuerySerializer, params)
        account = self.account(request, params)
        answer = services.creator_session_list(account, query["page"], query["page_size"])
        return Response(serializers.success_body(answer, account.currency))


# --- Sessions -------------------------------------------------------------------------------


class SessionsView(_LiveView):
    write_role = Role.ANALYST

    @extend_schema(
        summary="Stored live sessions, newest first (a bare list)",
        parameters=[serializers.SessionListQuerySerializer],
        responses={200: serializers.SessionSerializer(many=True), **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = serializers.validated(serializers.SessionListQuerySerializer, request.query_params)
        sessions = selectors.session_list(
            request.tenant,
            studio_id=query.get("studio_id"),
            account_id=query.get("shopee_account_id"),
            status=query.get("status") or None,
            skip=query["skip"],
            limit=query["limit"],
        )
        return Response(serializers.SessionSerializer(sessions, many=True).data)

    @extend_schema(
        summary="Record a live session (analyst)",
        description="Links (or creates) the host from `streamer_id`/`streamer_name`. Figures start at zero and come from "
        "the sync. A `session_id` already recorded is a 409 naming the field.",
        request=serializers.SessionCreateSerializer,
        responses={201: serializers.SessionSerializer, **_errors(400, 403, 404, 409)},
        tags=[TAG],
    )
    def post(self, request):
        body = serializers.validated(serializers.SessionCreateSerializer, request.data)
        studio = selectors.studio_get(request.tenant, studio_id=body["studio_id"])
        account = selectors.account_for_tenant(request.tenant, account_id=body["shopee_account_id"])
        session = services.session_create(
            studio=studio,
            account=account,
            session_id=body["session_id"],
            session_name=body["session_name"],
            streamer_id=body["streamer_id"],
            streamer_name=body["streamer_name"],
        )
        session = selectors.session_get(request.tenant, session_id=session.session_id)
        return Response(serializers.SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailView(_LiveView):
    @extend_schema(
        summary="One live session with its dashboard overview and items",
        description="Refreshed from Shopee first when its figures are over a minute old, it isn't final and its account is "
        "connected. When Shopee fails the stored figures are served with `stale: true`, their age and the reason.",
        responses={200: serializers.SessionDetailSerializer, **_errors(404)},
        tags=[TAG],
    )
    def get(self, request, session_id: str):
        read = services.session_read(request.tenant, session_id=session_id)
        return Response(serializers.session_detail_body(read, selectors.session_items(read.session)))


class SessionSyncView(_LiveView):
    write_role = Role.ANALYST

    @extend_schema(
        summary="Sync one session from Shopee now (analyst)",
        request=serializers.SessionSyncSerializer,
        responses={200: serializers.SessionSyncResultSerializer, **_errors(400, 401, 403, 404, 502, 503)},
        tags=[TAG],
    )
    def post(self, request):
        body = serializers.validated(serializers.SessionSyncSerializer, request.data)
        studio = selectors.studio_get(request.tenant, studio_id=body["studio_id"])
        account = self.account(request, body)
        session = services.session_sync_requested(studio=studio, account=account, session_id=body["session_id"])
        figures = {
            "total_viewers": session.total_viewers,
            "total_orders": session.total_orders,
            "total_revenue": serializers.money_number(session.total_revenue, session.currency),
            "currency": session.currency,
            "synced_at": session.synced_at.isoformat().replace("+00:00", "Z") if session.synced_at else None,
        }
        return Response({"status": "success", "session_id": session.session_id, "data": figures})


# --- Promotions, items, campaigns (Seller Center, read through the account) ------------------


def _account_read(summary: str, function_name: str, shape: str, *, wrapped: bool):
    """A view of one of the seed's POST reads: the account it names, one service call, the
    answer as is or (``wrapped``) as the seed's ``{status: "success", data}``."""

    class AccountReadView(_LiveView):
        @extend_schema(
            summary=summary,
            parameters=ACCOUNT_PARAMS,
            request=None,
            responses={200: OpenApiResponse(description=shape), **_errors(400, 401, 404, 502, 503)},
            tags=[TAG],
        )
        def post(self, request):
            account = self.account(request)
            answer = getattr(services, function_name)(account)
            body = serializers.success_body(answer, account.currency) if wrapped else serializers.upstream_body(answer, account.currency)
            return Response(body)

    AccountReadView.__name__ = AccountReadView.__qualname__ = "".join(part.title() for part in function_name.split("_")) + "View"
    return AccountReadView


StreamingPromotionsView = _account_read(
    "Streamers of the account's streaming promotions",
    "streaming_promotions",
    "`{streamers: [{streamer_id, name, followers}], total}`",
    wrapped=False,
)
PromotionsTodayView = _account_read(
    "Today's promotions with budget and spend",
    "promotions_today",
    "`{status, data: {promotions: [{promotion_id, name, budget, spent, status, currency}], currency, stale, age_seconds, "
    "stale_reason}}`: when Shopee can't be read, the stored promotions marked stale.",
    wrapped=True,
)
CampaignExpenseTodayView = _account_read(
    "Today's campaign expense",
    "campaign_expense_today",
    "`{status, data: {total_spend, campaign_count, campaigns, currency}}`",
    wrapped=True,
)
AdsDataView = _account_read(
    "Today's ads figures",
    "ads_data",
    "`{status, data: {total_impressions, total_clicks, total_spend, total_gmv, roi, currency}}`",
    wrapped=True,
)


class PromotionEditView(_LiveView):
    write_role = Role.ADMIN

    @extend_schema(
        summary="Rename a promotion or change its budget (admin)",
        description="`budget` in the account's currency: below zero, or above the account's promotion budget limit, is a 400 "
        "naming `budget` and nothing is sent to Shopee.",
        parameters=ACCOUNT_PARAMS,
        request=serializers.PromotionEditSerializer,
        responses={200: serializers.StatusDataSerializer, **_errors(400, 401, 403, 404, 502, 503)},
        tags=[TAG],
    )
    def post(self, request):
        body = serializers.validated(serializers.PromotionEditSerializer, request.data)
        account = self.account(request)
        answer = services.promotion_edit(account, body["promotion_id"], name=body.get("name"), budget=body.get("budget"))
        return Response(serializers.success_body(answer, account.currency))


class ItemPromotionsView(_LiveView):
    @extend_schema(
        summary="Items of the account's promotions",
        parameters=[*ACCOUNT_PARAMS, OpenApiParameter("offset", int), OpenApiParameter("limit", int, description="1–100, default 50.")],
        request=None,
        responses={
            200: OpenApiResponse(description="`{items: [{item_id, name, price, stock}], total, currency}`"),
            **_errors(400, 401, 404, 502, 503),
        },
        tags=[TAG],
    )
    def post(self, request):
        params = _params(request)
        query = serializers.validated(serializers.ItemPromotionQuerySerializer, params)
        account = self.account(request, params)
        answer = services.item_promotions(account, query["offset"], query["limit"])
        return Response(serializers.upstream_body(answer, account.currency))


class ItemPromotionDetailView(_LiveView):
    @extend_schema(
        summary="One item promotion",
        operation_id="live_streaming_items_promotion_detail",
        parameters=ACCOUNT_PARAMS,
        request=None,
        responses={200: OpenApiResponse(description="The promotion with its items."), **_errors(400, 401, 404, 502, 503)},
        tags=[TAG],
    )
    def post(self, request, promo_id: str):
        params = _params(request)
        query = serializers.validated(serializers.ItemPromotionQuerySerializer, params)
        account = self.account(request, params)
        answer = services.item_promotion_detail(account, promo_id, query["offset"], query["limit"])
        return Response(serializers.upstream_body(answer, account.currency))


# --- Coins ----------------------------------------------------------------------------------


class CoinStartView(_LiveView):
    write_role = Role.ADMIN

    @extend_schema(
        summary="Start a coin distribution in a live session (admin)",
        parameters=ACCOUNT_PARAMS,
        request=serializers.CoinStartSerializer,
        responses={200: OpenApiResponse(description="`{status, coins_distributed}`"), **_errors(400, 401, 403, 404, 502, 503)},
        tags=[TAG],
    )
    def post(self, request, session_id: str):
        session, account = self.session_account(request, session_id)
        body = serializers.validated(serializers.CoinStartSerializer, request.data)
        answer = services.coin_start(account, session.session_id, body["total_coins"], body["distribution_mode"])
        return Response(serializers.upstream_body(answer, account.currency))


class CoinGiveoutView(_LiveView):
    write_role = Role.ADMIN

    @extend_schema(
        summary="Give out coins to viewers of a live session (admin)",
        parameters=ACCOUNT_PARAMS,
        request=serializers.CoinGiveoutSerializer,
        responses={
            200: OpenApiResponse(description="`{status, amount, recipient_count, coins_given}`"),
            **_errors(400, 401, 403, 404, 502, 503),
        },
        tags=[TAG],
    )
    def post(self, request, session_id: str):
        session, account = self.session_account(request, session_id)
        body = serializers.validated(serializers.CoinGiveoutSerializer, request.data)
        answer = services.coin_giveout(account, session.session_id, body["amount"], body["recipient_count"])
        return Response(serializers.upstream_body(answer, account.currency))


class CoinRewardInfoView(_LiveView):
    @extend_schema(
        summary="Coins distributed, claimed and their value in a live session",
        parameters=ACCOUNT_PARAMS,
        responses={
            200: OpenApiResponse(description="`{total_distributed, total_claimed, total_value, currency}`"),
            **_errors(400, 401, 404, 502, 503),
        },
        tags=[TAG],
    )
    def get(self, request, session_id: str):
        session, account = self.session_account(request, session_id)
        return Response(serializers.upstream_body(services.coin_reward_info(account, session.session_id), account.currency))


# --- Live status ----------------------------------------------------------------------------


class ShopStatusView(_LiveView):
    @extend_schema(
        summary="Whether a shop is live now",
        parameters=[*ACCOUNT_PARAMS, OpenApiParameter("uid", str, required=True, description="The Shopee user id to check.")],
        request=None,
        responses={200: OpenApiResponse(description="`{is_live, current_session_id, viewers_count}`"), **_errors(400, 401, 404, 502, 503)},
        tags=[TAG],
    )
    def post(self, request):
        params = _params(request)
        query = serializers.validated(serializers.ShopStatusQuerySerializer, params)
        account = self.account(request, params)
        return Response(serializers.upstream_body(services.shop_live_status(account, query["uid"]), account.currency))


# --- Analytics ------------------------------------------------------------------------------


class AnalyticsView(_LiveView):
    @extend_schema(
        summary="Daily live analytics (a bare list, one row per day)",
        description="Days in each account's region's time zone, computed from the stored sessions. Amounts in `currency`: "
        "the scope's own when its accounts share one, else the tenant's reporting currency at each day's FX rate.",
        parameters=[serializers.AnalyticsQuerySerializer],
        responses={200: serializers.AnalyticsDaySerializer(many=True), **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = serializers.validated(serializers.AnalyticsQuerySerializer, request.query_params)
        days = selectors.analytics_daily(
            request.tenant,
            studio_id=query.get("studio_id"),
            account_id=query.get("shopee_account_id"),
            start=query["start_date"],
            end=query["end_date"],
        )
        return Response([serializers.analytics_day_body(day) for day in days])


class AnalyticsSummaryView(_LiveView):
    @extend_schema(
        summary="Live analytics over the last `days` days",
        parameters=[serializers.AnalyticsSummaryQuerySerializer],
        responses={200: serializers.AnalyticsSummarySerializer, **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = serializers.validated(serializers.AnalyticsSummaryQuerySerializer, request.query_params)
        summary = selectors.analytics_summary(
            request.tenant, studio_id=query.get("studio_id"), account_id=query.get("shopee_account_id"), days=query["days"]
        )
        return Response(serializers.analytics_summary_body(summary))


# --- Links ----------------------------------------------------------------------------------


class ShareLinkView(_LiveView):
    @extend_schema(
        summary="A live session's share link on its region's domain",
        responses={200: serializers.ShareLinkSerializer, **_errors(404)},
        tags=[TAG],
    )
    def get(self, request, session_id: str):
        session = selectors.session_get(request.tenant, session_id=session_id)
        link = regions.share_link(region=session.account.region, session_id=session.session_id, share_user_id=session.account.user_id)
        return Response({"share_link": link})


class ProductUrlView(_LiveView):
    @extend_schema(
        summary="A product's URL on its region's domain",
        description="The region of your account with this `shop_id`; else the `region` parameter (default ID).",
        parameters=[serializers.ProductUrlQuerySerializer],
        responses={200: serializers.ProductUrlSerializer, **_errors(400)},
        tags=[TAG],
    )
    def get(self, request):
        query = serializers.validated(serializers.ProductUrlQuerySerializer, request.query_params)
        account = selectors.accounts_for_tenant(request.tenant).filter(shop_id=query["shop_id"]).first()
        region = account.region if account is not None else query.get("region") or "ID"
        return Response(
            {"product_url": regions.product_url(region=region, shop_id=query["shop_id"], item_id=query["item_id"]), "region": region}
        )
