"""OpenAI-compatible audio transcription (``POST /v1/audio/transcriptions``, Whisper and the
``gpt-4o-*-transcribe`` models): the file streamed from disk as multipart, the key as a Bearer
token. The app's wrapper adds the settings (``TRANSCRIPTION_API_BASE``, ``_KEY``, ``_MODEL``)."""

from integrations.openai_audio.client import AUDIO_CONTENT_TYPES, TRANSCRIPTIONS_PATH, TranscriptionClient

__all__ = ["AUDIO_CONTENT_TYPES", "TRANSCRIPTIONS_PATH", "TranscriptionClient"]
