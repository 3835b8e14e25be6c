"""TikTok Business API v1.3 video assets: upload (by file or by URL) and info.

``file/video/ad/upload/`` with ``UPLOAD_BY_FILE`` is multipart/form-data: ``advertiser_id``,
``upload_type``, ``file_name``, the ``video_file`` part, then ``video_signature`` (the file's
hex MD5) as the LAST part, computed while the file streams from disk
(``core.http.multipart.MultipartFileBody``: never the whole file in memory, an exact
``Content-Length``, re-read from the start on a retry). ``UPLOAD_BY_URL`` is a JSON body.
The answer's ``data`` is an array of video objects; these methods return the first.
``file/video/ad/info/`` takes at most 60 ids per call (``VIDEO_INFO_BATCH``); longer lists are
split here.

An upload is a POST without an idempotency key: the HTTP base retries it only when the request
never left (a refused connection); the platform refuses a second upload with the same
``file_name`` (40911).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from core.http import BadRequest
from core.http.multipart import MultipartFileBody
from integrations.tiktok_business.client import API_PREFIX, BusinessApiClient, json_param

VIDEO_UPLOAD_PATH = f"{API_PREFIX}/file/video/ad/upload/"
VIDEO_INFO_PATH = f"{API_PREFIX}/file/video/ad/info/"
VIDEO_INFO_BATCH = 60
VIDEO_CONTENT_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".avi": "video/x-msvideo"}


def video_upload_body(
    advertiser_id: str, path: str | os.PathLike, *, file_name: str, on_progress: Callable[[int, int], None] | None = None
) -> MultipartFileBody:
    """The streamed multipart body of an ``UPLOAD_BY_FILE`` call."""
    extension = os.path.splitext(os.fspath(path))[1].lower()
    return MultipartFileBody(
        fields=[("advertiser_id", str(advertiser_id)), ("upload_type", "UPLOAD_BY_FILE"), ("file_name", file_name)],
        file_field="video_file",
        path=path,
        file_content_type=VIDEO_CONTENT_TYPES.get(extension, "application/octet-stream"),
        md5_field="video_signature",
        on_progress=on_progress,
    )


class VideoFilesMixin(BusinessApiClient):
    """Video asset calls under one advertiser token (mixed into the app's client)."""

    def _first_video(self, payload: Any, endpoint: str) -> dict:
        data = payload.get("data") if isinstance(payload, dict) else None
        if isinstance(data, dict):  # tolerate an object where the platform documents an array
            data = [data]
        if not isinstance(data, list) or not data or not isinstance(data[0], dict) or not data[0].get("video_id"):
            raise BadRequest("Upload answer without a video.", provider=self.provider, endpoint=endpoint)
        return data[0]

    def video_upload_file(
        self,
        advertiser_id: str,
        path: str | os.PathLike,
        *,
        file_name: str,
        timeout: float | tuple[float, float] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> dict:
        """Upload the file at ``path`` (streamed); the video object (``video_id``, ``width``,
        ``height``, ``duration``, ``signature``, …). ``on_progress(sent, total)`` follows the
        file's bytes."""
        body = video_upload_body(advertiser_id, path, file_name=file_name, on_progress=on_progress)
        payload = self.post(VIDEO_UPLOAD_PATH, data=body, headers={"Content-Type": body.content_type}, timeout=timeout)
        return self._first_video(payload, VIDEO_UPLOAD_PATH)

    def video_upload_url(self, advertiser_id: str, video_url: str, *, file_name: str | None = None) -> dict:
        """Have the platform fetch ``video_url``; the video object."""
        body = {"advertiser_id": str(advertiser_id), "upload_type": "UPLOAD_BY_URL", "video_url": video_url}
        if file_name:
            body["file_name"] = file_name
        return self._first_video(self.post(VIDEO_UPLOAD_PATH, json=body), VIDEO_UPLOAD_PATH)

    def video_info(self, advertiser_id: str, video_ids: Iterable[str]) -> list[dict]:
        """The video objects of ``video_ids`` (any number; 60 per call)."""
        ids = [str(value) for value in video_ids]
        found: list[dict] = []
        for offset in range(0, len(ids), VIDEO_INFO_BATCH):
            batch = ids[offset : offset + VIDEO_INFO_BATCH]
            found.extend(
                self._data(VIDEO_INFO_PATH, {"advertiser_id": str(advertiser_id), "video_ids": json_param(batch)}).get("list") or []
            )
        return found
