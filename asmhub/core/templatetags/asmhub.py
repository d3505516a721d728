"""Template helpers shared by every app: translated reference text and filter links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.http import QueryDict

from asmhub.core import permissions

if TYPE_CHECKING:
    from asmhub.core.permissions import Visitor

register = template.Library()


@register.filter
def tr(obj: Any, field: str) -> str:
    """``{{ goal|tr:"title" }}``: the field in the active language."""
    if obj is None:
        return ""
    if hasattr(obj, "tr"):
        return str(obj.tr(field))
    return str(getattr(obj, field, ""))


@register.simple_tag(takes_context=True)
def query_toggle(context: dict[str, Any], key: str, value: Any) -> str:
    """The current query string with ``key=value`` added, or removed if present."""
    params: QueryDict = context["request"].GET.copy()
    params.pop("page", None)
    values = params.getlist(key)
    value = str(value)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(key, values)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def query_page(context: dict[str, Any], number: int) -> str:
    params: QueryDict = context["request"].GET.copy()
    params["page"] = str(number)
    return f"?{params.urlencode()}"


@register.filter
def is_selected(request: Any, key_value: str) -> bool:
    key, _, value = key_value.partition("=")
    return value in request.GET.getlist(key)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ mapping|get_item:key }}`` for dictionaries read from data files."""
    if isinstance(mapping, dict):
        return mapping.get(key) or mapping.get(str(key), "")
    return ""


@register.filter
def verbose_name(obj: Any) -> str:
    """The model's verbose name, e.g. "funding opportunity", for a record or a form's instance."""
    return str(obj._meta.verbose_name)


@register.filter
def heat(value: float) -> int:
    """A 0-1 value as one of eleven heat-map steps (CSS classes level-0 to level-10)."""
    try:
        return max(0, min(10, round(float(value) * 10)))
    except (TypeError, ValueError):
        return 0


@register.filter
def seen_by(obj: Any, user: Visitor) -> Any:
    """``{{ org.parent|seen_by:request.user }}``: the record, or None when the user may not
    see it (a draft named by a published record stays unnamed)."""
    return permissions.if_visible(user, obj)


@register.filter
def cite(text: str) -> str:
    """``{{ object.source|cite }}``: the source documents by title, linked to the library."""
    from asmhub.library.citations import cite_text

    return cite_text(str(text or ""))


@register.filter
def cite_evidence(item: Any) -> str:
    """``{{ e|cite_evidence }}``: an evidence quote's document and section, linked to its
    passage in the library."""
    from asmhub.library.citations import evidence

    return evidence(item)
