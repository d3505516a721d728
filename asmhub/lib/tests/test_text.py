from asmhub.lib.text import decode_legacy, fold


def test_fold_drops_case_and_accents_alike_for_every_reader() -> None:
    assert fold("Cassitérite ÉTAIN") == "cassiterite etain"
    assert fold("Œuvre") == "œuvre"  # a ligature is a letter of its own, not an accent
    assert fold("plain ascii") == "plain ascii"


def test_legacy_bytes_read_as_windows_1252_and_undefined_bytes_replaced() -> None:
    assert decode_legacy("Café à Bukavu – “coop”".encode("cp1252")) == "Café à Bukavu – “coop”"
    assert decode_legacy(b"a\x81b") == "a\ufffdb"
