"""The library benchmark, in one command: corpus, search latency, ingestion, report.

    .venv/bin/python -m bench.library [--small] [--requests N]

Builds (or reuses) the corpus, measures search through the API, Datasette and the floor,
measures PDF ingestion, prints the figures and, for the full corpus, writes them into
docs/benchmarks.md. ``--small`` runs everything on a small corpus, with fewer requests and
files, as a quick check; it leaves docs/benchmarks.md alone.
"""

from __future__ import annotations

import argparse
import time

from bench import ingest, report, search
from bench.common import log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="a quick check on a small corpus")
    parser.add_argument("--requests", type=int, help="requests per query kind (200; 20 small)")
    args = parser.parse_args()
    started = time.monotonic()
    requests = args.requests or (20 if args.small else 200)
    searched = search.run(args.small, max(1, requests))
    search.print_table(searched)
    ingested = ingest.run(*((4, 10) if args.small else (20, 30)))
    print(
        f"ingest: {ingested['platform']['pages_per_second']:.1f} pages/s, "
        f"floor {ingested['floor']['pages_per_second']:.1f} pages/s"
    )
    if not args.small:
        report.write(searched, ingested)
        log(f"wrote {report.DOC}")
    log(f"library benchmark done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
