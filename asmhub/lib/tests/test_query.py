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
    assert all(ch not in expression.replace('"', "").replace(" AND ", "") for ch in "();:'-=")
    assert to_tsquery(parse("a'b")) == "'a' & 'b'"


def test_empty_and_accented_input() -> None:
    assert not parse('  "" ** ')
    assert parse("Cassitérite").words() == ["cassitérite"]
