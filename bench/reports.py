"""The SMS webhook under a burst: 1,000 signed messages in a minute on loopback.

    python -m bench.reports [--messages N] [--seconds S] [--workers W]

Builds a fresh SQLite database (migrated, with the taxonomy, one programme and a site),
starts the platform under gunicorn (2 workers) on 127.0.0.1 with production settings,
then 200 senders each go through a complete guided exchange twice (10 messages each:
1,000 messages, 400 reports), paced evenly over a minute by ``W`` concurrent clients.
Every call is signed as a gateway signs it. Reports the latency of the webhook
(p50/p95/max), the answers by status, and checks that every message was taken exactly
once and every exchange wrote its report. Writes bench/results/reports.json.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import (
    BIN,
    RESULTS,
    app_env,
    asmhub,
    free_port,
    log,
    machine,
    server,
    setup_django,
    summary,
    write_json,
)

SECRET = secrets.token_urlsafe(32)  # the gateway's shared secret, new each run
EXCHANGE = ("SIGNALER Des soldats prennent l'or", "Bisie", "hier", "FARDC", "3")


def prepare(env: dict[str, str]) -> None:
    asmhub(env, "migrate", "--no-input", "-v", "0")
    asmhub(env, "load-taxonomy")
    setup_django(env)
    from asmhub.monitoring.models import Programme, Site
    from asmhub.taxonomy.models import Country

    country = Country.objects.get(code="CD")
    programme = Programme.objects.create(name="Bench", country=country)
    Site.objects.create(programme=programme, pcode="b1", name="Bisie", country=country)


def messages(total: int) -> list[dict[str, str]]:
    """Senders each sending the exchange twice, interleaved so that senders overlap."""
    per_sender = 2 * len(EXCHANGE)
    senders = max(1, total // per_sender)
    found = []
    for step in range(per_sender):
        for sender in range(senders):
            number = f"+24399{sender:07d}"
            found.append(
                {"id": f"{number}-{step}", "from": number, "text": EXCHANGE[step % len(EXCHANGE)]}
            )
    return found[:total]


def send(url: str, message: dict[str, str]) -> tuple[int, float]:
    body = json.dumps(message).encode()
    request = urllib.request.Request(  # noqa: S310  (loopback)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Timestamp": str(int(time.time())),
            "X-Signature": hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(),
        },
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - start) * 1000


def burst(url: str, queue: list[dict[str, str]], seconds: float, workers: int) -> dict[str, Any]:
    """Send ``queue`` in order, message i not before i * seconds / len(queue)."""
    interval = seconds / len(queue)
    lock = threading.Lock()
    cursor = iter(enumerate(queue))
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    start = time.perf_counter()

    def work() -> None:
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                return
            index, message = item
            delay = start + index * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            status, ms = send(url, message)
            with lock:
                statuses[status] += 1
                latencies.append(ms)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"elapsed_s": round(elapsed, 1), "statuses": dict(statuses), "ms": summary(latencies)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=8)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        env = app_env(
            data / "bench.sqlite3",
            data,
            ASMHUB_REPORTS_WEBHOOK_SECRET=SECRET,
            ASMHUB_REPORTS_SMS_BACKEND="memory",
            ASMHUB_REPORTS_PER_HOUR="1000",
        )
        prepare(env)
        port = free_port()
        url = f"http://127.0.0.1:{port}/reports/sms/inbound"
        argv = [str(BIN / "gunicorn"), "asmhub.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
        queue = messages(options.messages)
        with server(
            "gunicorn", argv, env, f"http://127.0.0.1:{port}/reports/", data / "gunicorn.log"
        ):
            log(f"sending {len(queue)} messages over {options.seconds:g} s")
            result = burst(url, queue, options.seconds, options.workers)
        from asmhub.reports.models import InboundMessage, Outbound, Report

        result.update(
            {
                "messages": len(queue),
                "taken": InboundMessage.objects.count(),
                "reports": Report.objects.count(),
                "expected_reports": len(queue) // len(EXCHANGE),
                "replies_queued": Outbound.objects.count(),
                "machine": machine(),
            }
        )
    write_json(RESULTS / "reports.json", result)
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=1))


if __name__ == "__main__":
    main()
