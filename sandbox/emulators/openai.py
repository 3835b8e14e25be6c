"""OpenAI-compatible audio transcription emulator ("openai") at ``/sandbox/openai/v1/``
(``TRANSCRIPTION_API_BASE``; ``https://api.openai.com/v1`` upstream).

- ``POST v1/audio/transcriptions``: multipart ``file`` + ``model`` (``whisper-1``,
  ``gpt-4o-transcribe``, ``gpt-4o-mini-transcribe``, or one listed in option ``models``),
  optional ``response_format`` (``json``, the default: ``{"text"}``; ``text``: the bare text;
  ``verbose_json``: adds ``task``, ``language``, ``duration`` and ``segments``) and ``language``.
  ``Authorization: Bearer <key>``: ``settings.TRANSCRIPTION_API_KEY`` or one of option
  ``api_keys``.

The text is fixed by the SHA-256 of the file (read 1 MB at a time, never held): two to five
sentences from a fixed list (Russian for ``language=ru``, else English). ``duration`` is one
second per 16 kB (at least one second); segments split it evenly between the sentences.

Errors are OpenAI's shape ``{"error": {"message", "type", "param", "code"}}``: 401 no key or a
wrong one, 400 a missing ``file``/``model``, a file that isn't audio (magic bytes: ID3 or an
MPEG frame sync, ``RIFF…WAVE``, ``OggS``, ``fLaC``, MP4/M4A ``ftyp``, WebM) or an unknown
``response_format`` (``srt``/``vtt`` aren't emulated), 404 an unknown model, 413 a file over
25 MB. Faults (500, 429 with ``Retry-After``, 502–504 gateway pages) come from the framework.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare

from sandbox.framework import Emulator, gateway_error_response, json_response, register

CHUNK = 1024 * 1024
MAX_BYTES = 25 * 1024 * 1024
BYTES_PER_SECOND = 16_000
MODELS = ("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe")
FORMATS = ("json", "text", "verbose_json")
SENTENCES = {
    "en": (
        "Hi everyone, today I want to show you something special.",
        "This is our new collection, and it is already in stock.",
        "Order now and get free delivery across the city.",
        "Leave a request and our manager will call you back.",
        "The first lesson is free, sign up today.",
        "We have been working for over ten years.",
        "Thousands of happy clients already trust us.",
        "Follow the link and fill in the short form.",
        "Hurry up, the offer is valid until the end of the week.",
        "Thank you for watching, see you soon.",
    ),
    "ru": (
        "Всем привет, сегодня хочу показать вам кое-что особенное.",
        "Это наша новая коллекция, и она уже в наличии.",
        "Закажите сейчас и получите бесплатную доставку по городу.",
        "Оставьте заявку, и наш менеджер вам перезвонит.",
        "Первое занятие бесплатно, запишитесь сегодня.",
        "Мы работаем уже больше десяти лет.",
        "Нам доверяют тысячи довольных клиентов.",
        "Переходите по ссылке и заполните короткую форму.",
        "Торопитесь, предложение действует до конца недели.",
        "Спасибо за просмотр, до встречи.",
    ),
}
LANGUAGE_NAMES = {"en": "english", "ru": "russian"}


def error_response(message: str, *, status: int, type_: str = "invalid_request_error", param: str | None = None, code: str | None = None):
    return json_response({"error": {"message": message, "type": type_, "param": param, "code": code}}, status=status)


class OpenAIEmulator(Emulator):
    name = "openai"
    title = "OpenAI-compatible audio transcription"

    def expired_token_response(self, request):
        return error_response("Incorrect API key provided.", status=401, code="invalid_api_key")

    def rate_limited_response(self, request, *, retry_after):
        response = error_response(
            "Rate limit reached for requests. Please try again later.", status=429, type_="requests", code="rate_limit_exceeded"
        )
        response["Retry-After"] = str(retry_after)
        return response

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return gateway_error_response(status)
        return error_response(
            "The server had an error while processing your request. Sorry about that!", status=status, type_="server_error"
        )


openai = register(OpenAIEmulator())


def audio_format(head: bytes) -> str | None:
    """The container the first bytes announce, or None when it isn't audio we know."""
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def transcript(digest: bytes, language: str = "en") -> list[str]:
    """The sentences a file whose SHA-256 is ``digest`` says."""
    sentences = SENTENCES.get(language, SENTENCES["en"])
    count = 2 + digest[0] % 4
    return [sentences[digest[1 + index] % len(sentences)] for index in range(count)]


def _authorized(request: HttpRequest) -> str | None:
    """None when the key is good, else the 401 message."""
    header = request.headers.get("Authorization", "")
    key = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not key:
        return "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
    accepted = [settings.TRANSCRIPTION_API_KEY, *(openai.options().get("api_keys") or [])]
    if not any(expected and constant_time_compare(key, str(expected)) for expected in accepted):
        return f"Incorrect API key provided: {key[:3]}***{key[-4:] if len(key) > 8 else ''}."
    return None


@openai.route("v1/audio/transcriptions", methods=("POST",))
def transcriptions(request: HttpRequest) -> HttpResponse:
    refusal = _authorized(request)
    if refusal:
        return error_response(refusal, status=401, code="invalid_api_key" if "Incorrect" in refusal else None)
    if not (request.content_type or "").startswith("multipart/form-data"):
        return error_response("Invalid Content-Type header: use multipart/form-data.", status=400)
    model = request.POST.get("model", "").strip()
    upload = request.FILES.get("file")
    if not model:
        return error_response("you must provide a model parameter", status=400, param="model")
    if upload is None:
        return error_response("1 validation error for Request: body -> file: field required", status=400, param="file")
    if model not in (*MODELS, *(openai.options().get("models") or [])):
        return error_response(f"The model `{model}` does not exist or you do not have access to it.", status=404, code="model_not_found")
    response_format = request.POST.get("response_format", "json") or "json"
    if response_format not in FORMATS:
        return error_response(f"response_format must be one of {', '.join(FORMATS)} here.", status=400, param="response_format")
    if upload.size > MAX_BYTES:
        return error_response(f"Maximum content size limit ({MAX_BYTES}) exceeded ({upload.size} bytes read)", status=413)
    handle = upload.file
    handle.seek(0)
    if upload.size == 0 or audio_format(handle.read(16)) is None:
        return error_response(
            "Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']",
            status=400,
            param="file",
            code="invalid_value",
        )
    digest = hashlib.sha256()
    handle.seek(0)
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    language = (request.POST.get("language") or "en").strip().lower()
    sentences = transcript(digest.digest(), language)
    text = " ".join(sentences)
    if response_format == "text":
        return HttpResponse(text + "\n", content_type="text/plain; charset=utf-8")
    if response_format == "json":
        return json_response({"text": text})
    duration = max(1.0, round(upload.size / BYTES_PER_SECOND, 2))
    step = duration / len(sentences)
    segments = [
        {
            "id": index,
            "seek": 0,
            "start": round(index * step, 2),
            "end": round((index + 1) * step, 2),
            "text": " " + sentence,
            "tokens": [],
            "temperature": 0.0,
            "avg_logprob": -0.25,
            "compression_ratio": 1.2,
            "no_speech_prob": 0.01,
        }
        for index, sentence in enumerate(sentences)
    ]
    body = {
        "task": "transcribe",
        "language": LANGUAGE_NAMES.get(language, language),
        "duration": duration,
        "text": text,
        "segments": segments,
    }
    return json_response(body)
