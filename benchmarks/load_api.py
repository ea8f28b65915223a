"""Load benchmark for the HTTP API: POST /v1/render against POST /v1/echo, with wrk.

    python benchmarks/load_api.py [--duration 30] [--connections 64] [--workers 2] [--threads 2]
                                  [--unseen] [--probe-rate 20]

Builds request payloads from shared corpus pages (body HTML + readability metadata, mobile
anonymous viewer, default rules), starts ``layout serve --dev --echo`` on 127.0.0.1, checks
every payload once, then runs wrk with the same payloads and settings against /v1/echo,
/v1/render and /v1/echo again. Echo is the ceiling of the stack (uvicorn + FastAPI + body
read + wrk on the same machine); the render throughput over that of both echo runs together
(which bracket it, so a drift in the machine's speed weighs on both sides) is the ratio the
target applies to.

Meanwhile a separate client probes GET /healthz (or ``--probe-path``, say /metrics) at
``--probe-rate`` per second (a new
connection each time, as a load balancer's check does): for 5 s while the server is
idle, then throughout the measured render run. Its p50/p99 idle and under render load,
and their ratio, say whether renders stall the event loop. With ``--unseen`` every
request names an article id of its own, so every render misses the article cache and
ingests its page anew (``--workers 1 --connections 8 --unseen``: 8 clients rendering
unseen articles on one worker). 503 answers (render pool full) are counted apart.

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
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
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
# different offset). With "unseen" as the second argument, each body is split at the
# @UNSEEN@ mark in its article id instead, and request() formats every POST with an id of
# its own (thread and counter), so no two requests share an article. response() counts
# non-2xx and 503 answers; done() prints one JSON line.
WRK_SCRIPT = r"""
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests = {}
local parts = {}
local index = 0
local unseen = false
local sent = 0
local headers = {["Content-Type"] = "application/json", ["Accept"] = "text/html"}
non2xx = 0
busy = 0

function init(args)
  unseen = args[2] == "unseen"
  local manifest = assert(io.open(args[1], "r"))
  for line in manifest:lines() do
    if line ~= "" then
      local f = assert(io.open(line, "rb"))
      local body = f:read("*a")
      f:close()
      if unseen then
        local at = assert(string.find(body, "@UNSEEN@", 1, true), "no @UNSEEN@ mark")
        table.insert(parts, {string.sub(body, 1, at - 1), string.sub(body, at + 8)})
      else
        table.insert(requests, wrk.format("POST", wrk.path, headers, body))
      end
    end
  end
  manifest:close()
  index = id % math.max(#requests, #parts)
end

function request()
  if unseen then
    index = index % #parts + 1
    sent = sent + 1
    local part = parts[index]
    return wrk.format("POST", wrk.path, headers, part[1] .. id .. "-" .. sent .. part[2])
  end
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  if status == 503 then
    busy = busy + 1
  end
end

function done(summary, latency, requests)
  local non = 0
  local refused = 0
  for _, t in ipairs(threads) do
    non = non + (t:get("non2xx") or 0)
    refused = refused + (t:get("busy") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '%s{"requests":%d,"duration_us":%d,"bytes":%d,'
    .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"non2xx":%d,"busy":%d,'
    .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    "@TAG@", summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, non, refused,
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
    busy: int = 0  # 503 answers (the render pool was full), also counted in non2xx

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors + self.timeouts


@dataclass
class Probe:
    """GET /healthz latencies (seconds) at a fixed rate, each on a new connection."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    path: str = "/healthz"

    def quantile_ms(self, quantile: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return 1000 * ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]

    def describe(self, label: str) -> str:
        return (
            f"  {self.path.strip('/')} {label:<10} p50 {self.quantile_ms(0.5):7.1f} ms  "
            f"p99 {self.quantile_ms(0.99):7.1f} ms  max {self.quantile_ms(1.0):7.1f} ms  "
            f"({len(self.latencies)} probes, {self.errors} errors)"
        )


class HealthProber:
    """A thread that probes /healthz ``rate`` times a second until stopped. It runs in
    this process, which only waits for wrk meanwhile, so its own timing is not at stake."""

    def __init__(self, base: str, rate: float, timeout: float, path: str = "/healthz") -> None:
        self.url = base + path
        self.interval = 1.0 / rate
        self.timeout = timeout
        self.probe = Probe(path=path)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self.probe

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.timeout + 5)

    def _run(self) -> None:
        due = time.monotonic()
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=self.timeout) as reply:
                    reply.read()
                    ok = reply.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            if ok:
                self.probe.latencies.append(time.perf_counter() - started)
            else:
                self.probe.errors += 1
            due += self.interval
            self._stop.wait(max(0.0, due - time.monotonic()))


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
    p.add_argument("--unseen", action="store_true", help="every request a new article id")
    p.add_argument("--render-threads", type=int, help="layout serve --render-threads")
    p.add_argument("--render-queue", type=int, help="layout serve --render-queue")
    p.add_argument("--probe-rate", type=float, default=20.0, help="/healthz probes a second")
    p.add_argument("--probe-path", default="/healthz",
                   help="what the prober gets: /healthz, or /metrics")
    p.add_argument("--idle-probe", type=float, default=5.0, help="seconds of idle probing")
    args = p.parse_args(argv)
    if not 0 < args.probe_rate <= 200:
        p.error("--probe-rate must be in (0, 200]")
    if not 1 <= args.duration <= 600:
        p.error("--duration must be 1..600 seconds")
    if not 0 <= args.warmup <= 60:
        p.error("--warmup must be 0..60 seconds")
    if args.threads < 1 or args.connections < args.threads:
        p.error("--connections must be >= --threads >= 1")
    if args.workers < 1 or args.pages < 1:
        p.error("--workers and --pages must be >= 1")
    return args


def corpus_payloads(count: int, unseen: bool = False) -> list[tuple[str, bytes]]:
    """``count`` corpus pages spread evenly over the eligible ones, as render requests;
    ``unseen`` marks each article id with @UNSEEN@, which wrk replaces per request."""
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
        meta = corpus_meta(folder)
        if unseen:
            meta["id"] = "@UNSEEN@-" + meta["id"]
        payload = {
            "article_html": (folder / "expected.html").read_text(encoding="utf-8"),
            "meta": meta,
            "viewer": {"device": "mobile", "audience": "anonymous"},
        }
        payloads.append((folder.name, json.dumps(payload, ensure_ascii=False).encode("utf-8")))
    return payloads


def corpus_meta(folder: Path) -> dict[str, str]:
    """Readability metadata mapped onto article fields, as tests/support/corpus.py does."""
    path = folder / "expected-metadata.json"
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    meta = {"id": folder.name}
    for source, name in (("title", "headline"), ("byline", "byline"), ("excerpt", "dek")):
        if raw.get(source):
            meta[name] = raw[source]
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


def start_server(args: argparse.Namespace, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``layout serve --dev --echo``; the pool options only when given, so the script
    also runs against a server that has none."""
    command = [
        *layout_command(),
        "serve", "--dev", "--echo", "--host", HOST, "--port", str(port),
        "--workers", str(args.workers),
    ]  # fmt: skip
    for option in ("render_threads", "render_queue"):
        value = getattr(args, option)
        if value is not None:
            command += ["--" + option.replace("_", "-"), str(value)]
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
        url, "--", str(manifest), "unseen" if args.unseen else "cycled",
    ]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + args.timeout + 60, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith(SUMMARY_TAG):
            return dict(json.loads(line[len(SUMMARY_TAG) :]))
    raise RuntimeError(f"wrk gave no summary (exit {done.returncode}):\n{done.stdout}{done.stderr}")


def measure(
    args: argparse.Namespace,
    base: str,
    endpoint: str,
    script: Path,
    manifest: Path,
    probe: HealthProber | None = None,
) -> RunResult:
    """One endpoint under wrk: a warm-up, then the measured run (probed when ``probe``)."""
    url = base + endpoint
    if args.warmup:
        run_wrk(args, url, script, manifest, args.warmup)
    with probe or contextlib.nullcontext():
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
        busy=int(s["busy"]),
    )


def describe(run: RunResult) -> str:
    return (
        f"  {run.endpoint:<11} {run.rps:9.1f} req/s  {run.requests:7d} requests in "
        f"{run.duration_s:5.1f} s  p50 {run.p50_ms:8.1f} ms  p90 {run.p90_ms:8.1f} ms  "
        f"p99 {run.p99_ms:8.1f} ms  max {run.max_ms:8.1f} ms  errors {run.errors} "
        f"(non-2xx {run.non2xx}: 503 {run.busy}; socket {run.socket_errors}, "
        f"timeouts {run.timeouts})"
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
        busy=first.busy + second.busy,
    )


def report_probes(idle: Probe, loaded: Probe) -> None:
    """/healthz idle and under render load, and how much the load slows it at p99."""
    print(idle.describe("idle"))
    print(loaded.describe("loaded"))
    idle_p99 = idle.quantile_ms(0.99)
    slowdown = loaded.quantile_ms(0.99) / idle_p99 if idle_p99 else 0.0
    print(f"  {idle.path.strip('/')} p99 loaded/idle  {slowdown:.1f} x")


def report(
    args: argparse.Namespace,
    pages: int,
    render: RunResult,
    echoes: tuple[RunResult, RunResult],
    probes: tuple[Probe, Probe],
) -> bool:
    echo = combined(*echoes)
    ratio = render.rps / echo.rps if echo.rps else 0.0
    ratio_ok = ratio >= args.target
    errors_ok = render.errors == 0 and echo.errors == 0
    print()
    print(
        f"layout API load: {pages} corpus pages{' (every request unseen)' if args.unseen else ''}"
        f", mobile anonymous, default rules; {args.workers} worker(s), wrk {args.threads} "
        f"thread(s) x {args.connections} connections, {args.duration} s per run "
        f"(+{args.warmup} s warm-up)"
    )
    print(describe(echoes[0]) + "  (before)")
    print(describe(render))
    print(describe(echoes[1]) + "  (after)")
    print(f"  render throughput  {render.rps:.1f} req/s")
    print(f"  render p50 / p99   {render.p50_ms:.1f} ms / {render.p99_ms:.1f} ms")
    print(f"  render errors      {render.errors} (503, render pool full: {render.busy})")
    print(f"  echo throughput    {echo.rps:.1f} req/s (the runs before and after render)")
    print(f"  ratio render/echo  {ratio:.3f} (target >= {args.target}): "
          f"{'PASS' if ratio_ok else 'FAIL'}")  # fmt: skip
    print(f"  zero errors        {'PASS' if errors_ok else 'FAIL'} "
          f"(render {render.errors}, echo {echo.errors})")  # fmt: skip
    report_probes(*probes)
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
    payloads = corpus_payloads(args.pages, args.unseen)
    if not payloads:
        print(f"no corpus pages found under {CORPUS} (set LAYOUT_CORPUS)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="layout-load-"))
    manifest, script = write_inputs(workdir, payloads)
    port = free_port()
    base = f"http://{HOST}:{port}"
    log = workdir / "server.log"
    proc = start_server(args, port, log)
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
        with HealthProber(base, args.probe_rate, args.timeout, args.probe_path) as idle:
            time.sleep(args.idle_probe)
        # Echo runs before and after render, so a drift in the machine's speed during the
        # run weighs on both sides of the ratio.
        echo_before = measure(args, base, "/v1/echo", script, manifest)
        prober = HealthProber(base, args.probe_rate, args.timeout, args.probe_path)
        render = measure(args, base, "/v1/render", script, manifest, prober)
        echo_after = measure(args, base, "/v1/echo", script, manifest)
    finally:
        stop_server(proc)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    verdict = report(args, len(payloads), render, (echo_before, echo_after), (idle, prober.probe))
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
