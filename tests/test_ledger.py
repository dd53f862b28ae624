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


# --- v2: provenance, periods, vocabulary ---------------------------------------------------

from ihbook.evidence import vocabulary  # noqa: E402


def test_every_figure_says_who_measured_it(claims):
    assert (claims.attributed_to != "").all()
    assert set(claims.kind[claims.attributed_to == "none"]) <= {"unattributed", "anecdote", "estimate", "forecast", "target"}
    assert (claims.kind[claims.kind == "observed"].index.isin(claims.index[claims.attributed_to != "none"])).all()
    # the 2025 report names no source for any figure
    assert set(claims.attributed_to[claims.source_id == "report-2025"]) == {"none"}


def test_repeats_are_linked_and_counted_once(claims):
    repeats = claims[claims.same_as != ""]
    assert len(repeats) >= 10
    first = claims.set_index("claim_id")
    for r in repeats.itertuples():
        assert first.loc[r.same_as, "value"] == r.value and first.loc[r.same_as, "source_id"] == r.source_id
    assert {"R25-072", "R25-120"} <= set(repeats.claim_id)
    assert len(ledger.counted_once(claims)) == len(claims) - len(repeats)


def test_periods_come_with_their_rule(claims):
    dated = claims[claims.period != ""]
    assert (dated.period_rule != "").all() and (claims.period_rule[claims.period == ""] == "").all()
    assert len(dated) >= 250  # was 113 of 438 before the period rules
    ctx = claims[claims.period_rule.isin(["sentence", "context", "narrative-present"])]
    for r in ctx.itertuples():
        assert r.period_basis in sources.text(r.source_id), r.claim_id
    assert ledger.claim("R25-003")["period"] == "2020" and ledger.claim("R25-004")["period"] == "2022"


def test_vocabulary_is_sound_and_lines_figures_up():
    assert vocabulary.check_keys() == []
    ms = vocabulary.measures()
    assert set(ms.dimension) <= vocabulary.DIMENSIONS and {"share", "growth", "pp"} <= set(ms.dimension)
    assert ledger.measure("market_online_medical") == ledger.measure("market_internet_health")
    assert vocabulary.nested("ali_health", "ali_jd_health") and vocabulary.nested("beijing", "china")
    assert not vocabulary.nested("china", "beijing")
    legacy = vocabulary.comparable_share(legacy=True)["share"]
    now = vocabulary.comparable_share()
    assert now["share"] >= 2 * legacy  # across sources: 7 % with the old keys
    assert vocabulary.comparable_share(cross=False)["share"] >= 20.0


def test_provenance_errors_are_caught(tmp_path):
    def mutate(df):
        df.loc[0, "kind"] = "observed"
        df.loc[0, "attributed_to"] = "none"          # row 2: observed with nobody behind it
        df.loc[1, "period_rule"] = "quote"
        df.loc[1, "period"] = ""                     # row 3: a rule without a period
        df.loc[2, "period_rule"] = "context"
        df.loc[2, "period_basis"] = "不在文本里的话"   # row 4: basis not verbatim
        df.loc[3, "same_as"] = df.loc[0, "claim_id"]  # row 5: not a repeat of that claim
    errors = check_claims(_broken_copy(tmp_path, mutate))
    got = {(e.row, e.column) for e in errors}
    assert {(2, "kind"), (3, "period_rule"), (4, "period_basis"), (5, "same_as")} <= got, errors


@pytest.mark.parametrize("table", ["claims", "metrics", "measures", "entities", "conflicts", "undated_pairs",
                                   "conflict_notes", "conflict_recall", "recall_exclusions", "disagreements_independent"])
def test_evidence_tables_validate_against_their_schemas(table):
    from ihbook.evidence import tables

    spec = tables.schema(table)
    assert tables.validate_file(ledger.DATA / spec["path"], table) == []
