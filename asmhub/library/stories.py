"""Facts and success stories: the demo set, proposing candidate facts, and story stages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from asmhub.core import permissions
from asmhub.core.actions import audit
from asmhub.core.models import Status
from asmhub.library.models import Fact, Passage, Resource, SuccessStory
from asmhub.taxonomy.lookup import Lookup

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"
SEED_FILES = {  # seed number in the data files: the demo resource's file name
    "000": "2005-mdg-asm-conference-objectives.pdf",
    "001": "2005-mdg-asm-workshop-report.pdf",
    "002": "2020-ppa-member-meeting-summary.pdf",
}
# A figure worth checking: an amount of money (a currency code or sign before or after the
# number), a percentage, or a count of something (a number and its unit).
_CURRENCY = r"(?:USD|US\$|EUR|GBP|CAD|AUD|CHF|XOF|XAF|CDF|GHS|PEN|\$|€|£)"
_SCALE = r"(?:\s*(?:thousand|million|billion))?"
_UNITS = (
    r"people|persons|miners|workers|jobs|tonnes|tons|children|women|men|countries|sites|"
    r"members|organi[sz]ations|participants|households|families|communities|companies|"
    r"cooperatives|associations|projects|mines|villages|hectares|ha|kg|kilograms|grams|"
    r"ounces|oz|km|kilometres|kilometers|years|months|days|donors|partners|programmes|programs"
)
_NUMBER = r"\d[\d,.]*\d|\d"
FIGURE = re.compile(
    rf"(?P<pre>{_CURRENCY})\s?(?:{_NUMBER}){_SCALE}"
    rf"|(?:{_NUMBER}){_SCALE}\s?(?P<post>{_CURRENCY})(?![A-Za-z])"
    rf"|(?:{_NUMBER})\s*(?:%|per ?cent|percent)"
    rf"|(?:{_NUMBER}){_SCALE}\s+(?P<unit>{_UNITS})\b"
    rf"|(?:{_NUMBER})\s+(?:million|billion)\b",
    re.IGNORECASE,
)
_SIGNS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}


def figure_unit(figure: re.Match[str]) -> str:
    """The unit a figure is counted in: a currency code, "percent", or its noun."""
    currency = figure.group("pre") or figure.group("post")
    if currency:
        return _SIGNS.get(currency.upper(), currency.upper())
    if re.search(r"%|per ?cent", figure.group(0), re.I):
        return "percent"
    if figure.group("unit"):
        return figure.group("unit").lower()
    return figure.group(0).split()[-1].lower()


SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


def _squash(text: str) -> str:
    return " ".join(text.split())


def find_passage(resource: Resource, quote: str) -> Passage | None:
    """The passage of ``resource`` that holds the start of ``quote``."""
    start = _squash(quote)[:60]
    for passage in resource.passages.all():
        if start in _squash(passage.text):
            return passage
    return None


def _relations(lookup: Lookup, item: dict[str, Any], where: str) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for key, method in (
        ("countries", "country"),
        ("lever_issues", "issue"),
        ("minerals", "mineral"),
        ("organizations", "organization"),
        ("sdg_targets", "sdg_target"),
        ("mdg_goals", "mdg_goal"),
    ):
        values = [getattr(lookup, method)(str(v)) for v in item.get(key) or []]
        if None in values:
            raise ValueError(f"{where}: unknown {key} in {item.get(key)}")
        found[key] = values
    return found


@transaction.atomic
def load_demo_stories_and_facts(directory: Path = DEMO_DIR) -> dict[str, int]:
    """The success stories and facts of the seed documents; idempotent."""
    lookup = Lookup()
    resources = {
        number: Resource.objects.filter(file_name=name).first()
        for number, name in SEED_FILES.items()
    }
    stories = yaml.safe_load((directory / "success_stories.yaml").read_text(encoding="utf-8"))[
        "stories"
    ]
    for item in stories:
        where = f"success_stories.yaml {item['slug']}"
        relations = _relations(lookup, item, where)
        story, _created = SuccessStory.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "place": item.get("place", ""),
                "period": item.get("period", ""),
                "problem": item.get("problem", ""),
                "intervention": item.get("intervention", ""),
                "results": item.get("results", ""),
                "beneficiaries": item.get("beneficiaries", []),
                "cost": item.get("cost", ""),
                "multiplier_effects": item.get("multiplier_effects", ""),
                "stage": item.get("stage", SuccessStory.Stage.DOCUMENTED),
                "evidence": item.get("evidence", []),
                "status": Status.PUBLISHED,
            },
        )
        for key in ("countries", "organizations", "lever_issues", "sdg_targets", "mdg_goals"):
            getattr(story, key).set(relations[key])
        sources = {resources.get(e.get("source")) for e in item.get("evidence", [])}
        story.evidence_resources.set([r for r in sources if r is not None])
    facts = yaml.safe_load((directory / "facts.yaml").read_text(encoding="utf-8"))["facts"]
    for number, item in enumerate(facts, start=1):
        where = f"facts.yaml fact {number}"
        resource = resources.get(item["source"])
        if resource is None:
            raise ValueError(
                f"{where}: the seed {item['source']} is not in the library (load it first)"
            )
        relations = _relations(lookup, item, where)
        passage = find_passage(resource, item["quote"])
        fact, _created = Fact.objects.update_or_create(
            resource=resource,
            statement=item["statement"],
            defaults={
                "value": item.get("value"),
                "value_max": item.get("value_max"),
                "qualifier": item.get("qualifier") or "",
                "unit": item.get("unit") or "",
                "scope": item.get("scope") or Fact.Scope.GLOBAL,
                "scope_detail": item.get("scope_detail") or "",
                "year": item.get("year"),
                "quote": item["quote"],
                "passage": passage,
                "page": passage.page if passage else None,
                "status": Status.PUBLISHED,
            },
        )
        fact.countries.set(relations["countries"])
        fact.lever_issues.set(relations["lever_issues"])
        fact.minerals.set(relations["minerals"])
    return {"success stories": len(stories), "facts": len(facts)}


def _number(text: str) -> float | None:
    match = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    if not match:
        return None
    value = float(match.group(0).replace(",", ""))
    lowered = text.lower()
    if "billion" in lowered:
        value *= 1_000_000_000
    elif "million" in lowered:
        value *= 1_000_000
    elif "thousand" in lowered:
        value *= 1_000
    return value


def propose_facts(resource: Resource, actor: Any = None) -> int:
    """Draft facts from the resource's sentences that state figures, for a curator to check.

    Existing facts (same statement) are left alone; proposals are drafts of the
    resource's organization, so they are not public until an editor publishes them.
    """
    known = set(resource.facts.values_list("statement", flat=True))
    created = 0
    for passage in resource.passages.all():
        for sentence in SENTENCE.split(_squash(passage.text)):
            figure = FIGURE.search(sentence)
            if not figure or not 40 <= len(sentence) <= 400 or sentence in known:
                continue
            unit = figure_unit(figure)
            Fact.objects.create(
                statement=sentence,
                quote=sentence,
                value=_number(figure.group(0)),
                unit=unit,
                year=resource.year,
                resource=resource,
                passage=passage,
                page=passage.page,
                status=Status.DRAFT,
                owner_organization_id=resource.owner_organization_id,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            known.add(sentence)
            created += 1
    return created


STAGE_ORDER = [s.value for s in SuccessStory.Stage]


def change_stage(
    user: Any, story: SuccessStory, stage: str, *, verified_by: str = "", evidence: str = ""
) -> SuccessStory:
    """Move a story along embryonic → documented → verified → promoted, with its history.

    Verifying needs the verifier and the evidence; only editors verify or promote.
    """
    if stage not in STAGE_ORDER:
        raise PermissionDenied(_("Unknown stage."))
    if not permissions.can_change(user, story):
        raise PermissionDenied(
            _("Only the contributing organization or an editor may change this.")
        )
    if stage in (
        SuccessStory.Stage.VERIFIED,
        SuccessStory.Stage.PROMOTED,
    ) and not permissions.is_editor(user):
        raise PermissionDenied(_("Only an editor may verify or promote a story."))
    if stage == SuccessStory.Stage.VERIFIED and not (verified_by.strip() and evidence.strip()):
        raise PermissionDenied(_("Say who verified the story and on what evidence."))
    from django.utils import timezone

    with transaction.atomic():
        old = story.stage
        story.stage = stage
        if stage == SuccessStory.Stage.VERIFIED:
            story.verified_by, story.verification_evidence = verified_by.strip(), evidence.strip()
            story.verified_on = timezone.now().date()
        story.save()
        audit(
            user,
            f"stage:{stage}",
            story,
            {"stage": {"from": old, "to": stage}, "verified_by": story.verified_by},
        )
    return story
