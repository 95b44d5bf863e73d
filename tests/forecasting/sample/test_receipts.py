"""Receipts of one day keep every unit of the day's sales, whatever the counts."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.sample.receipts import hour_weights, receipts_of_day, split_into_hours


@settings(max_examples=80, deadline=None)
@given(
    own=st.lists(st.integers(0, 40), min_size=3, max_size=12),
    extra=st.data(),
    receipts=st.integers(1, 60),
    share=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_receipts_hold_every_unit_and_every_receipt_a_line(own, extra, receipts, share, seed):
    rng = np.random.default_rng(seed)
    own = np.array(own)
    if own.sum() < receipts:
        own[0] += receipts - own.sum()  # a day has at least one line per receipt
    induced_lines = int(rng.binomial(own[1], share))
    extra_units = np.array(extra.draw(st.lists(st.integers(0, 5), min_size=len(own),
                                               max_size=len(own))))  # fmt: skip
    lines = own.copy()
    lines[2] += induced_lines
    extra_units[lines == 0] = 0  # extra units ride on lines
    hours, counts = split_into_hours(receipts, 2, 7 * 60, 21 * 60 + 30, rng)
    frame = receipts_of_day(
        day=pd.Timestamp("2025-11-05"), store="HKI",
        skus=np.array([f"s{i}" for i in range(len(own))]),
        hours=hours, counts=counts, open_min=420, close_min=1290, own_lines=own,
        induced=[(1, 2, induced_lines)], extra_units=extra_units, rng=rng,
    )  # fmt: skip
    expected = pd.Series(lines + extra_units, index=[f"s{i}" for i in range(len(own))])
    summed = frame.groupby("sku")["quantity"].sum().reindex(expected.index, fill_value=0)
    assert (summed == expected).all()
    assert frame["receipt_id"].nunique() == receipts
    assert not frame.duplicated(["receipt_id", "sku"]).any()
    assert (frame["quantity"] >= 1).all()
    times = frame.drop_duplicates("receipt_id")["timestamp"]
    assert times.is_monotonic_increasing
    assert times.min() >= pd.Timestamp("2025-11-05 07:00") and times.max() < pd.Timestamp(
        "2025-11-05 21:30"
    )


def test_hour_profile_covers_opening_hours_and_peaks_after_work():
    hours, weights = hour_weights(2, 7 * 60, 21 * 60 + 30)
    assert hours.tolist() == list(range(7, 22))
    assert abs(weights.sum() - 1) < 1e-12
    assert hours[np.argmax(weights)] in (16, 17)
    assert weights[-1] < weights[-2]  # the last half hour is half an hour
    saturday_hours, saturday = hour_weights(5, 8 * 60, 22 * 60)
    assert saturday_hours[np.argmax(saturday)] in (12, 13)
