"""The Scopus-style query engine, on real lines of the shipped Aurora SDG queries."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from asmhub.lib.boolquery import And, AndNot, Document, Near, Or, QuerySyntaxError, Term, parse

AURORA = Path(__file__).resolve().parents[2] / "library" / "data" / "tagging" / "aurora"
NS = "{http://aurora-network.global/queries/namespace/}"

# verbatim from query_SDG7.xml, query_SDG15.xml, query_SDG2.xml, query_SDG13.xml
SDG7_SHARE = (
    '( "share"  OR  "increas*"  OR  "promot*" )  W/3  ( ( "renewable"  OR  "alternative"  OR  '
    '"clean" )  W/3  ( "energy"  OR  "fuel" ) )'
)
SDG15_NOT_MARINE = (
    '( "poaching" OR "trafficking") AND ("species" OR "flora" OR "fauna" OR "wildlife") '
    'AND NOT ("marine" OR "ocean*" OR "sea" OR "seas" OR "reef")'
)
SDG2_FUTURE = (
    '( "agricultur*" W/6 ( "sustainab*" OR "resilien*" ) ) OR ( "food production" W/3 '
    '( "sustainab*" OR "resilien*" ) ) OR ( "future" AND "high*" W/3 "food demand" )'
)


def test_every_shipped_query_line_parses() -> None:
    lines = [
        line.text or ""
        for path in sorted(AURORA.glob("query_SDG*.xml"))
        for line in etree.parse(str(path)).getroot().iter(f"{NS}query-line")
    ]
    assert len(lines) == 378
    for line in lines:
        parse(line)  # raises on any line it cannot read


def test_phrases_after_a_wildcard_keep_their_quote_pairing() -> None:
    # a quoted wildcard term followed by phrases: the old extraction paired the wrong quotes
    query = parse('( "climat*" W/3 "chang*" ) OR "global warming" OR "greenhouse gas*"')
    assert isinstance(query.root, Or)
    rendered = [child.render() for child in query.root.children]
    assert rendered == ['("climat*" W/3 "chang*")', '"global warming"', '"greenhouse gas*"']
    assert query.match("Global warming is accelerating.").evidence == ["global warming"]
    assert query.match("Emissions of greenhouse gases rose.").matched
    assert not query.match("The warming of relations between the two countries.").matched


def test_or_binds_tighter_than_proximity_and_proximity_tighter_than_and() -> None:
    root = parse(SDG2_FUTURE).root
    assert isinstance(root, Or)
    last = root.children[2]
    assert isinstance(last, And)
    assert isinstance(last.children[1], Near)
    assert parse('"a" OR "b" W/3 "c"').root.render() == '(("a" OR "b") W/3 "c")'
    assert parse('"a" AND "b" W/2 "c"').root.render() == '("a" AND ("b" W/2 "c"))'


def test_proximity_counts_the_words_between_in_either_order() -> None:
    query = parse(SDG7_SHARE)
    assert query.match("We must increase the use of renewable energy in Africa.").matched
    assert query.match("Promoting clean cooking fuel.").matched
    # 'increase' is four words from 'renewable ... energy'
    assert not query.match("We increase our budget for all the renewable energy plans.").matched
    assert parse('"energy" W/1 "efficiency"').match("efficiency of energy").matched
    assert not parse('"energy" W/1 "efficiency"').match("efficiency of the energy").matched


def test_pre_n_keeps_the_order() -> None:
    query = parse('"child" PRE/2 "labour"')
    assert query.match("child and forced labour").matched
    assert not query.match("labour by a child").matched


def test_and_not_excludes_and_explains() -> None:
    query = parse(SDG15_NOT_MARINE)
    assert isinstance(query.root, AndNot)
    hit = query.match("Poaching and the trafficking of wildlife threaten the forests.")
    assert hit.matched
    assert hit.evidence == ["poaching", "trafficking", "wildlife"]
    assert not query.match("Poaching of wildlife on the reefs and in the sea.").matched


def test_wildcards_and_plurals_and_accents() -> None:
    assert parse('"fisher*"').match("Small-scale FISHERIES matter.").matched
    assert parse('"fisher*"').match("fisher").matched
    assert parse('"polic*"').match("policies").matched
    assert parse('"species diversity"').match("Species-diversity loss").matched
    assert parse('"policy"').match("new policies").matched
    assert parse('"sécurité alimentaire"').match("la securite alimentaire").matched
    assert parse('"non-native"').match("non native plants").matched
    assert parse('"government* expenditure"').match("governmental expenditure").matched
    assert not parse('"energy"').match("energetic").matched


def test_single_words_and_implicit_and() -> None:
    query = parse("fisheries (overfish* OR bycatch)")
    assert isinstance(query.root, And)
    assert query.match("Fisheries suffer from overfishing.").matched
    assert not query.match("Fisheries are an industry.").matched


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('( "a" OR "b"', "'(' at character 1 is not closed"),
        ('"a" OR', "a term or '(' expected at the end"),
        ('"a" OR "b" )', "unexpected at character 12"),
        ('"unclosed OR "b"', "unbalanced quote mark at character 16"),
        ('"a" W/3 "*"', 'empty phrase "*" at character 9'),
        ("", "empty query"),
    ],
)
def test_bad_queries_say_what_and_where(text: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse(text)
    assert message in str(raised.value)


def test_terms_are_shared_across_a_document() -> None:
    doc = Document("Wind power and solar energy supply the grid.")
    for phrase in ('"wind power"', '"solar energy"'):
        query = parse(phrase)
        assert isinstance(query.root, Term)
        assert query.match(doc).matched
