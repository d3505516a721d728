import pytest

from asmhub.lib.env import ConfigurationError, env_bool, env_choice, env_int, env_list, env_str


def test_env_str_uses_default_for_missing_and_blank() -> None:
    assert env_str("X", "d", environ={}) == "d"
    assert env_str("X", "d", environ={"X": "  "}) == "d"
    assert env_str("X", "d", environ={"X": " v "}) == "v"


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("Yes", True), ("off", False)])
def test_env_bool_reads_common_words(raw: str, expected: bool) -> None:
    assert env_bool("X", not expected, environ={"X": raw}) is expected


def test_env_bool_refuses_other_words() -> None:
    with pytest.raises(ConfigurationError, match="X='maybe' is not a boolean"):
        env_bool("X", environ={"X": "maybe"})


def test_env_int_checks_number_and_minimum() -> None:
    assert env_int("X", 3, environ={}) == 3
    assert env_int("X", 3, environ={"X": "7"}) == 7
    with pytest.raises(ConfigurationError, match="not a whole number"):
        env_int("X", 3, environ={"X": "seven"})
    with pytest.raises(ConfigurationError, match="below the minimum"):
        env_int("X", 3, environ={"X": "0"}, minimum=1)


def test_env_list_splits_and_strips() -> None:
    assert env_list("X", ["a"], environ={}) == ["a"]
    assert env_list("X", environ={"X": "a.org, b.org,"}) == ["a.org", "b.org"]


def test_env_choice_refuses_unknown_values() -> None:
    assert env_choice("X", ("a", "b"), "a", environ={"X": "b"}) == "b"
    with pytest.raises(ConfigurationError, match="must be one of a, b"):
        env_choice("X", ("a", "b"), "a", environ={"X": "c"})
