"""Hostile inputs against a benign one: time and peak memory of reading each, in a fresh process.

Cases (those the sign-in/boundaries issue measured): a 4.9 KB .xlsx with one cell at XFD1048576, a
sheet of 30,000 modules, a .docx of 100,000 paragraphs, 20 MB from /dev/zero, a UTF-16 text file,
and as the baseline the real software specification in tests/fixtures. Each runs in its own Python
process so its peak resident memory (ru_maxrss) is its own; the table gives the median of a few
runs and the ratio to the baseline. Run on demand: `.venv/bin/python bench/hostile_inputs.py`.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = 3
PROBE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from htq import documents, programme
from htq.errors import HTQError
path = Path({path!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    if path.suffix in (".xlsx", ".csv"):
        programme.read_structure(documents.file_bytes(path), path.name)
    else:
        documents.read_path(path)
    outcome = "read"
except HTQError as exc:
    outcome = "refused: " + str(exc)[:90]
elapsed = time.perf_counter() - started
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({{"seconds": elapsed, "grown_mb": grown, "outcome": outcome}}))
"""


def _cases(folder: Path) -> dict[str, Path]:
    from tests.docs import make_long_docx
    from tests.docs import make_xlsx as book

    def stray(ws):
        ws["A1"], ws["A2"], ws["XFD1048576"] = "Title", "Programming", "x"

    def many(ws):
        ws.append(["Code", "Title", "Learning outcomes"])
        for n in range(30_000):
            ws.append([f"M{n}", f"Module {n}", f"Outcome {n}"])

    files: dict[str, Path | tuple[Path, bytes]] = {
        "baseline: real specification (.txt)": ROOT / "tests" / "fixtures" / "programmes" / "software-spec.txt",
        "one cell at XFD1048576 (.xlsx)": (folder / "stray.xlsx", book(stray)),
        "30,000 modules (.xlsx)": (folder / "many.xlsx", book(many)),
        "100,000 paragraphs (.docx)": (folder / "long.docx", make_long_docx(100_000)),
        "UTF-16 text with BOM (.txt)": (folder / "utf16.txt", ("FdSc Test\n" + "A line\n" * 2000).encode("utf-16")),
    }
    out: dict[str, Path] = {}
    for name, item in files.items():
        if isinstance(item, tuple):
            path, blob = item
            path.write_bytes(blob)
            out[name] = path
        else:
            out[name] = item
    if Path("/dev/zero").exists():
        out["/dev/zero (a device)"] = Path("/dev/zero")
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cases = _cases(Path(tmp))
        rows = []
        for name, path in cases.items():
            size = path.stat().st_size if path.is_file() else 0
            runs = []
            for _ in range(RUNS):
                out = subprocess.run(
                    [sys.executable, "-c", PROBE.format(root=str(ROOT), path=str(path))],
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=True,
                )
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            rows.append(
                (
                    name,
                    size,
                    statistics.median(r["seconds"] for r in runs),
                    statistics.median(r["grown_mb"] for r in runs),
                    runs[-1]["outcome"],
                )
            )
    base_s, base_mb = rows[0][2], max(rows[0][3], 1.0)
    print(f"{'input':<38} {'size':>9} {'median s':>9} {'x base':>7} {'peak +MB':>9}  outcome")
    for name, size, seconds, grown, outcome in rows:
        print(f"{name:<38} {size / 1024:>7.0f}KB {seconds:>9.3f} {seconds / base_s:>7.1f} {grown:>9.1f}  {outcome}")
    print(f"(peak +MB: growth of the process's peak resident memory while reading; baseline {base_mb:.1f} MB)")


if __name__ == "__main__":
    main()
