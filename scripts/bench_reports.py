"""How long a report takes: the cloud's answer, the sums, and the reports screen showing it.

python scripts/bench_reports.py            # prints figures; no test times anything
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["TZ"] = "UTC"
time.tzset()

from api import PrinterOSClient  # noqa: E402
from api.sim import DEMO_PASSWORD, DEMO_USERNAME, FarmSettings, SimClock, SimServer, generate_farm  # noqa: E402
from tui.report_ranges import DateRange, last_days  # noqa: E402
from tui.report_sums import ReportKind, summarise  # noqa: E402
from tui.reports import fetch_report  # noqa: E402

HEADER = ["Job ID", "Printer Name", "Printer Type", "Print Date/Time", "Account Email", "Filament", "Status"]
HEADER += ["Real Print Time", "Workgroup Names"]


def synthetic_rows(count: int, span: DateRange) -> list[list[object]]:
    rng = random.Random(1)
    words = ["Finished", "Failed", "Aborted", "DONE", "CANCELLED_WEB"]
    return [
        [
            i, f"P{rng.randrange(500)}", f"T{rng.randrange(20)}",
            f"{span.start + timedelta(days=rng.randrange(365))} 10:00:00", f"u{rng.randrange(300)}@x.org",
            round(rng.random() * 100, 2), rng.choice(words), "01:23:45", "Lab,Research",
        ]
        for i in range(count)
    ]  # fmt: skip


def bench_sums() -> None:
    span = DateRange(start=date(2025, 3, 2), end=date(2026, 3, 2))
    for count in (10_000, 50_000):
        rows = synthetic_rows(count, span)
        start = time.perf_counter()
        summarise(ReportKind.CUSTOM, span, HEADER, rows)
        print(f"sums over {count:,} rows: {time.perf_counter() - start:.3f} s (in a worker thread on the screen)")


async def bench_cloud(printers: int) -> None:
    farm = generate_farm(printers, seed=7, clock=SimClock.frozen_at(), settings=FarmSettings(seed=7))
    with SimServer(farm) as server:
        async with PrinterOSClient(server.base_url) as client:
            await client.login(DEMO_USERNAME, DEMO_PASSWORD)
            for kind in ReportKind:
                start = time.perf_counter()
                report = await fetch_report(client, kind, last_days(farm.now().date(), 30))
                took = time.perf_counter() - start
                print(f"{printers:>5} printers, {kind.label.lower():<14} {len(report.rows):>6,} rows: {took:.3f} s")


if __name__ == "__main__":
    bench_sums()
    for size in (100, 1000):
        asyncio.run(bench_cloud(size))
