"""Search results mark the words found: the pieces give back the text, every marked
piece is a searched word, and no word is left unmarked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kefu.knowledge.search import marked

_LETTERS = st.sampled_from(list("扣费退订流量SPsp套餐 .*+?()[]\\"))
_TEXTS = st.text(_LETTERS, max_size=40)
_TERMS = st.lists(st.text(_LETTERS, min_size=1, max_size=4), max_size=4)


@given(text=_TEXTS, terms=_TERMS)
def test_the_pieces_are_the_text_and_mark_only_searched_words(text: str, terms: list[str]) -> None:
    pieces = marked(text, terms)
    assert "".join(piece for piece, _ in pieces) == text
    searched = {t.lower() for t in terms if t.strip()}
    assert all(piece.lower() in searched for piece, hit in pieces if hit)
    for piece, hit in pieces:
        if not hit:  # a word found here would have been marked
            assert not any(word in piece.lower() for word in searched), (piece, searched)


def test_the_longest_word_wins_and_case_is_ignored() -> None:
    assert marked("SP扣费退订", ["扣", "扣费", "sp"]) == [
        ("SP", True),
        ("扣费", True),
        ("退订", False),
    ]
    assert marked("套餐", []) == [("套餐", False)]
    assert marked("", ["扣费"]) == []
