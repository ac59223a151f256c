"""Org units in tree order: parents before their children, siblings in the order they
were made — by their ids as numbers. Ordered as text, /1/2/100/ came before /1/2/99/, so
a branch made later was listed first once ids reached another digit (the KPI filters'
branch list changed order as the database's ids grew)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kefu.org.repository import tree_position


def test_siblings_past_another_digit_stay_in_the_order_they_were_made() -> None:
    paths = ["/1/2/100/", "/1/", "/1/2/99/", "/1/2/", "/1/2/99/1000/"]
    assert sorted(paths, key=tree_position) == [
        "/1/",
        "/1/2/",
        "/1/2/99/",
        "/1/2/99/1000/",
        "/1/2/100/",
    ]


@given(st.lists(st.integers(1, 2_000), min_size=1, max_size=12, unique=True))
def test_a_parent_comes_before_its_children_and_children_by_id(ids: list[int]) -> None:
    # a root, and each further id a child of an earlier one (its parent the one before it
    # in the list, or the root): any tree a center can build
    root, *rest = ids
    paths = {root: f"/{root}/"}
    for n, unit in enumerate(rest):
        parent = ids[n] if n % 2 else root
        paths[unit] = f"{paths[parent]}{unit}/"
    ordered = sorted(paths.values(), key=tree_position)

    def parent_of(path: str) -> str:
        return path[: path.rstrip("/").rfind("/") + 1]

    for i, path in enumerate(ordered):
        if parent_of(path) != "/":
            assert ordered.index(parent_of(path)) < i  # the parent first
        for later in ordered[i + 1 :]:
            if parent_of(later) == parent_of(path):  # siblings: the one made first, first
                assert tree_position(path)[-1] < tree_position(later)[-1]
