"""The claims ledger: verbatim quotes, numbers as written, controlled keys, coverage."""
import shutil

import pandas as pd
import pytest

from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence.ledger import LedgerError, check_claims


@pytest.fixture(scope="module")
def claims():
    return ledger.load_claims()


def test_ledger_passes_every_check():
    assert check_claims() == []


def test_ledger_size_and_coverage(claims):
    assert len(claims) >= 150
    per_source = claims.source_id.value_counts()
    assert set(per_source.index) == set(sources.load_sources().source_id)
    assert per_source.min() >= 10


def test_every_quote_is_verbatim_and_holds_its_number(claims):
    for rec in claims.to_dict("records"):
        assert rec["quote"] in sources.text(rec["source_id"]), rec["claim_id"]
        assert rec["value_text"] in rec["quote"], rec["claim_id"]


def test_same_measure_lines_up_across_sources(claims):
    # the point of controlled keys: at least some metric+entity pairs are stated by 2+ sources
    shared = claims.groupby(["metric", "entity"]).source_id.nunique()
    assert (shared >= 2).sum() >= 3


def test_period_helpers():
    assert ledger.period_span("2023-06") == pytest.approx((2023 + 5 / 12, 2023.5))
    assert ledger.period_gap("2019", "2019") == 0
    assert ledger.period_gap("2022", "2024") == pytest.approx(2.0)
    assert ledger.period_gap("2023-06", "2024") == pytest.approx(1 + 1 / 24)
    assert ledger.period_length("2024-01/2024-03") == pytest.approx(0.25)
    assert ledger.period_gap("", "2024") == 0


def test_unknown_claim_gives_chinese_error():
    with pytest.raises(KeyError, match="账本中没有"):
        ledger.claim("ZZ99-999")


def _broken_copy(tmp_path, mutate):
    df = pd.read_csv(ledger.CLAIMS, dtype=str, keep_default_na=False)
    mutate(df)
    path = tmp_path / "claims.csv"
    df.to_csv(path, index=False)
    return path


def test_altered_quote_is_caught_with_row_and_column(tmp_path):
    def mutate(df):
        df.loc[4, "quote"] = df.loc[4, "quote"] + "（编造）"
    errors = check_claims(_broken_copy(tmp_path, mutate))
    assert any(e.row == 6 and e.column == "quote" for e in errors), errors


def test_wrong_value_is_caught(tmp_path):
    def mutate(df):
        df.loc[0, "value"] = str(float(df.loc[0, "value"]) * 10 + 1)
    errors = check_claims(_broken_copy(tmp_path, mutate))
    assert any(e.row == 2 and e.column == "value" for e in errors), errors


def test_unknown_metric_and_bad_period_are_caught(tmp_path):
    def mutate(df):
        df.loc[1, "metric"] = "no_such_metric"
        df.loc[2, "period"] = "2019年"
    errors = check_claims(_broken_copy(tmp_path, mutate))
    assert {(e.row, e.column) for e in errors} >= {(3, "metric"), (4, "period")}
    assert "第 3 行" in str(LedgerError(errors))
