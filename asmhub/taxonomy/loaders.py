"""Load the taxonomy's data files into the database, idempotently.

``load_taxonomy()`` reads every file under ``data/``, checks cross-references
(a lever issue naming an SDG target that does not exist is an error naming the
file and the item), and creates or updates rows so that a second run changes
nothing. It runs in one transaction: a bad file leaves the database as it was.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
import yaml
from django.db import models, transaction
from lxml import etree

from asmhub.taxonomy import models as tx

DATA_DIR = Path(__file__).resolve().parent / "data"
SDG_LANGUAGES = ("fr", "es", "sw")
IATI_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class TaxonomyDataError(ValueError):
    """A taxonomy data file is malformed or refers to something that does not exist."""


@dataclass
class LoadReport:
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, label: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(label, Counter())[outcome] += n

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{label}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for label, c in self.counts.items()
        ]


# libyaml's safe loader reads the taxonomy about five times faster than the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        # Some sources write accents decomposed (e + U+0301); store one form, NFC,
        # so that "économique" typed by a person matches the stored text.
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        content = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise TaxonomyDataError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(content, dict):
        raise TaxonomyDataError(f"{path.name}: expected a mapping at the top")
    return content


def _text(value: Any, where: str) -> tuple[str, dict[str, str]]:
    """Split ``{en: ..., fr: ...}`` into the English text and the other languages."""
    if not isinstance(value, Mapping) or not value.get("en"):
        raise TaxonomyDataError(f"{where}: expected a mapping with an 'en' text")
    return str(value["en"]).strip(), {k: str(v).strip() for k, v in value.items() if k != "en"}


def _merge(translations: dict[str, dict[str, str]], field_name: str, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        translations.setdefault(lang, {})[field_name] = text


def sync(
    model: type[models.Model],
    key: str,
    rows: Iterable[dict[str, Any]],
    report: LoadReport,
) -> dict[Any, Any]:
    """Create missing rows and update changed ones; return all rows by key."""
    label = str(model._meta.verbose_name_plural)
    existing = {getattr(obj, key): obj for obj in model._default_manager.all()}
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**row))
            continue
        changed = [name for name, value in row.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, row[name])
            to_update.append(obj)
            changed_fields.update(changed)
        else:
            report.add(label, "unchanged")
    if to_create:
        model._default_manager.bulk_create(to_create)
        report.add(label, "created", len(to_create))
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(changed_fields))
        report.add(label, "updated", len(to_update))
    return {getattr(obj, key): obj for obj in model._default_manager.all()}


def sync_m2m(
    instances: Mapping[Any, models.Model],
    field_name: str,
    wanted: Mapping[Any, set[Any]],
    report: LoadReport,
) -> None:
    """Make each instance's many-to-many ``field_name`` hold exactly the wanted pks."""
    for key, pks in wanted.items():
        manager = getattr(instances[key], field_name)
        current = set(manager.values_list("pk", flat=True))
        if current != pks:
            manager.set(pks)
            report.add(f"links: {field_name}", "updated")
        else:
            report.add(f"links: {field_name}", "unchanged")


def _target_sort_key(code: str) -> tuple[int, int, str]:
    goal, part = code.split(".", 1)
    return (int(goal), 0, part.zfill(3)) if part.isdigit() else (int(goal), 1, part)


def load_sdgs(report: LoadReport) -> None:
    texts: dict[str, dict[str, str]] = {}
    for lang in ("en", *SDG_LANGUAGES):
        for name in ("goals", "targets", "indicators"):
            path = DATA_DIR / "sdg" / lang / f"global_{name}.yml"
            texts.setdefault(lang, {}).update(
                {str(k): str(v).strip() for k, v in read_yaml(path).items()}
            )
    en = texts["en"]

    def translated(key: str, field_name: str) -> dict[str, dict[str, str]]:
        return {
            lang: {field_name: texts[lang][key]} for lang in SDG_LANGUAGES if texts[lang].get(key)
        }

    goal_rows = []
    for number in range(1, 18):
        trans = translated(f"{number}-title", "title")
        for lang, fields in translated(f"{number}-short", "short").items():
            trans.setdefault(lang, {}).update(fields)
        goal_rows.append(
            {
                "number": number,
                "title": en[f"{number}-title"],
                "short": en.get(f"{number}-short", ""),
                "translations": trans,
            }
        )
    goals = sync(tx.SDGGoal, "number", goal_rows, report)

    target_re = re.compile(r"^(\d+)-([0-9a-z]+)-title$")
    indicator_re = re.compile(r"^(\d+)-([0-9a-z]+)-([0-9a-z]+)-title$")
    target_codes = sorted(
        (f"{m[1]}.{m[2]}" for k in en if (m := target_re.match(k))), key=_target_sort_key
    )
    target_rows = []
    for position, code in enumerate(target_codes):
        key = f"{code.replace('.', '-')}-title"
        target_rows.append(
            {
                "code": code,
                "goal_id": goals[int(code.split(".")[0])].pk,
                "title": en[key],
                "position": position,
                "translations": translated(key, "title"),
            }
        )
    targets = sync(tx.SDGTarget, "code", target_rows, report)

    indicator_rows = []
    indicator_keys = [(m, k) for k in en if (m := indicator_re.match(k))]
    indicator_keys.sort(
        key=lambda item: (_target_sort_key(f"{item[0][1]}.{item[0][2]}"), item[0][3])
    )
    for position, (match, key) in enumerate(indicator_keys):
        target_code = f"{match[1]}.{match[2]}"
        if target_code not in targets:
            raise TaxonomyDataError(f"sdg/en/global_indicators.yml: {key} names no known target")
        indicator_rows.append(
            {
                "code": f"{target_code}.{match[3]}",
                "target_id": targets[target_code].pk,
                "title": en[key],
                "position": position,
                "translations": translated(key, "title"),
            }
        )
    sync(tx.SDGIndicator, "code", indicator_rows, report)


def load_mdgs(report: LoadReport) -> None:
    data = read_yaml(DATA_DIR / "mdg.yaml")
    crosswalk = {
        int(link["mdg"]): link
        for link in read_yaml(DATA_DIR / "mdg_sdg_crosswalk.yaml")["crosswalk"]
    }
    unknown_mdgs = set(crosswalk) - {int(item["number"]) for item in data["goals"]}
    if unknown_mdgs:
        raise TaxonomyDataError(f"mdg_sdg_crosswalk.yaml: MDGs {sorted(unknown_mdgs)} do not exist")
    goal_rows, target_rows = [], []
    for item in data["goals"]:
        number = int(item["number"])
        where = f"mdg.yaml goal {number}"
        title, title_tr = _text(item["title"], where)
        short, short_tr = _text(item["short"], where)
        rationale, rationale_tr = "", dict[str, str]()
        if number in crosswalk:
            rationale, rationale_tr = _text(
                crosswalk[number]["rationale"], f"mdg_sdg_crosswalk.yaml MDG {number}"
            )
        trans: dict[str, dict[str, str]] = {}
        _merge(trans, "title", title_tr)
        _merge(trans, "short", short_tr)
        _merge(trans, "crosswalk_rationale", rationale_tr)
        goal_rows.append(
            {
                "number": number,
                "title": title,
                "short": short,
                "crosswalk_rationale": rationale,
                "translations": trans,
            }
        )
    goals = sync(tx.MDGGoal, "number", goal_rows, report)
    position = 0
    for item in data["goals"]:
        for target in item.get("targets", []):
            text, text_tr = _text(target["text"], f"mdg.yaml target {target.get('code')}")
            target_rows.append(
                {
                    "code": str(target["code"]),
                    "goal_id": goals[int(item["number"])].pk,
                    "text": text,
                    "position": position,
                    "translations": {lang: {"text": t} for lang, t in text_tr.items()},
                }
            )
            position += 1
    sync(tx.MDGTarget, "code", target_rows, report)

    sdg_pks = dict(tx.SDGGoal.objects.values_list("number", "pk"))
    wanted: dict[int, set[int]] = {}
    for number, link in crosswalk.items():
        unknown = [n for n in link["sdg"] if n not in sdg_pks]
        if unknown:
            raise TaxonomyDataError(
                f"mdg_sdg_crosswalk.yaml: MDG {number} names unknown SDG goals {unknown}"
            )
        wanted[number] = {sdg_pks[n] for n in link["sdg"]}
    sync_m2m(goals, "sdg_goals", wanted, report)


def _translated_rows(
    items: list[dict[str, Any]], file_name: str, text_fields: tuple[str, ...], extra: Any
) -> list[dict[str, Any]]:
    rows = []
    for position, item in enumerate(items):
        where = f"{file_name} {item.get('slug')}"
        row: dict[str, Any] = {"slug": item["slug"], "position": position, "translations": {}}
        for name in text_fields:
            if name in item:
                row[name], trans = _text(item[name], where)
                _merge(row["translations"], name, trans)
            else:
                row[name] = ""
        row.update(extra(item))
        rows.append(row)
    return rows


def load_lever_issues(report: LoadReport) -> None:
    data = read_yaml(DATA_DIR / "lever_issues.yaml")["lever_issues"]
    rows = _translated_rows(
        data,
        "lever_issues.yaml",
        ("name", "definition"),
        lambda item: {"keywords": item.get("keywords", {}), "evidence": item.get("evidence", [])},
    )
    issues = sync(tx.LeverIssue, "slug", rows, report)
    target_pks = dict(tx.SDGTarget.objects.values_list("code", "pk"))
    mdg_pks = dict(tx.MDGGoal.objects.values_list("number", "pk"))
    wanted_targets, wanted_mdgs = {}, {}
    for item in data:
        codes = [str(c) for c in item.get("sdg_targets", [])]
        unknown = [c for c in codes if c not in target_pks]
        if unknown:
            raise TaxonomyDataError(
                f"lever_issues.yaml {item['slug']}: unknown SDG targets {unknown}"
            )
        wanted_targets[item["slug"]] = {target_pks[c] for c in codes}
        numbers = [int(n) for n in item.get("mdg_goals", [])]
        if any(n not in mdg_pks for n in numbers):
            raise TaxonomyDataError(
                f"lever_issues.yaml {item['slug']}: unknown MDG goals {numbers}"
            )
        wanted_mdgs[item["slug"]] = {mdg_pks[n] for n in numbers}
    sync_m2m(issues, "sdg_targets", wanted_targets, report)
    sync_m2m(issues, "mdg_goals", wanted_mdgs, report)


def load_minerals(report: LoadReport) -> None:
    groups_data = read_yaml(DATA_DIR / "minerals.yaml")["groups"]
    groups = sync(
        tx.MineralGroup,
        "slug",
        _translated_rows(groups_data, "minerals.yaml", ("name", "description"), lambda _: {}),
        report,
    )
    rows: list[dict[str, Any]] = []
    for group in groups_data:
        group_rows = _translated_rows(
            group.get("minerals", []),
            "minerals.yaml",
            ("name", "ore"),
            lambda item, g=group: {
                "group_id": groups[g["slug"]].pk,
                "aliases": [str(a).lower() for a in item.get("aliases", [])],
            },
        )
        for row in group_rows:
            row["position"] += len(rows)
        rows.extend(group_rows)
    sync(tx.Mineral, "slug", rows, report)


def load_simple(
    file_name: str,
    list_key: str,
    model: type[models.Model],
    text_fields: tuple[str, ...],
    extra: Any,
    report: LoadReport,
) -> None:
    items = read_yaml(DATA_DIR / file_name)[list_key]
    sync(model, "slug", _translated_rows(items, file_name, text_fields, extra), report)


def load_regions_and_countries(report: LoadReport) -> None:
    data = read_yaml(DATA_DIR / "regions.yaml")
    region_rows: list[dict[str, Any]] = []
    parents: dict[str, str] = {}
    membership: dict[str, str] = {}
    groupings: dict[str, set[str]] = {}
    for position, region in enumerate(data["regions"]):
        name, trans = _text(region["name"], f"regions.yaml {region['slug']}")
        region_rows.append(
            {
                "slug": region["slug"],
                "name": name,
                "kind": tx.Region.Kind.REGION,
                "position": position,
                "translations": {k: {"name": v} for k, v in trans.items()},
            }
        )
        for sub in region["subregions"]:
            name, trans = _text(sub["name"], f"regions.yaml {sub['slug']}")
            region_rows.append(
                {
                    "slug": sub["slug"],
                    "name": name,
                    "kind": tx.Region.Kind.SUBREGION,
                    "position": len(region_rows),
                    "translations": {k: {"name": v} for k, v in trans.items()},
                }
            )
            parents[sub["slug"]] = region["slug"]
            membership.update({code: sub["slug"] for code in sub["countries"]})
    for grouping in data.get("groupings", []):
        name, trans = _text(grouping["name"], f"regions.yaml {grouping['slug']}")
        region_rows.append(
            {
                "slug": grouping["slug"],
                "name": name,
                "kind": tx.Region.Kind.GROUPING,
                "position": len(region_rows),
                "translations": {k: {"name": v} for k, v in trans.items()},
            }
        )
        groupings[grouping["slug"]] = set(grouping["countries"])
    regions = sync(tx.Region, "slug", region_rows, report)
    sync(
        tx.Region,
        "slug",
        [
            {
                **{
                    f: getattr(regions[slug], f)
                    for f in ("slug", "name", "kind", "position", "translations")
                },
                "parent_id": regions[parent].pk,
            }
            for slug, parent in parents.items()
        ],
        report,
    )

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    country_rows = []
    for country in pycountry.countries:
        subregion = membership.get(country.alpha_2)
        country_rows.append(
            {
                "code": country.alpha_2,
                "alpha3": country.alpha_3,
                "numeric": country.numeric,
                "name": getattr(country, "common_name", None) or country.name,
                "official_name": getattr(country, "official_name", ""),
                "subregion_id": regions[subregion].pk if subregion else None,
                "translations": {"fr": {"name": french.gettext(country.name)}},
            }
        )
    countries = sync(tx.Country, "code", country_rows, report)
    wanted: dict[str, set[int]] = {code: set() for code in countries}
    for slug, codes in groupings.items():
        unknown = codes - set(countries)
        if unknown:
            raise TaxonomyDataError(f"regions.yaml {slug}: unknown country codes {sorted(unknown)}")
        for code in codes:
            wanted[code].add(regions[slug].pk)
    sync_m2m(countries, "groupings", wanted, report)


def _narratives(element: Any, tag: str) -> tuple[str, dict[str, str]]:
    node = element.find(tag)
    if node is None:
        return "", {}
    english, others = "", {}
    for narrative in node.findall("narrative"):
        lang = narrative.get(IATI_XML_LANG, "en")
        text = unicodedata.normalize("NFC", " ".join((narrative.text or "").split()))
        if lang == "en" and not english:
            english = text
        elif lang != "en":
            others[lang] = text
    return english, others


def load_iati_codelists(report: LoadReport) -> None:
    lists, codes = [], []
    for path in sorted((DATA_DIR / "iati").glob("*.xml")):
        try:
            root = etree.parse(str(path)).getroot()
        except etree.XMLSyntaxError as exc:
            raise TaxonomyDataError(f"iati/{path.name}: line {exc.lineno}: {exc.msg}") from exc
        name = root.get("name") or path.stem
        title, _ = _narratives(root.find("metadata"), "name")
        url = root.findtext("metadata/url") or ""
        lists.append(
            {
                "name": name,
                "title": title or name,
                "source_url": url.strip(),
                "category_list": root.get("category-codelist", ""),
            }
        )
        for item in root.iter("codelist-item"):
            code_name, name_tr = _narratives(item, "name")
            description, desc_tr = _narratives(item, "description")
            trans: dict[str, dict[str, str]] = {}
            _merge(trans, "name", name_tr)
            _merge(trans, "description", desc_tr)
            codes.append(
                (
                    name,
                    {
                        "code": (item.findtext("code") or "").strip(),
                        "name": code_name[:400],
                        "description": description,
                        "category": (item.findtext("category") or "").strip(),
                        "active": item.get("status", "active") == "active",
                        "translations": trans,
                    },
                )
            )
    codelists = sync(tx.CodeList, "name", lists, report)
    for list_name, row in codes:
        row["codelist_id"] = codelists[list_name].pk
        row["key"] = f"{list_name}:{row['code']}"
    # Codes are unique per list: sync on a composite key computed here.
    label = str(tx.Code._meta.verbose_name_plural)
    existing = {
        f"{c.codelist.name}:{c.code}": c for c in tx.Code.objects.select_related("codelist")
    }
    to_create, to_update = [], []
    for _list_name, row in codes:
        key = row.pop("key")
        obj = existing.get(key)
        if obj is None:
            to_create.append(tx.Code(**row))
        elif any(getattr(obj, f) != v for f, v in row.items()):
            for f, v in row.items():
                setattr(obj, f, v)
            to_update.append(obj)
        else:
            report.add(label, "unchanged")
    tx.Code.objects.bulk_create(to_create)
    tx.Code.objects.bulk_update(
        to_update, ["name", "description", "category", "active", "translations"]
    )
    report.add(label, "created", len(to_create))
    report.add(label, "updated", len(to_update))


@transaction.atomic
def load_taxonomy() -> LoadReport:
    report = LoadReport()
    load_sdgs(report)
    load_mdgs(report)
    load_lever_issues(report)
    load_minerals(report)
    load_simple(
        "stakeholder_types.yaml",
        "stakeholder_types",
        tx.StakeholderType,
        ("name", "description"),
        lambda item: {"is_donor": bool(item.get("donor"))},
        report,
    )
    load_simple(
        "miner_profiles.yaml",
        "miner_profiles",
        tx.MinerProfile,
        ("name", "description"),
        lambda item: {"source_quote": item.get("source_quote", "")},
        report,
    )
    load_simple(
        "risk_categories.yaml",
        "risk_categories",
        tx.RiskCategory,
        ("name", "description"),
        lambda item: {
            "code": item.get("code", ""),
            "annex_paragraphs": str(item.get("annex_paragraphs", "")),
            "forms": item.get("forms", []),
        },
        report,
    )
    load_regions_and_countries(report)
    load_iati_codelists(report)
    return report
