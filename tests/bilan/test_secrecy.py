"""Statistical secrecy: small counts hidden, and never a subtraction away from the totals."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from partenariat.bilan.secrecy import Hidden, publish, share, suppressed


def test_a_small_count_is_shown_as_less_than_the_threshold() -> None:
    shown = publish({"total": 40, "a": 3, "b": 17, "c": 20}, [("total", frozenset("abc"))], 5)
    assert shown["a"] == Hidden(5)
    assert str(shown["a"]) == "< 5"


def test_a_second_cell_is_hidden_so_that_the_total_does_not_give_the_first_away() -> None:
    shown = publish({"total": 40, "a": 3, "b": 17, "c": 20}, [("total", frozenset("abc"))], 5)
    assert shown["b"] == Hidden(5)  # the smallest other cell
    assert shown["c"] == 20
    assert shown["total"] == 40


def test_the_total_is_hidden_when_no_other_cell_can_be() -> None:
    shown = publish({"total": 3, "a": 3, "b": 0}, [("total", frozenset("ab"))], 5)
    assert shown["a"] == shown["total"] == Hidden(5)
    assert shown["b"] == 0


def test_zeros_and_large_counts_are_shown() -> None:
    assert publish({"total": 25, "a": 0, "b": 25}, [("total", frozenset("ab"))], 5) == {
        "total": 25,
        "a": 0,
        "b": 25,
    }


def test_a_share_of_a_hidden_count_is_hidden() -> None:
    assert share(Hidden(5), 40) == Hidden(5)
    assert share(10, 40) == 0.25
    assert share(0, 0) is None


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, int], list[tuple[str, frozenset[str]]]]:
    cells = draw(st.lists(st.integers(0, 30), min_size=1, max_size=8))
    values = {f"c{i}": n for i, n in enumerate(cells)}
    values["total"] = sum(cells)
    equations = [("total", frozenset(k for k in values if k != "total"))]
    split = draw(st.integers(0, len(cells)))
    if 0 < split < len(cells):  # a subtotal over some of the cells, as positive exits are
        values["sub"] = sum(cells[:split])
        equations.append(("sub", frozenset(f"c{i}" for i in range(split))))
        equations.append(
            ("total", frozenset({"sub", *(f"c{i}" for i in range(split, len(cells)))}))
        )
    return values, equations


@given(tables(), st.integers(2, 11))
def test_no_hidden_count_can_be_worked_out_from_the_published_sums(
    table: tuple[dict[str, int], list[tuple[str, frozenset[str]]]], threshold: int
) -> None:
    values, equations = table
    hidden = suppressed(values, equations, threshold)
    assert all(not 0 < values[k] < threshold for k in values.keys() - hidden)
    # solving by substitution: an equation with one unknown reveals it; repeat until stable
    known = set(values) - hidden
    progress = True
    while progress:
        progress = False
        for total, parts in equations:
            unknown = ({total} | parts) - known
            if len(unknown) == 1:
                known |= unknown
                progress = True
    assert all(not 0 < values[k] < threshold for k in known)
