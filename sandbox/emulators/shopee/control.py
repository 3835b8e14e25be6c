"""Control endpoints of the Shopee emulators (sandbox-only, under ``/sandbox/_control/``).

GET  shopee/accounts?fixture=demo      accounts: key, user_id, shop_id, region, currency, schedule, ongoing session ids
GET  shopee/clock                      the Shopee clock (both emulators)
POST shopee/clock                      {"frozen_at": unix|null} and/or {"offset_seconds": n} or {"advance_seconds": n}
POST shopee/codes                      {"account": "demo-id-1"} -> {"code", "user_id", "shop_id"}, as auth_partner issues it
POST shopee/tokens/expire              {"account"}: its access tokens expire now (refresh tokens stay good)
POST shopee/tokens/revoke              {"account"}: its access and refresh tokens stop working
POST shopee/connect                    {"account"} -> Open Platform tokens and a web SPC_EC cookie, no consent page or QR;
                                       {"fixture": "bench"} -> {"accounts": [...]}, every account of the fixture at once
POST shopee-web/qr/confirm             {"qrcode_id", "account", "action": "confirm"|"scan"|"cancel"}: the account's phone answers the QR
POST shopee-web/sessions/expire        {"account"}: its SPC_EC cookies expire now
"""

from __future__ import annotations

from django.http import HttpRequest

from core.exceptions import ApplicationError
from sandbox.control import _json_object, emulator_clock_control
from sandbox.emulators.shopee.data import FIXTURES, accounts, sandbox_now
from sandbox.emulators.shopee.emulator import principal_id_for, shopee, shopee_web
from sandbox.emulators.shopee.sessions import ongoing_sessions
from sandbox.emulators.shopee.tokens import (
    ACCESS_TOKEN_SECONDS,
    account_require,
    auth_code_issue,
    qr_confirm,
    tokens_expire,
    tokens_issue,
    tokens_revoke,
    web_session_issue,
    web_sessions_expire,
)
from sandbox.framework import json_response


@shopee.control_route("accounts", methods=("GET",), name="accounts")
def accounts_list(request: HttpRequest):
    fixture = request.GET.get("fixture") or None
    if fixture is not None and fixture not in FIXTURES:
        raise ApplicationError(f"No fixture {fixture!r}; fixtures: {', '.join(FIXTURES)}.", code="unknown_fixture", status=404)
    now = sandbox_now()
    with_ongoing = request.GET.get("ongoing") != "0"
    return json_response(
        {
            "now": now,
            "accounts": [
                {
                    **account.describe(),
                    "principal_id": principal_id_for(account),
                    **({"ongoing_session_ids": [s.session_id for s in ongoing_sessions(account, now)]} if with_ongoing else {}),
                }
                for account in accounts(fixture)
            ],
        }
    )


@shopee.control_route("clock", methods=("GET", "POST"), name="clock")
def clock(request: HttpRequest):
    return emulator_clock_control(request, emulator=shopee.name, now=sandbox_now)


@shopee.control_route("codes", methods=("POST",), name="codes")
def codes(request: HttpRequest):
    account = account_require(_json_object(request).get("account"))
    return json_response(
        {"code": auth_code_issue(account=account.key), "account": account.key, "user_id": account.user_id, "shop_id": account.shop_id}
    )


@shopee.control_route("tokens/expire", methods=("POST",), name="tokens-expire")
def expire(request: HttpRequest):
    return json_response({"expired": tokens_expire(account=str(_json_object(request).get("account") or ""))})


@shopee.control_route("tokens/revoke", methods=("POST",), name="tokens-revoke")
def revoke(request: HttpRequest):
    return json_response({"revoked": tokens_revoke(account=str(_json_object(request).get("account") or ""))})


def account_connect(key: str) -> dict:
    """Everything a client needs for an account on both surfaces, without the consent page or a QR."""
    account = account_require(key)
    pair = tokens_issue(account=account.key)
    web = web_session_issue(account=account.key)
    return {
        **account.describe(),
        "principal_id": principal_id_for(account),
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "expire_in": ACCESS_TOKEN_SECONDS,
        "spc_ec": web.token,
        "cookie_expires_at": web.expires_at,
    }


@shopee.control_route("connect", methods=("POST",), name="connect")
def connect(request: HttpRequest):
    data = _json_object(request)
    fixture = data.get("fixture")
    if fixture:
        if fixture not in FIXTURES:
            raise ApplicationError(f"No fixture {fixture!r}; fixtures: {', '.join(FIXTURES)}.", code="unknown_fixture", status=404)
        return json_response({"accounts": [account_connect(account.key) for account in accounts(fixture)]})
    return json_response(account_connect(str(data.get("account") or "")))


@shopee_web.control_route("qr/confirm", methods=("POST",), name="qr-confirm")
def confirm(request: HttpRequest):
    data = _json_object(request)
    qr = qr_confirm(
        qrcode_id=str(data.get("qrcode_id") or ""), account=str(data.get("account") or ""), action=str(data.get("action") or "confirm")
    )
    return json_response({"qrcode_id": qr.qrcode_id, "status": qr.status, "account": qr.account})


@shopee_web.control_route("sessions/expire", methods=("POST",), name="sessions-expire")
def sessions_expire(request: HttpRequest):
    return json_response({"expired": web_sessions_expire(account=str(_json_object(request).get("account") or ""))})
