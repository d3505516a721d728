"""Suggest tags for library resources and passages, and record curators' decisions.

The ontology (data/tagging/ontology.yaml) is assembled here from the taxonomy, the
directory and the data files it names; ``asmhub.lib.tagger`` does the matching.
Docs: docs/tagging.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from lxml import etree

from asmhub.core.models import AuditEntry
from asmhub.directory.models import Organization
from asmhub.lib.tagger import Suggestion, Tagger, Term
from asmhub.library.models import Resource, TagSuggestion
from asmhub.taxonomy.models import Country, LeverIssue, MDGGoal, Mineral, SDGGoal

DATA = Path(__file__).resolve().parent / "data" / "tagging"
AURORA_NS = "{http://aurora-network.global/queries/namespace/}"
DC_NS = "{http://dublincore.org/documents/dcmi-namespace/}"
MIN_ALIAS_LENGTH = 3  # "or" (French for gold) would match every English "or"
SUGGEST_AT = 0.3  # below this confidence a suggestion is not stored


def _ontology_file() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / "ontology.yaml").read_text(encoding="utf-8"))
    return data


def _aurora_phrases() -> dict[int, set[str]]:
    """Multi-word phrases of the Aurora SDG queries, by goal (single words are too broad alone)."""
    phrases: dict[int, set[str]] = defaultdict(set)
    for path in sorted((DATA / "aurora").glob("query_SDG*.xml")):
        root = etree.parse(
            str(path), etree.XMLParser(resolve_entities=False, no_network=True)
        ).getroot()
        goal = int(root.findtext(f"{DC_NS}identifier[@type='sdg']") or 0)
        for line in root.iter(f"{AURORA_NS}query-line"):
            for phrase in re.findall(r'"([^"*?]+)"', line.text or ""):
                if len(phrase.split()) >= 2:
                    phrases[goal].add(phrase.strip().lower())
    return phrases


def _country_terms() -> dict[str, Any]:
    path = DATA / "country_terms.yaml"
    if not path.exists():
        return {}
    countries: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["countries"]
    return countries


def build_terms() -> tuple[list[Term], str]:
    ontology = _ontology_file()
    weights = ontology["weights"]
    terms: list[Term] = []
    for issue in LeverIssue.objects.prefetch_related("sdg_targets__goal", "mdg_goals"):
        goals = {f"sdg:{t.goal.number}" for t in issue.sdg_targets.all()}
        goals |= {f"mdg:{g.number}" for g in issue.mdg_goals.all()}
        for words in (issue.keywords or {}).values():
            for word in words:
                single = len(word.split()) == 1
                terms.append(
                    Term(
                        word,
                        (f"issue:{issue.slug}",),
                        weights["issue_keyword_single_word" if single else "issue_keyword"],
                    )
                )
                terms.append(Term(word, tuple(sorted(goals)), weights["issue_to_goal"]))
    for mineral in Mineral.objects.all():
        names = {
            mineral.name,
            mineral.ore,
            mineral.tr("name", "fr"),
            mineral.tr("ore", "fr"),
            *mineral.aliases,
        }
        for name in names:
            if name and len(name) >= MIN_ALIAS_LENGTH:
                terms.append(Term(name, (f"mineral:{mineral.slug}",), weights["mineral"]))
    extra = _country_terms()
    for country in Country.objects.all():
        label = (f"country:{country.code}",)
        names = {country.name, country.tr("name", "fr")}
        more = extra.get(country.code, {})
        for family in ("adjectives", "other_names"):
            for words in (more.get(family) or {}).values():
                names.update(words)
        for name in names:
            if name and len(name) >= MIN_ALIAS_LENGTH:
                terms.append(Term(name, label, weights["country"]))
        for capital in more.get("capitals") or []:
            terms.append(Term(capital, label, weights["country"], case_sensitive=True))
    for org in Organization.objects.all():
        label = (f"org:{org.slug}",)
        terms.append(Term(org.name, label, weights["organization"]))
        if len(org.acronym) >= MIN_ALIAS_LENGTH:
            terms.append(Term(org.acronym, label, weights["organization"], case_sensitive=True))
    for number, phrases in _aurora_phrases().items():
        terms.extend(Term(p, (f"sdg:{number}",), weights["aurora_phrase"]) for p in phrases)
    for goal in SDGGoal.objects.all():
        for pattern in ("SDG {n}", "SDG{n}", "Goal {n}", "ODD {n}"):
            terms.append(
                Term(
                    pattern.format(n=goal.number), (f"sdg:{goal.number}",), weights["explicit_goal"]
                )
            )
    for mdg in MDGGoal.objects.all():
        for pattern in ("MDG {n}", "MDG{n}", "OMD {n}"):
            terms.append(
                Term(pattern.format(n=mdg.number), (f"mdg:{mdg.number}",), weights["explicit_goal"])
            )
        terms.append(Term(mdg.title, (f"mdg:{mdg.number}",), weights["explicit_goal"]))
    for item in ontology.get("terms", []):
        terms.append(
            Term(
                item["phrase"],
                tuple(item["labels"]),
                float(item.get("weight", 1.0)),
                bool(item.get("case_sensitive", False)),
            )
        )
    return terms, str(ontology["version"])


@lru_cache(maxsize=1)
def _cached_tagger(stamp: tuple[int, ...]) -> Tagger:
    terms, version = build_terms()
    return Tagger(terms, version)


def tagger() -> Tagger:
    """The tagger, rebuilt when the taxonomy or the directory changes size."""
    stamp = (
        LeverIssue.objects.count(),
        Mineral.objects.count(),
        Country.objects.count(),
        Organization.objects.count(),
    )
    return _cached_tagger(stamp)


def suggest(resource: Resource) -> int:
    """Replace the resource's pending suggestions with fresh ones; keep decisions."""
    engine = tagger()
    decided = set(
        resource.suggestions.exclude(decision=TagSuggestion.Decision.PENDING).values_list(
            "passage_id", "label"
        )
    )
    rows: list[TagSuggestion] = []
    per_label: dict[str, list[Suggestion]] = defaultdict(list)
    passages = list(resource.passages.all())
    for passage in passages:
        for hit in engine.tag(f"{passage.heading}\n{passage.text}"):
            per_label[hit.label].append(hit)
            if hit.confidence >= SUGGEST_AT and (passage.pk, hit.label) not in decided:
                rows.append(
                    TagSuggestion(
                        resource=resource,
                        passage=passage,
                        label=hit.label,
                        confidence=hit.confidence,
                        triggers=hit.triggers[:8],
                        ontology_version=engine.version,
                    )
                )
    for label, hits in per_label.items():
        best = max(h.confidence for h in hits)
        share = len(hits) / max(len(passages), 1)
        confidence = round(1 - (1 - best) * (1 - share), 3)
        triggers: list[str] = []
        for h in sorted(hits, key=lambda h: -h.confidence):
            triggers.extend(t for t in h.triggers if t not in triggers)
        if confidence >= SUGGEST_AT and (None, label) not in decided:
            rows.append(
                TagSuggestion(
                    resource=resource,
                    label=label,
                    confidence=confidence,
                    triggers=triggers[:8],
                    ontology_version=engine.version,
                )
            )
    with transaction.atomic():
        resource.suggestions.filter(decision=TagSuggestion.Decision.PENDING).delete()
        TagSuggestion.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


RELATION = {
    "issue": ("lever_issues", LeverIssue, "slug"),
    "sdg": ("sdg_goals", SDGGoal, "number"),
    "mdg": ("mdg_goals", MDGGoal, "number"),
    "country": ("countries", Country, "code"),
    "mineral": ("minerals", Mineral, "slug"),
    "org": ("organizations", Organization, "slug"),
}


def term_for(label: str) -> Any:
    family, _, key = label.partition(":")
    _relation, model, attribute = RELATION[family]
    return model._default_manager.filter(**{attribute: key}).first()


def decide(user: Any, suggestion: TagSuggestion, accept: bool) -> TagSuggestion:
    """Record a curator's decision; on a resource-level suggestion, tag or untag the resource."""
    with transaction.atomic():
        suggestion.decision = (
            TagSuggestion.Decision.ACCEPTED if accept else TagSuggestion.Decision.REJECTED
        )
        suggestion.decided_by = user
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["decision", "decided_by", "decided_at"])
        if suggestion.passage_id is None:
            term = term_for(suggestion.label)
            if term is not None:
                manager = getattr(suggestion.resource, RELATION[suggestion.family][0])
                (manager.add if accept else manager.remove)(term)
        AuditEntry.record(
            user,
            "tag:" + suggestion.decision,
            suggestion.resource,
            {"label": suggestion.label, "passage": suggestion.passage_id},
        )
    return suggestion
