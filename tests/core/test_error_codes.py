"""Error codes come from the code tables (``core/errors.py``, each app's ``errors.py``): a code
written inline anywhere in an app must be one of them, so no new synonym slips in."""

import ast
from pathlib import Path

import pytest

from conversions.errors import ConversionsError
from core.errors import CoreError
from gmvmax.errors import GmvMaxError
from shop_sync.errors import ShopSyncError
from tiktok_ads.errors import TikTokAdsError

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"core": CoreError, "shop_sync": ShopSyncError, "tiktok_ads": TikTokAdsError, "conversions": ConversionsError, "gmvmax": GmvMaxError}


def _inline_codes(path: Path):
    """(line, code) of ``code="..."`` keywords and ``code = "..."`` class attributes."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            yield node.value.lineno, node.value.value
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            if any(isinstance(target, ast.Name) and target.id == "code" for target in node.targets):
                yield node.lineno, node.value.value


@pytest.mark.parametrize("app", sorted(TABLES))
def test_inline_codes_are_in_the_code_tables(app):
    known = {member.value for member in CoreError} | {member.value for member in TABLES[app]}
    strays = [
        f"{path.relative_to(ROOT)}:{line} {code!r}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for line, code in _inline_codes(path)
        if code not in known
    ]
    assert strays == []


@pytest.mark.parametrize("table", [CoreError, *TABLES.values()])
def test_codes_are_unique_snake_case(table):
    values = [member.value for member in table]
    assert len(values) == len(set(values))
    assert all(value.isidentifier() and value == value.lower() for value in values)


def test_app_codes_do_not_shadow_core_codes():
    core = {member.value for member in CoreError}
    for table in TABLES.values():
        if table is not CoreError:
            assert not core & {member.value for member in table}, table
