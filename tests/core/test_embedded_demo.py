"""The README's first command seeds the demo on the embedded default (SQLite, filesystem broker):
every app's demo seed must run there too, not only on the suite's PostgreSQL."""

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(240)
def test_make_demo_seeds_every_app_on_sqlite(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        ["make", "demo", f"VAR_DIR={tmp_path}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=230, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Demo ready" in result.stdout
    database = sqlite3.connect(tmp_path / "db.sqlite3")
    # The TikTok lead-generation client: its leads mapped to the direction, its launch done.
    assert database.execute("SELECT count(*) FROM tiktok_ads_lead WHERE direction_id IS NOT NULL").fetchone() == (4,)
    assert database.execute("SELECT state FROM tiktok_ads_launch").fetchall() == [("succeeded",)]
    # The autopilot: the demo ad account's daily run, and one brain run on the demo figures.
    assert database.execute("SELECT count(*) FROM autopilot_accountschedule").fetchone() == (1,)
    assert database.execute("SELECT count(*), min(stats) IS NOT NULL FROM autopilot_brainrun").fetchone() == (1, 1)
    assert database.execute("SELECT count(*) FROM autopilot_creativemetricday WHERE platform = 'tiktok'").fetchone()[0] > 0
    # ROI on both tabs: Instagram (facebook, USD) and TikTok metric days, purchases to attribute.
    assert database.execute("SELECT count(*) FROM autopilot_creativemetricday WHERE platform = 'facebook' AND currency = 'USD'").fetchone() == (56,)
    assert database.execute("SELECT count(*) FROM conversions_event WHERE name = 'PURCHASE'").fetchone() == (6,)
