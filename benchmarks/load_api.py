"""Load benchmark for the HTTP API: POST /v1/render against POST /v1/echo, with wrk.

    python benchmarks/load_api.py [--duration 30] [--connections 64] [--workers 2] [--threads 2]

Builds request payloads from shared corpus pages (body HTML + readability metadata, mobile
anonymous viewer, default rules), starts ``layout serve --dev --echo`` on 127.0.0.1, checks
every payload once, then runs wrk with the same payloads and settings against /v1/echo,
/v1/render and /v1/echo again. Echo is the ceiling of the stack (uvicorn + FastAPI + body
read + wrk on the same machine); the render throughput over that of both echo runs together
(which bracket it, so a drift in the machine's speed weighs on both sides) is the ratio the
target applies to.

Exit 0 when the ratio reaches --target (0.35) and no run had an error (non-2xx,
socket errors, timeouts); 1 otherwise; 2 when wrk or the corpus is missing or the server
fails to start. Traffic goes to 127.0.0.1 only; the server is always stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("LAYOUT_CORPUS", ROOT.parent / "shared" / "corpus" / "readability"))
HOST = "127.0.0.1"
TARGET_RATIO = 0.35
MIN_PAGE_BYTES = 2000  # below this the corpus entries are parser fixtures, not articles
MAX_PAGE_BYTES = 200_000  # leaves out the one 400 KB outlier (wikipedia-2)
SUMMARY_TAG = "LOADAPI_SUMMARY "

# One Lua state per wrk thread: init() reads the payload files named in the manifest and
# pre-formats one POST per payload; request() cycles through them (each thread starts at a
# different offset). response() counts non-2xx answers; done() prints one JSON line.
WRK_SCRIPT = r"""
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests = {}
local index = 0
non2xx = 0

function init(args)
  local manifest = assert(io.open(args[1], "r"))
  local headers = {["Content-Type"] = "application/json", ["Accept"] = "text/html"}
  for line in manifest:lines() do
    if line ~= "" then
      local f = assert(io.open(line, "rb"))
      local body = f:read("*a")
      f:close()
      table.insert(requests, wrk.format("POST", wrk.path, headers, body))
    end
  end
  manifest:close()
  index = id % #requests
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non = 0
  for _, t in ipairs(threads) do
    non = non + (t:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '%s{"requests":%d,"duration_us":%d,"bytes":%d,'
    .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"non2xx":%d,'
    .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    "@TAG@", summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, non,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
"""


@dataclass(frozen=True)
class RunResult:
    """One wrk run, from the done() summary."""

    endpoint: str
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    non2xx: int
    socket_errors: int
    timeouts: int

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors + self.timeouts


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=int, default=30, help="seconds per wrk run (1-600)")
    p.add_argument("--connections", type=int, default=64, help="wrk connections")
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--pages", type=int, default=16, help="corpus pages in the payload set")
    p.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load per run")
    p.add_argument("--timeout", type=int, default=10, help="wrk request timeout, seconds")
    p.add_argument("--target", type=float, default=TARGET_RATIO, help="render/echo target")
    p.add_argument("--keep", action="store_true", help="keep the payload directory")
    args = p.parse_args(argv)
    if not 1 <= args.duration <= 600:
        p.error("--duration must be 1..600 seconds")
    if not 0 <= args.warmup <= 60:
        p.error("--warmup must be 0..60 seconds")
    if args.threads < 1 or args.connections < args.threads:
        p.error("--connections must be >= --threads >= 1")
    if args.workers < 1 or args.pages < 1:
        p.error("--workers and --pages must be >= 1")
    return args


def corpus_payloads(count: int) -> list[tuple[str, bytes]]:
    """``count`` corpus pages spread evenly over the eligible ones, as render requests."""
    if not CORPUS.is_dir():
        return []
    eligible = sorted(
        d
        for d in CORPUS.iterdir()
        if (d / "expected.html").is_file()
        and MIN_PAGE_BYTES <= (d / "expected.html").stat().st_size <= MAX_PAGE_BYTES
    )
    if len(eligible) > count:
        step = len(eligible) / count
        eligible = [eligible[int(i * step)] for i in range(count)]
    payloads = []
    for folder in eligible:
        payload = {
            "article_html": (folder / "expected.html").read_text(encoding="utf-8"),
            "meta": corpus_meta(folder),
            "viewer": {"device": "mobile", "audience": "anonymous"},
        }
        payloads.append((folder.name, json.dumps(payload, ensure_ascii=False).encode("utf-8")))
    return payloads


def corpus_meta(folder: Path) -> dict[str, str]:
    """Readability metadata mapped onto article fields, as tests/support/corpus.py does."""
    path = folder / "expected-metadata.json"
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    meta = {"id": folder.name}
    for source, field in (("title", "headline"), ("byline", "byline"), ("excerpt", "dek")):
        if raw.get(source):
            meta[field] = raw[source]
    if raw.get("lang"):
        meta["lang"] = raw["lang"]
    if raw.get("dir") in ("ltr", "rtl"):
        meta["dir"] = raw["dir"]
    return meta


def write_inputs(workdir: Path, payloads: list[tuple[str, bytes]]) -> tuple[Path, Path]:
    names = []
    for i, (name, body) in enumerate(payloads):
        path = workdir / f"{i:02d}-{name}.json"
        path.write_bytes(body)
        names.append(str(path))
    manifest = workdir / "payloads.txt"
    manifest.write_text("\n".join(names) + "\n", encoding="utf-8")
    script = workdir / "cycle.lua"
    script.write_text(WRK_SCRIPT.replace("@TAG@", SUMMARY_TAG), encoding="utf-8")
    return manifest, script


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def layout_command() -> list[str]:
    beside = Path(sys.executable).with_name("layout")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("layout")
    return [found] if found else [sys.executable, "-m", "layout"]


def start_server(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        *layout_command(),
        "serve", "--dev", "--echo", "--host", HOST, "--port", str(port),
        "--workers", str(workers),
    ]  # fmt: skip
    with log.open("wb") as out:
        # A session of its own, so that stopping it also stops uvicorn's worker processes.
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    else:  # the supervisor is gone; make sure no worker outlived it
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def wait_healthy(proc: subprocess.Popen[bytes], base: str, limit_s: float = 30.0) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def post(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "text/html"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def check_payloads(base: str, payloads: list[tuple[str, bytes]]) -> list[str]:
    """Every payload renders (200, HTML) and echoes back unchanged, once, before the load."""
    problems = []
    for name, body in payloads:
        status, reply = post(base + "/v1/render", body)
        if status != 200 or b"<" not in reply:
            problems.append(f"render {name}: HTTP {status} {reply[:200]!r}")
        status, reply = post(base + "/v1/echo", body)
        if status != 200 or reply != body:
            problems.append(
                f"echo {name}: HTTP {status}, body {'same' if reply == body else 'differs'}"
            )
    return problems


def run_wrk(
    args: argparse.Namespace, url: str, script: Path, manifest: Path, seconds: int
) -> dict[str, float]:
    command = [
        "wrk", "--latency", "-t", str(args.threads), "-c", str(args.connections),
        "-d", f"{seconds}s", "--timeout", f"{args.timeout}s", "-s", str(script),
        url, "--", str(manifest),
    ]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + args.timeout + 60, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith(SUMMARY_TAG):
            return dict(json.loads(line[len(SUMMARY_TAG) :]))
    raise RuntimeError(f"wrk gave no summary (exit {done.returncode}):\n{done.stdout}{done.stderr}")


def measure(
    args: argparse.Namespace, base: str, endpoint: str, script: Path, manifest: Path
) -> RunResult:
    url = base + endpoint
    if args.warmup:
        run_wrk(args, url, script, manifest, args.warmup)
    s = run_wrk(args, url, script, manifest, args.duration)
    duration = s["duration_us"] / 1e6
    return RunResult(
        endpoint=endpoint,
        requests=int(s["requests"]),
        duration_s=duration,
        rps=s["requests"] / duration if duration else 0.0,
        p50_ms=s["p50_us"] / 1000,
        p90_ms=s["p90_us"] / 1000,
        p99_ms=s["p99_us"] / 1000,
        mean_ms=s["mean_us"] / 1000,
        max_ms=s["max_us"] / 1000,
        # wrk's own "status" count is >= 400 only; the Lua counter covers every non-2xx.
        non2xx=int(max(s["non2xx"], s["status"])),
        socket_errors=int(s["connect"] + s["read"] + s["write"]),
        timeouts=int(s["timeout"]),
    )


def describe(run: RunResult) -> str:
    return (
        f"  {run.endpoint:<11} {run.rps:9.1f} req/s  {run.requests:7d} requests in "
        f"{run.duration_s:5.1f} s  p50 {run.p50_ms:8.1f} ms  p90 {run.p90_ms:8.1f} ms  "
        f"p99 {run.p99_ms:8.1f} ms  max {run.max_ms:8.1f} ms  errors {run.errors} "
        f"(non-2xx {run.non2xx}, socket {run.socket_errors}, timeouts {run.timeouts})"
    )


def combined(first: RunResult, second: RunResult) -> RunResult:
    """Two runs of one endpoint as one: throughput over both, the worse latencies."""
    duration = first.duration_s + second.duration_s
    return RunResult(
        endpoint=first.endpoint,
        requests=first.requests + second.requests,
        duration_s=duration,
        rps=(first.requests + second.requests) / duration if duration else 0.0,
        p50_ms=max(first.p50_ms, second.p50_ms),
        p90_ms=max(first.p90_ms, second.p90_ms),
        p99_ms=max(first.p99_ms, second.p99_ms),
        mean_ms=(first.mean_ms * first.requests + second.mean_ms * second.requests)
        / max(1, first.requests + second.requests),
        max_ms=max(first.max_ms, second.max_ms),
        non2xx=first.non2xx + second.non2xx,
        socket_errors=first.socket_errors + second.socket_errors,
        timeouts=first.timeouts + second.timeouts,
    )


def report(
    args: argparse.Namespace, pages: int, render: RunResult, echoes: tuple[RunResult, RunResult]
) -> bool:
    echo = combined(*echoes)
    ratio = render.rps / echo.rps if echo.rps else 0.0
    ratio_ok = ratio >= args.target
    errors_ok = render.errors == 0 and echo.errors == 0
    print()
    print(
        f"layout API load: {pages} corpus pages, mobile anonymous, default rules; "
        f"{args.workers} worker(s), wrk {args.threads} thread(s) x {args.connections} "
        f"connections, {args.duration} s per run (+{args.warmup} s warm-up)"
    )
    print(describe(echoes[0]) + "  (before)")
    print(describe(render))
    print(describe(echoes[1]) + "  (after)")
    print(f"  render throughput  {render.rps:.1f} req/s")
    print(f"  render p50 / p99   {render.p50_ms:.1f} ms / {render.p99_ms:.1f} ms")
    print(f"  render errors      {render.errors}")
    print(f"  echo throughput    {echo.rps:.1f} req/s (the runs before and after render)")
    print(f"  ratio render/echo  {ratio:.3f} (target >= {args.target}): "
          f"{'PASS' if ratio_ok else 'FAIL'}")  # fmt: skip
    print(f"  zero errors        {'PASS' if errors_ok else 'FAIL'} "
          f"(render {render.errors}, echo {echo.errors})")  # fmt: skip
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load > cores:
        print(f"  note: 1-min load average {load:.1f} on {cores} cores: other work shares the CPU,")
        print("        absolute numbers are noisy (the ratio less so); rerun on an idle machine")
    verdict = ratio_ok and errors_ok
    print(f"  overall            {'PASS' if verdict else 'FAIL'}")
    return verdict


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "wrk is not installed; get it with `apt-get install wrk` "
            "(or build it from https://github.com/wg/wrk), then run this again.",
            file=sys.stderr,
        )
        return 2
    payloads = corpus_payloads(args.pages)
    if not payloads:
        print(f"no corpus pages found under {CORPUS} (set LAYOUT_CORPUS)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="layout-load-"))
    manifest, script = write_inputs(workdir, payloads)
    port = free_port()
    base = f"http://{HOST}:{port}"
    log = workdir / "server.log"
    proc = start_server(port, args.workers, log)
    try:
        if not wait_healthy(proc, base):
            print(f"the server did not become healthy:\n{log.read_text(errors='replace')}",
                  file=sys.stderr)  # fmt: skip
            return 2
        problems = check_payloads(base, payloads)
        if problems:
            print("payload check failed:\n  " + "\n  ".join(problems), file=sys.stderr)
            return 1
        sizes = sorted(len(body) for _, body in payloads)
        print(
            f"{len(payloads)} payloads ({', '.join(n for n, _ in payloads)}); "
            f"{sizes[0]}..{sizes[-1]} bytes, {sum(sizes) // len(sizes)} mean; server {base}"
        )
        # Echo runs before and after render, so a drift in the machine's speed during the
        # run weighs on both sides of the ratio.
        echo_before = measure(args, base, "/v1/echo", script, manifest)
        render = measure(args, base, "/v1/render", script, manifest)
        echo_after = measure(args, base, "/v1/echo", script, manifest)
    finally:
        stop_server(proc)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if report(args, len(payloads), render, (echo_before, echo_after)) else 1


if __name__ == "__main__":
    sys.exit(main())
