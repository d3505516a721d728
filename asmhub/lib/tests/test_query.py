import re

from asmhub.lib.query import parse, to_fts5, to_tsquery


def test_words_phrases_and_prefixes() -> None:
    query = parse('mercury "women miners" Per*')
    assert [(t.words, t.prefix) for t in query.terms] == [
        (("mercury",), False),
        (("women", "miners"), False),
        (("per",), True),
    ]
    assert to_fts5(query) == '"mercury" AND "women miners" AND "per"*'
    assert to_tsquery(query) == "'mercury' & ('women' <-> 'miners') & 'per':*"


def test_as_you_type_makes_the_last_word_a_prefix() -> None:
    assert to_fts5(parse("mercury wom", as_you_type=True)) == '"mercury" AND "wom"*'
    assert to_fts5(parse("mercury wom ", as_you_type=True)) == '"mercury" AND "wom"'


def test_syntax_characters_cannot_reach_the_engine() -> None:
    query = parse("gold) OR 1=1; DROP -- 'x' NEAR(a b) col:val")
    expression = to_fts5(query)
    quoted = re.findall(r'"([^"]*)"', expression)
    assert all(re.fullmatch(r"[\w ]+", words) for words in quoted)
    # Outside the quoted words, only the operators the parser itself writes.
    assert re.fullmatch(r"[()\s]*|(AND|OR|NOT|[()\s*])+", re.sub(r'"[^"]*"', "", expression))
    assert to_tsquery(parse("a'b")) == "'a' & 'b'"


def test_empty_and_accented_input() -> None:
    assert not parse('  "" ** ')
    assert parse("Cassitérite").words() == ["cassitérite"]


def test_or_and_exclusion() -> None:
    query = parse('gold OR silver "child labour" -mercury -"open pit"')
    assert to_fts5(query) == (
        '(("gold" OR "silver") AND "child labour") NOT "mercury" NOT "open pit"'
    )
    assert to_tsquery(query) == (
        "(('gold' | 'silver') & ('child' <-> 'labour')) & !'mercury' & !('open' <-> 'pit')"
    )
    assert not parse("-mercury")  # nothing to find, only things to leave out
    assert parse("OR gold OR").words() == ["gold"]
