"""Benchmark: how fast the simulated cloud answers `get_organization_printers_list`.

Starts `farmdash sim` in its own process (so the load generator does not share its GIL) at
100, 1,000 and 5,000 printers, on a loopback port, then measures:
  * sequential latency (one request at a time): p50 / p95 / max
  * sustained rate with several concurrent connections for a few seconds
Loops are bounded in count and time, and everything stops by itself.

    python scripts/bench_sim.py [--sizes 100,1000,5000] [--seconds 3] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sim(printers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "tui.cli", "sim", "--port", str(port), "--printers", str(printers), "--seed", "7"]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/sim/state", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("simulated cloud did not start")


async def bench(base: str, seconds: float, concurrency: int, sequential: int) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        login = await http.post("/apiglobal/login", data={"username": "admin@example.com", "password": "demo"})
        session = login.json()["message"]["session"]
        form = {"session": session}
        latencies = []
        size = 0
        for _ in range(sequential):
            start = time.perf_counter()
            response = await http.post("/apiglobal/get_organization_printers_list", data=form)
            latencies.append(time.perf_counter() - start)
            size = len(response.content)
        count = 0
        stop = time.monotonic() + seconds

        async def worker() -> None:
            nonlocal count
            while time.monotonic() < stop:
                response = await http.post("/apiglobal/get_organization_printers_list", data=form)
                response.raise_for_status()
                count += 1

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "bytes": size,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "max_ms": latencies[-1] * 1000,
        "rate": count / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--sequential", type=int, default=40)
    args = parser.parse_args()
    print(f"get_organization_printers_list, loopback HTTP, sim in its own process, {os.cpu_count()} cores")
    print(
        f"{'printers':>8} {'body KB':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'req/s @' + str(args.concurrency):>10}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        proc, base = start_sim(size)
        try:
            result = asyncio.run(bench(base, args.seconds, args.concurrency, args.sequential))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        print(
            f"{size:>8} {result['bytes'] / 1024:>8.0f} {result['p50_ms']:>8.1f} {result['p95_ms']:>8.1f} "
            f"{result['max_ms']:>8.1f} {result['rate']:>10.1f}"
        )


if __name__ == "__main__":
    main()
