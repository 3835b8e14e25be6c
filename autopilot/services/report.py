"""A run's report: Telegram HTML (names escaped), per platform, stored as a ``CampaignReport`` and
handed to the outbox in the same transaction (``outbox_enqueue_report``).

Sections: the window's summary (spend, leads, cost per lead against the target, in the
advertiser's currency), the ad groups by health with the factor that cost them most, and the
actions: proposed, executed, held, refused."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.db import transaction

from autopilot.models import AdGroupScore, BrainRun, CampaignReport, Health, ProposalState, ProposedAction
from autopilot.services import outbox
from autopilot.services.scoring import CENT, money, shown
from core.exceptions import ApplicationError
from tiktok_ads.selectors import ad_account_currency, ad_account_get

HEALTH_ORDER = [Health.FAILING, Health.WATCH, Health.HEALTHY, Health.LEARNING, Health.NO_DATA]
HEALTH_MARK = {Health.FAILING: "🔴", Health.WATCH: "🟡", Health.HEALTHY: "🟢", Health.LEARNING: "🔵", Health.NO_DATA: "⚪"}
STATE_WORDS = {
    ProposalState.PROPOSED: "proposed",
    ProposalState.SUCCEEDED: "executed",
    ProposalState.HELD: "held",
    ProposalState.FAILED: "refused by TikTok",
    ProposalState.INVALID: "refused before sending",
}


def _main_factor(score: AdGroupScore) -> dict | None:
    scored = [factor for factor in score.factors if factor.get("max_points")]
    extra = [factor for factor in score.factors if factor.get("factor") in ("learning", "delivery")]
    if score.health in (Health.LEARNING, Health.NO_DATA) and extra:
        return extra[0]
    if not scored:
        return score.factors[0] if score.factors else None
    return max(scored, key=lambda factor: factor["max_points"] - factor["points"])


def report_data(run: BrainRun) -> dict:
    """The figures the report is written from (stored as ``report_data``)."""
    tenant = run.tenant
    name, currency = "", ""
    if run.ad_account_id:
        try:
            account = ad_account_get(tenant, run.ad_account_id)
            name, currency = account.name, ad_account_currency(account)
        except ApplicationError:
            pass
    currency = run.summary.get("currency") or currency
    scores = list(AdGroupScore.objects.for_tenant(tenant).filter(run=run).order_by("score", "adgroup_id"))
    actions = list(ProposedAction.objects.for_tenant(tenant).filter(run=run).order_by("position"))
    spend = sum((score.spend for score in scores), Decimal(0))
    leads = sum(score.leads for score in scores)
    targets = sorted({Decimal(f["target"]) for s in scores for f in s.factors if f.get("factor") == "cpl" and f.get("target")})
    cpl = (spend / leads).quantize(CENT, ROUND_HALF_UP) if leads else None
    return {
        "ad_account": name,
        "currency": currency,
        "window": [str(run.window_start or ""), str(run.window_end or "")],
        "spend": money(spend),
        "leads": leads,
        "cpl": money(cpl),
        "target_cpl": [money(target) for target in targets],
        "health": dict(Counter(score.health for score in scores)),
        "adgroups": [
            {
                "adgroup_id": score.adgroup_id,
                "name": score.adgroup_name,
                "health": score.health,
                "score": score.score,
                "main": (_main_factor(score) or {}).get("detail", ""),
            }
            for score in scores
        ],
        "actions": dict(Counter(action.state for action in actions)),
        "action_rows": [
            {"position": a.position, "action": a.action, "state": a.state, "reason": a.reason, "error": a.error} for a in actions
        ],
        "stale_reason": run.stale_reason,
        "mode": run.mode,
    }


def report_text(data: dict) -> str:
    currency = data["currency"]
    lines = [f"<b>TikTok report: {escape(data['ad_account'] or 'ad account')}</b>"]
    if data["window"][0]:
        lines.append(f"{escape(data['window'][0])} – {escape(data['window'][1])}")
    lines.append("")
    lines.append(f"Spend: <b>{escape(shown(Decimal(data['spend']), currency))}</b>")
    lines.append(f"Leads: <b>{data['leads']}</b>")
    if data["cpl"]:
        cpl = f"CPL: <b>{escape(shown(Decimal(data['cpl']), currency))}</b>"
        if data["target_cpl"]:
            cpl += " (target " + ", ".join(escape(shown(Decimal(t), currency)) for t in data["target_cpl"]) + ")"
        lines.append(cpl)
    elif data["target_cpl"]:
        lines.append("CPL: no leads (target " + ", ".join(escape(shown(Decimal(t), currency)) for t in data["target_cpl"]) + ")")
    by_health: dict[str, list[dict]] = {}
    for row in data["adgroups"]:
        by_health.setdefault(row["health"], []).append(row)
    if data["adgroups"]:
        lines.append("")
        lines.append("<b>Ad groups</b>")
        for health in HEALTH_ORDER:
            for row in by_health.get(health, []):
                label = Health(health).label
                main = f": {escape(row['main'])}" if row["main"] else ""
                lines.append(f"{HEALTH_MARK[health]} {escape(row['name'] or row['adgroup_id'])} — {label}, {row['score']}/100{main}")
    lines.append("")
    counts = data["actions"]
    if data["action_rows"]:
        summary = ", ".join(f"{counts[state]} {STATE_WORDS[state]}" for state in STATE_WORDS if counts.get(state))
        lines.append(f"<b>Actions</b> ({summary})")
        for row in data["action_rows"]:
            error = f" — {escape(row['error'])}" if row["error"] else ""
            lines.append(f"{row['position']}. [{STATE_WORDS[row['state']]}] {escape(row['reason'])}{error}")
    else:
        lines.append("<b>Actions</b>: none proposed")
    if data["stale_reason"]:
        lines.append(f"<i>{escape(data['stale_reason'])}</i>")
    return "\n".join(lines)


def brain_report(*, run: BrainRun) -> CampaignReport:
    """Store the run's report (platform tiktok) and hand it to the outbox, in one transaction.
    A run reports once: called again (a resumed run), it returns the stored report."""
    existing = CampaignReport.objects.for_tenant(run.tenant).filter(run=run, platform=run.platform).first()
    if existing is not None:
        return existing
    data = report_data(run)
    with transaction.atomic():
        report = CampaignReport.objects.create(
            tenant=run.tenant,
            run=run,
            platform=run.platform,
            ad_account_id=run.ad_account_id,
            report_text=report_text(data),
            report_data=data,
        )
        outbox.outbox_enqueue_report(report=report)
    return report
