"""One answer to "which conflicts involve these claims", on a fixed four-row conflict list."""
import pytest

from ihbook.evidence import involving


def test_any_within_exact(small_conflicts):
    assert involving.conflict_ids(["A01-001"]) == ["CF-aaaaaa", "CF-bbbbbb"]
    assert involving.conflict_ids("B01-001") == ["CF-aaaaaa", "CF-dddddd"]
    assert involving.conflict_ids(["A01-001", "A01-002", "A01-003", "B01-001"], how="within") == [
        "CF-aaaaaa", "CF-bbbbbb"]
    assert involving.conflict_ids(["B01-001", "A01-001"], how="exact") == ["CF-aaaaaa"]
    assert involving.conflict_ids(["A01-001", "A01-002"], how="exact") == []
    assert involving.conflict_ids(["Z99-999"]) == []


def test_rows_keep_file_order_and_columns(small_conflicts):
    rows = involving.conflicts(["IR20-002", "B01-002"])
    assert list(rows.conflict_id) == ["CF-cccccc", "CF-dddddd"]
    assert list(rows.columns) == list(small_conflicts.columns)


def test_by_claim(small_conflicts):
    index = involving.by_claim()
    assert index["A01-001"] == ["CF-aaaaaa", "CF-bbbbbb"] and index["IR20-001"] == ["CF-cccccc"]
    assert sum(len(v) for v in index.values()) == 9


def test_unknown_mode_is_refused(small_conflicts):
    with pytest.raises(ValueError, match="how"):
        involving.conflicts(["A01-001"], how="some")


def test_chapter_helpers_use_it(small_conflicts):
    """The chapters' own lookups answer from the same list (no private copies left)."""
    from ihbook.chapters import briefing, cases, market_capital, stages

    assert stages.conflict_ids(["A01-001", "B01-001"], within=True) == ["CF-aaaaaa"]
    assert market_capital.conflict_of("B01-002", "B01-001") == "CF-dddddd"
    assert [c["conflict_id"] for c in briefing.conflicts_of("A01-002")] == ["CF-bbbbbb"]
    assert cases._conflict_index()["B01-002"] == ["CF-dddddd"]
