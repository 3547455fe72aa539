from core.text import excerpt


def test_an_excerpt_is_one_line_and_cut_with_an_ellipsis() -> None:
    assert excerpt("We need\n\n  20 more   seats.", 100) == "We need 20 more seats."
    assert excerpt("We need 20 more seats by March.", 12) == "We need 20…"
    assert len(excerpt("x" * 50, 10)) == 10
