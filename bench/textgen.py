"""Text for the benchmarks, varied from real text with a fixed random seed.

The sources are the seed documents (asmhub/library/data/demo/seeds/*.txt) and the reference
text the taxonomy ships: SDG targets and indicators (English, French, Spanish, Swahili), the
IATI sector descriptions (English, French) and the lever issue definitions (English, French).
Each is cut into sentences; each sentence becomes a template whose country names, mineral
names, years and other figures are slots.

A passage is a run of such sentences in the resource's language. In English, 10% of them are
drawn from the seed sentences that name one of the resource's lever issues (so that the text
matches the resource's tags), 45% are runs of the seed documents and 45% runs of the reference
text; other languages draw from their reference text. Slots are filled from the
resource's countries and minerals and with random figures. Three passages in ten also get a
sentence naming generated places and people, so that the vocabulary has the long tail of
proper names a real library has.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.common import ROOT, SEEDS

COUNTRY, MINERAL, YEAR = 0, 1, 2  # slots; a positive int n > 2 is a figure of n - 2 digits
Part = str | int

_SENTENCE = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z“\"(])")
_NUMBER = re.compile(r"(?<![\w-])\d+(?![\w-])")
_SYLLABLES = (
    "ka",
    "ma",
    "ta",
    "na",
    "ba",
    "la",
    "sa",
    "ra",
    "wa",
    "ki",
    "mi",
    "ti",
    "ni",
    "bi",
    "li",
    "si",
    "ri",
    "lo",
    "mo",
    "to",
    "no",
    "bo",
    "ko",
    "go",
    "zu",
    "mu",
    "du",
    "ngo",
    "be",
    "fe",
    "le",
    "pe",
    "se",
    "ve",
    "ya",
    "yo",
    "an",
    "en",
    "in",
    "on",
    "ul",
    "ar",
    "or",
    "il",
    "amb",
    "and",
    "ong",
)
_FILLERS = (
    "Field work in {place}, {country}, was led by {person} with the {place} association.",
    "{person} and {person} visited sites around {place} in {year}.",
    "The {place} group reported {number} members in {year}.",
    "In {place}, {country}, {number} people took part in the survey led by {person}.",
    "Interviews in {place} and {place} were transcribed by {person} in {year}.",
    "{person} of the {place} district office reviewed the {place} licences in {year}.",
    "Samples from {place} were analysed in {year} by {person}.",
)


@dataclass(frozen=True)
class Seed:
    sentences: list[tuple[Part, ...]]  # the seed documents, in order
    headings: list[str]  # the seed documents' section headings
    topical: dict[str, list[int]]  # lever issue slug -> indices of seed sentences naming it
    reference: dict[str, list[tuple[Part, ...]]]  # language -> sentences of reference text
    reference_headings: dict[str, list[str]]  # language -> SDG goal titles


LANGUAGES = ("en", "fr", "es", "sw")
TAXONOMY = ROOT / "asmhub" / "taxonomy" / "data"


def _yaml(path: Path) -> dict[str, str]:
    data: dict[str, str] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def issue_keywords() -> dict[str, list[str]]:
    """The English keywords of each lever issue, from the taxonomy's data file."""
    data = yaml.safe_load((TAXONOMY / "lever_issues.yaml").read_text(encoding="utf-8"))
    return {
        issue["slug"]: [*issue["keywords"].get("en", []), issue["slug"].split("-")[0]]
        for issue in data["lever_issues"]
    }


def _reference_text() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Paragraphs of the taxonomy's reference text, and SDG goal titles, by language."""
    from lxml import etree

    texts: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    headings: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    for language in LANGUAGES:
        folder = TAXONOMY / "sdg" / language
        for name in ("global_targets.yml", "global_indicators.yml"):
            texts[language] += [str(v) for v in _yaml(folder / name).values()]
        goals = _yaml(folder / "global_goals.yml")
        headings[language] = [str(v) for k, v in goals.items() if k.endswith("-title")]
    tree = etree.parse(str(TAXONOMY / "iati" / "Sector.xml"), etree.XMLParser(no_network=True))
    for narrative in tree.iter("narrative"):
        language = narrative.get("{http://www.w3.org/XML/1998/namespace}lang", "en")
        if language in texts and narrative.getparent().tag == "description" and narrative.text:
            texts[language].append(narrative.text)
    issues = yaml.safe_load((TAXONOMY / "lever_issues.yaml").read_text(encoding="utf-8"))
    for issue in issues["lever_issues"]:
        for language, text in issue["definition"].items():
            if language in texts:
                texts[language].append(text)
    return texts, headings


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(" ".join(text.split())) if len(s.split()) >= 5]


def load_seed(country_names: list[str], mineral_names: list[str]) -> Seed:
    from asmhub.lib.extract import looks_like_heading

    sentences: list[str] = []
    headings: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            text = " ".join(block.split()).lstrip("-• ")
            if not text:
                continue
            if "\n" not in block.strip() and looks_like_heading(text):
                if _section_heading(text):
                    headings.append(text)
            elif len(text.split()) >= 8:
                sentences.extend(_sentences(text))
    slots = re.compile(
        r"\b("
        + "|".join(re.escape(n) for n in sorted(country_names, key=len, reverse=True))
        + r")\b"
        r"|\b("
        + "|".join(re.escape(n) for n in sorted(mineral_names, key=len, reverse=True))
        + r")\b",
        re.IGNORECASE,
    )
    topical: dict[str, list[int]] = {}
    for slug, words in issue_keywords().items():
        pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)
        topical[slug] = [i for i, s in enumerate(sentences) if pattern.search(s)]
    texts, reference_headings = _reference_text()
    reference = {
        language: [_template(s, slots) for text in paragraphs for s in _sentences(text)]
        for language, paragraphs in texts.items()
    }
    return Seed(
        [_template(s, slots) for s in sentences],
        sorted(set(headings)),
        topical,
        reference,
        reference_headings,
    )


def _section_heading(text: str) -> bool:
    """A heading that names a section, not a person ("Jon Hobbs, DFID") or a schedule slot."""
    words = text.split()
    return (
        len(text) < 80
        and "," not in text
        and len(words) >= 2
        and not (len(words) <= 3 and all(w[:1].isupper() for w in words) and not text.isupper())
    )


def _template(sentence: str, slots: re.Pattern[str]) -> tuple[Part, ...]:
    parts: list[Part] = []
    position = 0
    for match in slots.finditer(sentence):
        parts.append(sentence[position : match.start()])
        parts.append(COUNTRY if match.group(1) else MINERAL)
        position = match.end()
    parts.append(sentence[position:])
    out: list[Part] = []
    for part in parts:
        if isinstance(part, int):
            out.append(part)
            continue
        position = 0
        for match in _NUMBER.finditer(part):
            out.append(part[position : match.start()])
            digits = match.group()
            out.append(YEAR if len(digits) == 4 and digits[:2] in ("19", "20") else len(digits) + 2)
            position = match.end()
        out.append(part[position:])
    return tuple(p for p in out if p != "")


def pseudo_names(rng: random.Random, count: int) -> list[str]:
    """Distinct capitalised made-up names of two to four syllables."""
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize())
    return sorted(names)


class Writer:
    """Writes passages, titles and summaries for one corpus, from one random generator."""

    def __init__(self, seed: Seed, rng: random.Random, places: list[str], people: list[str]):
        self.seed = seed
        self.rng = rng
        self.places = places
        self.people = people
        self.all = range(len(seed.sentences))

    def _fill(self, template: tuple[Part, ...], countries: list[str], minerals: list[str]) -> str:
        rng = self.rng
        out: list[str] = []
        for part in template:
            if isinstance(part, str):
                out.append(part)
            elif part == COUNTRY:
                out.append(rng.choice(countries))
            elif part == MINERAL:
                out.append(rng.choice(minerals).lower())
            elif part == YEAR:
                out.append(str(rng.randint(1985, 2025)))
            else:
                digits = part - 2
                out.append(
                    str(rng.randint(10 ** (digits - 1) if digits > 1 else 0, 10**digits - 1))
                )
        return "".join(out)

    def _filler(self, countries: list[str], minerals: list[str]) -> str:
        rng = self.rng
        text = rng.choice(_FILLERS)
        while "{place}" in text:
            text = text.replace("{place}", self._zipf(self.places), 1)
        while "{person}" in text:
            text = text.replace("{person}", self._zipf(self.people), 1)
        return text.format(
            country=rng.choice(countries),
            mineral=rng.choice(minerals).lower(),
            year=rng.randint(1985, 2025),
            number=rng.randint(12, 4000),
        )

    def _zipf(self, names: list[str]) -> str:
        """A name, the first ones far more often than the last (a long tail)."""
        return names[min(len(names) - 1, int(len(names) ** self.rng.random()) - 1)]

    def passage(
        self,
        topics: list[str],
        countries: list[str],
        minerals: list[str],
        words: int,
        language: str = "en",
    ) -> str:
        rng = self.rng
        seed = self.seed
        pools = [seed.topical[t] for t in topics if seed.topical.get(t)]
        reference = seed.reference[language]
        sentences: list[str] = []
        count = 0
        if rng.random() < 0.3:
            sentences.append(self._filler(countries, minerals))
            count = len(sentences[0].split())
        start = rng.randrange(len(seed.sentences))  # runs of the seed keep some coherence
        other = rng.randrange(len(reference))
        while count < words:
            draw = rng.random() if language == "en" else 1.0
            if draw < 0.1 and pools:
                template = seed.sentences[rng.choice(rng.choice(pools))]
            elif draw < 0.55:
                template = seed.sentences[start % len(seed.sentences)]
                start += 1
            else:
                template = reference[other % len(reference)]
                other += 1 if rng.random() < 0.7 else rng.randrange(len(reference))
            sentence = self._fill(template, countries, minerals)
            sentences.append(sentence)
            count += len(sentence.split())
        return " ".join(sentences)

    def heading(self, language: str = "en") -> str:
        if language == "en":
            return self.rng.choice(self.seed.headings)
        return self.rng.choice(self.seed.reference_headings[language])

    def title(self, issue: str, country: str, mineral: str, language: str = "en") -> str:
        rng = self.rng
        if language != "en":
            return f"{self.heading(language)} ({country})"[:400]
        forms = (
            f"{issue} in artisanal {mineral.lower()} mining in {country}",
            f"{country}: {issue.lower()} and small-scale {mineral.lower()} mining",
            f"{self._zipf(self.places)} {mineral.lower()} miners: {issue.lower()}",
            f"{rng.choice(self.seed.headings)} ({country})",
        )
        return rng.choice(forms)[:400]

    def summary(
        self, topics: list[str], countries: list[str], minerals: list[str], language: str
    ) -> str:
        return self.passage(topics, countries, minerals, self.rng.randint(30, 70), language)

    def authors(self) -> str:
        rng = self.rng
        return "; ".join(
            f"{self._zipf(self.people)}, {rng.choice('ABCDEFGHJKLMNPRSTW')}."
            for _ in range(rng.randint(1, 3))
        )


def seed_paragraphs(path: Path) -> list[str]:
    """The paragraphs of one seed text, whitespace normalised."""
    blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
    return [" ".join(b.split()) for b in blocks if b.strip()]
