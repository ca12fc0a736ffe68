"""Print the surviving-mutant rate of the last `mutmut run`, per file and overall.

`make mutate` runs mutmut (settings in pyproject.toml) and then this. A mutant "survives" when the
unit tests still pass with it in place; "no tests" means no selected test reached the mutated
function. The survival rate is survived / (killed + survived + timeout + no tests): a mutant no
test reaches counts as surviving, because nothing would notice the change.

    .venv/bin/python bench/mutation_summary.py [--survivors]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

MUTANTS = Path(__file__).resolve().parents[1] / "mutants"


def tally(meta: Path) -> tuple[Counter[str], list[str]]:
    """Counts by mutmut status for one source file, and the names of the survivors."""
    exit_codes = json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {})
    counts: Counter[str] = Counter()
    survivors = []
    for name, code in exit_codes.items():
        status = status_by_exit_code[code]
        counts[status] += 1
        if status in {"survived", "no tests"}:
            survivors.append(name)
    return counts, survivors


def rate(counts: Counter[str]) -> float:
    judged = counts["killed"] + counts["survived"] + counts["timeout"] + counts["no tests"]
    return (counts["survived"] + counts["no tests"]) / judged if judged else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survivors", action="store_true", help="list every surviving mutant's name")
    args = parser.parse_args()
    metas = sorted(MUTANTS.glob("htq/**/*.py.meta"))
    if not metas:
        raise SystemExit("no mutation results: run `make mutate` first")
    total: Counter[str] = Counter()
    print(f"{'file':<22} {'mutants':>7} {'killed':>7} {'survived':>8} {'no tests':>8} {'timeout':>7} {'survival':>8}")
    for meta in metas:
        counts, survivors = tally(meta)
        if not counts:
            continue
        total.update(counts)
        name = str(meta.relative_to(MUTANTS)).removesuffix(".meta")
        print(
            f"{name:<22} {sum(counts.values()):>7} {counts['killed']:>7} {counts['survived']:>8} "
            f"{counts['no tests']:>8} {counts['timeout']:>7} {rate(counts):>8.1%}"
        )
        if args.survivors:
            for survivor in survivors:
                print(f"    {survivor}")
    print(
        f"{'all':<22} {sum(total.values()):>7} {total['killed']:>7} {total['survived']:>8} "
        f"{total['no tests']:>8} {total['timeout']:>7} {rate(total):>8.1%}"
    )


if __name__ == "__main__":
    main()
