"""Real Chromium over every main page of the demo tenant (``tests/fixtures/pages.py`` finds them in
the URL conf) at 1440×900 and 390×844: a full-page screenshot of each, axe-core's WCAG 2 A and AA
rules (a serious or critical violation fails the page), and no horizontal overflow of the page
itself on the phone (a table may scroll inside its own wrapper).

Screenshots go to ``$E2E_ARTIFACTS_DIR/screenshots/<page>-<width>.png`` and axe's findings of every
impact to ``$E2E_ARTIFACTS_DIR/axe/<page>-<width>.json`` (default: ``artifacts/`` at the repository
root, git-ignored).

The data is ``manage.py demo`` plus a synced shop, keys and members (``demo_tenant_seed``), seeded
once: a transactional test's teardown empties the database, so the first test seeds and reviews
every selected page in one browser pass, and each test asserts the findings of its page.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core.management.commands.demo import DEMO_PASSWORD, DEMO_USERNAME
from tests.fixtures.pages import Page, demo_tenant_seed, main_pages

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "static" / "vendor" / "axe.min.js"
VIEWPORTS = ((1440, 900), (390, 844))
PHONE_WIDTH = 390
AXE_TAGS = ["wcag2a", "wcag2aa"]
FAILING_IMPACTS = ("critical", "serious")
TARGETS_SHOWN = 3
PAGES = main_pages()

# axe's violations, trimmed to what a report needs; ``checks`` hold the why (contrast ratio, colours).
AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({
      target: n.target.join(" "), html: n.html.slice(0, 300),
      checks: [...n.any, ...n.all, ...n.none].map(c => c.message),
    })),
  }));
}"""

# What makes the page wider than the window: the outermost elements, and the texts (a long word
# or URL overflows its box without widening it), past the window's right edge that no scrolling or
# clipping box holds. null when the page fits.
OVERFLOW = """() => {
  const width = window.innerWidth, scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width + 1) return null;
  const held = node => {
    const position = node.nodeType === Node.ELEMENT_NODE ? getComputedStyle(node).position : "static";
    if (position === "fixed") return true;  // never scrolls the page
    // An absolutely positioned box escapes the scrollers between it and its containing block.
    let up = position === "absolute" ? node.offsetParent : node.parentElement;
    for (; up && up !== document.body; up = up.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const describe = el => {
    const names = [];
    // Up to the nearest element with an id (at most five levels): enough to find it in a template.
    for (let node = el; node && node !== document.body && names.length < 5; node = node.parentElement) {
      names.unshift(node.tagName.toLowerCase() + (node.id ? "#" + node.id : "") +
        [...node.classList].slice(0, 2).map(c => "." + c).join(""));
      if (node.id) break;
    }
    const position = getComputedStyle(el).position;
    return names.join(" > ") + (position === "static" ? "" : ` (position: ${position})`);
  };
  const offenders = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const isText = node.nodeType === Node.TEXT_NODE;
    if (isText && !node.textContent.trim()) continue;
    const el = isText ? node.parentElement : node;
    let box = el.getBoundingClientRect();
    if (isText) { const range = document.createRange(); range.selectNodeContents(node); box = range.getBoundingClientRect(); }
    if (box.width === 0 || box.right <= width + 1 || offenders.some(o => o.el.contains(el)) || held(node)) continue;
    offenders.push({el, right: Math.round(box.right)});
  }
  return {scrollWidth, width, offenders: offenders.slice(0, 5).map(o => `${describe(o.el)} (to ${o.right}px)`)};
}"""


def artifacts_dir() -> Path:
    return Path(os.environ.get("E2E_ARTIFACTS_DIR") or ROOT / "artifacts")


def log_in(page) -> None:
    page.goto("/login/")
    page.fill("#id_username", DEMO_USERNAME)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/login/" not in page.url, "the demo login was refused"


def review(page, target: Page, path: str) -> list[str]:
    """Screenshot, axe and (on the phone) overflow of ``path`` at each viewport: the problems found."""
    problems = []
    for width, height in VIEWPORTS:
        where = f"{target.name} @{width}px"
        page.set_viewport_size({"width": width, "height": height})
        try:
            response = page.goto(path, wait_until="networkidle")
            if response is None or response.status != 200:
                problems.append(f"{where}: GET {path} answered {response.status if response else 'nothing'}")
                continue
            page.screenshot(path=artifacts_dir() / "screenshots" / f"{target.name}-{width}.png", full_page=True)  # makes the folder
            page.add_script_tag(path=AXE_JS)
            violations = page.evaluate(AXE_RUN, AXE_TAGS)
            overflow = page.evaluate(OVERFLOW) if width == PHONE_WIDTH else None
        except sync_api.Error as exc:  # one broken page must not hide the others' findings
            problems.append(f"{where}: {exc.message.splitlines()[0]}")
            continue
        report = artifacts_dir() / "axe" / f"{target.name}-{width}.json"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps({"path": path, "violations": violations}, indent=2))
        for violation in violations:
            if violation["impact"] in FAILING_IMPACTS:
                targets = [node["target"] for node in violation["nodes"]]
                more = f" (+{len(targets) - TARGETS_SHOWN} more)" if len(targets) > TARGETS_SHOWN else ""
                problems.append(
                    f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}: {', '.join(targets[:TARGETS_SHOWN])}{more}"
                )
        if overflow:
            problems.append(
                f"{where}: the page is {overflow['scrollWidth']}px wide in a {overflow['width']}px window, widened by "
                + "; ".join(overflow["offenders"])
            )
    return problems


@pytest.fixture(scope="module")
def _findings() -> dict[str, list[str]]:
    return {}


@pytest.fixture
def findings(_findings, request, sandbox_live, browser_page) -> dict[str, list[str]]:
    """Page name → its problems; the first test seeds the data and reviews every selected page."""
    if not _findings:
        selected = {
            item.callspec.params["target"].name
            for item in request.session.items
            if item.module is request.module and hasattr(item, "callspec")
        }
        tenant = demo_tenant_seed()
        pages = [page for page in PAGES if page.name in selected]
        logged_in = False
        # The login page first: a logged-in user is sent away from it.
        for target in sorted(pages, key=lambda page: page.login_required):
            if target.login_required and not logged_in:
                log_in(browser_page)
                logged_in = True
            _findings[target.name] = review(browser_page, target, target.path(tenant))
    return _findings


@pytest.mark.parametrize("target", PAGES, ids=[page.name for page in PAGES])
def test_page_is_accessible_and_fits_a_phone(target, findings):
    problems = findings[target.name]
    assert not problems, f"{target.route}:\n  " + "\n  ".join(problems)
