"""File names of forecast plots: unique, deterministic, safe."""

import pandas as pd

from forecasting.plots import html_index, plot_file_names


def test_names_are_unique_safe_and_depend_only_on_the_series():
    keys = pd.DataFrame({"store": ["HKI"] * 6, "sku": ["A/B", "A_B", "A?B", "K1", "x", "X"]})
    names = plot_file_names(keys)
    assert len(set(names)) == len(names) == 6
    assert names[1] == "HKI_A_B.png" and names[3] == "HKI_K1.png"
    assert all("/" not in n and "?" not in n for n in names)
    assert names[4].lower() != names[5].lower()  # file systems that ignore case
    assert plot_file_names(keys.iloc[::-1]) == names[::-1]
    assert plot_file_names(keys.iloc[:1]) == names[:1]  # the same whatever else is plotted
    assert plot_file_names(pd.DataFrame({"store": ["..", "a b"]}))[0] != ".png"


def test_the_index_links_every_picture():
    page = html_index("t", [("HKI A?B", b"png")], [], ["HKI_A_B-12345678.png"])
    assert 'href="HKI_A_B-12345678.png"' in page and "HKI A?B" in page
