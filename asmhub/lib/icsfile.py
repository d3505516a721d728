"""The physical layout of an iCalendar (RFC 5545) file: which line holds what.

iCalendar parsers unfold lines and forget where a property was written. An import that
refuses a file must say on which line the problem is, so this module reads the content
lines itself: it unfolds them, keeping each one's first physical line number, checks that
every line is ``NAME[;PARAM=…]:VALUE`` and that BEGIN and END pair up, and lists each
component with the lines of its properties. It knows nothing of Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME = re.compile(r"^[A-Za-z0-9-]+(?=[;:])")


class LayoutError(ValueError):
    """The file is not an iCalendar stream; ``line`` is the physical line at fault."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class ContentLine:
    line: int  # the physical line on which the (folded) content line starts
    name: str  # upper case
    text: str  # the unfolded content line


@dataclass
class Component:
    name: str
    line: int  # the line of its BEGIN
    end_line: int = 0
    properties: list[ContentLine] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def line_of(self, name: str) -> int:
        """The line of the first property ``name``, or of the BEGIN when there is none."""
        wanted = name.upper()
        return next((p.line for p in self.properties if p.name == wanted), self.line)

    def has(self, name: str) -> bool:
        wanted = name.upper()
        return any(p.name == wanted for p in self.properties)

    def walk(self, name: str) -> list[Component]:
        found = [self] if self.name == name.upper() else []
        for child in self.children:
            found.extend(child.walk(name))
        return found


def content_lines(text: str) -> list[ContentLine]:
    """Unfold ``text`` into content lines; a line that starts with a space or tab continues
    the one before it."""
    found: list[ContentLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t"):
            if not found:
                raise LayoutError(number, "the file starts with a continuation line")
            found[-1].text += raw[1:]
            continue
        if not raw.strip():
            continue
        match = NAME.match(raw)
        if not match or ":" not in raw:
            shown = raw if len(raw) <= 60 else raw[:57] + "…"
            raise LayoutError(number, f"not a content line (NAME:VALUE): {shown!r}")
        found.append(ContentLine(number, match.group(0).upper(), raw))
    return found


def layout(text: str) -> list[Component]:
    """The top-level components of ``text`` (normally one VCALENDAR), with line numbers."""
    roots: list[Component] = []
    stack: list[Component] = []
    for content in content_lines(text):
        value = content.text.split(":", 1)[1].strip().upper()
        if content.name == "BEGIN":
            component = Component(value, content.line)
            (stack[-1].children if stack else roots).append(component)
            stack.append(component)
        elif content.name == "END":
            if not stack:
                raise LayoutError(content.line, f"END:{value} without a BEGIN")
            if stack[-1].name != value:
                raise LayoutError(
                    content.line,
                    f"END:{value} closes BEGIN:{stack[-1].name} of line {stack[-1].line}",
                )
            stack.pop().end_line = content.line
        elif not stack:
            raise LayoutError(content.line, f"{content.name} outside BEGIN:VCALENDAR")
        else:
            stack[-1].properties.append(content)
    if stack:
        raise LayoutError(
            stack[-1].line, f"BEGIN:{stack[-1].name} is never closed (the file is cut short?)"
        )
    if not roots:
        raise LayoutError(1, "the file is empty")
    if any(root.name != "VCALENDAR" for root in roots):
        bad = next(root for root in roots if root.name != "VCALENDAR")
        raise LayoutError(bad.line, f"BEGIN:{bad.name} outside BEGIN:VCALENDAR")
    return roots
