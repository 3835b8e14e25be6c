"""Control endpoints of the ``tiktok-business`` emulator (under ``/sandbox/_control/``).

GET  tiktok-business/fixtures        fixtures, their advertisers, stores and campaign counts
GET  tiktok-business/clock           the sandbox clock
POST tiktok-business/clock           {"frozen_at": unix|null} and/or {"offset_seconds": n} or {"advance_seconds": n}
POST tiktok-business/codes           {"fixture": "demo"} -> {"code": ...}, as the authorize page issues it
POST tiktok-business/tokens/revoke   {"fixture": "demo"} (every token of it) or {"access_token": ...}
POST tiktok-business/leads           {"advertiser_id", "page_id"?, "campaign_id"?, "adgroup_id"?, "ad_id"?,
                                     "fields": {"name", "phone_number", "email", ...}, "count"?: 1..100}: new
                                     leads, delivered to the LEAD subscriptions (``leads.py``)
"""

from __future__ import annotations

from django.http import HttpRequest

from core.exceptions import ApplicationError
from sandbox.control import _json_object, emulator_clock_control
from sandbox.emulators.tiktok_business.data import FIXTURES, fixture_get, sandbox_now
from sandbox.emulators.tiktok_business.emulator import tiktok_business
from sandbox.emulators.tiktok_business.leads import advertiser_find, lead_create, lead_deliver
from sandbox.emulators.tiktok_business.tokens import auth_code_issue, tokens_revoke
from sandbox.framework import json_response


def _fixture(value) -> str:
    if value not in FIXTURES:
        raise ApplicationError(f"No fixture {value!r}; fixtures: {', '.join(FIXTURES)}.", code="unknown_fixture", status=404)
    return value


@tiktok_business.control_route("fixtures", methods=("GET",), name="fixtures")
def fixtures(request: HttpRequest):
    return json_response(
        {
            key: [
                {
                    **advertiser.describe(),
                    "stores": [store.describe() for store in advertiser.stores],
                    "campaigns": len(advertiser.campaigns),
                }
                for advertiser in fixture_get(key).advertisers
            ]
            for key in FIXTURES
        }
    )


@tiktok_business.control_route("clock", methods=("GET", "POST"), name="clock")
def clock(request: HttpRequest):
    return emulator_clock_control(request, emulator=tiktok_business.name, now=sandbox_now)


@tiktok_business.control_route("codes", methods=("POST",), name="codes")
def codes(request: HttpRequest):
    fixture = _fixture(_json_object(request).get("fixture", "demo"))
    return json_response({"code": auth_code_issue(fixture=fixture), "fixture": fixture})


@tiktok_business.control_route("tokens/revoke", methods=("POST",), name="tokens-revoke")
def revoke(request: HttpRequest):
    data = _json_object(request)
    fixture = data.get("fixture")
    token = data.get("access_token")
    if not fixture and not token:
        raise ApplicationError("Name a fixture or an access_token.", code="invalid_request")
    try:
        return json_response(tokens_revoke(fixture=_fixture(fixture) if fixture else None, access_token=token))
    except ValueError as exc:
        raise ApplicationError(str(exc), code="invalid_request")


LEADS_PER_CALL = 100


@tiktok_business.control_route("leads", methods=("POST",), name="leads")
def leads(request: HttpRequest):
    data = _json_object(request)
    advertiser = advertiser_find(str(data.get("advertiser_id") or ""))
    if advertiser is None:
        raise ApplicationError("No fixture advertiser with that advertiser_id.", code="unknown_advertiser", status=404)
    fields = data.get("fields") or {}
    count = data.get("count", 1)
    if not isinstance(fields, dict):
        raise ApplicationError("fields must be an object of field → value.", code="invalid_request")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= LEADS_PER_CALL:
        raise ApplicationError(f"count must be an integer from 1 to {LEADS_PER_CALL}.", code="invalid_request")
    ids = {name: str(data.get(name) or "") for name in ("page_id", "campaign_id", "adgroup_id", "ad_id")}
    created = []
    for _ in range(count):
        lead = lead_create(advertiser, fields=fields, **ids)
        created.append({"lead_id": lead.object_id, "entry": lead.data["entry"], "deliveries": lead_deliver(lead)})
    return json_response({"leads": created})
