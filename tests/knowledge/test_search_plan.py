"""Search planning in a large library: common words leave the match when rarer ones are
there; a word not seen yet always stays in; all-common queries ask for every word first."""

from __future__ import annotations

import pytest

from kefu.knowledge import search, term_stats

COUNTS = {"客户": 9000, "处理": 7000, "情绪": 120, "激动": 80, "新词": 0}


@pytest.fixture
def big_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(term_stats, "corpus_size", lambda session: 10_000)
    monkeypatch.setattr(term_stats, "document_frequency", lambda session, word: COUNTS[word])


def test_common_words_leave_when_rarer_ones_are_there(big_library: None) -> None:
    assert search.plan(None, ["客户", "情绪", "激动", "处理"]) == [  # type: ignore[arg-type]
        search.Match(["情绪", "激动"])
    ]


def test_a_word_not_seen_yet_stays_in(big_library: None) -> None:
    assert search.plan(None, ["客户", "情绪", "新词"]) == [  # type: ignore[arg-type]
        search.Match(["情绪", "新词"])
    ]
    only_common = search.plan(None, ["客户", "处理", "新词"])  # type: ignore[arg-type]
    assert only_common == [
        search.Match(["客户", "处理"], every=True),
        search.Match(["处理", "客户", "新词"]),
    ]


def test_a_small_library_matches_any_word(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(term_stats, "corpus_size", lambda session: 40)
    assert search.plan(None, ["客户", "情绪"]) == [search.Match(["客户", "情绪"])]  # type: ignore[arg-type]
