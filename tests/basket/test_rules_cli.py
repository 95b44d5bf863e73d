"""`kori rules`: outputs scripts can rely on, reports buyers can open, one-line errors."""

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from cli import kori

DATA = Path(__file__).resolve().parents[1] / "data"
GROCERIES = str(DATA / "groceries_arules_baskets.csv")


def run(runner, *args):
    return runner.invoke(kori, [str(a) for a in args])


def test_mine_groceries_in_basket_layout(runner):
    result = run(runner, "rules", "mine", GROCERIES, "--layout", "basket", "--min-support",
                 "0.006", "--min-confidence", "0.25", "--max-p", "1", "--keep-redundant")  # fmt: skip
    assert result.exit_code == 0, result.output
    rules = pd.read_csv(io.StringIO(result.stdout))
    assert len(rules) == 447  # pairs and triples of the published 463 (max length 3)
    assert rules.loc[0, "antecedent"] == "herbs" and rules.loc[0, "consequent"] == "root vegetables"
    assert "9,835 receipts, 169 items" in result.stderr


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
def test_mine_sample_with_catalog_csv_json_parquet(runner, sample_dir, tmp_path):
    base = ["rules", "mine", sample_dir / "receipts.csv", "--catalog", sample_dir / "catalog.csv"]
    as_csv = run(runner, *base)
    assert as_csv.exit_code == 0, as_csv.output
    table = pd.read_csv(io.StringIO(as_csv.stdout))
    assert list(table.columns[:6]) == ["antecedent", "consequent", "antecedent_names",
                                       "consequent_names", "antecedent_categories",
                                       "consequent_categories"]  # fmt: skip
    assert "significant" in table.columns and table["significant"].all()
    assert any("|" in a for a in table["antecedent_names"])  # several items, |-joined
    as_json = json.loads(run(runner, *base, "-f", "json").stdout)
    assert isinstance(as_json[0]["antecedent"], list)
    assert {r["consequent_names"][0] for r in as_json} >= {"Dill bunch", "Salsa 300 g"}
    out = tmp_path / "rules.parquet"
    assert run(runner, *base, "-o", out).exit_code == 0
    back = pd.read_parquet(out)
    assert len(back) == len(table) and list(back["antecedent"].iloc[0])


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
def test_recommend_from_a_rules_file_in_each_format(runner, sample_dir, tmp_path):
    base = ["rules", "mine", sample_dir / "receipts.csv", "--catalog", sample_dir / "catalog.csv"]
    for suffix in ("csv", "json", "parquet"):
        path = tmp_path / f"rules.{suffix}"
        assert run(runner, *base, "-o", path).exit_code == 0
        result = run(runner, "rules", "recommend", "--item", "salmon fillet", "--rules", path)
        assert result.exit_code == 0, result.output
        ranked = pd.read_csv(io.StringIO(result.stdout))
        assert ranked["name"].tolist()[:2] == ["Dill bunch", "Coarse sea salt 1 kg"]
        assert ranked["because_names"].iloc[0] == "Salmon fillet 400 g"


def test_recommend_mines_on_the_fly_and_takes_a_basket(runner, sample_dir):
    result = run(runner, "rules", "recommend", sample_dir / "receipts.csv", "--catalog",
                 sample_dir / "catalog.csv", "--basket", "Tortillas 8 pcs,Salsa 300 g")  # fmt: skip
    assert result.exit_code == 0, result.output
    names = pd.read_csv(io.StringIO(result.stdout))["name"].tolist()
    assert set(names[:2]) == {"Grated cheese 150 g", "Taco spice mix 40 g"}


def test_report_writes_html_and_excel(runner, sample_dir, tmp_path):
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    result = run(runner, "rules", "report", sample_dir / "receipts.csv", "--catalog",
                 sample_dir / "catalog.csv", "--html", html, "--excel", xlsx)  # fmt: skip
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert "f receipts with Salmon fillet 400 g" in page and "<svg" in page
    from openpyxl import load_workbook

    assert load_workbook(xlsx).sheetnames == ["Pairs", "Rules", "Summary"]


def test_itemsets_and_maximal_itemsets(runner):
    every = run(runner, "rules", "itemsets", GROCERIES, "--layout", "basket", "--min-support",
                "0.01")  # fmt: skip
    maximal = run(runner, "rules", "itemsets", GROCERIES, "--layout", "basket", "--min-support",
                  "0.01", "--algorithm", "fpmax")  # fmt: skip
    assert every.exit_code == maximal.exit_code == 0
    assert len(pd.read_csv(io.StringIO(maximal.stdout))) < len(pd.read_csv(io.StringIO(every.stdout)))


def test_awkward_names_survive_csv_and_formulas_are_neutralised(runner, tmp_path):
    lines = ['"=HYPERLINK(""x"")","Salsa, hot","Mämmi ""special""",<b>&</b>']
    lines += ['"=HYPERLINK(""x"")","Salsa, hot"'] * 30 + ["single"] * 5 + ["other,thing"] * 20
    path = tmp_path / "b.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(runner, "rules", "mine", path, "--layout", "basket", "--min-support", "0.05",
                 "--max-p", "1")  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert "'=HYPERLINK(\"x\")" in set(table["antecedent"]) | set(table["consequent"])
    assert "Salsa, hot" in set(table["antecedent"]) | set(table["consequent"])
    as_json = json.loads(run(runner, "rules", "mine", path, "--layout", "basket",
                             "--min-support", "0.05", "--max-p", "1", "-f", "json").stdout)
    assert '=HYPERLINK("x")' in {r["antecedent"][0] for r in as_json}  # JSON keeps the label


CASES = [
    (["rules", "mine", "{empty}"], 1, "the file is empty"),
    (["rules", "mine", "{noitem}"], 1, "missing column 'sku' that receipts need"),
    (["rules", "mine", "{ok}", "--min-support", "0"], 2, "minimum support must be in (0, 1]"),
    (["rules", "mine", "{ok}", "--min-support", "1.5"], 2, "minimum support must be in (0, 1]"),
    (["rules", "mine", "{ok}", "--min-confidence", "2"], 2, "minimum confidence must be in"),
    (["rules", "recommend", "--item", "caviar", "{ok}"], 2, "no item like 'caviar' in the receipts"),
    (["rules", "mine", "{ok}", "--with", "caviar"], 2, "--with 'caviar' matches no item, name"),
    (["rules", "mine", "{ok}", "--receipt-col", "Member_number"], 1,
     "missing column 'Member_number' that receipts need (found: receipt_id, sku). Map it with "
     "--receipt-col NAME"),
    (["rules", "mine", "{inf}"], 1, "column 'quantity': not a finite number in 2 rows (line 3: "
     "'inf', line 4: '-Infinity')"),
    (["rules", "mine", "{ok}", "--catalog", "{catalog}"], 1, "column 'name': blank in 1 row "
     "(line 3: '')"),
    (["rules", "mine", "{semicolons}", "--layout", "basket"], 1, "every one of the 25 receipts "
     "has one item"),
    (["rules", "mine", "{semicolons}", "--layout", "basket", "--delimiter", ";;"], 2,
     "the delimiter must be one character"),
    (["rules", "recommend", "{ok}"], 2, "--item ITEM or --basket"),
    (["rules", "report", "{ok}"], 2, "--html FILE and/or --excel FILE"),
    (["rules", "mine", "{ok}", "--items", "category"], 2, "needs a catalog"),
    (["rules", "mine", "{ok}", "--split", "month"], 2, "no timestamps to split by month"),
]


@pytest.mark.parametrize("args, code, fragment", CASES, ids=[" ".join(c[0][1:3]) for c in CASES])
def test_bad_input_one_error_line(runner, tmp_path, args, code, fragment):
    files = {name: tmp_path / f"{name}.csv"
             for name in ("empty", "noitem", "ok", "inf", "catalog", "semicolons")}  # fmt: skip
    files["empty"].write_text("")
    files["noitem"].write_text("receipt_id,product\n1,a\n")
    files["ok"].write_text("receipt_id,sku\n1,a\n1,b\n2,a\n2,b\n3,c\n")
    files["inf"].write_text("receipt_id,sku,quantity\n1,a,1\n1,b,inf\n2,a,-Infinity\n")
    files["catalog"].write_text("sku,name,category\na,Apples,fruit\nb,,fruit\nc,Cider,drinks\n")
    files["semicolons"].write_text("a;b;c\nb;c\n" * 12 + "a\n")
    result = run(runner, *[a.format(**files) for a in args])
    assert result.exit_code == code, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and fragment in errors[0], result.stderr
    assert "Traceback" not in result.output


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
def test_one_item_receipts_and_kaggle_layout(runner):
    result = run(runner, "rules", "mine", DATA / "groceries_kaggle_member_date.csv",
                 "--receipt-col", "Member_number,Date", "--item-col", "itemDescription",
                 "--timestamp-col", "Date", "--dayfirst", "--min-support", "0.001",
                 "--max-p", "1", "--split", "month")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "14,963 receipts, 167 items; repeated lines of an item on a receipt: 759" in result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert {"periods", "n_periods", "every_period"} <= set(table.columns)


def test_gzip_output_reads_back_and_iso_dates_stay_iso(runner, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("receipt_id,sku,timestamp\n1,a,2025-11-03 10:00\n1,b,2025-11-03 10:00\n"
                    "2,a,04.11.2025\n2,b,04.11.2025\n3,c,2025-11-05\n")  # fmt: skip
    out = tmp_path / "rules.csv.gz"
    result = run(runner, "rules", "mine", path, "--dayfirst", "--max-p", "1", "--split", "month",
                 "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) and set(table["periods"]) == {"2025-11"}  # 2025-11-03 is not 11 March
    assert run(runner, "rules", "recommend", "--item", "a", "--rules", out).exit_code == 0


def test_a_long_file_read_as_baskets_is_refused(runner, sample_dir):
    result = run(runner, "rules", "mine", sample_dir / "receipts.csv", "--layout", "basket")
    assert result.exit_code == 1
    assert "looks like a header of column names" in result.stderr


def test_from_and_to_take_iso_dates_only(runner, sample_dir):
    result = run(runner, "rules", "mine", sample_dir / "receipts.csv", "--from", "01.11.2025")
    assert result.exit_code == 2 and "is not a date like 2025-11-30" in result.stderr


def test_recommend_csv_neutralises_and_reads_rules_without_a_catalog(runner, tmp_path):
    rules = tmp_path / "g.csv"
    assert run(runner, "rules", "mine", GROCERIES, "--layout", "basket", "-o", rules).exit_code == 0
    result = run(runner, "rules", "recommend", "--rules", rules, "--item", "whole milk")
    assert result.exit_code == 0 and len(pd.read_csv(io.StringIO(result.stdout))) >= 1


def test_table_view_shows_the_sides_and_key_numbers(runner):
    result = run(runner, "rules", "mine", GROCERIES, "--layout", "basket", "--min-support",
                 "0.01", "--max-len", "2", "-f", "table")  # fmt: skip
    assert result.exit_code == 0 and "┃" in result.stdout
    assert "lift" in result.stdout and "antecedent_" in result.stdout
    assert "kulczy" not in result.stdout and "leverage" not in result.stdout


def test_line_breaks_in_labels_cannot_smuggle_formulas_into_csv_or_the_report(runner, tmp_path):
    import csv
    import re

    from openpyxl import load_workbook

    labels = ["\r=2+2", 'ok\n=HYPERLINK("http://x","y")', "ok\r\n@SUM(1)", "plain"]
    frame = pd.DataFrame([(f"r{r}", label) for r in range(60) for label in labels[:2 + r % 3]],
                         columns=["receipt_id", "sku"])  # fmt: skip
    receipts, rules = tmp_path / "r.csv", tmp_path / "x.csv"
    frame.to_csv(receipts, index=False, quoting=csv.QUOTE_ALL)  # pandas leaves a lone \r bare
    options = ["--max-p", "1", "--keep-redundant"]
    assert run(runner, "rules", "mine", receipts, *options, "-o", rules).exit_code == 0
    formula_line = re.compile(r"(?:^|[\r\n])[=+\-@]")
    table = pd.read_csv(rules, dtype=str, keep_default_na=False)
    cells = [v for column in table.columns for v in table[column]]
    assert not [c for c in cells if formula_line.search(c)]
    assert any("'=HYPERLINK" in c for c in cells) and any("'\r'=2+2" in c for c in cells)
    again = run(runner, "rules", "recommend", "--rules", rules, "--item", "plain")
    assert again.exit_code == 0, again.output  # the labels read back as they were
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    result = run(runner, "rules", "report", receipts, *options, "--html", html, "--excel", xlsx)
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8").replace("&#x27;", "'").replace("&quot;", '"')
    assert not formula_line.search(re.sub(r"<[^>]+>", "\n", page))
    book = load_workbook(xlsx)
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]  # fmt: skip
    assert not [t for t in texts if formula_line.search(t)] and "\n'@SUM(1)" in " ".join(texts)


@pytest.mark.slow  # end to end or exhaustive: in CI, out of the quick run
def test_filters_take_parts_of_names_like_recommend_does(runner, sample_dir):
    base = ["rules", "mine", sample_dir / "receipts.csv", "--catalog", sample_dir / "catalog.csv"]
    result = run(runner, *base, "--with", "salmon", "-f", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found and all("Salmon fillet 400 g" in r["antecedent_names"] + r["consequent_names"]
                         for r in found)  # fmt: skip
    typo = run(runner, *base, "--antecedent", "samlon")
    assert typo.exit_code == 2 and "closest: Salmon fillet 400 g [K1029]" in typo.stderr
    assert "Traceback" not in typo.output


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
def test_recommend_an_item_in_no_rule_says_it_exists_and_why(runner, sample_dir):
    base = ["rules", "recommend", sample_dir / "receipts.csv", "--catalog",
            sample_dir / "catalog.csv", "--item", "Milk 1 l"]  # fmt: skip
    result = run(runner, *base)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.exit_code == 2 and len(errors) == 1, result.output
    assert "Milk 1 l [K1049] exists but is in no rule" in errors[0]
    assert "none of its rules is significant" in errors[0] and "spelling" not in errors[0]
    assert run(runner, *base, "--max-p", "1").exit_code == 0


def test_a_semicolon_basket_file_names_its_delimiter_and_reads_with_it(runner, tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(Path(GROCERIES).read_text(encoding="utf-8").replace(",", "\t"))
    wrong = run(runner, "rules", "mine", path, "--layout", "basket")
    assert wrong.exit_code == 1 and "every one of the 9,835 receipts has one item" in wrong.stderr
    assert "hold tab: pass --delimiter tab" in wrong.stderr
    right = run(runner, "rules", "itemsets", path, "--layout", "basket", "--delimiter", "tab",
                "--min-support", "0.05")  # fmt: skip
    assert right.exit_code == 0 and "9,835 receipts, 169 items" in right.stderr


def test_timestamps_with_offsets_filter_and_split_by_month(runner, tmp_path):
    path = tmp_path / "r.csv"
    stamps = ["2025-10-31T23:30:00+03:00", "2025-11-03T10:00:00Z", "2025-11-03T10:00:00+02:00"]
    lines = [f"{r},{item},{stamps[r % 3]}" for r in range(30) for item in "ab"]
    path.write_text("receipt_id,sku,timestamp\n" + "\n".join(lines) + "\n")
    result = run(runner, "rules", "mine", path, "--max-p", "1", "--keep-redundant", "--split",
                 "month", "--from", "2025-10-31", "--to", "2025-11-03")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(io.StringIO(result.stdout))["periods"]) == {"2025-10|2025-11"}
    november = run(runner, "rules", "itemsets", path, "--from", "2025-11-01")
    assert november.exit_code == 0, november.output
    assert pd.read_csv(io.StringIO(november.stdout))["count"].tolist() == [20, 20, 20]


REFUSED = [
    (["rules", "mine", "{empty}", "--min-support", "0"], "'--min-support': minimum support"),
    (["rules", "mine", "{empty}", "--min-support", "1.01"], "'--min-support': minimum support"),
    (["rules", "mine", "{empty}", "--min-confidence", "1.01"], "'--min-confidence': minimum"),
    (["rules", "mine", "{empty}", "--max-len", "0"], "'--max-len': maximum length"),
    (["rules", "mine", "{empty}", "--min-count", "0"], "'--min-count': minimum count"),
    (["rules", "mine", "{empty}", "--max-p", "1.5"], "'--max-p': the largest p-value kept"),
    (["rules", "mine", "{empty}", "--max-p", "-0.1"], "'--max-p': the largest p-value kept"),
    (["rules", "mine", "{empty}", "--min-lift", "-1"], "'--min-lift': minimum lift must be 0"),
    (["rules", "mine", "{empty}", "--min-lift", "nan"], "'--min-lift': minimum lift must be 0"),
    (["rules", "mine", "{empty}", "--max-consequent-len", "0"], "'--max-consequent-len'"),
    (["rules", "itemsets", "{empty}", "--max-len", "0"], "'--max-len': maximum length"),
    (["rules", "itemsets", "{empty}", "--min-support", "0"], "'--min-support': minimum support"),
    (["rules", "report", "{empty}", "--html", "{html}", "--min-confidence", "2"],
     "'--min-confidence': minimum confidence"),
    (["rules", "recommend", "{empty}", "--item", "a", "--top", "0"],
     "'--top': the number of recommendations must be at least 1"),
    (["rules", "recommend", "{empty}", "--catalog", "{empty}", "--item", "a", "--max-p", "0"],
     "'--max-p'"),
]


@pytest.mark.parametrize("args, fragment", REFUSED, ids=[" ".join(c[0][1:2] + c[0][-2:])
                                                         for c in REFUSED])  # fmt: skip
def test_parameters_are_refused_before_any_file_is_read(runner, tmp_path, args, fragment):
    files = {"empty": tmp_path / "empty.csv", "html": tmp_path / "r.html"}
    files["empty"].write_text("")  # read, it would be an error of its own (exit 1)
    result = run(runner, *[a.format(**files) for a in args])
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.exit_code == 2 and len(errors) == 1, result.output
    assert fragment in errors[0] and "Traceback" not in result.output
    assert not files["html"].exists()


def test_items_missing_from_the_catalog_are_counted_on_stderr(runner, tmp_path):
    receipts, catalog = tmp_path / "r.csv", tmp_path / "c.csv"
    lines = [f"{r},{item}" for r in range(40) for item in ("K1", "K2 " if r % 2 else "X1")]
    receipts.write_text("receipt_id,sku\n" + "\n".join(lines) + "\n")
    catalog.write_text("sku,name,category\nK1,Salmon,fish\nK2,Dill,herbs\n")
    base = [receipts, "--catalog", catalog, "--max-p", "1"]
    mined = run(runner, "rules", "mine", *base)
    assert mined.exit_code == 0, mined.output
    assert (f"2 items (40 receipt lines) are not in {catalog}: 'K2 ', 'X1'; they keep their "
            "codes. 1 of them is in the catalog once spaces are stripped ('K2 ' is 'K2')"
            in mined.stderr)  # fmt: skip
    level = run(runner, "rules", "mine", *base, "--items", "category")
    assert level.exit_code == 0, level.output
    assert "are not in" in level.stderr and "each is left as its own category" in level.stderr
    itemsets = run(runner, "rules", "itemsets", receipts, "--catalog", catalog)
    assert itemsets.exit_code == 0 and "2 items (40 receipt lines) are not in" in itemsets.stderr
    assert "not in" not in run(runner, "rules", "itemsets", receipts).stderr  # no catalog


def test_a_receipt_line_dated_far_from_the_rest_is_refused(runner, tmp_path):
    path = tmp_path / "r.csv"
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    lines = [f"{i},{item},{day:%Y-%m-%d}" for i, day in enumerate(days) for item in "ab"]
    lines[7] = "3,b,1800-01-01"
    path.write_text("receipt_id,sku,timestamp\n" + "\n".join(lines) + "\n")
    result = run(runner, "rules", "mine", path, "--split", "month")
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.exit_code == 1 and len(errors) == 1, result.output
    assert "a date outside 1970-2100 in 1 row (line 9: '1800-01-01')" in errors[0]
    lines[7] = "3,b,2019-01-01"
    path.write_text("receipt_id,sku,timestamp\n" + "\n".join(lines) + "\n")
    result = run(runner, "rules", "mine", path, "--from", "2025-03-01")
    assert result.exit_code == 1 and "1 row dated more than 28 days away" in result.stderr
    assert "(line 9: '2019-01-01')" in result.stderr
