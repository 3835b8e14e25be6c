"""Lead subscriptions on the TikTok Business emulator, and the signed callbacks its control route
and the mock-lead call deliver to a real local HTTP endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.conf import settings

from sandbox.emulators.tiktok_business import data
from sandbox.emulators.tiktok_business.leads import lead_callback_body, lead_entry, sign_lead_callback
from sandbox.emulators.tiktok_business.management import instant_pages
from sandbox.emulators.tiktok_business.tokens import auth_code_issue, tokens_revoke
from sandbox.models import BusinessObject

EMULATOR = "tiktok-business"
MY, OUTLET, _, _ = data.fixture_get("demo").advertisers
LARGE = data.fixture_get("large").advertisers[0]
APP = {"app_id": settings.TIKTOK_BUSINESS_APP_ID, "secret": settings.TIKTOK_BUSINESS_APP_SECRET}
PAGE = "7616613432980341010"
NOW = 1_780_000_000


def api(path: str) -> str:
    return f"{settings.SANDBOX_BASE_URL}/{EMULATOR}/open_api/v1.3/{path}"


class Receiver:
    """A local endpoint that keeps what it was sent and answers ``status``."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body, "path": self.path})
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(sandbox):
    receiver = Receiver()
    sandbox.mock.add_passthru(receiver.url)
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW)
    yield receiver
    receiver.close()


@pytest.fixture
def token(sandbox) -> str:
    return requests.post(api("oauth2/access_token/"), json={**APP, "auth_code": auth_code_issue(fixture="demo")}, timeout=30).json()[
        "data"
    ]["access_token"]


def subscribe(token: str, callback_url: str, *, advertiser_id: str = MY.advertiser_id, page_id: str | None = None, **overrides) -> dict:
    detail = {"access_token": token, "advertiser_id": advertiser_id}
    if page_id:
        detail["page_id"] = page_id
    body = {**APP, "subscribe_entity": "LEAD", "callback_url": callback_url, "subscription_detail": detail, **overrides}
    return requests.post(api("subscription/subscribe/"), json=body, timeout=30).json()


def control_leads(payload: dict) -> dict:
    response = requests.post(f"{settings.SANDBOX_BASE_URL}/_control/{EMULATOR}/leads", json=payload, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_subscribe_get_unsubscribe(token):
    first = subscribe(token, "https://crm.example.com/tiktok/leads")
    legacy = requests.post(
        api("subscription/subscribe/"),
        json={
            **APP,
            "object": "LEAD",
            "url": "https://crm.example.com/legacy",
            "subscription_detail": {"access_token": token, "advertiser_id": OUTLET.advertiser_id},
        },
        timeout=30,
    ).json()
    again = subscribe(token, "https://crm.example.com/tiktok/leads")

    assert first["code"] == 0 and legacy["code"] == 0, (first, legacy)
    assert again["data"]["subscription_id"] == first["data"]["subscription_id"]
    listing = requests.get(
        api("subscription/get/"), params={**APP, "subscribe_entity": "LEAD", "page": 1, "page_size": 1}, timeout=30
    ).json()
    assert listing["data"]["page_info"] == {"page": 1, "page_size": 1, "total_number": 2, "total_page": 2}
    [row] = listing["data"]["subscriptions"]
    assert row["subscription_id"] == first["data"]["subscription_id"]
    assert row["callback_url"] == "https://crm.example.com/tiktok/leads"
    assert row["subscription_detail"]["advertiser_id"] == MY.advertiser_id
    assert row["subscription_detail"]["access_token"] == token[:6] + "***"

    gone = requests.post(
        api("subscription/unsubscribe/"), json={**APP, "subscription_id": first["data"]["subscription_id"]}, timeout=30
    ).json()
    twice = requests.post(
        api("subscription/unsubscribe/"), json={**APP, "subscription_id": first["data"]["subscription_id"]}, timeout=30
    ).json()

    assert gone["code"] == 0 and twice["code"] == 40007
    assert list(BusinessObject.objects.filter(kind="subscription").values_list("object_id", flat=True)) == [
        legacy["data"]["subscription_id"]
    ]


@pytest.mark.parametrize(
    ("change", "code", "fragment"),
    [
        ({"secret": "wrong"}, 40101, "app_id and secret"),
        ({"subscribe_entity": "NOPE"}, 40002, "subscribe_entity"),
        ({"callback_url": "ftp://x"}, 40002, "callback_url"),
        ({"subscription_detail": {"advertiser_id": MY.advertiser_id}}, 40002, "access_token"),
        ({"subscription_detail": {"access_token": "act.bogus.sig", "advertiser_id": MY.advertiser_id}}, 40105, "invalid"),
        ({"subscription_detail": "not json"}, 40002, "subscription_detail"),
    ],
)
def test_subscribe_refusals(token, change, code, fragment):
    change = dict(change)
    answer = subscribe(token, change.pop("callback_url", "https://crm.example.com/leads"), **change)

    assert answer["code"] == code, answer
    assert fragment in answer["message"]
    assert not BusinessObject.objects.filter(kind="subscription").exists()


def test_subscribe_refuses_an_advertiser_the_token_does_not_reach(token):
    answer = subscribe(token, "https://crm.example.com/leads", advertiser_id=LARGE.advertiser_id)

    assert answer["code"] == 40001


def test_get_and_unsubscribe_check_the_app(sandbox):
    listing = requests.get(api("subscription/get/"), params={"app_id": APP["app_id"], "secret": "x"}, timeout=30).json()
    missing = requests.post(api("subscription/unsubscribe/"), json={**APP}, timeout=30).json()

    assert listing["code"] == 40101
    assert missing["code"] == 40002 and "subscription_id" in missing["message"]


def test_a_control_lead_reaches_matching_subscribers_signed(token, receiver):
    subscribe(token, f"{receiver.url}/all")
    subscribe(token, f"{receiver.url}/page", page_id=PAGE)
    subscribe(token, f"{receiver.url}/other-page", page_id="7616000000000000001")
    subscribe(token, f"{receiver.url}/outlet", advertiser_id=OUTLET.advertiser_id)
    fields = {"name": "Aigerim S.", "phone_number": "+77011234567", "email": "a@example.com"}

    result = control_leads(
        {"advertiser_id": MY.advertiser_id, "page_id": PAGE, "campaign_id": MY.campaigns[0].campaign_id, "fields": fields}
    )

    [lead] = result["leads"]
    assert sorted(hit["path"] for hit in receiver.received) == ["/all", "/page"]
    assert [delivery["status"] for delivery in lead["deliveries"]] == [200, 200]
    hit = receiver.received[0]
    body = json.loads(hit["body"])
    assert (body["object"], body["time"]) == (1, NOW)
    [entry] = body["entry"]
    assert entry["id"] == lead["lead_id"] and len(entry["id"]) == 19
    assert (entry["advertiser_id"], entry["advertiser_name"], entry["page_id"]) == (MY.advertiser_id, MY.name, PAGE)
    assert (entry["campaign_id"], entry["campaign_name"]) == (MY.campaigns[0].campaign_id, MY.campaigns[0].name)
    assert (entry["lead_source"], entry["create_time"]) == ("INSTANT_FORM", NOW)
    assert entry["changes"] == [
        {"field": "name", "value": "Aigerim S."},
        {"field": "phone_number", "value": "+77011234567"},
        {"field": "email", "value": "a@example.com"},
    ]
    key = settings.TIKTOK_WEBHOOK_SECRET.encode()
    t = hit["headers"]["tiktok-signature"].split(",")[0].removeprefix("t=")
    assert abs(int(t) - time.time()) < 60  # the real time, whatever the sandbox clock says
    assert hit["headers"]["tiktok-signature"] == f"t={t},s=" + hmac.new(key, f"{t}.".encode() + hit["body"], hashlib.sha256).hexdigest()
    assert hit["headers"]["x-tiktok-signature"] == hmac.new(key, hit["body"], hashlib.sha256).hexdigest()
    stored = BusinessObject.objects.get(kind="lead", object_id=lead["lead_id"])
    assert [delivery["status"] for delivery in stored.data["deliveries"]] == [200, 200]


def test_options_key_seed_signature_duplicates_and_failures(token, receiver, sandbox):
    subscribe(token, f"{receiver.url}/hook")
    subscribe(token, "http://127.0.0.1:9/closed")  # nothing listens there
    sandbox.mock.add_passthru("http://127.0.0.1:9")
    sandbox.set_options(EMULATOR, lead_signing_key="app-secret-key", seed_signature=False, duplicate_rate=1)
    receiver.status = 500

    [lead] = control_leads({"advertiser_id": MY.advertiser_id, "fields": {"name": "N"}, "count": 1})["leads"]

    assert [hit["path"] for hit in receiver.received] == ["/hook", "/hook"]
    assert receiver.received[0]["body"] == receiver.received[1]["body"]
    headers = receiver.received[0]["headers"]
    assert "x-tiktok-signature" not in headers
    t = headers["tiktok-signature"].split(",")[0][2:]
    assert headers["tiktok-signature"] == sign_lead_callback(receiver.received[0]["body"], "app-secret-key", int(t))["TikTok-Signature"]
    assert [(d.get("status"), d.get("duplicate", False)) for d in lead["deliveries"]][:2] == [(500, False), (500, True)]
    assert lead["deliveries"][2]["error"] == "ConnectionError"
    first_published = instant_pages(MY)[1]
    assert (lead["entry"]["page_id"], lead["entry"]["page_name"]) == (str(first_published["page_id"]), first_published["title"])


def test_an_ad_names_its_ad_group_campaign_and_page(token, receiver):
    page = instant_pages(MY)[2]
    BusinessObject.objects.create(kind="campaign", advertiser_id=MY.advertiser_id, object_id="1834000000000000001", name="Leads KZ")
    BusinessObject.objects.create(
        kind="adgroup", advertiser_id=MY.advertiser_id, object_id="1834000000000000101", parent_id="1834000000000000001", name="IF form A"
    )
    BusinessObject.objects.create(
        kind="ad",
        advertiser_id=MY.advertiser_id,
        object_id="1834000000000000201",
        parent_id="1834000000000000101",
        name="v1",
        data={"page_id": page["page_id"]},
    )
    subscribe(token, f"{receiver.url}/hook", page_id=str(page["page_id"]))

    [lead] = control_leads({"advertiser_id": MY.advertiser_id, "ad_id": "1834000000000000201", "fields": {"name": "N"}})["leads"]

    entry = json.loads(receiver.received[0]["body"])["entry"][0]
    assert entry == lead["entry"]
    assert [
        entry[key] for key in ("page_id", "page_name", "campaign_id", "campaign_name", "adgroup_id", "adgroup_name", "ad_id", "ad_name")
    ] == [
        str(page["page_id"]),
        page["title"],
        "1834000000000000001",
        "Leads KZ",
        "1834000000000000101",
        "IF form A",
        "1834000000000000201",
        "v1",
    ]


def test_a_revoked_token_ends_its_subscription(token, receiver):
    subscribe(token, f"{receiver.url}/hook")
    tokens_revoke(access_token=token)

    [lead] = control_leads({"advertiser_id": MY.advertiser_id, "fields": {"name": "N"}})["leads"]

    assert lead["deliveries"] == [] and receiver.received == []
    assert BusinessObject.objects.get(kind="subscription").status == "DISABLE"


def test_control_refusals(sandbox):
    url = f"{settings.SANDBOX_BASE_URL}/_control/{EMULATOR}/leads"

    unknown = requests.post(url, json={"advertiser_id": "1", "fields": {}}, timeout=30)
    bad_count = requests.post(url, json={"advertiser_id": MY.advertiser_id, "count": 0}, timeout=30)

    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_advertiser"
    assert bad_count.status_code == 400


def test_mock_create_is_delivered(token, receiver):
    subscribe(token, f"{receiver.url}/hook", page_id=PAGE)

    answer = requests.post(
        api("page/lead/mock/create/"),
        json={"advertiser_id": MY.advertiser_id, "page_id": PAGE},
        headers={"Access-Token": token},
        timeout=30,
    ).json()
    no_page = requests.post(
        api("page/lead/mock/create/"), json={"advertiser_id": MY.advertiser_id}, headers={"Access-Token": token}, timeout=30
    ).json()

    assert answer["code"] == 0, answer
    assert answer["data"]["lead_data"] == {"name": "Test Lead", "phone_number": "+77010000000", "email": "test.lead@example.com"}
    assert answer["data"]["meta_data"]["page_id"] == PAGE
    [hit] = receiver.received
    assert json.loads(hit["body"])["entry"][0]["id"] == answer["data"]["meta_data"]["lead_id"]
    assert no_page["code"] == 40002


def test_body_and_signature_helpers_are_pure():
    entry = lead_entry(advertiser_id="1", lead_id="7000000000000000001", fields={"name": "A"}, create_time=5)
    body = lead_callback_body([entry], request_id="r1", sent_at=10)

    assert body == (
        '{"request_id":"r1","object":1,"time":10,"entry":[{"id":"7000000000000000001","lead_source":"INSTANT_FORM","page_id":"",'
        '"page_name":"","advertiser_id":"1","advertiser_name":"","library_id":"","campaign_id":"","campaign_name":"","adgroup_id":"",'
        '"adgroup_name":"","ad_id":"","ad_name":"","create_time":5,"changes":[{"field":"name","value":"A"}]}]}'
    )
    headers = sign_lead_callback(body, "k", 10)
    assert headers["TikTok-Signature"] == "t=10,s=" + hmac.new(b"k", b"10." + body.encode(), hashlib.sha256).hexdigest()
    assert headers["x-tiktok-signature"] == hmac.new(b"k", body.encode(), hashlib.sha256).hexdigest()
