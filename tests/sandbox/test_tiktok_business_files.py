"""Video assets on the TikTok Business emulator: upload by file (multipart, MD5 signature in any
field order, the file's header read for size and duration), by URL, and the info call."""

from __future__ import annotations

import hashlib
import json
import struct

import pytest
import requests
from django.conf import settings
from urllib3 import encode_multipart_formdata

from sandbox.emulators.tiktok_business import data
from sandbox.emulators.tiktok_business.tokens import auth_code_issue
from sandbox.models import BusinessObject
from tests.fixtures.media import mp4_bytes, wav_bytes

EMULATOR = "tiktok-business"
MY, OUTLET, _, _ = data.fixture_get("demo").advertisers
CLIP = mp4_bytes(width=720, height=1280, seconds=12.5, payload=4096)
MD5 = hashlib.md5(CLIP).hexdigest()  # noqa: S324


def api(path: str) -> str:
    return f"{settings.SANDBOX_BASE_URL}/{EMULATOR}/open_api/v1.3/{path}"


@pytest.fixture
def token(sandbox) -> str:
    body = {
        "app_id": settings.TIKTOK_BUSINESS_APP_ID,
        "secret": settings.TIKTOK_BUSINESS_APP_SECRET,
        "auth_code": auth_code_issue(fixture="demo"),
    }
    return requests.post(api("oauth2/access_token/"), json=body, timeout=30).json()["data"]["access_token"]


def upload(token: str, fields: list[tuple], **headers) -> dict:
    """POST the multipart parts in the order given."""
    body, content_type = encode_multipart_formdata(fields)
    response = requests.post(
        api("file/video/ad/upload/"), data=body, headers={"Access-Token": token, "Content-Type": content_type, **headers}, timeout=30
    )
    assert response.status_code == 200
    return response.json()


def file_parts(content: bytes = CLIP, *, signature: str | None = None, file_name: str | None = None, advertiser=MY) -> list[tuple]:
    parts = [("advertiser_id", advertiser.advertiser_id), ("video_file", ("clip.mp4", content, "video/mp4"))]
    if file_name is not None:
        parts.append(("file_name", file_name))
    parts.append(("video_signature", hashlib.md5(content).hexdigest() if signature is None else signature))  # noqa: S324
    return parts


def info(token: str, advertiser_id: str, ids) -> dict:
    params = {"advertiser_id": advertiser_id, "video_ids": json.dumps(ids)}
    return requests.get(api("file/video/ad/info/"), params=params, headers={"Access-Token": token}, timeout=30).json()


def test_upload_by_file_with_the_signature_after_the_file(token):
    answer = upload(token, file_parts(file_name="Spring promo"))

    assert answer["code"] == 0, answer
    [video] = answer["data"]
    assert video["video_id"].startswith("v10033g5")
    assert (video["width"], video["height"], video["duration"]) == (720, 1280, 12.5)
    assert video["size"] == len(CLIP)
    assert video["bit_rate"] == int(len(CLIP) * 8 / 12.5)
    assert (video["format"], video["signature"], video["file_name"]) == ("mp4", MD5, "Spring promo")
    assert video["displayable"] is True and "PLACEMENT_TIKTOK" in video["allowed_placements"]
    stored = BusinessObject.objects.get(kind="video", object_id=video["video_id"])
    assert (stored.advertiser_id, stored.name, stored.data["signature"]) == (MY.advertiser_id, "Spring promo", MD5)


def test_signature_first_works_too_and_the_file_name_defaults_to_the_uploaded_name(token):
    parts = [("video_signature", MD5), ("advertiser_id", MY.advertiser_id), ("video_file", ("clip.mp4", CLIP, "video/mp4"))]

    first = upload(token, parts)["data"][0]
    second = upload(token, parts)["data"][0]

    assert first["file_name"] == "clip.mp4"
    assert second["file_name"] == f"clip.mp4_{second['video_id'][-8:]}"


def test_a_large_file_goes_through_a_temporary_file(token, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # anything bigger is streamed to disk
    big = mp4_bytes(payload=3 * 1024 * 1024 + 17)

    [video] = upload(token, file_parts(big))["data"]

    assert (video["size"], video["signature"]) == (len(big), hashlib.md5(big).hexdigest())  # noqa: S324


@pytest.mark.parametrize(
    ("parts", "code", "fragment"),
    [
        (file_parts(signature="0" * 32), 40900, "signature mismatch"),
        (file_parts(b""), 40905, "empty"),
        (file_parts(b"%PDF-1.7 not a clip at all"), 40908, "is not a video"),
        (file_parts(wav_bytes()), 40908, "is not a video"),
        ([("advertiser_id", MY.advertiser_id), ("video_file", ("clip.mp4", CLIP, "video/mp4"))], 40002, "video_signature"),
        ([("advertiser_id", MY.advertiser_id), ("video_signature", MD5)], 40905, "video_file"),
        ([("video_file", ("clip.mp4", CLIP, "video/mp4")), ("video_signature", MD5)], 40002, "advertiser_id"),
        (file_parts(advertiser=type("Other", (), {"advertiser_id": "123"})), 40001, "No permission"),
    ],
)
def test_refusals(token, parts, code, fragment):
    answer = upload(token, parts)

    assert (answer["code"], answer["data"]) == (code, {}), answer
    assert fragment in answer["message"]
    assert not BusinessObject.objects.filter(kind="video").exists()


def test_a_file_name_is_unique_per_advertiser(token):
    assert upload(token, file_parts(file_name="Promo"))["code"] == 0

    again = upload(token, file_parts(file_name="Promo"))
    elsewhere = upload(token, file_parts(file_name="Promo", advertiser=OUTLET))

    assert again["code"] == 40911 and "already exists" in again["message"]
    assert elsewhere["code"] == 0


def test_webm_and_mov_are_videos_with_default_dimensions(token):
    webm = b"\x1a\x45\xdf\xa3" + bytes(500_000)
    mov = mp4_bytes(brand=b"qt  ", width=1920, height=1080, seconds=3.0)

    [first] = upload(token, file_parts(webm))["data"]
    [second] = upload(token, file_parts(mov, file_name="mov"))["data"]

    assert (first["format"], first["width"], first["height"], first["duration"]) == ("webm", 1080, 1920, 2.0)
    assert (second["format"], second["width"], second["height"], second["duration"]) == ("mov", 1920, 1080, 3.0)


def test_upload_needs_a_token(sandbox):
    body, content_type = encode_multipart_formdata(file_parts())
    answer = requests.post(api("file/video/ad/upload/"), data=body, headers={"Content-Type": content_type}, timeout=30).json()

    assert answer["code"] == 40104


def test_upload_by_url(token, sandbox):
    sandbox.mock.get("https://cdn.example.com/media/clip.mp4?sig=1", body=CLIP)
    sandbox.mock.get("https://cdn.example.com/media/gone.mp4", status=404)
    body = {"advertiser_id": MY.advertiser_id, "upload_type": "UPLOAD_BY_URL"}

    ok = requests.post(
        api("file/video/ad/upload/"),
        json={**body, "video_url": "https://cdn.example.com/media/clip.mp4?sig=1"},
        headers={"Access-Token": token},
        timeout=30,
    ).json()
    gone = requests.post(
        api("file/video/ad/upload/"),
        json={**body, "video_url": "https://cdn.example.com/media/gone.mp4"},
        headers={"Access-Token": token},
        timeout=30,
    ).json()
    unreachable = requests.post(
        api("file/video/ad/upload/"),
        json={**body, "video_url": "https://nowhere.example.com/x.mp4"},
        headers={"Access-Token": token},
        timeout=30,
    ).json()

    assert ok["code"] == 0, ok
    assert (ok["data"][0]["file_name"], ok["data"][0]["signature"], ok["data"][0]["duration"]) == ("clip.mp4", MD5, 12.5)
    assert (gone["code"], unreachable["code"]) == (40902, 40902)
    assert "Cannot fetch" in gone["message"]


def test_info(token):
    first = upload(token, file_parts(file_name="a"))["data"][0]
    second = upload(token, file_parts(file_name="b"))["data"][0]

    answer = info(token, MY.advertiser_id, [second["video_id"], first["video_id"]])
    unknown = info(token, MY.advertiser_id, [first["video_id"], "v10033g5nope"])
    other_advertiser = info(token, OUTLET.advertiser_id, [first["video_id"]])
    too_many = info(token, MY.advertiser_id, [f"v{n}" for n in range(61)])

    assert answer["code"] == 0
    assert answer["data"]["list"] == [second, first]
    assert (unknown["code"], other_advertiser["code"], too_many["code"]) == (40053, 40053, 40002)
    assert "v10033g5nope" in unknown["message"]


def test_the_cover_is_served(token):
    video = upload(token, file_parts())["data"][0]

    cover = requests.get(video["video_cover_url"], timeout=30)
    missing = requests.get(video["video_cover_url"].replace(video["video_id"], "v10033g5none"), timeout=30)

    assert cover.status_code == 200 and cover.headers["Content-Type"] == "image/png"
    assert cover.content.startswith(b"\x89PNG\r\n\x1a\n") and struct.unpack(">II", cover.content[16:24]) == (90, 160)
    assert missing.status_code == 404
