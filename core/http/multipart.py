"""A multipart/form-data body streamed from disk, for uploads too big to hold in memory.

``MultipartFileBody`` is passed as ``data=`` to ``UpstreamClient.request`` with its
``content_type`` in ``headers``. It has a length (``len()``: ``requests`` then sends
``Content-Length`` and no chunked encoding) computed up front from the parts' framing and the
file's size, and every iteration reads the file again from its start, so a retry of the call
sends the whole body again. The file is read in ``chunk_size`` pieces; each piece is yielded as
it is read, so at most one chunk is in memory.

``md5_field`` names a last text part carrying the hex MD5 of the file, computed while the file
streams (a hex MD5 is always 32 characters, so the length is known before it is). The file
must not change size while it is sent: a short or long read raises ``OSError``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Iterator, Sequence

CHUNK_SIZE = 1024 * 1024
MD5_HEX_LENGTH = 32


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartFileBody:
    """``fields`` (text parts, in order), then the file at ``path`` as part ``file_field``, then
    the optional ``md5_field``. ``on_progress(sent, total)`` is called after each file chunk
    (bytes of the file sent so far, the file's size)."""

    def __init__(
        self,
        *,
        fields: Sequence[tuple[str, str]],
        file_field: str,
        path: str | os.PathLike,
        filename: str | None = None,
        file_content_type: str = "application/octet-stream",
        md5_field: str | None = None,
        chunk_size: int = CHUNK_SIZE,
        on_progress: Callable[[int, int], None] | None = None,
    ):
        self.path = os.fspath(path)
        self.file_size = os.path.getsize(self.path)
        self.chunk_size = chunk_size
        self.on_progress = on_progress
        self.md5_field = md5_field
        self.boundary = "----upload" + secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={self.boundary}"
        self.md5: str | None = None  # the file's hex MD5 once a pass has read it all
        self._head = b"".join(self._field(name, str(value)) for name, value in fields) + self._file_header(
            file_field, filename or os.path.basename(self.path), file_content_type
        )
        self._md5_head = self._field_header(md5_field) if md5_field else b""
        self._close = f"--{self.boundary}--\r\n".encode()
        tail = len(b"\r\n") + (len(self._md5_head) + MD5_HEX_LENGTH + len(b"\r\n") if md5_field else 0) + len(self._close)
        self.length = len(self._head) + self.file_size + tail

    def _field_header(self, name: str) -> bytes:
        return f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"\r\n\r\n'.encode()

    def _field(self, name: str, value: str) -> bytes:
        return self._field_header(name) + value.encode() + b"\r\n"

    def _file_header(self, name: str, filename: str, content_type: str) -> bytes:
        return (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"; filename="{_quoted(filename)}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[bytes]:
        digest = hashlib.md5(usedforsecurity=False)
        sent = 0
        yield self._head
        with open(self.path, "rb") as handle:
            while chunk := handle.read(min(self.chunk_size, self.file_size - sent + 1)):
                sent += len(chunk)
                if sent > self.file_size:
                    raise OSError(f"{self.path} grew while it was being uploaded.")
                digest.update(chunk)
                yield chunk
                if self.on_progress is not None:
                    self.on_progress(sent, self.file_size)
        if sent != self.file_size:
            raise OSError(f"{self.path} shrank while it was being uploaded.")
        self.md5 = digest.hexdigest()
        yield b"\r\n"
        if self.md5_field:
            yield self._md5_head + self.md5.encode() + b"\r\n"
        yield self._close
