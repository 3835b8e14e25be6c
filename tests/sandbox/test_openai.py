"""The OpenAI-compatible transcription emulator and the wire client: deterministic text from the
file's bytes, the three response formats, OpenAI's error shape, faults, and the client streaming
the file from disk."""

from __future__ import annotations

import hashlib

import pytest
import requests
from django.conf import settings

from core.http import AuthExpired, BadRequest, Upstream5xx
from integrations.openai_audio import TranscriptionClient
from sandbox.emulators.openai import SENTENCES, transcript
from tests.fixtures.media import mp4_bytes, wav_bytes

EMULATOR = "openai"
WAV = wav_bytes(seconds=2.0)
URL_PATH = "v1/audio/transcriptions"


def post(sandbox, *, key: str | None = None, data: dict | None = None, files: dict | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {key or settings.TRANSCRIPTION_API_KEY}"} if key != "" else {}
    return requests.post(
        sandbox.url(EMULATOR, URL_PATH),
        headers=headers,
        data={"model": "whisper-1", **(data or {})},
        files={"file": ("voice.wav", WAV, "audio/wav")} if files is None else files,
        timeout=30,
    )


def expected_text(content: bytes, language: str = "en") -> str:
    return " ".join(transcript(hashlib.sha256(content).digest(), language))


def test_json_text_and_verbose(sandbox):
    plain = post(sandbox)
    text = post(sandbox, data={"response_format": "text"})
    verbose = post(sandbox, data={"response_format": "verbose_json", "language": "ru"})

    assert plain.status_code == 200 and plain.json() == {"text": expected_text(WAV)}
    assert 2 <= len(transcript(hashlib.sha256(WAV).digest())) <= 5
    assert text.headers["Content-Type"].startswith("text/plain") and text.text == expected_text(WAV) + "\n"
    body = verbose.json()
    assert (body["task"], body["language"], body["duration"]) == ("transcribe", "russian", round(len(WAV) / 16_000, 2))
    assert body["text"] == expected_text(WAV, "ru") and body["segments"][0]["text"].strip() in SENTENCES["ru"]
    assert body["segments"][-1]["end"] == body["duration"]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"ID3\x04" + bytes(64), "a.mp3"),
        (b"\xff\xfb\x90" + bytes(64), "b.mp3"),
        (b"OggS" + bytes(64), "c.ogg"),
        (b"fLaC" + bytes(64), "d.flac"),
        (mp4_bytes(), "e.m4a"),
    ],
)
def test_audio_containers_are_accepted(sandbox, content, name):
    response = post(sandbox, files={"file": (name, content, "application/octet-stream")})

    assert response.status_code == 200 and response.json()["text"] == expected_text(content)


@pytest.mark.parametrize(
    ("kwargs", "status", "param", "code"),
    [
        ({"key": ""}, 401, None, None),
        ({"key": "sk-wrong-key-123456"}, 401, None, "invalid_api_key"),
        ({"data": {"model": ""}}, 400, "model", None),
        ({"files": {"attachment": ("voice.wav", WAV, "audio/wav")}}, 400, "file", None),
        ({"files": {}}, 400, None, None),  # not multipart at all
        ({"files": {"file": ("x.txt", b"hello, not audio", "text/plain")}}, 400, "file", "invalid_value"),
        ({"files": {"file": ("x.wav", b"", "audio/wav")}}, 400, "file", "invalid_value"),
        ({"data": {"model": "whisper-9"}}, 404, None, "model_not_found"),
        ({"data": {"response_format": "srt"}}, 400, "response_format", None),
    ],
)
def test_errors_have_openai_shape(sandbox, kwargs, status, param, code):
    response = post(sandbox, **kwargs)

    assert response.status_code == status
    error = response.json()["error"]
    assert (error["param"], error["code"], error["type"]) == (param, code, "invalid_request_error")
    assert error["message"]


def test_another_key_through_the_option(sandbox):
    sandbox.set_options(EMULATOR, api_keys=["sk-team-key"])

    assert post(sandbox, key="sk-team-key").status_code == 200


def test_faults_come_from_the_framework(sandbox):
    sandbox.set_faults(EMULATOR, status=500, times=1)
    failed = post(sandbox)
    sandbox.set_faults(EMULATOR, status=429, retry_after=3, times=1)
    limited = post(sandbox)

    assert failed.status_code == 500 and failed.json()["error"]["type"] == "server_error"
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"
    assert post(sandbox).status_code == 200


@pytest.fixture
def voice(tmp_path):
    path = tmp_path / "voice.wav"
    path.write_bytes(WAV)
    return path


def client(**kwargs) -> TranscriptionClient:
    kwargs.setdefault("api_key", settings.TRANSCRIPTION_API_KEY)
    return TranscriptionClient(tenant=None, base_url=settings.TRANSCRIPTION_API_BASE, **kwargs)


def test_client_transcribes_a_file_from_disk(sandbox, voice):
    assert client().transcribe(voice, model="whisper-1", timeout=(5, 120), language="ru") == expected_text(WAV, "ru")
    request = sandbox.calls[-1].request
    assert request.headers["Content-Length"] == str(len(request.body)) and request.headers["Authorization"].startswith("Bearer ")


def test_client_errors(sandbox, voice, tmp_path, upstream_sleeps):
    notes = tmp_path / "notes.wav"
    notes.write_bytes(b"not audio")

    with pytest.raises(AuthExpired):
        client(api_key="sk-nope").transcribe(voice, model="whisper-1")
    with pytest.raises(BadRequest) as refused:
        client().transcribe(notes, model="whisper-1")
    sandbox.set_faults(EMULATOR, status=500, times=1)
    retried = client(sleep=upstream_sleeps)
    assert retried.transcribe(voice, model="whisper-1") == expected_text(WAV)
    sandbox.set_faults(EMULATOR, status=500)
    with pytest.raises(Upstream5xx):
        client(sleep=upstream_sleeps, max_attempts=2).transcribe(voice, model="whisper-1")

    assert "Invalid file format" in refused.value.message
    assert retried.last_call.attempts == 2
