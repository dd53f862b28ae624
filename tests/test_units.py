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
