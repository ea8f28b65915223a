"""Run the real ``layout serve`` as a subprocess on a free loopback port.

    with running_server("--rules-dir", str(folder), "--echo") as server:
        httpx.get(server.url + "/healthz")
        server.log_records()  # the access log lines written to stderr so far

The process always ends when the block exits, whatever happened inside it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.corpus import ROOT

START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A port nobody listens on right now (the kernel's pick for 127.0.0.1:0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    """A started server: its base URL, its process and its captured stderr."""

    url: str
    process: subprocess.Popen[bytes]
    stderr_path: Path

    def stderr(self) -> str:
        """Everything the server wrote on stderr so far (the access log and any warnings)."""
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def log_records(self) -> list[dict[str, Any]]:
        """The access log: every stderr line that is a JSON object, in order."""
        records = []
        for line in self.stderr().splitlines():
            if not line.startswith("{"):
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
        return records

    def log_mark(self, timeout: float = 5.0) -> int:
        """The number of access log records once every earlier request's record is in.

        A record is written after its response is sent, so a client can run ahead of the
        log. A request to a path of its own is sent, and its record awaited: the records
        of requests that finished before it are in by then."""
        path = f"/log-mark-{time.monotonic_ns()}"
        httpx.get(self.url + path, timeout=timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            records = self.log_records()
            marks = [index for index, record in enumerate(records) if record.get("path") == path]
            if marks:
                return marks[0] + 1
            time.sleep(0.05)
        raise AssertionError(f"the access log never recorded {path}")

    def serving_pid(self) -> int:
        """The process that serves requests (uvicorn's worker, when it forked one)."""
        return server_pid(self.process.pid)

    def cpu_seconds(self) -> float:
        """The CPU time the serving process has used so far, all its threads together."""
        return cpu_seconds(self.serving_pid())

    def wait_until_busy(self, since: float, cpu: float, timeout: float = 60.0) -> None:
        """Wait until the serving process has used ``cpu`` seconds of CPU more than
        ``since`` (a ``cpu_seconds()`` reading): work sent before is then under way.
        A condition on the server's own progress, not on the clock, so a slow machine
        only makes the wait longer."""
        deadline = time.monotonic() + timeout
        while self.cpu_seconds() < since + cpu:
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not use {cpu} s of CPU in {timeout} s")
            time.sleep(0.005)

    def wait_for_log(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The access log once it holds at least ``count`` records (or as it is at timeout)."""
        deadline = time.monotonic() + timeout
        records = self.log_records()
        while len(records) < count and time.monotonic() < deadline:
            time.sleep(0.05)
            records = self.log_records()
        return records


def server_pid(pid: int) -> int:
    """The process that serves: ``pid`` itself, or its uvicorn child when it forked one."""
    children = _children(pid)
    return children[0] if children else pid


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return sorted(found)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_env(extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The environment for a server: this one, with ``extra`` set (None removes a name)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    for name, value in (extra or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill if it does not stop in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def running_server(
    *args: str,
    dev: bool = True,
    env: Mapping[str, str | None] | None = None,
    timeout: float = START_TIMEOUT,
) -> Iterator[RunningServer]:
    """Start ``layout serve [--dev] --port PORT *args``, wait for /healthz, yield, stop."""
    port = free_port()
    command: Sequence[str] = [
        sys.executable,
        "-m",
        "layout",
        "serve",
        *(["--dev"] if dev else []),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *args,
    ]
    with tempfile.TemporaryDirectory(prefix="layout-serve-") as folder:
        stderr_path = Path(folder) / "stderr.log"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=server_env(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        server = RunningServer(f"http://127.0.0.1:{port}", process, stderr_path)
        try:
            wait_until_answers(process, server.url + "/healthz", timeout, server.stderr)
            yield server
        finally:
            stop(process)


def wait_until_answers(
    process: subprocess.Popen[bytes],
    url: str,
    timeout: float,
    log: Callable[[], str],
    name: str = "the server",
) -> None:
    """Poll ``url`` until it answers 200; fail with the process's log if it exits or the
    time runs out."""
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            raise RuntimeError(f"{name} exited with {code} before answering:\n{log()[-3000:]}")
        try:
            response = httpx.get(url, timeout=1.0)
        except httpx.TransportError as error:
            last_error = repr(error)
        else:
            if response.status_code == 200:
                return
            last_error = f"{url} answered {response.status_code}"
        time.sleep(0.1)
    raise RuntimeError(
        f"{name} did not answer {url} within {timeout} s ({last_error}):\n{log()[-3000:]}"
    )
