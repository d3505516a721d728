"""What the library benchmarks share: paths, environments, servers, timing and results."""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
SEEDS = ROOT / "asmhub" / "library" / "data" / "demo" / "seeds"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def app_env(database: Path, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of an ASM Hub process on ``database``: production settings, no debug."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASMHUB_", "DATABASE_URL"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "ASMHUB_DATA_DIR": str(data_dir),
            "ASMHUB_SECRET_KEY": secrets.token_urlsafe(50),
            "ASMHUB_DEBUG": "0",
            "ASMHUB_ALLOWED_HOSTS": "127.0.0.1",
            "ASMHUB_LOG_LEVEL": "WARNING",
            # The benchmark sends thousands of requests a minute from one address.
            "ASMHUB_API_THROTTLE_ANONYMOUS": "1000000/m",
            "DJANGO_SETTINGS_MODULE": "asmhub.settings",
        }
    )
    env.update(extra)
    return env


def asmhub(env: Mapping[str, str], *args: str) -> None:
    """Run the ``asmhub`` command with ``env``; fail loudly if it fails."""
    subprocess.run([str(BIN / "asmhub"), *args], env=dict(env), check=True, cwd=ROOT)  # noqa: S603


def setup_django(env: Mapping[str, str]) -> None:
    """Point this process at the benchmark database, then start Django."""
    os.environ.update(env)
    import django

    django.setup()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Poll ``url`` until it answers 200; fail if the server exits or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            if response.status == 200:
                return
        time.sleep(0.25)
    raise RuntimeError(f"no answer from {url} within {timeout:.0f} s")


@contextlib.contextmanager
def server(
    name: str, argv: Sequence[str], env: Mapping[str, str], ready_url: str, log_file: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server in its own process group, wait until it answers, stop it on the way out."""
    log(f"starting {name}: {' '.join(argv)}")
    with log_file.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            list(argv),
            env=dict(env),
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(ready_url, process)
            yield process
        finally:
            _stop(process)
            log(f"stopped {name}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(milliseconds: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(milliseconds),
        "p50": percentile(milliseconds, 50),
        "p95": percentile(milliseconds, 95),
        "mean": statistics.fmean(milliseconds),
        "max": max(milliseconds),
    }


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import platform
    import sqlite3

    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    return {
        "cores": os.cpu_count() or 0,
        "cpu": cpu,
        "memory_gb": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "system": f"{platform.system()} {platform.release()}",
    }


def replace_section(doc: Path, start: str, end: str, new: str) -> None:
    """Put ``new`` (which begins with ``start`` and ends with ``end``) in place of the
    document's section between those markers, or append it when the document has none."""
    text = doc.read_text(encoding="utf-8")
    if start in text:
        before, rest = text.split(start, 1)
        text = before + new + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + new + "\n"
    doc.write_text(text, encoding="utf-8")


def fresh_app(database: Path, data_dir: Path) -> dict[str, str]:
    """A new SQLite database for a benchmark, migrated, with the taxonomy loaded and Django
    set up in this process; returns its environment."""
    database.unlink(missing_ok=True)
    env = app_env(database, data_dir)
    log(f"migrating {database.name}")
    asmhub(env, "migrate", "-v0")
    asmhub(env, "load-taxonomy")
    setup_django(env)
    return env
