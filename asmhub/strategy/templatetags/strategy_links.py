"""What the strategy keeps about a convening, for the convening's page: the reviews held
at it and the work plans drawn from it, as far as the reader may see them."""

from __future__ import annotations

from typing import Any

from django import template

from asmhub.core import permissions

register = template.Library()


@register.inclusion_tag("strategy/_convening_links.html", takes_context=True)
def strategy_links(context: dict[str, Any], convening: Any) -> dict[str, Any]:
    from asmhub.strategy import services, workplans

    user = context["request"].user
    visible = services.strategies(user)
    return {
        "reviews": convening.strategy_reviews.filter(strategy__in=visible).select_related(
            "strategy"
        ),
        "plans": workplans.visible_plans(user).filter(convening=convening),
        "can_draft": permissions.can_draft_plan(user, convening),
        "convening": convening,
    }
