"""core.locks: named locks shared by threads and by processes (Redis, or a file lock)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid

import pytest
from django.conf import settings as django_settings

from core.locks import LockTimeout, named_lock

HOLDER = """
import os, sys, time
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from core.locks import named_lock

with named_lock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()  # hold until the test says so (or closes the pipe)
"""


@pytest.fixture
def lock_name() -> str:
    return f"test:{uuid.uuid4().hex}"


def test_second_holder_times_out_then_gets_it_once_released(lock_name):
    results = []

    def contender():
        try:
            with named_lock(lock_name, wait=0.1):
                results.append("acquired")
        except LockTimeout:
            results.append("timeout")

    with named_lock(lock_name):
        thread = threading.Thread(target=contender)
        thread.start()
        thread.join()
    with named_lock(lock_name, wait=0.1):
        results.append("acquired after release")

    assert results == ["timeout", "acquired after release"]


def test_different_names_do_not_block_each_other(lock_name):
    with named_lock(lock_name), named_lock(lock_name + ":other", wait=0):
        pass


def test_released_when_the_block_raises(lock_name):
    with pytest.raises(ValueError), named_lock(lock_name):
        raise ValueError("boom")

    with named_lock(lock_name, wait=0):
        pass


def test_held_across_processes(lock_name):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, lock_name],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "REDIS_URL": django_settings.REDIS_URL, "VAR_DIR": str(django_settings.VAR_DIR)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held", holder.stderr.read()
        with pytest.raises(LockTimeout), named_lock(lock_name, wait=0.2):
            pass
    finally:
        holder.stdin.close()  # lets the holder leave its block
        holder.wait(timeout=30)

    assert holder.returncode == 0
    with named_lock(lock_name, wait=1):
        pass
