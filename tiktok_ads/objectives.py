"""The seed's three TikTok objectives and what each means on the platform: the campaign's
``objective_type``, the ad group's promotion, optimisation goal and billing event, and what an ad
needs (a landing page, an instant form). One table; the launch workflows read it."""

from __future__ import annotations

from dataclasses import dataclass

from tiktok_ads.models import Objective


@dataclass(frozen=True)
class ObjectivePlan:
    objective_type: str
    promotion_type: str
    optimization_goal: str
    billing_event: str
    promotion_target_type: str = ""
    needs_page: bool = False  # lead forms: the ad carries page_id
    needs_landing_page: bool = False
    needs_pixel: bool = False
    call_to_action: str = "LEARN_MORE"


PLANS: dict[str, ObjectivePlan] = {
    Objective.TRAFFIC: ObjectivePlan("TRAFFIC", "WEBSITE", "CLICK", "CPC", needs_landing_page=True),
    # The seed's "conversions" is the platform's WEB_CONVERSIONS (CONVERSIONS is the legacy name).
    Objective.CONVERSIONS: ObjectivePlan("WEB_CONVERSIONS", "WEBSITE", "CONVERT", "OCPM", needs_landing_page=True, needs_pixel=True),
    Objective.LEAD_GENERATION: ObjectivePlan(
        "LEAD_GENERATION", "LEAD_GENERATION", "LEAD_GENERATION", "OCPM", promotion_target_type="INSTANT_PAGE", needs_page=True, call_to_action="SIGN_UP"
    ),
}


def plan_for(objective: str) -> ObjectivePlan:
    try:
        return PLANS[objective]
    except KeyError:
        raise ValueError(f"Unknown objective {objective!r}: use traffic, conversions or lead_generation.") from None
