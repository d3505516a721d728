"""Ingestion throughput: PDF pages per second through the real ingest path.

    .venv/bin/python -m bench.ingest [--files N] [--pages N]

PDFs are typeset with reportlab from text varied from the seed documents (20 files of 30
pages by default, cached under bench/results/pdfs/). A fresh SQLite database gets the
migrations, the taxonomy and the demo directory (whose organizations the tagger knows);
then every file goes through ``library.services.ingest_path``, the service behind
``asmhub ingest``: extraction (pypdfium2), passages, the resource and its search
documents (FTS5 triggers) and the tag suggestions, one transaction per file. The time
spent in each stage is read by wrapping the stage functions the service calls.

The floor is pypdfium2 alone: open each PDF and read the text of every page.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import BIN, RESULTS, ROOT, app_env, asmhub, log, machine, write_json

PDFS = RESULTS / "pdfs"
WORDS_PER_PAGE = 330  # fits an A4 page of reportlab's body text with a heading


def typeset(path: Path, pages: int, rng: random.Random) -> None:
    """A PDF of exactly ``pages`` pages: a heading and ~330 words of seed text on each."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from bench.textgen import Writer, load_seed, pseudo_names

    seed = load_seed(["Ghana", "Peru", "Tanzania"], ["gold", "diamonds"])
    writer = Writer(seed, rng, pseudo_names(rng, 2000), pseudo_names(rng, 800))
    countries = rng.sample(["Ghana", "Peru", "Tanzania", "Bolivia", "Mongolia", "Mali"], 2)
    minerals = rng.sample(["gold", "tin", "diamonds", "coltan", "sapphire"], 2)
    topics = rng.sample(sorted(seed.topical), 2)
    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph(
            html.escape(writer.title("Mercury", *countries[:1], minerals[0])), styles["Title"]
        )
    ]
    for page in range(pages):
        if page:
            story.append(PageBreak())
        story.append(Paragraph(html.escape(writer.heading()), styles["Heading2"]))
        words = WORDS_PER_PAGE - (60 if page == 0 else 0)
        while words > 0:
            text = writer.passage(topics, countries, minerals, min(words, rng.randint(60, 110)))
            words -= len(text.split())
            story.append(Paragraph(html.escape(text), styles["BodyText"]))
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=path.stem,
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, str(doc.page))
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


def ensure_pdfs(files: int, pages: int) -> list[Path]:
    """The benchmark's PDFs, typeset once and reused while they have the requested shape."""
    PDFS.mkdir(parents=True, exist_ok=True)
    paths = [PDFS / f"report-{index:02d}-{pages}p.pdf" for index in range(files)]
    for index, path in enumerate(paths):
        if path.exists() and page_count(path) == pages:
            continue
        typeset(path, pages, random.Random(1000 + index))
        found = page_count(path)
        if found != pages:
            raise RuntimeError(f"{path.name} has {found} pages, not {pages}: lower WORDS_PER_PAGE")
    return paths


def floor(paths: list[Path]) -> dict[str, float]:
    """pypdfium2 alone: every page's text, file after file."""
    import pypdfium2 as pdfium

    started = time.perf_counter()
    pages = 0
    for path in paths:
        document = pdfium.PdfDocument(path.read_bytes())
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        document.close()
    seconds = time.perf_counter() - started
    return {"pages": pages, "seconds": seconds, "pages_per_second": pages / seconds}


def _timed(stages: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            stages[name] += time.perf_counter() - started

    return wrapper


def worker(paths: list[Path]) -> dict[str, Any]:
    """Ingest ``paths`` into the database of this process's environment (run in a subprocess)."""
    import django

    django.setup()
    from asmhub.library import services, tagging
    from asmhub.library.models import Passage, SearchDocument, TagSuggestion

    stages: dict[str, float] = defaultdict(float)
    for name in ("extract", "split_passages", "reindex_resource", "suggest"):
        setattr(services, name, _timed(stages, name, getattr(services, name)))
    started = time.perf_counter()
    tagging.tagger()  # built once per process, from the taxonomy and the directory
    setup = time.perf_counter() - started
    started = time.perf_counter()
    outcomes = [services.ingest_path(path) for path in paths]
    seconds = time.perf_counter() - started
    refused = [f"{o.name}: {o.reason}" for o in outcomes if o.status != "added"]
    if refused:
        raise RuntimeError(f"not ingested: {refused}")
    pages = sum(o.pages for o in outcomes)
    accounted = sum(stages.values())
    return {
        "files": len(outcomes),
        "pages": pages,
        "seconds": seconds,
        "pages_per_second": pages / seconds,
        "tagger_setup_seconds": setup,
        "stages_seconds": {
            "extraction (pypdfium2, blocks)": stages["extract"],
            "passages": stages["split_passages"],
            "search documents (FTS5)": stages["reindex_resource"],
            "tag suggestions": stages["suggest"],
            "resource, file, audit, transaction": seconds - accounted,
        },
        "passages": Passage.objects.count(),
        "search_documents": SearchDocument.objects.count(),
        "tag_suggestions": TagSuggestion.objects.count(),
    }


def run(files: int, pages: int) -> dict[str, Any]:
    log(f"ingest: {files} PDFs of {pages} pages")
    paths = ensure_pdfs(files, pages)
    database = RESULTS / "ingest.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    data_dir = RESULTS / "data-ingest"
    shutil.rmtree(data_dir / "media", ignore_errors=True)
    env = app_env(database, data_dir)
    asmhub(env, "migrate", "--noinput", "-v0")
    asmhub(env, "load-taxonomy")
    asmhub(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from asmhub.directory.services import load_demo_directory; load_demo_directory()",
    )
    log("ingest: the ingest service")
    output = subprocess.run(  # noqa: S603
        [str(BIN / "python"), "-m", "bench.ingest", "--worker", *map(str, paths)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    platform = json.loads(output.strip().splitlines()[-1])
    log("ingest: the floor (pypdfium2 alone)")
    result = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "pdfs": {"files": files, "pages_each": pages},
        "platform": platform,
        "floor": floor(paths),
        "load_average": os.getloadavg(),
    }
    write_json(RESULTS / "ingest.json", result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--worker", nargs="+", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    result = run(max(1, args.files), max(1, args.pages))
    platform, base = result["platform"], result["floor"]
    print(f"ingest: {platform['pages_per_second']:.1f} pages/s ({platform['pages']} pages)")
    print(f"floor (pypdfium2 text only): {base['pages_per_second']:.1f} pages/s")
    for stage, seconds in platform["stages_seconds"].items():
        print(f"  {stage}: {seconds:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
