"""The app's Business API client against the sandbox: video upload streamed from disk (MD5 part
last), by URL, info in batches, a retried upload re-sending the whole body; lead subscriptions
and test leads."""

from __future__ import annotations

import hashlib

import pytest

from core.http import BadRequest, Misconfigured
from sandbox.models import BusinessObject
from tests.fixtures.media import mp4_bytes
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import Advertiser

EMULATOR = "tiktok-business"
CLIP = mp4_bytes(width=1080, height=1920, seconds=21.0, payload=2 * 1024 * 1024 + 5)


@pytest.fixture
def advertiser(sandbox, tenant_a):
    connect_business(tenant_a)
    return Advertiser.objects.for_tenant(tenant_a).select_related("connection").get(name="Glow Corner MY")


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "promo.mp4"
    path.write_bytes(CLIP)
    return path


def test_video_upload_file_streams_and_reports_progress(advertiser, clip, sandbox):
    progress = []
    client = BusinessApiClient.for_advertiser(advertiser)

    video = client.video_upload_file(
        advertiser.advertiser_id, clip, file_name="Promo 1", timeout=(5, 60), on_progress=lambda *p: progress.append(p)
    )

    assert video["video_id"].startswith("v10033g5")
    assert (video["width"], video["height"], video["duration"], video["size"]) == (1080, 1920, 21.0, len(CLIP))
    assert video["signature"] == hashlib.md5(CLIP).hexdigest()  # noqa: S324
    assert progress[-1] == (len(CLIP), len(CLIP)) and len(progress) == 3
    request = sandbox.calls[-1].request
    assert request.headers["Content-Length"] == str(len(request.body)) and len(request.body) > len(CLIP)
    assert "Transfer-Encoding" not in request.headers


def test_a_retried_upload_sends_the_whole_body_again(advertiser, clip, sandbox, upstream_sleeps):
    sandbox.set_faults(EMULATOR, status=429, retry_after=1, times=1)
    client = BusinessApiClient.for_advertiser(advertiser, sleep=upstream_sleeps)

    video = client.video_upload_file(advertiser.advertiser_id, clip, file_name="Promo 2")

    assert video["size"] == len(CLIP) and client.last_call.attempts == 2


def test_upload_refusals_are_bad_requests(advertiser, clip, tmp_path):
    client = BusinessApiClient.for_advertiser(advertiser)
    client.video_upload_file(advertiser.advertiser_id, clip, file_name="Same")
    text = tmp_path / "notes.mp4"
    text.write_bytes(b"just some notes")

    with pytest.raises(BadRequest) as duplicate:
        client.video_upload_file(advertiser.advertiser_id, clip, file_name="Same")
    with pytest.raises(BadRequest) as not_video:
        client.video_upload_file(advertiser.advertiser_id, text, file_name="Notes")

    assert (duplicate.value.code, not_video.value.code) == (40911, 40908)


def test_video_upload_url_and_info_in_batches(advertiser, sandbox):
    sandbox.mock.get("https://cdn.example.com/promo.mp4", body=CLIP)
    client = BusinessApiClient.for_advertiser(advertiser)
    by_url = client.video_upload_url(advertiser.advertiser_id, "https://cdn.example.com/promo.mp4", file_name="From URL")
    ids = [
        BusinessObject.objects.create(
            kind="video", advertiser_id=advertiser.advertiser_id, object_id=f"v10033g5{n:04d}", data={"video_id": f"v10033g5{n:04d}"}
        ).object_id
        for n in range(64)
    ]

    found = client.video_info(advertiser.advertiser_id, [by_url["video_id"], *ids])

    assert by_url["file_name"] == "From URL" and by_url["duration"] == 21.0
    assert [video["video_id"] for video in found] == [by_url["video_id"], *ids]
    assert len([call for call in sandbox.calls if "/file/video/ad/info/" in call.request.url]) == 2


def test_lead_subscription_round_trip_and_mock_lead(advertiser, sandbox):
    client = BusinessApiClient.for_advertiser(advertiser)
    token = advertiser.connection.access_token

    first = client.lead_subscribe(advertiser.advertiser_id, token, "https://app.example.com/tiktok/webhook")
    second = client.lead_subscribe(advertiser.advertiser_id, token, "https://app.example.com/tiktok/webhook", page_id="7616613432980341010")
    listed = client.lead_subscriptions()
    client.lead_unsubscribe(first)
    lead = client.lead_mock_create(advertiser.advertiser_id, "7616613432980341010")

    assert [row["subscription_id"] for row in listed] == [first, second]
    assert [row["subscription_id"] for row in client.lead_subscriptions()] == [second]
    assert lead["lead_data"]["name"] == "Test Lead" and len(lead["meta_data"]["lead_id"]) == 19
    with pytest.raises(BadRequest) as unknown:
        client.lead_unsubscribe(first)
    assert unknown.value.code == 40007
    with pytest.raises(Misconfigured):
        client.lead_subscribe("1", token, "https://app.example.com/tiktok/webhook")


def test_app_credentials_are_checked(advertiser):
    client = BusinessApiClient.for_advertiser(advertiser)
    client.app_secret = "not-the-app-secret"

    with pytest.raises(BadRequest) as refused:
        client.lead_subscriptions()

    assert refused.value.code == 40101
