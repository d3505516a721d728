"""A donor pack: for one donor and one or more concepts, why they fit (the matching's own
reasons, ``funding/matching.py``), the evidence, the door to knock on
(``funding/targeting.py``), the timing from the donor's funding cycles, and the people to
talk to. Contact details reach the pack only through
``directory.services.contact_details_for``, that is only for a user with the grant.
The sections have a brief's shape, so the page and the files are rendered alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from asmhub.briefs.drafting import cite_page
from asmhub.convenings.report_sections import Draft
from asmhub.core import permissions
from asmhub.directory.models import Person
from asmhub.directory.services import contact_details_for
from asmhub.funding.matching import rank_donors
from asmhub.funding.models import Concept, DonorProfile
from asmhub.funding.services import cycle_dates
from asmhub.funding.targeting import entry_point_for, evidence_for


def fit(profile: DonorProfile, concepts: list[Concept]) -> tuple[Draft, Draft, list[Any]]:
    """Why the donor fits each concept, and the door for each; and the matches."""
    why, door = Draft(), Draft()
    matches = []
    for concept in concepts:
        found = rank_donors(concept, limit=1, profile_ids=[profile.pk])
        if not found:
            continue
        match = found[0]
        matches.append(match)
        cites = [why.cite(concept), why.cite(profile, profile.organization.name)]
        reasons = " ".join(
            f"{p.label}: {p.reason}" for p in match.parts if p.value > 0 and p.reason
        )
        why.item(
            concept.title,
            reasons or _("No part of the matching found common ground."),
            _("match %(score).0f of 100") % {"score": match.score},
            cites,
        )
        countries = set(concept.countries.values_list("code", flat=True))
        label, reason = entry_point_for(match, countries)
        door.item(concept.title, reason, label, [door.cite(profile, profile.organization.name)])
    why.text = _(
        "How the donor's published profile meets each concept, part by part, as the "
        "platform's matching scores it."
    )
    door.text = _("The door to knock on for each concept, from the donor's entry points.")
    return why, door, matches


def evidence(user: Any, concepts: list[Concept]) -> Draft:
    draft = Draft()
    seen: set[tuple[str, int]] = set()
    for concept in concepts:
        for record in evidence_for(user, concept):
            key = (record._meta.model_name, record.pk)
            if key in seen:
                continue
            seen.add(key)
            title = getattr(record, "statement", None) or str(record)
            draft.item(title, "", str(record._meta.verbose_name), [draft.cite(record, title[:80])])
    draft.text = _(
        "The concepts' own evidence, then sourced facts and success stories on their lever issues."
    )
    return draft


def timing(profile: DonorProfile, matches: list[Any], today: dt.date | None = None) -> Draft:
    draft = Draft()
    start = today or dt.date.today()
    dates = cycle_dates(list(profile.cycles.all()), start, start + dt.timedelta(days=365))
    for when in dates[:6]:
        draft.item(
            when.cycle.title,
            "",
            when.date.isoformat(),
            [cite_page(draft, _("Calendar"), _("Funding cycles on the calendar"), "/calendar/")],
        )
    for match in matches:
        if match.deadline:
            draft.item(
                match.deadline_what or _("Deadline"),
                "",
                match.deadline.isoformat(),
                [draft.cite(profile, profile.organization.name)],
            )
    draft.text = (
        _("The donor's funding cycles and deadlines in the coming year.")
        if draft.items
        else _("The donor's profile records no funding cycle in the coming year.")
    )
    return draft


def contacts(user: Any, profile: DonorProfile) -> Draft:
    draft = Draft()
    people = (
        permissions.visible(
            user,
            Person.objects.filter(affiliations__organization=profile.organization)
            | profile.champions.all(),
        )
        .distinct()
        .order_by("name")
    )
    for person in people[:8]:
        details = contact_details_for(user, person)
        parts = [details.email, details.phone] if details else []
        draft.item(
            person.name,
            " · ".join(p for p in parts if p),
            _("Champion inside the donor")
            if profile.champions.filter(pk=person.pk).exists()
            else "",
            [draft.cite(person, person.name)],
        )
    if permissions.can_view_contact_details(user):
        draft.text = _("People to talk to, with the contact details the directory holds.")
    else:
        draft.text = _(
            "People to talk to. Their contact details are shown only to members whose role allows it."
        )
    return draft


def pack(user: Any, profile: DonorProfile, concepts: list[Concept]) -> list[dict[str, Any]]:
    why, door, matches = fit(profile, concepts)
    parts = [
        ("why", _("Why they fit"), why),
        ("evidence", _("The evidence"), evidence(user, concepts)),
        ("entry", _("The entry point"), door),
        ("timing", _("Timing"), timing(profile, matches)),
        ("contacts", _("Contacts"), contacts(user, profile)),
    ]
    return [
        {"key": key, "title": title, "text": d.text, **d.content(), "citations": d.citations}
        for key, title, d in parts
    ]
