"""Transcribing an uploaded video, after it has reached TikTok and never in its way.

ffmpeg drops the picture (``-vn``) and writes the audio as mono 16 kHz AAC to a temporary file,
which is posted to an OpenAI-compatible ``audio/transcriptions`` endpoint with a 2-minute
timeout. A video without an audio track is SKIPPED. Any failure marks the creative's
transcription FAILED with the reason and schedules another attempt later (after 10, 20, 40
minutes…; at most ``TRANSCRIPTION_MAX_ATTEMPTS`` attempts); an hourly sweep picks up any that were missed. The
creative itself stays Ready throughout. The upload's file is removed once the transcript is
settled (done, skipped, or out of attempts).
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db.models import F

from core.http import UpstreamError
from core.jobs import enqueue
from tiktok_ads.client import transcription_client
from tiktok_ads.models import Creative, TranscriptionStatus, UploadState, VideoUpload
from tiktok_ads.selectors.creatives import TRANSCRIPTION_MAX_ATTEMPTS
from tiktok_ads.services.creatives import creative_update_locked
from tiktok_ads.services.video_uploads import TRANSCRIBE_TASK, upload_discard_file, upload_path

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 600


class NoAudio(Exception):
    """The video has no audio track."""


class TranscriptionFailed(Exception):
    """ffmpeg or the transcription endpoint failed; the message is the reason shown."""


def extract_audio(video: Path, directory: Path) -> Path:
    """The video's first audio track as mono 16 kHz AAC (``audio.m4a`` in ``directory``)."""
    target = directory / "audio.m4a"
    command = [
        settings.FFMPEG_BINARY,
        *("-nostdin", "-hide_banner", "-loglevel", "error", "-y"),
        *("-i", str(video)),
        *("-map", "0:a:0", "-vn", "-ac", "1", "-ar", "16000", "-c:a", "aac", "-b:a", "48k"),
        str(target),
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=settings.TRANSCRIPTION_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise TranscriptionFailed("Extracting the audio took too long.") from None
    except OSError as exc:
        raise TranscriptionFailed(f"ffmpeg could not run: {exc}") from None
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        if "matches no streams" in stderr:
            raise NoAudio()
        raise TranscriptionFailed(f"ffmpeg could not read the audio: {stderr.strip()[-300:] or result.returncode}")
    return target


def _transcribe_file(audio: Path, tenant) -> str:
    client = transcription_client(tenant)
    return client.transcribe(audio, model=settings.TRANSCRIPTION_MODEL, timeout=settings.TRANSCRIPTION_TIMEOUT_SECONDS)


def creative_transcribe(*, creative: Creative, upload: VideoUpload) -> str:
    """Transcribe the upload's video into the creative; the resulting transcription status."""
    if creative.transcription_status in (TranscriptionStatus.DONE, TranscriptionStatus.SKIPPED):
        return creative.transcription_status
    video = upload_path(upload)
    if not video.exists():  # nothing left to retry with
        Creative.all_tenants.filter(pk=creative.pk).update(transcription_attempts=TRANSCRIPTION_MAX_ATTEMPTS)
        creative.refresh_from_db()
        return _failed(creative, upload, "The uploaded file is no longer on disk.", final=True)
    Creative.all_tenants.filter(pk=creative.pk).update(transcription_attempts=F("transcription_attempts") + 1)
    creative.refresh_from_db()
    try:
        with tempfile.TemporaryDirectory(prefix="transcribe-") as directory:
            text = _transcribe_file(extract_audio(video, Path(directory)), creative.tenant)
    except NoAudio:
        creative_update_locked(creative=creative, transcription_status=TranscriptionStatus.SKIPPED, transcription_error="No audio track.")
        _settled(upload)
        return TranscriptionStatus.SKIPPED
    except (TranscriptionFailed, UpstreamError) as exc:
        return _failed(creative, upload, str(getattr(exc, "message", None) or exc))
    creative_update_locked(creative=creative, transcript=text, transcription_status=TranscriptionStatus.DONE, transcription_error="")
    _settled(upload)
    return TranscriptionStatus.DONE


def _failed(creative: Creative, upload: VideoUpload, reason: str, *, final: bool = False) -> str:
    creative_update_locked(creative=creative, transcription_status=TranscriptionStatus.FAILED, transcription_error=reason[:500])
    attempts = creative.transcription_attempts
    if final or attempts >= TRANSCRIPTION_MAX_ATTEMPTS:
        logger.warning("Transcription of creative %s given up after %d attempts: %s", creative.pk, attempts, reason)
        _settled(upload)
    else:
        countdown = RETRY_BASE_SECONDS * 2 ** (attempts - 1)
        logger.info("Transcription of creative %s failed (%s); retrying in %ds", creative.pk, reason, countdown)
        enqueue(TRANSCRIBE_TASK, countdown=countdown, tenant_id=creative.tenant_id, creative_id=creative.pk, upload_id=upload.pk)
    return TranscriptionStatus.FAILED


def _settled(upload: VideoUpload) -> None:
    if upload.state == UploadState.DONE:
        upload_discard_file(upload=upload)
