"""The campaign kit of the 2005 objectives and the press kit.

The message is the most marketable facts, chosen and ordered by editors
(``MessageFact``); until they choose, the library's published facts with a figure, the
global ones first. The toolkit is success stories (verified first), the library's
toolkits and the strategy's indicators. The choice pickings are concepts with a high
match and a short timeline: the best donor's match (0 to 100, ``funding/matching.py``)
divided by the concept's length in years (two when undated), highest first; the donors
to target are those best matches, with their door (``funding/targeting.py``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, When
from django.utils.translation import gettext as _

from asmhub.briefs.models import MessageFact, NetworkResource, PressKit
from asmhub.convenings.report_sections import Draft
from asmhub.core import permissions
from asmhub.funding.matching import rank_donors
from asmhub.funding.models import Concept
from asmhub.funding.targeting import entry_point_for
from asmhub.library.models import Fact, Resource, ResourceType, SuccessStory
from asmhub.strategy.models import Indicator

MESSAGE_SIZE = 8
DEFAULT_YEARS = 2.0


def message_facts(user: Any) -> list[Any]:

    visible = permissions.visible(user, Fact.objects.all()).select_related("resource")
    chosen = [m.fact_id for m in MessageFact.objects.order_by("position", "id")]
    if chosen:
        found = visible.in_bulk(chosen)
        return [found[pk] for pk in chosen if pk in found]
    return list(
        visible.filter(value__isnull=False)
        .annotate(local=Case(When(scope="global", then=0), default=1))
        .order_by("local", F("year").desc(nulls_last=True), "id")[:MESSAGE_SIZE]
    )


def message(user: Any) -> Draft:
    draft = Draft()
    for fact in message_facts(user):
        cites = [draft.cite(fact, fact.statement[:80])]
        if fact.resource_id:
            cites.append(draft.cite(fact.resource))
        draft.item(fact.statement, "", str(fact.year or ""), cites)
    draft.text = _("The most marketable facts, in the order to tell them, each with its source.")
    return draft


def toolkit(user: Any) -> Draft:

    draft = Draft()
    for story in permissions.visible(user, SuccessStory.objects.all()).order_by("-stage", "title")[
        :5
    ]:
        draft.item(story.title, story.place, story.get_stage_display(), [draft.cite(story)])
    kits = permissions.visible(user, Resource.objects.filter(resource_type=ResourceType.TOOLKIT))
    for resource in kits.order_by("-year", "title")[:5]:
        draft.item(str(resource), "", resource.get_resource_type_display(), [draft.cite(resource)])
    indicators = Indicator.objects.filter(strategy__status="published").select_related("strategy")
    if not permissions.is_member(user):
        indicators = indicators.filter(members_only=False)
    for indicator in indicators[:6]:
        latest = indicator.latest()
        value = f"{latest.value:g} {indicator.unit}".strip() if latest else "—"
        draft.item(indicator.title, value, _("Indicator"), [draft.cite(indicator)])
    draft.text = _(
        "Success stories, materials and the network's indicators to show with the message."
    )
    return draft


def _years(concept: Any) -> float:
    if concept.starts_on and concept.ends_on and concept.ends_on > concept.starts_on:
        return max((concept.ends_on - concept.starts_on).days / 365.25, 0.25)
    return DEFAULT_YEARS


def pickings(user: Any, limit: int = 5) -> tuple[Draft, Draft]:

    ranked = []
    for concept in permissions.visible(user, Concept.objects.all()).order_by("title"):
        best = rank_donors(concept, limit=1)
        if best:
            ranked.append((best[0].score / _years(concept), concept, best[0]))
    ranked.sort(key=lambda r: (-r[0], r[1].title))
    chosen, donors = Draft(), Draft()
    seen = set()
    for gain, concept, match in ranked[:limit]:
        chosen.item(
            concept.title,
            _("Best match %(score).0f of 100 (%(donor)s) over %(years).1f years.")
            % {"score": match.score, "donor": match.donor, "years": _years(concept)},
            _("gain per year %(g).0f") % {"g": gain},
            [chosen.cite(concept)],
        )
        if match.profile is not None and match.profile.pk not in seen:
            seen.add(match.profile.pk)
            countries = set(concept.countries.values_list("code", flat=True))
            door, why = entry_point_for(match, countries)
            donors.item(
                str(match.donor),
                " ".join(p for p in (why, match.summary) if p),
                door,
                [donors.cite(match.profile, str(match.donor))],
            )
    chosen.text = _(
        "Concepts where high gains can be had in a short time: the best donor match "
        "divided by the concept's length in years."
    )
    donors.text = _("The donors to target for those concepts, and through which door.")
    return chosen, donors


def resources() -> Draft:
    """What the network has and what it needs, as editors entered them."""
    draft = Draft()
    for row in NetworkResource.objects.all():
        text = " — ".join(part for part in (row.detail, row.link) if part)
        draft.item(row.title, text, row.get_side_display(), [])
    draft.text = (
        _("What the network has to campaign with, and what it still needs.")
        if draft.items
        else _("Not entered yet: editors list what the network has and what it needs.")
    )
    return draft


def campaign(user: Any) -> list[dict[str, Any]]:
    chosen, donors = pickings(user)
    parts = [
        ("message", _("The message"), message(user)),
        ("toolkit", _("The toolkit"), toolkit(user)),
        ("pickings", _("The choice pickings"), chosen),
        ("donors", _("Donors to target"), donors),
        ("resources", _("Resources: what the network has and needs"), resources()),
    ]
    return [
        {"key": k, "title": t, "text": d.text, **d.content(), "citations": d.citations}
        for k, t, d in parts
    ]


def press_kit() -> PressKit:
    return PressKit.objects.select_related("organization").first() or PressKit()
