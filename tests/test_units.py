"""Reading numbers as the sources write them."""
import pytest

from ihbook.evidence.units import base, parse_number


@pytest.mark.parametrize("text,value", [
    ("2,839.6", 2839.6), ("3.64", 3.64), ("1/4", 0.25), ("两万", 20000), ("上千", 1000),
    ("20几", 20), ("数百", 100), ("7000", 7000), ("十", 10), ("三", 3), ("5万余", 50000), ("1.2亿", 1.2e8),
])
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["", "abc", "多少"])
def test_parse_number_rejects(bad):
    with pytest.raises(ValueError):
        parse_number(bad)


def test_base_units():
    assert base(3.64, "亿人") == ("people", 364000000.0)
    assert base(7000, "万人") == ("people", 70000000.0)
    assert base(5, "‰")[1] == pytest.approx(0.5)
    with pytest.raises(KeyError):
        base(1, "斤")


# --- what readers type (the fee box) -------------------------------------------------------------

from ihbook.evidence.units import AmountError, format_cn, parse_amount  # noqa: E402


@pytest.mark.parametrize("text,value", [
    ("1999", 1999), ("１９９９", 1999), ("一千九百九十九", 1999), ("三十", 30), ("1万", 10000), ("1.5万", 15000),
    ("12元", 12), ("30块", 30), ("1999元/年", 1999), ("1,999", 1999), ("１，９９９", 1999), ("两千", 2000), (" 88 ", 88),
    (120, 120), (99.5, 99.5)])
def test_parse_amount_reads_what_readers_type(text, value):
    assert parse_amount(text) == pytest.approx(value)


@pytest.mark.parametrize("text,needle", [
    ("1,5", "歧义"), ("12，5", "歧义"), ("1,99", "歧义"), ("上千", "大概"), ("几百", "大概"), ("20几", "大概"),
    ("abc", "无法"), ("1999 元 2000", "无法"), ("", "请输入"), (None, "请输入"), (True, "请输入")])
def test_parse_amount_refuses_instead_of_guessing(text, needle):
    with pytest.raises(AmountError) as exc:
        parse_amount(text)
    assert needle in str(exc.value)


@pytest.mark.parametrize("value,shown", [
    (1999, "1999 元"), (999.5, "999.5 元"), (159920, "16.0 万元"), (1e6, "100.0 万元"), (2.5e8, "2.5 亿元"),
    (-96012, "-9.6 万元"), (float("nan"), "—")])
def test_format_cn_never_shows_scientific_notation(value, shown):
    assert format_cn(value) == shown
    assert "e+" not in format_cn(value)
