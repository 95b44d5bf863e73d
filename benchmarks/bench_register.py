"""Time the register's duplicate finder (and, when it exists, the whole register check) on a
synthetic register of 1,000,000 records (fixed seed, Finnish-like names, streets and postal
codes, about 2% second records of one person with typos, swapped names, a new address, a
nickname or a lost diacritic).

Run: ``.venv/bin/python benchmarks/bench_register.py [--records 1000000]``. Each step runs in its
own process (wall time and peak memory from ``/usr/bin/time``), with reading the CSV with pandas
as the baseline measured in the same run, and the comparisons each blocking rule generates.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
FIRST = (
    "Matti", "Timo", "Juha", "Mikko", "Antti", "Jari", "Jukka", "Mika", "Markku", "Pekka", "Hannu",
    "Heikki", "Seppo", "Janne", "Ville", "Sami", "Petri", "Kari", "Pentti", "Tuomas", "Lauri",
    "Eero", "Olli", "Aleksi", "Jussi", "Ilkka", "Risto", "Erkki", "Veikko", "Joonas", "Maria",
    "Helena", "Johanna", "Anneli", "Kaarina", "Marjatta", "Anna", "Liisa", "Annikki", "Hannele",
    "Tuula", "Päivi", "Sari", "Minna", "Anne", "Riitta", "Pirjo", "Leena", "Tiina", "Satu",
    "Laura", "Elina", "Katja", "Heidi", "Noora", "Sanna", "Emilia", "Aino", "Sofia", "Kristiina",
)
STEMS = (
    "Virta", "Korho", "Mäki", "Niemi", "Mäkelä", "Hämäläi", "Laine", "Heikki", "Koski", "Järvi",
    "Lehto", "Salo", "Saari", "Mattila", "Ahola", "Lahti", "Kallio", "Heino", "Hakala", "Karja",
    "Lindhol", "Jokin", "Laakso", "Rauti", "Peltola", "Aalto", "Sepp", "Nurmi", "Hirvo", "Kangas",
    "Lepp", "Tuomi", "Ranta", "Halo", "Honka", "Kivi", "Vuori", "Nieminen", "Rinne", "Kurki",
    "Pölö", "Östman", "Åberg", "Suomi", "Huttu", "Valli", "Harju", "Karppi", "Pulkki", "Manni",
)
ENDS = ("nen", "", "la", "mäki", "oja", "lahti")
SYLLABLES = (
    "ka", "ko", "ku", "ki", "ke", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "na",
    "ne", "ni", "no", "nu", "pa", "pe", "pi", "po", "pu", "ra", "re", "ri", "ro", "ru", "sa", "se",
    "si", "so", "su", "ta", "te", "ti", "to", "tu", "va", "ve", "vi", "vo", "hä", "mä", "jä", "pö",
    "kö", "hi", "ja", "jo", "ha", "he", "hu",
)
STREETS = (
    "Mannerheimintie", "Hämeentie", "Aleksanterinkatu", "Itäinen", "Pitkäkatu", "Koulukatu",
    "Puistotie", "Rantatie", "Kirkkokatu", "Asemakatu", "Myllytie", "Kauppakatu", "Satamakatu",
    "Kalevankatu", "Läntinen", "Kuusitie", "Koivutie", "Mäntytie", "Pihlajatie", "Vaahteratie",
    "Tammelan", "Hervannan", "Sammonkatu", "Yliopistonkatu", "Torikatu", "Linnankatu",
    "Hallituskatu", "Otakaari", "Tapiolantie", "Leppävaarankatu",
)
NICK = {"Matti": "Matt", "Juha": "Jussi", "Johanna": "Hanna", "Kristiina": "Kiti",
        "Aleksi": "Aki", "Markku": "Make", "Elina": "Elli", "Katja": "Kati"}  # fmt: skip
PLAIN = str.maketrans("äöåÄÖÅ", "aoaAOA")
KINDS = ("typo", "swapped", "moved", "nickname", "diacritic")


def register(records: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The synthetic register (``records`` rows, 2% second records of a person) and its truth:
    ``original``, ``member_id`` (the second record) and ``kind`` per planted pair."""
    rng = np.random.default_rng(seed)
    dupes = records // 50
    people = records - dupes
    # Finland has some 100,000 surnames (the commonest, Korhonen, 0.4% of people) and thousands
    # of first names: the common stems, then two-syllable ones, each with six endings; first
    # names as given, shortened and lengthened.
    stems = list(STEMS) + [(a + b).capitalize() for a in SYLLABLES for b in SYLLABLES]
    lasts = np.array([s + e for s in stems for e in ENDS])
    lw = 1 / np.arange(1, len(lasts) + 1) ** 0.6
    firsts = np.array(list(FIRST) + [f + "a" for f in FIRST] + [f[:-1] + "o" for f in FIRST]
                      + [(a + b + "i").capitalize() for a in SYLLABLES[:20] for b in SYLLABLES])
    fw = 1 / np.arange(1, len(firsts) + 1) ** 0.6
    first = firsts[rng.choice(len(firsts), people, p=fw / fw.sum())]
    last = lasts[rng.permutation(len(lasts))][rng.choice(len(lasts), people, p=lw / lw.sum())]
    codes = np.array([f"{c:05d}" for c in rng.choice(99_000, 3_000, replace=False) + 100])
    frame = pd.DataFrame({
        "member_id": [f"L{10_000_000 + i}" for i in range(people)],
        "first_name": first, "last_name": last,
        "street": pd.Series(np.array(STREETS)[rng.integers(0, len(STREETS), people)]) + " "
        + pd.Series(rng.integers(1, 120, people)).astype(str),
        "postal_code": codes[rng.integers(0, len(codes), people)],
        "town": "Kaupunki",
        "birth_year": rng.integers(1935, 2007, people).astype(str),
        "phone": ["04" + str(d) + " " + f"{n:07d}" for d, n in
                  zip(rng.integers(0, 10, people), rng.integers(0, 10**7, people))],
    })  # fmt: skip
    frame["email"] = (frame["first_name"] + "." + frame["last_name"]).str.lower().str.translate(
        PLAIN) + rng.integers(1, 999, people).astype(str) + "@example.fi"
    frame.loc[rng.random(people) < 0.3, "email"] = ""
    frame.loc[rng.random(people) < 0.3, "phone"] = ""
    joined = np.datetime64("2012-01-01") + rng.integers(0, 5_000, people)
    updated = joined + (rng.random(people) * (np.datetime64("2026-11-30") - joined)
                        .astype(int)).astype(int)  # fmt: skip
    frame["joined_on"] = joined.astype(str)
    frame["updated_on"] = updated.astype(str)
    frame["consent"] = np.array(["yes", "no", ""])[rng.choice(3, people, p=[0.6, 0.3, 0.1])]
    frame["consent_date"] = np.where(frame["consent"] == "yes", frame["updated_on"], "")
    frame["channel"] = np.array(["email", "sms", "post", ""])[rng.integers(0, 4, people)]
    copies = frame.iloc[rng.choice(people, dupes, replace=False)].copy()
    copies.insert(0, "original", copies["member_id"])
    copies["member_id"] = [f"L{20_000_000 + i}" for i in range(dupes)]
    kinds = rng.integers(0, 5, dupes)
    copies.insert(1, "kind", np.array(KINDS)[kinds])
    for row, kind in zip(range(dupes), kinds):
        i = copies.index[row]
        if kind == 0:  # a typo in the last name
            name = copies.at[i, "last_name"]
            at = int(rng.integers(1, len(name)))
            copies.at[i, "last_name"] = name[:at] + name[at + 1:]
        elif kind == 1:  # swapped
            copies.loc[i, ["first_name", "last_name"]] = [copies.at[i, "last_name"],
                                                          copies.at[i, "first_name"]]
        elif kind == 2:  # moved
            copies.at[i, "street"] = f"{STREETS[int(rng.integers(0, len(STREETS)))]} 3"
            copies.at[i, "postal_code"] = codes[int(rng.integers(0, len(codes)))]
        elif kind == 3:  # nickname
            copies.at[i, "first_name"] = NICK.get(copies.at[i, "first_name"],
                                                  copies.at[i, "first_name"][:-1])
        else:  # a lost diacritic
            copies.at[i, "last_name"] = copies.at[i, "last_name"].translate(PLAIN)
    copies.loc[rng.random(dupes) < 0.5, ["email", "phone"]] = ""
    truth = copies[["original", "member_id", "kind"]].reset_index(drop=True)
    return pd.concat([frame, copies.drop(columns=["original", "kind"])], ignore_index=True), truth


def comparisons(path: Path) -> dict[str, int]:
    """Pairs each prediction blocking rule generates on its own (splink drops pairs an earlier
    rule already generated, so the total is an upper bound)."""
    sys.path.insert(0, str(ROOT))
    from customers.linkage_prep import prepare

    table = prepare(pd.read_csv(path, dtype=str, keep_default_na=False))
    rules = [("name_key", "birth_year"), ("postal_code", "ln_key"), ("postal_code", "fn_key"),
             ("street", "birth_year"), ("email",), ("phone",)]  # fmt: skip
    out = {}
    for rule in rules:
        sizes = table.dropna(subset=list(rule)).groupby(list(rule)).size().to_numpy(np.int64)
        out[" + ".join(rule)] = int((sizes * (sizes - 1) // 2).sum())
    return out


STEP = {
    "read": "import pandas as pd; pd.read_csv({p!r}, dtype=str, keep_default_na=False)",
    "find_duplicates": "import pandas as pd, customers; r = pd.read_csv({p!r}, dtype=str, "
    "keep_default_na=False); d = customers.find_duplicates(r); "
    "d.pairs[['id_l', 'id_r']].to_csv({p!r} + '.pairs', index=False); print(len(d.pairs))",
    "check_register": "import pandas as pd, customers; r = pd.read_csv({p!r}, dtype=str, "
    "keep_default_na=False); c = customers.check_register(r, as_of='2026-12-01'); "
    "print(len(c.findings))",
}


def run(step: str, path: Path) -> tuple[float, float, str]:
    """Wall seconds, peak resident MiB and the last stdout line of one step in a subprocess."""
    with tempfile.NamedTemporaryFile() as memory:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", memory.name, sys.executable,
                               "-c", STEP[step].format(p=str(path))], cwd=ROOT,
                              capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode:
            raise SystemExit(f"{step} failed:\n{done.stderr[-3000:]}")
        wall = time.perf_counter() - start
        peak = int(Path(memory.name).read_text().split()[-1]) / 1024
    return wall, peak, (done.stdout.strip().splitlines() or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.csv"
        start = time.perf_counter()
        table, truth = register(args.records)
        table.to_csv(path, index=False)
        print(f"generated {args.records:,} records in {time.perf_counter() - start:.1f} s")
        for rule, count in comparisons(path).items():
            print(f"comparisons from {rule}: {count:,}")
        sys.path.insert(0, str(ROOT))
        import customers

        steps = ["read", "find_duplicates"]
        if "check_register" in dir(customers):
            steps.append("check_register")
        base = None
        print(f"{'step':18s} {'wall s':>8s} {'x read':>7s} {'peak MiB':>9s} {'x read':>7s}  out")
        for step in steps:
            wall, peak, out = run(step, path)
            base = base or (wall, peak)
            print(f"{step:18s} {wall:8.1f} {wall / base[0]:7.1f} {peak:9.0f} "
                  f"{peak / base[1]:7.1f}  {out}", flush=True)
            if step == "find_duplicates":
                found = pd.read_csv(str(path) + ".pairs", dtype=str)
                scores(found, truth)


def scores(found: pd.DataFrame, truth: pd.DataFrame) -> None:
    """Print precision and recall of the pairs found against the planted pairs, per kind."""
    got = {tuple(sorted(pair)) for pair in zip(found["id_l"], found["id_r"])}
    planted = {tuple(sorted(pair)): kind for pair, kind in
               zip(zip(truth["original"], truth["member_id"]), truth["kind"])}  # fmt: skip
    hits = got & set(planted)
    print(f"  threshold 0.9: {len(got):,} pairs, {len(hits):,} of {len(planted):,} planted: "
          f"precision {len(hits) / max(len(got), 1):.4f}, recall {len(hits) / len(planted):.4f}")
    for kind in KINDS:
        pairs = {pair for pair, k in planted.items() if k == kind}
        print(f"    {kind:10s} {len(pairs & got):,} of {len(pairs):,}")


if __name__ == "__main__":
    main()
