"""HTTP load against a real `kefu serve --workers N`, driven by wrk when it is installed.

wrk is a C load generator: on a two-core machine that the server shares with its load
client, a Python client spends more CPU than the server it measures. Without wrk (Debian:
`apt install wrk`) a Python asyncio client stands in, and the result says so.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

# Each wrk thread starts at its own place in the list: with one shared start (Lua's
# unseeded random gave every thread the same), two threads sent the same new call at once
# and the benchmark counted the duplicates' conflicts as errors.
LUA = """
local reqs = {}
local counter = 0
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  for line in io.lines(args[1]) do
    local m, p, b = line:match("^(%u+)\t([^\t]+)\t(.*)$")
    if m then reqs[#reqs + 1] = {m, p, b} else reqs[#reqs + 1] = {"GET", line, nil} end
  end
  wrk.headers["Content-Type"] = "application/json"
  counter = (id or 0) * math.floor(#reqs / 2)
end
function request()
  counter = counter + 1
  local r = reqs[(counter % #reqs) + 1]
  return wrk.format(r[1], r[2], nil, r[3])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("KEFU requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d "
    .. "errors=%d\\n", summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _wait_for(url: str, token: str = "") -> None:
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for _ in range(300):
        try:
            if httpx.get(url, headers=headers, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start")


def _run_wrk(base: str, token: str, paths: list[str], seconds: float, concurrency: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        script, listing = Path(folder, "load.lua"), Path(folder, "paths.txt")
        script.write_text(LUA)
        listing.write_text("\n".join(paths) + "\n")
        command = [
            "wrk",
            "-t2",
            f"-c{concurrency}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
        ]
        command += [
            "-H",
            f"Authorization: Bearer {token}",
            "-s",
            str(script),
            base,
            "--",
            str(listing),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    fields = dict(re.findall(r"(\w+)=(\d+)", output.split("KEFU", 1)[1]))
    count, duration = int(fields["requests"]), int(fields["duration_us"]) / 1e6
    return {
        "client": "wrk",
        "requests": count,
        "errors": int(fields["errors"]),
        "throughput_rps": round(count / duration, 1),
        "p50_ms": round(int(fields["p50_us"]) / 1000, 2),
        "p99_ms": round(int(fields["p99_us"]) / 1000, 2),
    }


def _run_python(base: str, token: str, paths: list[str], seconds: float, concurrency: int) -> dict:
    import httpx

    timings: list[float] = []
    errors = 0

    async def worker(client: httpx.AsyncClient, offset: int, deadline: float) -> None:
        nonlocal errors
        index = offset
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            method, _, rest = paths[index % len(paths)].partition("\t")
            if rest:
                path, _, body = rest.partition("\t")
                response = await client.request(method, path, content=body)
            else:
                response = await client.get(method)
            timings.append((time.perf_counter() - started) * 1000)
            errors += response.status_code >= 300
            index += concurrency

    async def load() -> None:
        limits = httpx.Limits(max_connections=concurrency)
        headers = {"Content-Type": "application/json"}
        headers |= {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:
            deadline = time.perf_counter() + seconds
            await asyncio.gather(*(worker(client, i, deadline) for i in range(concurrency)))

    asyncio.run(load())
    return {
        "client": "python httpx (install wrk for a client that does not eat the server's CPU)",
        "requests": len(timings),
        "errors": errors,
        "throughput_rps": round(len(timings) / seconds, 1),
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(_percentile(timings, 0.99), 2),
    }


def _serve(command: list[str], url: str, probe: str, token: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KEFU_DATABASE_URL": url, "KEFU_DEMO_MODE": "true"}
    server = subprocess.Popen(command, env=env)
    try:
        _wait_for(probe, token)
    except BaseException:
        server.terminate()
        raise
    return server


def server_cpu_seconds(server_pid: int) -> float:
    """CPU (user and system) spent so far by a server and its worker processes.

    Throughput alone cannot tell a server that is busy from one that waits (SQLite's one
    writer at a time): the CPU one request costs can. Workers that have exited are not
    counted, so take it while the server runs.
    """
    import psutil

    server = psutil.Process(server_pid)
    spent = 0.0
    for process in [server, *server.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        spent += times.user + times.system
    return spent


def measure(
    command: list[str],
    url: str,
    token: str,
    paths: list[str],
    seconds: float,
    concurrency: int = 16,
    probe: str | None = None,
    warm_paths: list[str] | None = None,
) -> dict[str, Any]:
    """Start the server, warm it, load it with wrk (or Python), stop it.

    ``paths`` are GET paths, or ``METHOD<tab>PATH<tab>JSON`` lines for writes; ``probe``
    is a GET path that answers 200 once the server is up; ``warm_paths`` (default
    ``paths``) warm it, for writes that must not be measured as repeats. The result has
    the server's own CPU per request (its processes, not the load client's or the
    database server's).
    """
    base = f"http://127.0.0.1:{PORT}"
    server = _serve(command, url, base + (probe or paths[0]), token)
    run = _run_wrk if shutil.which("wrk") else _run_python
    try:
        run(base, token, warm_paths or paths, 3, concurrency)  # warm pools and caches
        cpu_before, started = server_cpu_seconds(server.pid), time.perf_counter()
        result = run(base, token, paths, seconds, concurrency)
        cpu = server_cpu_seconds(server.pid) - cpu_before
        return result | {
            "server_cpu_ms_per_request": round(cpu * 1000 / max(result["requests"], 1), 2),
            "server_cores_busy": round(cpu / (time.perf_counter() - started), 2),
        }
    finally:
        server.terminate()
        server.wait(timeout=20)


PORT = 8931
KEFU_SERVE = [sys.executable, "-m", "kefu.cli", "serve", "--workers", "2", "--port", str(PORT)]
BARE = [sys.executable, "-m", "uvicorn", "benchmarks.reference_app:app", "--workers", "2"]
BARE += ["--port", str(PORT), "--log-level", "warning", "--no-access-log"]


def lookup_load(
    url: str, token: str, numbers: list[str], *, seconds: float, concurrency: int = 16
) -> dict[str, Any]:
    """Lookups by odd-format numbers against `kefu serve --workers 2`, and the platform floor.

    The floor is a bare FastAPI endpoint doing one primary-key read (reference_app.py),
    served the same way on the same database in the same run.
    """
    lookups = [
        "/api/v1/customers/lookup?phone=" + quote(f"+86 {n[3:6]}-{n[6:10]}-{n[10:]}")
        for n in numbers
    ]
    result = measure(KEFU_SERVE, url, token, lookups, seconds, concurrency)
    floor = measure(
        BARE, url, "", [f"/customers/{i}" for i in range(1, 2001)], seconds, concurrency
    )
    return result | {
        "seconds": seconds,
        "concurrency": concurrency,
        "server": "kefu serve --workers 2",
        "target_p99_ms": 50,
        "meets_target": result["p99_ms"] <= 50 and result["errors"] == 0,
        "reference_bare_fastapi_pk_read": floor,
        "throughput_ratio_to_reference": round(
            result["throughput_rps"] / floor["throughput_rps"], 2
        ),
        "note": "the load client runs on the same cores as the server",
    }
