"""Video assets of the ``tiktok-business`` emulator (reference §B.4).

- ``POST open_api/v1.3/file/video/ad/upload/``: ``upload_type=UPLOAD_BY_FILE`` (the default) is
  multipart/form-data with ``advertiser_id``, ``video_file`` and ``video_signature`` (the file's
  hex MD5, required; the fields may come in any order, the signature after the file included);
  ``UPLOAD_BY_URL`` is a JSON body ``{advertiser_id, upload_type, video_url, file_name?}`` and
  the emulator fetches the URL (streamed). ``data`` is an array of one video object.
- ``GET open_api/v1.3/file/video/ad/info/?advertiser_id&video_ids=[…]`` (at most 60 ids) →
  ``data.list``.
- ``GET cdn/video/<video_id>/cover.png``: the ``video_cover_url``, a 9:16 PNG in a colour fixed by
  the video id (so pages can show a cover). ``preview_url`` points next to it and isn't served.

The bytes are never kept: Django streams a large multipart file to a temporary file, the MD5 is
read from it 1 MB at a time, and only the metadata is stored (``BusinessObject`` kind
``video``). Width, height and duration come from the MP4/MOV header (``moov/mvhd`` and the first
video ``trak/tkhd``) when it parses; otherwise (WebM, an MP4 whose header doesn't parse) they
are 1080x1920 and one second per 250 kB (2 Mbit/s), at least one second.

Errors (HTTP 200, envelope code): 40002 bad parameter, 40053 unknown video id, 40900 signature
mismatch, 40902 the URL can't be fetched, 40905 no or empty file, 40907 file too large,
40908 not a video, 40911 ``file_name`` already used by this advertiser.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse

from sandbox.emulators.tiktok_business.data import EMULATOR, sandbox_now
from sandbox.emulators.tiktok_business.emulator import API, _context, _string_list, platform_call, tiktok_business
from sandbox.emulators.tiktok_business.tokens import PlatformError, invalid_params
from sandbox.models import BusinessObject

KIND = "video"
CHUNK = 1024 * 1024
VIDEO_ID_PREFIX = "v10033g5"
INFO_MAX_IDS = 60
FILE_NAME_MAX = 100
URL_MAX_BYTES = 1024**3
URL_TIMEOUT = (5, 30)
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1080, 1920
DEFAULT_BYTES_PER_SECOND = 250_000
PREVIEW_SECONDS = 6 * 3600
MOOV_MAX_BYTES = 16 * 1024 * 1024
PLACEMENTS = ["PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE"]
QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip")


@dataclass
class VideoFacts:
    size: int
    md5: str
    format: str
    width: int
    height: int
    duration: float


# --- Reading a file -----------------------------------------------------------------------


def video_format(head: bytes) -> str | None:
    """``mp4``, ``mov`` or ``webm`` from the first bytes, or None when it isn't a video."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mov" if head[8:12] == b"qt  " else "mp4"
    if len(head) >= 8 and head[4:8] in QUICKTIME_ATOMS:
        return "mov"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def _md5(handle) -> tuple[str, int]:
    digest = hashlib.md5(usedforsecurity=False)
    size = 0
    handle.seek(0)
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _atoms(handle, start: int, end: int):
    """(type, payload offset, payload size) of each box between ``start`` and ``end``."""
    offset = start
    while offset + 8 <= end:
        handle.seek(offset)
        header = handle.read(8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        header_size = 8
        if size == 1:
            large = handle.read(8)
            if len(large) < 8:
                return
            size = struct.unpack(">Q", large)[0]
            header_size = 16
        elif size == 0:
            size = end - offset
        if size < header_size:
            return
        yield kind, offset + header_size, size - header_size
        offset += size


def _mp4_dimensions(handle, size: int) -> tuple[int, int, float] | None:
    """(width, height, duration) from ``moov``: ``mvhd`` for the duration and the first track
    whose ``tkhd`` has a size; None when the header isn't there or doesn't parse."""
    moov = next(((start, length) for kind, start, length in _atoms(handle, 0, size) if kind == b"moov"), None)
    if moov is None or moov[1] > MOOV_MAX_BYTES:
        return None
    handle.seek(moov[0])
    box = handle.read(moov[1])
    duration = width = height = None
    for kind, start, length in _boxes(box, 0, len(box)):
        if kind == b"mvhd":
            duration = _mvhd_duration(box[start : start + length])
        elif kind == b"trak" and width is None:
            for inner, inner_start, inner_length in _boxes(box, start, start + length):
                if inner == b"tkhd":
                    width, height = _tkhd_size(box[inner_start : inner_start + inner_length])
    if not duration or not width or not height:
        return None
    return width, height, duration


def _boxes(data: bytes, start: int, end: int):
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size < 8 or offset + size > end:
            return
        yield kind, offset + 8, size - 8
        offset += size


def _mvhd_duration(payload: bytes) -> float | None:
    try:
        if payload[0] == 1:
            timescale, duration = struct.unpack(">IQ", payload[20:32])
        else:
            timescale, duration = struct.unpack(">II", payload[12:20])
    except (struct.error, IndexError):
        return None
    return round(duration / timescale, 3) if timescale else None


def _tkhd_size(payload: bytes) -> tuple[int | None, int | None]:
    offset = 88 if payload[:1] == b"\x01" else 76
    try:
        width, height = struct.unpack(">II", payload[offset : offset + 8])
    except struct.error:
        return None, None
    width, height = width >> 16, height >> 16
    return (width, height) if width and height else (None, None)


def video_facts(handle) -> VideoFacts:
    """What the platform reports about the file open in ``handle`` (binary, seekable)."""
    md5, size = _md5(handle)
    if size == 0:
        raise PlatformError(40905, "The video file is empty.")
    handle.seek(0)
    kind = video_format(handle.read(16))
    if kind is None:
        raise PlatformError(40908, "Unsupported file format: the file is not a video (MP4, MOV or WebM).")
    parsed = _mp4_dimensions(handle, size) if kind in ("mp4", "mov") else None
    if parsed is None:
        width, height, duration = DEFAULT_WIDTH, DEFAULT_HEIGHT, max(1.0, round(size / DEFAULT_BYTES_PER_SECOND, 3))
    else:
        width, height, duration = parsed
    return VideoFacts(size=size, md5=md5, format=kind, width=width, height=height, duration=duration)


# --- Upload -------------------------------------------------------------------------------


def _from_file(request, params: dict) -> tuple[VideoFacts, str]:
    upload = request.FILES.get("video_file")
    if upload is None:
        raise PlatformError(40905, "video_file: Missing data for required field.")
    signature = str(params.get("video_signature") or "").strip().lower()
    if not signature:
        raise invalid_params("video_signature: Missing data for required field.")
    facts = video_facts(upload.file)
    if facts.md5 != signature:
        raise PlatformError(40900, "The video_signature does not match the file: signature mismatch.")
    return facts, upload.name or ""


def _from_url(params: dict) -> tuple[VideoFacts, str]:
    url = str(params.get("video_url") or "").strip()
    if not url.startswith(("http://", "https://")):
        raise invalid_params("video_url: Must be an http(s) URL.")
    with tempfile.TemporaryFile() as handle:
        try:
            with requests.get(url, stream=True, timeout=URL_TIMEOUT) as response:
                if response.status_code != 200:
                    raise PlatformError(40902, f"Cannot fetch the video_url: HTTP {response.status_code}.")
                size = 0
                for chunk in response.iter_content(CHUNK):
                    size += len(chunk)
                    if size > URL_MAX_BYTES:
                        raise PlatformError(40907, "The video file is too large.")
                    handle.write(chunk)
        except requests.RequestException as exc:
            raise PlatformError(40902, f"Cannot fetch the video_url: {type(exc).__name__}.") from None
        facts = video_facts(handle)
    signature = str(params.get("video_signature") or "").strip().lower()
    if signature and signature != facts.md5:
        raise PlatformError(40900, "The video_signature does not match the file: signature mismatch.")
    return facts, url.rsplit("/", 1)[-1].split("?", 1)[0]


def _time(unix: int) -> str:
    return datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _video_object(video_id: str, facts: VideoFacts, file_name: str) -> dict:
    now = sandbox_now()
    base = f"{settings.SANDBOX_BASE_URL}/{EMULATOR}/cdn/video/{video_id}"
    short = min(facts.width, facts.height)
    return {
        "video_id": video_id,
        "material_id": str(secrets.randbelow(9 * 10**18) + 10**18),
        "width": facts.width,
        "height": facts.height,
        "duration": facts.duration,
        "bit_rate": int(facts.size * 8 / facts.duration),
        "size": facts.size,
        "format": facts.format,
        "signature": facts.md5,
        "file_name": file_name,
        "video_cover_url": f"{base}/cover.png",
        "preview_url": f"{base}/preview.mp4",
        "preview_url_expire_time": datetime.fromtimestamp(now + PREVIEW_SECONDS, UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "displayable": True,
        "allow_download": True,
        "allowed_placements": list(PLACEMENTS),
        "definition": "1080p" if short >= 1080 else "720p" if short >= 720 else "540p",
        "fps": 30,
        "create_time": _time(now),
        "modify_time": _time(now),
    }


def _file_name(advertiser_id: str, wanted: str, fallback: str, video_id: str) -> str:
    """The explicit ``file_name`` must be free; without one the platform names the file itself
    (here: the uploaded file's name, made unique with the video id when taken)."""
    taken = BusinessObject.objects.filter(kind=KIND, advertiser_id=advertiser_id)
    if wanted:
        if len(wanted) > FILE_NAME_MAX:
            raise invalid_params(f"file_name: Length must be between 1 and {FILE_NAME_MAX}.")
        if taken.filter(name=wanted).exists():
            raise PlatformError(40911, f"The file_name {wanted!r} already exists. Please use another name.")
        return wanted
    name = (fallback or "video")[:FILE_NAME_MAX]
    if taken.filter(name=name).exists():
        name = f"{name[: FILE_NAME_MAX - 9]}_{video_id[-8:]}"
    return name


@tiktok_business.route(API + "file/video/ad/upload/", methods=("POST",))
@platform_call
def video_upload(request, grant, params: dict):
    context = _context(grant, params)
    advertiser_id = context.advertiser.advertiser_id
    upload_type = str(params.get("upload_type") or "UPLOAD_BY_FILE")
    if upload_type == "UPLOAD_BY_FILE":
        facts, fallback = _from_file(request, params)
    elif upload_type == "UPLOAD_BY_URL":
        facts, fallback = _from_url(params)
    else:
        raise invalid_params("upload_type: Must be one of UPLOAD_BY_FILE, UPLOAD_BY_URL (the others aren't emulated).")
    video_id = VIDEO_ID_PREFIX + secrets.token_hex(12)
    file_name = _file_name(advertiser_id, str(params.get("file_name") or "").strip(), fallback, video_id)
    video = _video_object(video_id, facts, file_name)
    try:
        with transaction.atomic():
            BusinessObject.objects.create(kind=KIND, advertiser_id=advertiser_id, object_id=video_id, name=file_name, data=video)
    except IntegrityError:
        raise PlatformError(40202, "Write conflict, please retry.") from None
    return [video]


@tiktok_business.route(API + "file/video/ad/info/")
@platform_call
def video_info(request, grant, params: dict):
    context = _context(grant, params)
    ids = _string_list(request, params, "video_ids")
    if not ids:
        raise invalid_params("video_ids: Missing data for required field.")
    if len(ids) > INFO_MAX_IDS:
        raise invalid_params(f"video_ids: Length must be between 1 and {INFO_MAX_IDS}.")
    found = {
        video.object_id: video.data
        for video in BusinessObject.objects.filter(kind=KIND, advertiser_id=context.advertiser.advertiser_id, object_id__in=ids)
    }
    for video_id in ids:
        if video_id not in found:
            raise PlatformError(40053, f"Invalid video id: {video_id}.")
    return {"list": [found[video_id] for video_id in dict.fromkeys(ids)]}


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b"")


@tiktok_business.route("cdn/video/<str:video_id>/cover.png")
def video_cover(request, video_id: str):
    if not BusinessObject.objects.filter(kind=KIND, object_id=video_id).exists():
        raise Http404("No such video.")
    digest = hashlib.sha256(video_id.encode()).digest()
    return HttpResponse(_png(90, 160, (64 + digest[0] % 160, 64 + digest[1] % 160, 64 + digest[2] % 160)), content_type="image/png")
