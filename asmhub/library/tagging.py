"""Suggest tags for library resources and passages, and record curators' decisions.

The ontology (data/tagging/ontology.yaml) is assembled here from the taxonomy, the
directory and the data files it names; ``asmhub.lib.tagger`` does the matching.
Docs: docs/tagging.md.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from lxml import etree

from asmhub.core.actions import audit
from asmhub.directory.models import Organization
from asmhub.lib.boolquery import Query, QuerySyntaxError, parse
from asmhub.lib.sdgmodel import EngineHit, LinearModel, TargetIndex, target_texts
from asmhub.lib.tagger import Rule, Suggestion, Tagger, Term
from asmhub.library.models import Resource, TagSuggestion
from asmhub.taxonomy.models import Country, LeverIssue, MDGGoal, Mineral, SDGGoal

DATA = Path(__file__).resolve().parent / "data" / "tagging"
SDG_TEXTS = Path(__file__).resolve().parents[1] / "taxonomy" / "data" / "sdg"
SDG_MODEL = DATA / "sdg_model.json"
AURORA_NS = "{http://aurora-network.global/queries/namespace/}"
DC_NS = "{http://dublincore.org/documents/dcmi-namespace/}"
MIN_ALIAS_LENGTH = 3  # "or" (French for gold) would match every English "or"
SUGGEST_AT = 0.3  # below this confidence a suggestion is not stored


def _ontology_file() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / "ontology.yaml").read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def aurora_queries() -> dict[int, list[tuple[str, Query]]]:
    """The Aurora SDG queries, by goal: (subquery name such as "7.2", parsed query line)."""
    queries: dict[int, list[tuple[str, Query]]] = defaultdict(list)
    for path in sorted((DATA / "aurora").glob("query_SDG*.xml")):
        root = etree.parse(
            str(path), etree.XMLParser(resolve_entities=False, no_network=True)
        ).getroot()
        goal = int(root.findtext(f"{DC_NS}identifier[@type='sdg']") or 0)
        for definition in root.iter(f"{AURORA_NS}query-definition"):
            sub = (definition.findtext(f"{AURORA_NS}subquery-identifier") or "").strip()
            for line in definition.iter(f"{AURORA_NS}query-line"):
                try:
                    query = parse(line.text or "")
                except QuerySyntaxError as exc:
                    raise QuerySyntaxError(f"{path.name}, subquery {sub}: {exc}") from None
                queries[goal].append((f"{goal}.{sub}", query))
    return dict(queries)


@lru_cache(maxsize=1)
def extra_queries() -> dict[int, list[tuple[str, str, Query]]]:
    """The project's own SDG queries (data/tagging/sdg_queries.yaml), by goal: (name, tier, query).

    Same syntax as Aurora's; a tier is "strong" or "weak".
    """
    path = DATA / "sdg_queries.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    queries: dict[int, list[tuple[str, str, Query]]] = defaultdict(list)
    for goal, tiers in (data.get("goals") or {}).items():
        for tier in ("strong", "weak"):
            for i, line in enumerate((tiers or {}).get(tier) or [], start=1):
                try:
                    query = parse(line)
                except QuerySyntaxError as exc:
                    raise QuerySyntaxError(
                        f"{path.name}, goal {goal}, {tier} line {i}: {exc}"
                    ) from None
                queries[int(goal)].append((f"{goal}.{tier}{i}", tier, query))
    return dict(queries)


def sdg_rules(weights: dict[str, Any]) -> list[Rule]:
    rules = [
        Rule(f"sdg:{goal}", query, float(weights["aurora_query"]), f"aurora:{name}")
        for goal, queries in aurora_queries().items()
        for name, query in queries
    ]
    rules += [
        Rule(f"sdg:{goal}", query, float(weights[f"extra_{tier}"]), f"asmhub:{name}")
        for goal, queries in extra_queries().items()
        for name, tier, query in queries
    ]
    return rules


def _country_terms() -> dict[str, Any]:
    path = DATA / "country_terms.yaml"
    if not path.exists():
        return {}
    countries: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["countries"]
    return countries


def build_terms() -> tuple[list[Term], str]:
    """The phrase terms of every family. SDG goals come mostly from rules (``build``)."""
    ontology = _ontology_file()
    weights = ontology["weights"]
    terms: list[Term] = []
    for issue in LeverIssue.objects.prefetch_related("mdg_goals"):
        # an issue's keywords signal the issue and its MDG goals, no longer its SDG goals:
        # one keyword ("productivity") would light four goals at once
        goals = {f"mdg:{g.number}" for g in issue.mdg_goals.all()}
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
                if goals:
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


FAMILIES = ("issue", "sdg", "mdg", "country", "mineral", "org")


def build(families: frozenset[str] | None = None) -> Tagger:
    """A tagger for the given label families (all when None)."""
    terms, version = build_terms()
    rules = sdg_rules(_ontology_file()["weights"])
    if families is not None:
        kept = []
        for term in terms:
            labels = tuple(x for x in term.labels if x.partition(":")[0] in families)
            if labels:
                kept.append(Term(term.phrase, labels, term.weight, term.case_sensitive))
        terms = kept
        rules = [r for r in rules if r.label.partition(":")[0] in families]
    return Tagger(terms, version, rules)


@lru_cache(maxsize=1)
def sdg_target_index() -> TargetIndex:
    """TF-IDF vectors of the SDG targets and indicators, English and French, from the taxonomy data."""
    targets: list[dict[str, str]] = []
    indicators: list[dict[str, str]] = []
    for language in ("en", "fr"):
        for name, bucket in (("global_targets", targets), ("global_indicators", indicators)):
            path = SDG_TEXTS / language / f"{name}.yml"
            bucket.append(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return TargetIndex.build(target_texts(targets, indicators))


@lru_cache(maxsize=1)
def sdg_model() -> LinearModel:
    """The SDG layer's weights, fitted offline (``asmhub train-sdg-model``) and shipped as data."""
    return LinearModel.from_json(json.loads(SDG_MODEL.read_text(encoding="utf-8")))


def engine_hits(suggestions: list[Suggestion]) -> dict[int, EngineHit]:
    """What the query engine found per SDG goal, from its suggestions (any confidence)."""
    hits: dict[int, EngineHit] = {}
    for s in suggestions:
        family, _, key = s.label.partition(":")
        if family != "sdg" or not key.isdigit():
            continue
        hit = EngineHit(confidence=s.confidence, words=list(s.triggers))
        for source in dict.fromkeys(s.sources):
            if source.startswith("aurora:"):
                hit.aurora += 1
            elif source.startswith("asmhub:") and ".strong" in source:
                hit.strong += 1
            elif source.startswith("asmhub:") and ".weak" in source:
                hit.weak += 1
            else:
                hit.terms += 1
            hit.lines.append(source)
        hits[int(key)] = hit
    return hits


class LayeredTagger:
    """The phrase and query tagger, with SDG goals decided by the learned layer.

    Every family but ``sdg`` is the first layer's as it is. For SDG goals the first layer's
    hits, with the passage's closeness to the goals' target texts, go through the linear
    model (``asmhub.lib.sdgmodel``); a goal's confidence is the model's probability, and
    its triggers are the query words matched and the closest target with the words shared.
    A goal that no query line or term found is suggested only from 0.5 up.
    """

    def __init__(self, engine: Tagger, model: LinearModel, index: TargetIndex) -> None:
        self.engine, self.model, self.index = engine, model, index
        self.version = f"{engine.version}+sdg-model-{model.meta.get('version', '?')}"
        self.rules = engine.rules

    @property
    def size(self) -> int:
        return self.engine.size

    def predictions(self, text: str) -> tuple[list[Suggestion], list[Any]]:
        first = self.engine.tag(text)
        return first, self.model.predict(text, engine_hits(first), self.index)

    def tag(self, text: str, minimum: float = 0.0) -> list[Suggestion]:
        first, predictions = self.predictions(text)
        result = [s for s in first if not s.label.startswith("sdg:") and s.confidence >= minimum]
        for p in predictions:
            confidence = round(p.probability, 3)
            # a goal no query line found is suggested only when the model decides for it
            # (its closeness to the goal's targets alone is too weak a reason below that)
            floor = minimum if p.engine.lines else max(minimum, 0.5)
            if confidence >= floor and (p.engine.words or p.target_words):
                result.append(
                    Suggestion(
                        f"sdg:{p.goal}",
                        confidence,
                        p.explanation(),
                        count=len(p.engine.lines),
                        sources=[*p.engine.lines, f"model:target {p.target}"],
                    )
                )
        return sorted(result, key=lambda s: (-s.confidence, s.label))


@lru_cache(maxsize=8)
def _cached_tagger(
    stamp: tuple[int, ...], families: frozenset[str] | None, layered: bool
) -> Tagger | LayeredTagger:
    engine = build(families)
    if layered and (families is None or "sdg" in families):
        return LayeredTagger(engine, sdg_model(), sdg_target_index())
    return engine


def tagger(families: frozenset[str] | None = None, layered: bool = True) -> Tagger | LayeredTagger:
    """The tagger, rebuilt when the taxonomy changes size or the directory's names change.

    With ``layered`` (the default) SDG goals are decided by the learned layer over the
    query engine; ``layered=False`` gives the query engine alone (for comparison).
    """
    names = hash(tuple(Organization.objects.order_by("pk").values_list("pk", "name", "acronym")))
    stamp = (
        LeverIssue.objects.count(),
        Mineral.objects.count(),
        Country.objects.count(),
        names,
    )
    return _cached_tagger(stamp, families, layered)


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
        # the other passages that carry the label raise the confidence: a resource of one
        # passage keeps its passage's confidence
        share = (len(hits) - 1) / max(len(passages), 1)
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


def names_for(labels: list[str]) -> dict[str, str]:
    """Each label's name in the interface language ("SDG 8: Decent work…", "Peru", "Gold");
    a label whose term no longer exists keeps its code."""
    keys: dict[str, set[str]] = defaultdict(set)
    for label in labels:
        family, _, key = label.partition(":")
        if family in RELATION:
            keys[family].add(key)
    names: dict[str, str] = {}
    for family, wanted in keys.items():
        _relation, model, attribute = RELATION[family]
        term: Any
        for term in model._default_manager.filter(**{f"{attribute}__in": wanted}):
            key = str(getattr(term, attribute))
            if family in ("sdg", "mdg"):
                prefix = ("SDG", "ODD") if family == "sdg" else ("MDG", "OMD")
                french = (get_language() or "en").startswith("fr")
                name = f"{prefix[french]} {key}: {term.tr('short')}"
            elif family == "org":
                name = term.name
            else:
                name = term.tr("name")
            names[f"{family}:{key}"] = name
    return {label: names.get(label, label) for label in labels}


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
        audit(
            user,
            "tag:" + suggestion.decision,
            suggestion.resource,
            {"label": suggestion.label, "passage": suggestion.passage_id},
        )
    return suggestion
