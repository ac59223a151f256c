"""An excerpt (a message's gist on the 360): the start of its text on one line, never
longer than asked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kefu.core.textsafe import excerpt


@given(text=st.text(), limit=st.integers(min_value=2, max_value=200))
def test_a_gist_is_the_start_of_the_text_on_one_line(text: str, limit: int) -> None:
    line = " ".join(text.split())
    shown = excerpt(text, limit)
    assert len(shown) <= limit
    assert "\n" not in shown and "  " not in shown and shown == shown.strip()
    if len(line) <= limit:
        assert shown == line  # whole, when it fits
    else:
        assert shown.endswith("…") and line.startswith(shown[:-1])
