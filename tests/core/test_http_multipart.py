"""The streamed multipart body: chunks of at most 1 MB, a declared length equal to the bytes it
yields, the MD5 part last, a second pass identical to the first, and a body Django parses."""

from __future__ import annotations

import hashlib

import pytest
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory

from core.http.multipart import CHUNK_SIZE, MultipartFileBody


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(bytes(range(256)) * (CHUNK_SIZE // 256 * 3 + 7))  # 3 MB and 1,792 bytes
    return path


def body_for(path, **kwargs) -> MultipartFileBody:
    return MultipartFileBody(
        fields=[("advertiser_id", "7001"), ("file_name", 'a "quoted" name')],
        file_field="video_file",
        path=path,
        file_content_type="video/mp4",
        md5_field="video_signature",
        **kwargs,
    )


def test_chunks_are_small_and_the_declared_length_is_exact(clip):
    progress = []
    body = body_for(clip, on_progress=lambda sent, total: progress.append((sent, total)))

    chunks = list(body)

    assert max(len(chunk) for chunk in chunks) <= CHUNK_SIZE
    assert len(body) == sum(len(chunk) for chunk in chunks)
    size = clip.stat().st_size
    assert progress == [(CHUNK_SIZE, size), (2 * CHUNK_SIZE, size), (3 * CHUNK_SIZE, size), (size, size)]
    assert body.md5 == hashlib.md5(clip.read_bytes()).hexdigest()  # noqa: S324
    assert b"".join(list(body)) == b"".join(chunks)  # a retry sends the same bytes


def test_the_signature_is_the_last_part_and_django_reads_every_part(clip, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = body_for(clip)
    raw = b"".join(body)
    request = RequestFactory().post("/", data=raw, content_type=body.content_type)

    post, files = MultiPartParser(request.META, request, request.upload_handlers).parse()

    assert raw.rindex(b'name="video_signature"') > raw.index(b'name="video_file"')
    assert post["advertiser_id"] == "7001" and post["file_name"] == 'a "quoted" name'
    assert post["video_signature"] == hashlib.md5(clip.read_bytes()).hexdigest()  # noqa: S324
    upload = files["video_file"]
    assert (upload.name, upload.size, upload.content_type) == ("clip.mp4", clip.stat().st_size, "video/mp4")


def test_a_file_that_changes_size_fails_the_pass(clip):
    body = body_for(clip)
    clip.write_bytes(b"shorter")

    with pytest.raises(OSError, match="shrank"):
        b"".join(body)


def test_an_empty_file(tmp_path):
    path = tmp_path / "empty.bin"
    path.write_bytes(b"")
    body = MultipartFileBody(fields=[], file_field="file", path=path)

    assert len(body) == len(b"".join(body))
    assert body.md5 == hashlib.md5(b"").hexdigest()  # noqa: S324
