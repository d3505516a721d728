from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class BriefOut(Schema):
    slug: str
    title: str
    lever_issue: str
    latest_version: int | None
    url: str


class BriefSectionOut(Schema):
    key: str
    title: str
    text: str
    items: list[dict[str, Any]]
    table: dict[str, Any] | None = None
    citations: list[dict[str, Any]]


class BriefVersionOut(Schema):
    slug: str
    number: int
    title: str
    note: str
    published_at: dt.datetime
    language: str
    sections: list[BriefSectionOut]
    url: str


class CountryFigureOut(Schema):
    kind: str
    label: str
    mineral: str | None
    value: float
    value_max: float | None
    unit: str
    year: int
    source: str
    source_url: str
    old: bool
