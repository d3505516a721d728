"""``{% follow_button record %}``: the Follow / Unfollow button of a followable page."""

from __future__ import annotations

from typing import Any

from django import template

from asmhub.outreach import follows

register = template.Library()


@register.inclusion_tag("outreach/_follow.html", takes_context=True)
def follow_button(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "object": obj,
        "type_label": obj._meta.label_lower,
        "following": signed_in and follows.find(user, obj) is not None,
        "signed_in": signed_in,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
