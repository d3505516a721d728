"""Schemas of the monitoring API's sites and visits.

What they carry is what ``present.py`` hands out: the ``restricted`` part of a visit is
optional and left out of answers to users without the programme's grant.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

Flag = Literal["", "yes", "no"]
Qualification = Literal["green", "yellow", "red", "blue", "not-qualified"]  # Site.Qualification


class SiteFilters(Schema):
    mineral: list[str] = Field(
        default_factory=list, description="Mineral slugs (gold, cassiterite, ...): any of them"
    )
    year: int | None = Field(
        None,
        description=(
            "Sites with an on-site visit in this year; the flags below then read the site's "
            "latest visit of that year. Outside 1901 to 2199 it is ignored."
        ),
    )
    armed_presence: Flag = Field(
        "", description="yes or no: what the latest visit saw; empty for any"
    )
    mercury: Flag = Field("", description="yes or no: mercury used at the latest visit")
    children: Flag = Field("", description="yes or no: children under 15 at the latest visit")
    women: Flag = Field("", description="yes or no: women at the latest visit")
    qualification: list[Qualification] = Field(
        default_factory=list, description="The site's current qualification: any of them"
    )
    province: int | None = Field(None, description="The province's id (an area of level 1)")

    def params(self) -> dict[str, list[str]]:
        """The filters as the map's query parameters (``MapFilter.from_params``)."""
        found: dict[str, list[str]] = {
            "mineral": list(self.mineral),
            "qualification": [str(q) for q in self.qualification],
        }
        for key in ("year", "province", "armed_presence", "mercury", "children", "women"):
            value = getattr(self, key)
            if value not in (None, ""):
                found[key] = [str(value)]
        return found


class SiteOut(Schema):
    id: int
    pcode: str
    name: str
    programme: str = Field(..., description="The programme's slug")
    synthetic: bool = Field(..., description="Generated for demonstration, not observed")
    latitude: float | None
    longitude: float | None
    approximate_location: bool = Field(
        ..., description="Rounded to 0.1° (about 11 km): a flagged site, without the grant"
    )
    province: str
    territory: str
    collectivite: str
    groupement: str
    village: str
    minerals: list[str] = Field(..., description="Mineral slugs")
    working: str
    legal_status: str
    qualification: str
    qualified_on: dt.date | None
    last_visit_on: dt.date | None
    flagged: bool


class VisitMineralOut(Schema):
    mineral: str | None = Field(..., description="The taxonomy's slug, when recognised")
    as_recorded: str
    selling_points: str
    final_destination: str


class ArmedActorOut(Schema):
    name: str
    kind: str
    frequency: str
    activities: list[str]
    conduct: str = Field(
        "", description="what the type cell says was seen: no-interference, no-data, undisciplined"
    )


class RestrictedVisitOut(Schema):
    informant: str
    notes: str
    state_services_taxing: list[str]
    armed_actors: list[ArmedActorOut]


class VisitOut(Schema):
    id: int
    key: str
    date: dt.date
    source: str
    project: str
    onsite: bool = Field(..., description="False for a status record made off site")
    record_type: str = Field(
        ..., description="onsite, status (observes nothing) or third-party (a report by others)"
    )
    no_visit_reason: str
    workers: int | None
    pits: int | None
    armed_presence: bool | None = Field(..., description="None is no data")
    armed_interference: bool | None
    state_service_present: bool | None
    state_services: list[str]
    traceability: bool | None
    traceability_scheme: str
    qualification: str
    mechanisation: bool | None
    mechanisation_level: str = Field(..., description="low, medium, high; empty is no data")
    women: bool | None
    women_work: list[str]
    pregnant_women: bool | None
    separate_sanitation: bool | None
    children_under_15: bool | None
    children_under_15_work: list[str]
    children_15_18: bool | None
    children_15_18_work: list[str]
    mercury: bool | None
    accidents: bool | None
    accident_causes: list[str]
    phone_coverage: bool | None
    minerals: list[VisitMineralOut]
    indicators: dict[str, Any] = Field(..., description="Indicator slug: value")
    restricted: RestrictedVisitOut | None = Field(
        None, description="Only for users granted the programme's restricted fields"
    )


class SiteDetailOut(SiteOut):
    visits: list[VisitOut] = Field(..., description="Newest first")


class PointOut(Schema):
    type: Literal["Point"]
    coordinates: list[float] = Field(..., description="[longitude, latitude]")


class FeaturePropertiesOut(Schema):
    id: int
    name: str
    pcode: str
    qualification: str
    minerals: list[str]
    url: str
    armed_presence: bool | None
    mercury: bool | None
    children: bool | None
    women: bool | None
    approximate: bool = Field(False, description="Present, true, when the point is rounded")


class FeatureOut(Schema):
    type: Literal["Feature"]
    geometry: PointOut
    properties: FeaturePropertiesOut


class FeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[FeatureOut]
