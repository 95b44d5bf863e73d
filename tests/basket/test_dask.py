"""The Dask engine of rules and itemsets: the same counts, itemsets and rules as the local
sparse engine, on a Parquet dataset partitioned by store and on receipts already read.

The tests that start a cluster (a module-scoped LocalCluster of 2 worker processes) are slow;
the reduce logic (partitions counted one by one and summed) and the refusals run without one.
"""

from __future__ import annotations

import builtins
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from basket.dask_mining import LocalRunner, check_options, mine_partitions
from basket.errors import ParameterError, SchemaError
from basket.mining import frequent_itemsets
from basket.partition_counts import Plan
from basket.partitions import read_receipts_dataset, split_receipts
from basket.receipts import from_long

SUPPORT = 0.004  # the sample store: pairs and triples of products
CATEGORY_SUPPORT = 0.02  # and of categories


def write_dataset(receipts: pd.DataFrame, folder: Path, parts_per_store: int = 2) -> Path:
    """Receipt lines as a dataset partitioned by store, whole receipts per file."""
    for store, lines in receipts.groupby("store", sort=True):
        ids = lines["receipt_id"].drop_duplicates().to_numpy()
        cut = np.array_split(ids, parts_per_store)
        (folder / f"store={store}").mkdir(parents=True, exist_ok=True)
        for number, chunk in enumerate(cut):
            part = lines[lines["receipt_id"].isin(chunk)].drop(columns="store")
            part.to_parquet(folder / f"store={store}" / f"part-{number}.parquet", index=False)
    return folder


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, sample) -> Path:
    return write_dataset(sample.receipts, tmp_path_factory.mktemp("chain") / "receipts")


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local:  # fmt: skip
        yield local.scheduler_address


def _same_itemsets(local, dask) -> None:
    assert dask.engine == "dask"
    assert list(dask.counts.items()) == list(local.counts.items())
    assert (dask.n_receipts, dask.min_count) == (local.n_receipts, local.min_count)


# --- without a cluster ----------------------------------------------------------------------


@pytest.mark.parametrize("max_len", [1, 2, 3])
def test_partitions_counted_and_summed_equal_the_whole(sample_receipts, max_len) -> None:
    receipts, _, _ = sample_receipts
    local = frequent_itemsets(receipts, min_support=SUPPORT, max_len=max_len, engine="sparse")
    counted, _, _, found = mine_partitions(LocalRunner(), split_receipts(receipts, 5), Plan(),
                                           source="x", min_support=SUPPORT, min_count=None,
                                           max_len=max_len)  # fmt: skip
    _same_itemsets(local, found)
    assert max(map(len, found.counts)) == max_len
    assert counted.n_receipts == receipts.n_receipts
    assert counted.items.tolist() == receipts.items.tolist()
    assert counted.counts.tolist() == receipts.item_counts().tolist()
    assert counted.dropped == receipts.dropped


def test_split_keeps_whole_receipts_and_the_drops_once(sample_receipts) -> None:
    receipts, _, _ = sample_receipts
    parts = split_receipts(receipts, 4)
    assert sum(p.n_receipts for p in parts) == receipts.n_receipts
    assert parts[0].dropped == receipts.dropped and all(p.dropped == {} for p in parts[1:])
    assert np.concatenate([p.receipt_ids for p in parts]).tolist() == receipts.receipt_ids.tolist()


def test_dataset_lists_files_and_loads_as_one_read(dataset, sample) -> None:
    found = read_receipts_dataset(dataset)
    assert len(found.files) == 4 and found.files[0].values == (("store", "HKI"),)
    assert found.files[0].path.endswith("store=HKI/part-0.parquet")
    whole, alone = found.load(), from_long(sample.receipts)
    assert whole.n_receipts == alone.n_receipts and whole.items.tolist() == alone.items.tolist()
    assert sorted(set(whole.stores)) == sorted(set(alone.stores))


def test_local_read_of_a_dataset_names_the_partition_missing_a_column(tmp_path, sample) -> None:
    folder = write_dataset(sample.receipts, tmp_path / "receipts")
    bad = folder / "store=TRE" / "part-1.parquet"
    pd.read_parquet(bad).drop(columns="sku").to_parquet(bad, index=False)
    with pytest.raises(SchemaError, match=f"^{re.escape(str(bad))}: missing column 'sku'"):
        read_receipts_dataset(folder).load()


def test_empty_folder_is_refused(tmp_path) -> None:
    with pytest.raises(SchemaError, match="no Parquet file in the folder"):
        read_receipts_dataset(tmp_path)


@pytest.mark.parametrize("options, message", [
    ({"by": "month"}, "`by='month'` mines each period alone"),
    ({"algorithm": "fpmax"}, "up to 3 items, and not maximal ones"),
    ({"max_len": 4}, "up to 3 items, and not maximal ones"),
    ({"min_support": 2.0}, "minimum support must be in"),
    ({"jobs": 0}, "`jobs` must be at least 1"),
])  # fmt: skip
def test_what_dask_cannot_do_is_refused_before_a_cluster(options, message) -> None:
    arguments = {"min_support": 0.01, "min_count": None, "max_len": 3, "algorithm": "fpgrowth",
                 "by": None, "level": "sku", "jobs": 2, **options}  # fmt: skip
    with pytest.raises(ParameterError, match=message):
        check_options(**arguments)


def test_missing_dask_says_how_to_install(monkeypatch, sample_receipts) -> None:
    from basket import find_rules

    real = builtins.__import__

    def refuse(name, *args, **kwargs):
        if name.split(".")[0] in ("dask", "distributed"):
            raise ImportError(f"No module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse)
    with pytest.raises(ParameterError) as error:
        find_rules(sample_receipts[0], engine="dask")
    assert str(error.value) == ("the Dask engine needs dask and distributed. Install them with "
                                "pip install 'kori[dask]'")  # fmt: skip


def test_errors_pickle_whole() -> None:
    import pickle

    error = SchemaError("missing column 'sku'", source="a/store=S1/part-0.parquet",
                        where="found: x", fix="Map it")  # fmt: skip
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is SchemaError and str(again) == str(error)
    assert (again.problem, again.source, again.where, again.fix) == (
        error.problem, error.source, error.where, error.fix)


# --- on a LocalCluster of 2 worker processes ------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("level, support", [("sku", SUPPORT), ("category", CATEGORY_SUPPORT)])
def test_dataset_on_dask_gives_the_local_rules(dataset, cluster, sample, level, support) -> None:
    from basket import find_itemsets, find_rules

    receipts = from_long(sample.receipts)
    common = {"catalog": sample.catalog, "level": level, "min_support": support}
    local = find_rules(receipts, engine="sparse", **common)
    dask = find_rules(read_receipts_dataset(dataset), engine="dask", scheduler=cluster, **common)
    assert dask.engine == "dask" and local.engine == "sparse"
    pd.testing.assert_frame_equal(dask.rules, local.rules)
    assert len(local.rules) > 10 and local.rules["antecedent"].map(len).max() == 2
    for name in ("receipts", "items", "dropped", "itemsets", "min_count", "tested", "removed",
                 "item_counts", "paired", "tested_items", "significant_items", "catalog_gaps",
                 "nonproducts"):  # fmt: skip
        assert getattr(dask, name) == getattr(local, name), name
    assert [line.replace("dask", "sparse") for line in dask.summary()] == local.summary()
    pd.testing.assert_frame_equal(
        find_itemsets(read_receipts_dataset(dataset), engine="dask", scheduler=cluster,
                      **common).table,
        find_itemsets(receipts, engine="sparse", **common).table,
    )


@pytest.mark.slow
def test_filters_on_dask_match_local(dataset, cluster, sample) -> None:
    from basket import find_rules, read_receipts

    receipts = from_long(sample.receipts)
    store = sorted(set(sample.receipts["store"]))[1]
    day = pd.Timestamp(sample.receipts["timestamp"].min()).normalize() + pd.Timedelta(days=5)
    common = {"catalog": sample.catalog, "min_support": SUPPORT, "stores": [store],
              "start": day, "exclude_pattern": ["milk"], "min_confidence": 0.2}  # fmt: skip
    local = find_rules(receipts, engine="sparse", **common)
    dask = find_rules(read_receipts(dataset), engine="dask", scheduler=cluster, **common)
    pd.testing.assert_frame_equal(dask.rules, local.rules)
    assert (dask.receipts, dask.dropped, dask.left_out) == (local.receipts, local.dropped,
                                                           local.left_out)  # fmt: skip
    with pytest.raises(ParameterError, match="no receipts of store 'S999'"):
        find_rules(read_receipts_dataset(dataset), engine="dask", scheduler=cluster,
                   stores=["S999"])  # fmt: skip


@pytest.mark.slow
def test_receipts_read_in_one_process_are_scattered(cluster, sample_receipts) -> None:
    from basket import find_rules

    receipts, names, categories = sample_receipts
    local = find_rules(receipts, names=names, categories=categories, min_support=SUPPORT)
    dask = find_rules(receipts, names=names, categories=categories, min_support=SUPPORT,
                      engine="dask", scheduler=cluster)  # fmt: skip
    pd.testing.assert_frame_equal(dask.rules, local.rules)
    assert dask.dropped == local.dropped


@pytest.mark.slow
def test_a_partition_missing_a_column_is_named(tmp_path, sample, cluster) -> None:
    from basket import find_rules

    folder = write_dataset(sample.receipts, tmp_path / "receipts")
    bad = folder / "store=TRE" / "part-1.parquet"
    pd.read_parquet(bad).drop(columns="sku").to_parquet(bad, index=False)
    with pytest.raises(SchemaError) as error:
        find_rules(read_receipts_dataset(folder), engine="dask", scheduler=cluster)
    assert str(error.value).startswith(f"{bad}: missing column 'sku' that receipts need")
    assert error.value.fix.startswith("Map it with `item='NAME'`")


@pytest.mark.slow
def test_cli_mines_a_dataset_on_dask(runner, dataset, cluster, sample_dir) -> None:
    from cli import kori

    args = ["rules", "mine", str(dataset), "--catalog", str(sample_dir / "catalog.csv"),
            "--min-support", str(SUPPORT), "-f", "csv"]  # fmt: skip
    local = runner.invoke(kori, args)
    dask = runner.invoke(kori, [*args, "--engine", "dask", "--scheduler", cluster])
    assert local.exit_code == 0 and dask.exit_code == 0, dask.output
    assert dask.stdout == local.stdout and dask.stdout.count("\n") > 10
    assert "dask engine" in dask.stderr and "Traceback" not in dask.stderr
    items = runner.invoke(kori, ["rules", "itemsets", str(dataset), "--engine", "dask",
                                 "--min-support", str(SUPPORT), "-f", "csv"],
                          env={"KORI_SCHEDULER": cluster})  # fmt: skip
    assert items.exit_code == 0 and items.stdout == runner.invoke(
        kori, ["rules", "itemsets", str(dataset), "--min-support", str(SUPPORT), "-f", "csv"]
    ).stdout


def test_cli_scheduler_without_dask_is_a_usage_error(runner, dataset) -> None:
    from cli import kori

    result = runner.invoke(kori, ["rules", "mine", str(dataset), "--scheduler", "tcp://x:1"])
    assert result.exit_code == 2 and "add --engine dask" in result.stderr
