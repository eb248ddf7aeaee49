"""rnnlib.datasets: the shipped sunspot series is complete and the loader checks its file (chapter
07)."""

import numpy as np
import pytest

import rnnlib
from helpers import call
from rnnlib.datasets import load_sunspots


def test_sunspots_cover_1700_to_2008_without_gaps():
    years, values = load_sunspots()
    assert years.dtype.kind == "i" and values.dtype == np.float64
    assert years.shape == values.shape == (309,)
    assert years[0] == 1700 and years[-1] == 2008
    assert np.array_equal(years, np.arange(1700, 2009))


def test_sunspot_values_are_plausible():
    years, values = load_sunspots()
    assert np.all(np.isfinite(values)) and np.all(values >= 0)
    # known landmarks of version 1 of the series: the Maunder-minimum tail (1711-1712 at zero)
    # and the record maximum of cycle 19 in 1957
    assert values[years == 1711][0] == 0 and values[years == 1712][0] == 0
    assert years[np.argmax(values)] == 1957 and values.max() == pytest.approx(190.2)


def test_the_series_has_the_eleven_year_cycle():
    # the autocorrelation peaks near a lag of 11 years (chapter 07's premise)
    _, values = load_sunspots()
    z = values - values.mean()
    acf = [np.dot(z[:-k], z[k:]) / np.dot(z, z) for k in range(1, 16)]
    assert 9 <= 1 + int(np.argmax(acf[7:])) + 7 <= 12


def test_readme_and_csv_ship_together():
    from importlib import resources

    data = resources.files("rnnlib").joinpath("data")
    readme = data.joinpath("README.md").read_text(encoding="utf-8")
    assert "SILSO" in readme and "public domain" in readme
    assert data.joinpath("sunspots.csv").read_text(encoding="utf-8").startswith("year,sunspots\n")


def write(tmp_path, text):
    path = tmp_path / "spots.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_another_file_of_the_same_format(tmp_path):
    years, values = load_sunspots(write(tmp_path, "year,sunspots\n1900,9.5\n1901,2.7\n1902,5\n"))
    assert years.tolist() == [1900, 1901, 1902]
    assert values.tolist() == [9.5, 2.7, 5.0]


@pytest.mark.parametrize(
    "text,match",
    [
        ("", "must start with the header 'year,sunspots', got an empty file"),
        ("YEAR,SUNACTIVITY\n1700,5\n", "must start with the header 'year,sunspots'"),
        ("year,sunspots\n", "no data rows"),
        ("year,sunspots\n1700,5\n1701\n", "line 3: expected 2 fields"),
        ("year,sunspots\n1700,five\n", "line 2: expected a whole-number year and a number"),
        ("year,sunspots\n1700.5,5\n", "line 2: expected a whole-number year"),
        ("year,sunspots\n1700,5\n1701,-3\n", "line 3: sunspot numbers are finite and non-negative"),
        ("year,sunspots\n1700,nan\n", "line 2: sunspot numbers are finite and non-negative"),
        ("year,sunspots\n1700,5\n1702,7\n", "consecutive .* 1700 is followed by 1702"),
        ("year,sunspots\n1701,5\n1700,7\n", "consecutive .* 1701 is followed by 1700"),
    ],
)
def test_damaged_files_fail_clearly(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        load_sunspots(write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no data file"):
        load_sunspots(tmp_path / "nope.csv")


# ------------------------------------------ properties: random arguments (helpers.call)
def test_load_sunspots_returns_new_arrays_each_time():
    call(rnnlib.datasets.load_sunspots, names=["path"])


# ---------------------------------------------- robustness: copies, entry checks, sizes
@pytest.mark.parametrize(
    "call,exc,match",
    [
        (
            lambda: rnnlib.datasets.load_sunspots(path=3),
            TypeError,
            "path must be None or a file path",
        ),
    ],
)
def test_entry_checks_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
