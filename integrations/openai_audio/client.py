"""``TranscriptionClient``: ``POST {base}/audio/transcriptions`` of an OpenAI-compatible API.

The request is multipart/form-data: ``model``, optional ``language`` and ``response_format``
(``json``: the answer is ``{"text": …}``), then the ``file`` part streamed from disk
(``core.http.multipart.MultipartFileBody``). Errors are ``{"error": {"message", "type", "param",
"code"}}`` with an HTTP status: 401 a missing or wrong key (``AuthExpired``, never renewed
here), 400/404/413 a bad request, model or file (``BadRequest``), 429 and 5xx retried. The
platform caps a file at 25 MB: extract and compress the audio first.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import requests

from core.http import BadRequest, UpstreamClient
from core.http.multipart import MultipartFileBody

TRANSCRIPTIONS_PATH = "/audio/transcriptions"
AUDIO_CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".mpga": "audio/mpeg",
    ".mpeg": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".flac": "audio/flac",
    ".webm": "audio/webm",
}


class TranscriptionClient(UpstreamClient):
    """Calls under one API key, to ``base_url`` (``https://api.openai.com/v1`` upstream)."""

    provider = "openai"

    def __init__(self, *, api_key: str, **kwargs: Any):
        self.api_key = api_key
        kwargs.setdefault("credential_key", api_key)
        super().__init__(**kwargs)

    def prepare_request(self, request: requests.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self.api_key}"

    def sensitive_values(self) -> Iterable[str]:
        return (*super().sensitive_values(), self.api_key)

    def transcribe(
        self, path: str | os.PathLike, *, model: str, timeout: float | tuple[float, float] | None = None, language: str | None = None
    ) -> str:
        """The text of the audio (or video) file at ``path``."""
        fields = [("model", model), ("response_format", "json")]
        if language:
            fields.append(("language", language))
        extension = os.path.splitext(os.fspath(path))[1].lower()
        body = MultipartFileBody(
            fields=fields, file_field="file", path=path, file_content_type=AUDIO_CONTENT_TYPES.get(extension, "application/octet-stream")
        )
        # Transcribing the same file twice changes nothing upstream: safe to retry after a 5xx.
        payload = self.post(TRANSCRIPTIONS_PATH, data=body, headers={"Content-Type": body.content_type}, timeout=timeout, idempotent=True)
        text = payload.get("text") if isinstance(payload, dict) else None
        if not isinstance(text, str):
            raise BadRequest("Transcription answer without text.", provider=self.provider, endpoint=TRANSCRIPTIONS_PATH)
        return text
