"""``{{ text|cite_links:key }}``: the ``[n]`` marks of a brief's text as links to the
section's numbered sources, the rest of the text escaped."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
MARK = re.compile(r"\[(\d{1,3})\]")


@register.filter
def cite_links(text: object, key: str) -> SafeString:
    escaped = escape(str(text))
    linked = MARK.sub(
        lambda m: f'<a class="cite" href="#cite-{escape(key)}-{m[1]}">[{m[1]}]</a>', escaped
    )
    return mark_safe(linked)  # built from escaped text and digits only
