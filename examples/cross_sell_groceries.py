"""Cross-sell rules on the arules Groceries receipts through the Python API.

Run: python examples/cross_sell_groceries.py [path/to/groceries.csv]

Reads the basket-layout file, mines rules as `kori rules mine --layout basket` would, prints the
published rule count (463 at support 0.006 and confidence 0.25 with up to 10 items) and the
strongest significant pairs with a sentence each.
"""

from __future__ import annotations

import sys
from pathlib import Path

from basket.crosssell import find_rules
from basket.receipts import from_baskets
from basket.report import rule_sentence

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "data" / "groceries_arules_baskets.csv"


def main(path: Path = DEFAULT) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        receipts = from_baskets(handle, source=path.name)
    every = find_rules(receipts, min_support=0.006, min_confidence=0.25, max_len=10, max_p=1,
                       keep_redundant=True)  # fmt: skip
    print(f"{receipts.n_receipts:,} receipts, {len(receipts.items)} items: "
          f"{len(every.rules)} rules at support 0.006, confidence 0.25")  # fmt: skip
    real = find_rules(receipts, min_support=0.006, min_confidence=0.25, max_len=2)
    print(f"{len(real.rules)} of the pairs are significant and not redundant; the strongest:")
    for _, rule in real.rules.head(5).iterrows():
        print(f"  {rule_sentence(rule)} (p = {rule['p_adjusted']:.1e})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
