"""Time and peak memory of `kori rules mine` against plain mlxtend and pyfim, on simulated receipts.

Run, from the repository root (with kori installed in the interpreter's environment):

    python benchmarks/bench_rules.py --preset small            # 20,000 x 2,000, a quick check
    python benchmarks/bench_rules.py --preset issue            # 200,000 x 10,000, then 1,000,000
                                                               # x 20,000 (kori and pyfim only)
    python benchmarks/bench_rules.py --receipts 200000 --items 10000 --min-support 0.0005 \
        --max-len 3 --min-confidence 0.1 [--seed 1] [--skip-mlxtend | --skip-kori | --skip-pyfim] \
        [--with-mlxtend] [--out /tmp/bench_rules]

What it does:

1. Simulates N receipts over M items (deterministic from ``--seed``): basket sizes are shifted
   geometric with mean ~10, item popularity is Zipf-like (p_i ~ 1/(i + 10)^1.1, so ``item00000``
   is the most popular), no item twice on a receipt, plus 30 planted groups (20 pairs, 10
   triples) whose companions join a basket holding the anchor with probability 0.3-0.6, so that
   real rules of length 2 and 3 exist. It writes them in long format (``receipt_id`` int64,
   ``sku`` string, one row per receipt line) to ``OUT/receipts_*.parquet``, cached by its
   parameters (with a ``.json`` of its properties beside it), so reruns skip the simulation.
2. Runs each engine in its own child process, which reads that file, mines the rules, writes
   them to ``OUT/<engine>_rules.parquet`` and reports its wall time and peak RSS (``getrusage``
   of itself) as JSON on its last stdout line. Wall time covers importing the engine, reading
   the file, mining and writing; it excludes only the interpreter's start.

   - kori: ``kori -q rules mine FILE --min-support S --max-len L --min-confidence C --max-p 1
     --keep-redundant -o OUT/kori_rules.parquet`` (the console script, run in the child).
   - mlxtend, as a user would write it: ``pandas.read_parquet``, a list of items per receipt,
     ``TransactionEncoder`` into a dense boolean DataFrame, ``fpgrowth(max_len=L)``,
     ``association_rules(metric="confidence")``, rules with one item in the consequent.
     Its dense matrix takes N x M bytes (and a copy), so it is skipped by itself above
     ``--mlxtend-limit-gib`` of matrix unless ``--with-mlxtend`` is given.
   - pyfim (Christian Borgelt's C implementation, ``import fim``; not a kori dependency, so it
     is skipped, and the report says so, when it cannot be imported): ``pandas.read_parquet``,
     the lines sorted by receipt and split into one array of SKU strings per receipt (the SKUs
     factorised first, so that all lines share one ``str`` object per SKU), then
     ``fim.arules(supp=-ceil(S x N), conf=100 x C, zmin=2, zmax=L, report="scl", mode="o")``:
     an absolute minimum count, confidence in percent, a non-empty body and one head item (fim
     always has one), and ``mode="o"`` so that a rule's support is that of body and head
     together, as in kori and mlxtend (fim's default is the body's support alone). After the
     measurement, untimed by it, the same child counts the frequent itemsets with
     ``fim.fpgrowth(target="s", zmin=1, zmax=L)`` and reports that call's seconds alone.
3. Compares the rules of mlxtend and of pyfim each with kori's: identical when the same
   (antecedent, consequent) pairs come out and support, confidence and lift agree within 1e-9
   relative. kori counts like arules (an itemset is frequent when its count >= ceil(S x N),
   exactly; a confidence equal to C is kept) while mlxtend compares floats, so the presets
   choose S x N whole; pyfim gets the count itself, and its confidence threshold as
   ``100 x C`` rounded from the exact decimal. Rules that differ only because their
   confidence equals C are reported apart.

It prints Markdown tables: the data, each engine's wall seconds, peak RSS, rules and itemsets
(or why it was not run), and per configuration the ratios mlxtend / kori and pyfim / kori for
time and memory. The ratios are taken within one run on the same machine and are what to
compare across machines, not the seconds. The full results go to ``OUT/results.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # numpy and pyarrow load lazily: the child processes must not pay for them
    import numpy as np

GENERATOR_VERSION = 1  # bump when the simulation changes, so that cached files are remade
MEAN_BASKET = 10.0
ZIPF_EXPONENT = 1.1
ZIPF_OFFSET = 10
PLANTED_PAIRS = 20
PLANTED_TRIPLES = 10
TOLERANCE = 1e-9
ENGINES = ("kori", "mlxtend", "pyfim")
OTHERS = ("mlxtend", "pyfim")  # each compared with kori


@dataclass(frozen=True)
class Config:
    """One benchmark configuration."""

    receipts: int
    items: int
    min_support: float
    max_len: int
    min_confidence: float
    seed: int
    mlxtend: bool = True

    @property
    def label(self) -> str:
        return (f"{self.receipts:,} x {self.items:,}, support {self.min_support:g}, "
                f"length <= {self.max_len}, confidence {self.min_confidence:g}")  # fmt: skip

    @property
    def min_count(self) -> int:
        """The count a frequent itemset needs: ceil(S x N), computed exactly."""
        return math.ceil(Fraction(repr(self.min_support)) * self.receipts)


@dataclass
class EngineRun:
    """What one engine's child process reported."""

    engine: str
    ok: bool
    wall_s: float = math.nan
    peak_mib: float = math.nan
    process_s: float = math.nan
    rules: int | None = None
    itemsets: int | None = None
    itemsets_s: float = math.nan  # pyfim: its frequent itemsets alone, timed apart
    error: str = ""


@dataclass
class Comparison:
    """How the rules of kori and of another engine (``other``: mlxtend or pyfim) differ."""

    other: str
    kori_rules: int
    other_rules: int
    only_kori: list[str] = field(default_factory=list)
    only_other: list[str] = field(default_factory=list)
    only_kori_ties: int = 0
    only_other_ties: int = 0
    max_rel_diff: dict[str, float] = field(default_factory=dict)
    value_mismatches: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not (self.only_kori or self.only_other or self.value_mismatches)

    @property
    def only_ties(self) -> bool:
        """True when every rule on one side only has its confidence equal to the threshold."""
        return (not self.identical and not self.value_mismatches
                and self.only_kori_ties == len(self.only_kori)
                and self.only_other_ties == len(self.only_other))  # fmt: skip


# --------------------------------------------------------------------------- the simulation


def zipf_probabilities(items: int) -> np.ndarray:
    """Popularity of each item: p_i proportional to 1 / (i + 10)^1.1."""
    import numpy as np

    weights = (np.arange(items, dtype=np.float64) + ZIPF_OFFSET) ** -ZIPF_EXPONENT
    return weights / weights.sum()


def draw_items(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """``size`` items drawn with replacement by inverting the popularity's CDF."""
    import numpy as np

    drawn = np.searchsorted(cdf, rng.random(size), side="right")
    return np.minimum(drawn, len(cdf) - 1).astype(np.int64)


def rows_of(receipts: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Row numbers of the given receipts, whose rows are contiguous from ``starts``."""
    import numpy as np

    counts = sizes[receipts]
    first = np.repeat(starts[receipts] - (np.cumsum(counts) - counts), counts)
    return first + np.arange(counts.sum())


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Distinct values, sorted (np.unique hashes first, which is slower on millions of rows)."""
    import numpy as np

    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def redraw_duplicates(rng: np.random.Generator, cdf: np.ndarray, receipt: np.ndarray,
                      item: np.ndarray, sizes: np.ndarray) -> None:  # fmt: skip
    """Redraw, in place, every item already on its receipt until no receipt repeats one."""
    import numpy as np

    items = len(cdf)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    active = np.arange(len(item))
    while active.size:
        key = receipt[active] * items + item[active]
        order = np.argsort(key, kind="stable")
        repeated = key[order][1:] == key[order][:-1]
        if not repeated.any():
            return
        positions = active[order[1:][repeated]]
        item[positions] = draw_items(rng, cdf, positions.size)
        active = rows_of(sorted_unique(receipt[positions]), starts, sizes)


def plant_groups(rng: np.random.Generator, items: int) -> list[tuple[list[int], float]]:
    """Anchors among the popular items, companions among the middling ones, and a share each."""
    import numpy as np

    sizes = [2] * PLANTED_PAIRS + [3] * PLANTED_TRIPLES
    low, high = min(20, items // 10), min(400, items // 2)
    anchors = rng.choice(np.arange(low, high), size=len(sizes), replace=False)
    pool = np.setdiff1d(np.arange(min(50, items // 5), min(2000, items)), anchors)
    companions = iter(rng.choice(pool, size=sum(sizes) - len(sizes), replace=False))
    groups = []
    for anchor, size in zip(anchors, sizes):
        members = [int(anchor)] + [int(next(companions)) for _ in range(size - 1)]
        groups.append((members, float(rng.uniform(0.3, 0.6))))
    return groups


def add_groups(rng: np.random.Generator, receipt: np.ndarray, item: np.ndarray,
               groups: list[tuple[list[int], float]]) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Receipt lines with the companions of each anchor added, all together, at its share."""
    import numpy as np

    receipts, items = [receipt], [item]
    for members, share in groups:
        holders = receipt[item == members[0]]
        chosen = holders[rng.random(holders.size) < share]
        for companion in members[1:]:
            receipts.append(chosen)
            items.append(np.full(chosen.size, companion, dtype=np.int64))
    return np.concatenate(receipts), np.concatenate(items)


def simulate(receipts: int, items: int, seed: int) -> dict[str, Any]:
    """Receipt lines (``receipt``, ``item`` as arrays, sorted) and the planted groups."""
    import numpy as np

    rng = np.random.default_rng(seed)
    cdf = np.cumsum(zipf_probabilities(items))
    cdf /= cdf[-1]
    sizes = np.minimum(rng.geometric(1 / MEAN_BASKET, receipts), items // 2).astype(np.int64)
    receipt = np.repeat(np.arange(receipts, dtype=np.int64), sizes)
    item = draw_items(rng, cdf, int(sizes.sum()))
    redraw_duplicates(rng, cdf, receipt, item, sizes)
    groups = plant_groups(rng, items)
    receipt, item = add_groups(rng, receipt, item, groups)
    key = sorted_unique(receipt * items + item)  # sorted by receipt, then item; no repeats
    return {"receipt": key // items, "item": key % items, "groups": groups}


def sku_labels(items: int) -> list[str]:
    width = max(5, len(str(items - 1)))
    return [f"item{i:0{width}d}" for i in range(items)]


def write_receipts(path: Path, receipt: np.ndarray, item: np.ndarray, items: int) -> None:
    """Long format Parquet, written to a temporary file and renamed into place."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    skus = pa.array(sku_labels(items), type=pa.string()).take(pa.array(item))
    table = pa.table({"receipt_id": pa.array(receipt + 1, type=pa.int64()), "sku": skus})
    partial = path.with_suffix(".partial")
    pq.write_table(table, partial)
    partial.replace(path)


def data_properties(config: Config, data: dict[str, Any], seconds: float) -> dict[str, Any]:
    import numpy as np

    counts = np.bincount(data["item"], minlength=config.items)
    labels = sku_labels(config.items)
    return {
        "receipts": config.receipts,
        "lines": int(data["item"].size),
        "mean_basket": float(data["item"].size / config.receipts),
        "max_basket": int(np.bincount(data["receipt"]).max()),
        "items_seen": int((counts > 0).sum()),
        "item_counts": counts.tolist(),
        "groups": [{"skus": [labels[i] for i in members], "share": round(share, 3)}
                   for members, share in data["groups"]],  # fmt: skip
        "simulate_s": round(seconds, 2),
        "generator_version": GENERATOR_VERSION,
    }


def ensure_receipts(config: Config, out: Path) -> tuple[Path, dict[str, Any]]:
    """The receipts file of this configuration, simulated unless cached; and its properties."""
    stem = f"receipts_n{config.receipts}_m{config.items}_seed{config.seed}_g{GENERATOR_VERSION}"
    path, about = out / f"{stem}.parquet", out / f"{stem}.json"
    if path.exists() and about.exists():
        log(f"using cached {path}")
        return path, json.loads(about.read_text())
    log(f"simulating {config.receipts:,} receipts over {config.items:,} items ...")
    start = time.perf_counter()
    data = simulate(config.receipts, config.items, config.seed)
    write_receipts(path, data["receipt"], data["item"], config.items)
    properties = data_properties(config, data, time.perf_counter() - start)
    about.write_text(json.dumps(properties))
    log(f"  {properties['lines']:,} lines in {properties['simulate_s']:.1f} s -> {path}")
    return path, properties


# --------------------------------------------------------------------------- the child processes


def mine_with_mlxtend(data: str, output: str, min_support: float, max_len: int,
                      min_confidence: float) -> dict[str, Any]:  # fmt: skip
    """Plain mlxtend, as its documentation shows it, from the receipts file to a rules file."""
    import pandas as pd
    from mlxtend.frequent_patterns import association_rules, fpgrowth
    from mlxtend.preprocessing import TransactionEncoder

    lines = pd.read_parquet(data, columns=["receipt_id", "sku"])
    baskets = lines.groupby("receipt_id")["sku"].apply(list).tolist()
    encoder = TransactionEncoder()
    onehot = pd.DataFrame(encoder.fit(baskets).transform(baskets), columns=encoder.columns_)
    itemsets = fpgrowth(onehot, min_support=min_support, use_colnames=True, max_len=max_len)
    rules = association_rules(itemsets, num_itemsets=len(onehot), metric="confidence",
                              min_threshold=min_confidence)  # fmt: skip
    rules = rules[rules["consequents"].map(len) == 1]
    pd.DataFrame({
        "antecedent": [sorted(a) for a in rules["antecedents"]],
        "consequent": [sorted(c) for c in rules["consequents"]],
        "support": rules["support"].to_numpy(),
        "confidence": rules["confidence"].to_numpy(),
        "lift": rules["lift"].to_numpy(),
    }).to_parquet(output, index=False)  # fmt: skip
    return {"itemsets": len(itemsets), "exit_code": 0}


def mine_with_pyfim(data: str, output: str, min_count: int, max_len: int,
                    min_confidence: float) -> tuple[dict[str, Any], Callable[[], dict[str, Any]]]:
    """pyfim's ``arules``, from the receipts file to a rules file; and a step to run afterwards.

    The step counts the frequent itemsets with ``fim.fpgrowth`` and times that call alone; the
    child runs it after taking its measurements.
    """
    import fim
    import numpy as np
    import pandas as pd

    lines = pd.read_parquet(data, columns=["receipt_id", "sku"])
    lines = lines.sort_values("receipt_id", kind="stable")
    receipt = lines["receipt_id"].to_numpy()
    codes, skus = pd.factorize(lines["sku"])  # one str object per SKU, shared by its lines
    items = np.asarray(skus, dtype=object)[codes]
    del lines, codes
    transactions = np.split(items, np.flatnonzero(receipt[1:] != receipt[:-1]) + 1)
    del receipt, items
    # conf in percent, from the exact decimal (100 * 0.07 is 7.000000000000001 in floats);
    # mode "o": a rule's support is that of body and head, not of the body alone
    percent = float(Fraction(repr(min_confidence)) * 100)
    rules = fim.arules(transactions, supp=-min_count, conf=percent, zmin=2, zmax=max_len,
                       report="scl", mode="o")  # fmt: skip
    head, body, support, confidence, lift = zip(*rules) if rules else ((),) * 5
    del rules
    pd.DataFrame({
        "antecedent": [sorted(side) for side in body],
        "consequent": [[item] for item in head],
        "support": np.asarray(support, dtype=np.float64),
        "confidence": np.asarray(confidence, dtype=np.float64),
        "lift": np.asarray(lift, dtype=np.float64),
    }).to_parquet(output, index=False)  # fmt: skip

    def count_itemsets() -> dict[str, Any]:
        start = time.perf_counter()
        spectrum = fim.fpgrowth(transactions, target="s", supp=-min_count, zmin=1,
                                zmax=max_len, report="#")  # fmt: skip
        return {"itemsets": int(sum(spectrum.values())),
                "itemsets_s": time.perf_counter() - start}  # fmt: skip

    return {"transactions": len(transactions), "exit_code": 0}, count_itemsets


def mine_with_kori(kori: str, arguments: list[str]) -> dict[str, Any]:
    """The kori console script, run in this process so that its peak memory is this one's."""
    import runpy

    sys.argv = [kori, *arguments]
    try:
        runpy.run_path(kori, run_name="__main__")
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        return {"exit_code": code}
    return {"exit_code": 0}


def child_main(spec: dict[str, Any]) -> None:
    """Run one engine and print its wall time and peak RSS as JSON on the last stdout line."""
    start = time.perf_counter()
    afterwards = None
    if spec["engine"] == "mlxtend":
        result = mine_with_mlxtend(*spec["arguments"])
    elif spec["engine"] == "pyfim":
        result, afterwards = mine_with_pyfim(*spec["arguments"])
    else:
        result = mine_with_kori(spec["kori"], spec["arguments"])
    result["wall_s"] = time.perf_counter() - start
    result["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["children_maxrss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if afterwards is not None:  # measured already: this step counts toward neither
        result.update(afterwards())
    sys.stdout.flush()
    print("\n" + json.dumps(result), flush=True)


# --------------------------------------------------------------------------- running the engines


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def child_spec(engine: str, config: Config, data: Path, output: Path, kori: str) -> dict:
    if engine == "mlxtend":
        arguments: list[Any] = [str(data), str(output), config.min_support, config.max_len,
                                config.min_confidence]  # fmt: skip
        return {"engine": engine, "arguments": arguments}
    if engine == "pyfim":
        arguments = [str(data), str(output), config.min_count, config.max_len,
                     config.min_confidence]  # fmt: skip
        return {"engine": engine, "arguments": arguments}
    arguments = ["-q", "rules", "mine", str(data), "--min-support", repr(config.min_support),
                 "--max-len", str(config.max_len), "--min-confidence",
                 repr(config.min_confidence), "--max-p", "1", "--keep-redundant",
                 "-o", str(output)]  # fmt: skip
    return {"engine": engine, "kori": kori, "arguments": arguments}


def failure(process: subprocess.CompletedProcess[str], code: int | None = None) -> str:
    """One line on why a child failed: its signal or exit code and its last stderr line."""
    returncode = process.returncode if code is None else code
    if returncode < 0:
        why = f"killed by signal {-returncode}" + (" (out of memory?)" if returncode == -9 else "")
    else:
        why = f"exit {returncode}"
    last = [line for line in process.stderr.strip().splitlines() if line.strip()][-1:]
    return why + (f": {last[0].strip()}" if last else "")


def run_engine(engine: str, config: Config, data: Path, out: Path, kori: str) -> EngineRun:
    """Run one engine in a child process and read back what it reported."""
    output = out / f"{engine}_rules.parquet"
    output.unlink(missing_ok=True)
    spec = child_spec(engine, config, data, output, kori)
    log(f"running {engine} on {config.label} ...")
    start = time.perf_counter()
    process = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                             capture_output=True, text=True)  # fmt: skip
    process_s = time.perf_counter() - start
    lines = process.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if process.returncode == 0 and lines else None
    if report is None or report["exit_code"] != 0 or not output.exists():
        code = report["exit_code"] if report else None
        error = failure(process, code) if code != 0 else f"wrote no {output.name}"
        log(f"  {engine} failed: {error}")
        return EngineRun(engine, ok=False, process_s=process_s, error=error)
    if report["children_maxrss_kib"] > report["maxrss_kib"]:
        log(f"  note: a child process of {engine} peaked above {engine} itself")
    run = EngineRun(engine, ok=True, wall_s=report["wall_s"], process_s=process_s,
                    peak_mib=max(report["maxrss_kib"], report["children_maxrss_kib"]) / 1024,
                    rules=count_rows(output), itemsets=report.get("itemsets"),
                    itemsets_s=report.get("itemsets_s", math.nan))  # fmt: skip
    log(f"  {engine}: {run.wall_s:.1f} s, {run.peak_mib:,.0f} MiB, {run.rules:,} rules")
    return run


def count_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.read_metadata(path).num_rows


# --------------------------------------------------------------------------- comparing the rules

RuleKey = tuple[tuple[str, ...], tuple[str, ...]]
MEASURES = ("support", "confidence", "lift")


def as_items(value: Any) -> tuple[str, ...]:
    """A rule side as a sorted tuple, whether stored as a list or as 'a, b' text."""
    if isinstance(value, str):
        value = [part.strip(" '\"") for part in value.strip("{}[]()").split(",") if part.strip()]
    return tuple(sorted(str(item) for item in value))


def load_rules(path: Path) -> dict[RuleKey, tuple[float, ...]]:
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["antecedent", "consequent", *MEASURES]).to_pydict()
    sides = zip(table["antecedent"], table["consequent"])
    keys = [(as_items(a), as_items(c)) for a, c in sides]
    return dict(zip(keys, zip(*(table[m] for m in MEASURES))))


def relative_difference(a: float, b: float) -> float:
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def show_rule(key: RuleKey, values: tuple[float, ...]) -> str:
    support, confidence, lift = values
    return (f"{{{', '.join(key[0])}}} -> {{{', '.join(key[1])}}} (support {support:.6g}, "
            f"confidence {confidence:.12g}, lift {lift:.6g})")  # fmt: skip


def is_tie(values: tuple[float, ...], min_confidence: float) -> bool:
    return relative_difference(values[1], min_confidence) <= TOLERANCE


def compare_rules(kori: Path, other: str, path: Path, min_confidence: float) -> Comparison:
    """Rules on one side only, confidence ties among them, and the largest value differences."""
    ours, theirs = load_rules(kori), load_rules(path)
    result = Comparison(other=other, kori_rules=len(ours), other_rules=len(theirs))
    only_ours = sorted(ours.keys() - theirs.keys())
    only_theirs = sorted(theirs.keys() - ours.keys())
    result.only_kori = [show_rule(k, ours[k]) for k in only_ours]
    result.only_other = [show_rule(k, theirs[k]) for k in only_theirs]
    result.only_kori_ties = sum(is_tie(ours[k], min_confidence) for k in only_ours)
    result.only_other_ties = sum(is_tie(theirs[k], min_confidence) for k in only_theirs)
    result.max_rel_diff = dict.fromkeys(MEASURES, 0.0)
    for key in sorted(ours.keys() & theirs.keys()):
        differences = [relative_difference(a, b) for a, b in zip(ours[key], theirs[key])]
        for measure, difference in zip(MEASURES, differences):
            result.max_rel_diff[measure] = max(result.max_rel_diff[measure], difference)
        if max(differences) > TOLERANCE:
            result.value_mismatches.append(f"kori {show_rule(key, ours[key])} vs {other} "
                                           f"{show_rule(key, theirs[key])}")  # fmt: skip
    return result


# --------------------------------------------------------------------------- the report


def verdict(comparison: Comparison | None) -> str:
    if comparison is None:
        return "n/a"
    if comparison.identical:
        return "yes"
    other = comparison.other
    if comparison.only_ties:
        ties = comparison.only_kori_ties + comparison.only_other_ties
        return (f"no, but only {ties} rule(s) differ, each with confidence equal to the "
                f"threshold (kori keeps ties; {other}'s float compare may drop them)")
    return (f"no: {len(comparison.only_kori)} kori only, {len(comparison.only_other)} "
            f"{other} only, {len(comparison.value_mismatches)} values apart")  # fmt: skip


def differences(comparison: Comparison, shown: int = 5) -> list[str]:
    """The first few differences, for the lines under the tables."""
    lines = []
    for title, rules in (("only in kori", comparison.only_kori),
                         (f"only in {comparison.other}", comparison.only_other),
                         ("values apart", comparison.value_mismatches)):  # fmt: skip
        lines += [f"  - {title}: {rule}" for rule in rules[:shown]]
        if len(rules) > shown:
            lines.append(f"  - {title}: ... {len(rules) - shown:,} more")
    return lines


def number(value: int | float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def data_table(results: list[dict[str, Any]]) -> list[str]:
    lines = ["| configuration | receipts | lines | mean basket | max basket | items seen | "
             "min count | frequent items | simulate s |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for result in results:
        config, about = result["config"], result["data"]
        frequent = sum(count >= config.min_count for count in about["item_counts"])
        lines.append(f"| {config.label} | {about['receipts']:,} | {about['lines']:,} | "
                     f"{about['mean_basket']:.2f} | {about['max_basket']} | "
                     f"{about['items_seen']:,} | {config.min_count:,} | {frequent:,} | "
                     f"{about['simulate_s']:.1f} |")  # fmt: skip
    return lines


def engine_table(results: list[dict[str, Any]]) -> list[str]:
    lines = ["| configuration | engine | wall s | peak RSS MiB | rules | itemsets | "
             "itemsets alone s |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for result in results:
        label = result["config"].label
        for run in result["runs"]:
            shown = (f"{number(run.wall_s, 1)} | {number(run.peak_mib)} | {number(run.rules)} "
                     f"| {number(run.itemsets)} | {number(run.itemsets_s, 1)}" if run.ok
                     else f"failed: {cell(run.error)} | | | |")  # fmt: skip
            lines.append(f"| {label} | {run.engine} | {shown} |")
        for engine, why in result["skipped"].items():
            lines.append(f"| {label} | {engine} | not run: {cell(why)} | | | | |")
    return lines


def ratio_table(results: list[dict[str, Any]], other: str) -> list[str]:
    """Time and memory of ``other`` over kori's, and whether their rules agree."""
    lines = [f"| configuration | time {other} / kori | memory {other} / kori | identical |",
             "|---|---|---|---|"]  # fmt: skip
    for result in results:
        runs = {run.engine: run for run in result["runs"] if run.ok}
        if {"kori", other} <= runs.keys():
            time_ratio = number(runs[other].wall_s / runs["kori"].wall_s, 1) + "x"
            memory_ratio = number(runs[other].peak_mib / runs["kori"].peak_mib, 1) + "x"
        else:
            time_ratio = memory_ratio = "n/a"
        lines.append(f"| {result['config'].label} | {time_ratio} | {memory_ratio} | "
                     f"{verdict(result['comparisons'].get(other))} |")  # fmt: skip
    return lines


def report(results: list[dict[str, Any]]) -> str:
    lines = ["## Data", "", *data_table(results), "", "## Engines", "", *engine_table(results),
             "", "## Ratios"]  # fmt: skip
    ran = {run.engine for result in results for run in result["runs"]}
    for other in (o for o in OTHERS if o in ran):
        lines += ["", f"### {other} / kori", "", *ratio_table(results, other)]
    if not ran & set(OTHERS):
        lines += ["", "No engine ran beside kori."]
    for result in results:
        for comparison in result["comparisons"].values():
            where = f"{comparison.other} vs kori at {result['config'].label}"
            if not comparison.identical:
                lines += ["", f"Differences, {where} (max relative: {comparison.max_rel_diff}):",
                          *differences(comparison)]  # fmt: skip
            else:
                lines += ["", f"Max relative differences, {where}: {comparison.max_rel_diff}"]
    return "\n".join(lines)


def save(results: list[dict[str, Any]], out: Path) -> None:
    rows = []
    for result in results:
        about = {k: v for k, v in result["data"].items() if k != "item_counts"}
        comparisons = result["comparisons"]
        rows.append({"config": asdict(result["config"]), "data": about,
                     "runs": [asdict(run) for run in result["runs"]],
                     "skipped": result["skipped"],
                     "identical": {o: c.identical for o, c in comparisons.items()},
                     "comparisons": {o: asdict(c) for o, c in comparisons.items()}})
    (out / "results.json").write_text(json.dumps(rows, indent=1, default=str))


# --------------------------------------------------------------------------- the command line


def fim_missing() -> str | None:
    """Why ``import fim`` fails here (pyfim is no kori dependency), or None when it works."""
    try:
        import fim  # noqa: F401
    except ImportError as error:
        return f"cannot import fim ({error}); pip install pyfim to compare with it"
    return None


def engines_for(config: Config, args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The engines to run, and why the others are not: mlxtend only where its dense matrix
    fits, unless --with-mlxtend; pyfim only when it can be imported."""
    chosen, skipped = [], {}
    for engine in ENGINES:
        if getattr(args, f"skip_{engine}"):
            skipped[engine] = f"--skip-{engine}"
        else:
            chosen.append(engine)
    dense_gib = config.receipts * config.items / 2**30
    too_big = not config.mlxtend or dense_gib > args.mlxtend_limit_gib
    if "mlxtend" in chosen and too_big and not args.with_mlxtend:
        skipped["mlxtend"] = f"its dense matrix alone takes {dense_gib:.1f} GiB"
        log(f"skipping mlxtend at {config.label}: {skipped['mlxtend']} "
            "(--with-mlxtend to run it anyway)")  # fmt: skip
        chosen.remove("mlxtend")
    elif "mlxtend" in chosen and too_big:
        log(f"warning: mlxtend's dense matrix takes {dense_gib:.1f} GiB and pandas copies it "
            "into the DataFrame: expect about twice that, or an out-of-memory kill")
    if "pyfim" in chosen and (missing := fim_missing()) is not None:
        skipped["pyfim"] = missing
        log(f"skipping pyfim at {config.label}: {missing}")
        chosen.remove("pyfim")
    return chosen, skipped


def run_config(config: Config, args: argparse.Namespace) -> dict[str, Any]:
    out = Path(args.out) / f"n{config.receipts}_m{config.items}_s{config.min_support:g}" \
        f"_l{config.max_len}_c{config.min_confidence:g}_seed{config.seed}"
    out.mkdir(parents=True, exist_ok=True)
    data, about = ensure_receipts(config, Path(args.out))
    engines, skipped = engines_for(config, args)
    runs = [run_engine(engine, config, data, out, args.kori) for engine in engines]
    ok = {run.engine for run in runs if run.ok}
    comparisons = {}
    for other in (o for o in OTHERS if "kori" in ok and o in ok):
        comparisons[other] = compare_rules(out / "kori_rules.parquet", other,
                                           out / f"{other}_rules.parquet",
                                           config.min_confidence)  # fmt: skip
    return {"config": config, "data": about, "runs": runs, "skipped": skipped,
            "comparisons": comparisons}  # fmt: skip


def configs(args: argparse.Namespace) -> list[Config]:
    common = {"min_confidence": args.min_confidence, "seed": args.seed}
    if args.preset == "small":
        return [Config(20_000, 2_000, 0.0005, 3, **common)]
    if args.preset == "issue":
        return [Config(200_000, 10_000, 0.0005, 3, **common),
                Config(1_000_000, 20_000, 0.0005, 3, mlxtend=False, **common)]  # fmt: skip
    return [Config(args.receipts, args.items, args.min_support, args.max_len, **common)]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=["small", "issue"],
                        help="small: 20,000 x 2,000 with all engines; issue: 200,000 x 10,000, "
                        "then 1,000,000 x 20,000 without mlxtend. Replaces --receipts, --items, "
                        "--min-support and --max-len")  # fmt: skip
    parser.add_argument("--receipts", type=int, default=200_000)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--min-support", type=float, default=0.0005)
    parser.add_argument("--max-len", type=int, default=3)
    parser.add_argument("--min-confidence", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-mlxtend", action="store_true")
    parser.add_argument("--skip-kori", action="store_true")
    parser.add_argument("--skip-pyfim", action="store_true",
                        help="leave out pyfim (skipped anyway when fim cannot be imported)")
    parser.add_argument("--with-mlxtend", action="store_true",
                        help="run mlxtend where it would be skipped for its memory")
    parser.add_argument("--mlxtend-limit-gib", type=float, default=4.0,
                        help="skip mlxtend when its dense matrix exceeds this (default 4)")
    parser.add_argument("--kori", default=str(Path(sys.executable).parent / "kori"),
                        help="the kori console script (default: beside the interpreter)")
    parser.add_argument("--out", default="/tmp/bench_rules")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        child_main(json.loads(argv[1]))
        return
    args = parse_args(argv)
    results = []
    for config in configs(args):
        if Fraction(repr(config.min_support)) * config.receipts != config.min_count:
            log(f"note: {config.min_support:g} x {config.receipts:,} is not whole; kori "
                "(exact ceil) and mlxtend (float compare) may disagree on borderline itemsets "
                "(pyfim is given the count)")
        results.append(run_config(config, args))
        save(results, Path(args.out))
    print(report(results))


if __name__ == "__main__":
    main(sys.argv[1:])
