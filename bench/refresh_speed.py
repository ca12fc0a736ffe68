"""Speed and memory of a full refresh: 1,300 occupations and 700 standards from a loopback server
with 50 ms of latency added to every answer.

The server (tests/source_server.py) serves the real saved occupation records where we have them
and records written back from the shipped snapshot for the rest (plus 31 copies under new codes to
make 1,300); the 700 standards are the fixture record of ST0116 v1.2 under 700 real references.
The refresh itself runs as `python -m htq refresh` in a child process on a copy of data/, so its
wall time and peak resident memory are its own. Run on demand: `.venv/bin/python bench/refresh_speed.py`.
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from htq import snapshot  # noqa: E402
from tests.source_server import API_KEY, Behaviour, SourceServer, default_pages, maps_records, standards_fixtures  # noqa: E402


def behaviour(latency: float) -> Behaviour:
    snap = snapshot.load()
    occupations = list(snap.data.occupations)
    extra = [replace(o, code=f"OCC9{i:03d}", title=f"{o.title} (copy {i})") for i, o in enumerate(occupations[:31])]
    maps = maps_records(occupations + extra)
    for code, record in maps.items():
        record["stdCode"] = code
    _, detail = standards_fixtures()
    template = detail["ST0116"][-1]
    references = sorted({o.reference for o in occupations if o.reference})[:700]
    standards = {}
    for ref in references:
        record = copy.deepcopy(template)
        record["referenceNumber"] = ref
        record["standardPageUrl"] = f"https://example.invalid/{ref}"
        standards[ref] = [record]
    listing = [{"referenceNumber": ref, "title": "x", "version": "1.2"} for ref in references]
    return Behaviour(maps=maps, listing=listing, detail=standards, pages=default_pages(), latency=latency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every answer (default 0.05)")
    parser.add_argument("--workers", type=int, default=8, help="requests in flight (default 8)")
    args = parser.parse_args()
    served = behaviour(args.latency)
    with tempfile.TemporaryDirectory() as tmp, SourceServer(served) as url:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "htq",
                "--data-dir",
                str(data),
                "refresh",
                "--maps-api",
                url,
                "--standards-api",
                url,
                "--workers",
                str(args.workers),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "HTQ_MAPS_API_KEY": API_KEY},
        )
        wall = time.perf_counter() - started
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if out.returncode != 0:
            print(out.stderr)
            raise SystemExit("the refresh failed")
        print(out.stdout.strip().splitlines()[0])
        print(
            f"{len(served.maps):,} occupations and {len(served.detail):,} standards, {args.latency * 1000:.0f} ms latency, "
            f"{args.workers} workers: wall {wall:.1f} s (aim under 120 s), "
            f"peak memory {max(peak_kb, before) / 1024:.0f} MB (aim under 500 MB), {len(served.hits):,} requests served"
        )


if __name__ == "__main__":
    main()
