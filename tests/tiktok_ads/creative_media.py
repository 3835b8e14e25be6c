"""Tiny real videos for upload tests, made once per session with ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


def _make(path: Path, *, audio: bool) -> Path:
    command = [FFMPEG, "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=320x240:rate=10"]
    if audio:
        command += ["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-shortest"]
    command += ["-pix_fmt", "yuv420p", str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return path


@pytest.fixture(scope="session")
def video_with_audio(tmp_path_factory) -> Path:
    return _make(tmp_path_factory.mktemp("videos") / "with-audio.mp4", audio=True)


@pytest.fixture(scope="session")
def video_without_audio(tmp_path_factory) -> Path:
    return _make(tmp_path_factory.mktemp("videos") / "silent.mp4", audio=False)
