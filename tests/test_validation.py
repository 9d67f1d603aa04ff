import math

import pytest

from spinelab.course.validation import check_range


def test_accepts_numbers_in_range_including_bounds():
    assert check_range("gain", 0, 0, 1) == 0.0
    assert check_range("gain", 1, 0, 1) == 1.0
    assert check_range("days", 5, 0, math.inf) == 5.0


@pytest.mark.parametrize("bad", [-0.1, 1.1, math.nan, math.inf, "0.5", None, True])
def test_rejects_bad_values_naming_parameter_and_range(bad):
    with pytest.raises(ValueError, match=r"gain must be .*number in \[0, 1\]"):
        check_range("gain", bad, 0, 1)
