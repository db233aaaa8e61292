"""What the HTTP benches share: a seeded database under a temp var dir, the app served by gunicorn on
loopback, signing in over HTTP, a threaded urllib load driver, percentiles, the machine description and
the benches' sections of RESULTS.md.

The server is gunicorn (gthread): BENCH_WORKERS processes (2) × BENCH_THREADS threads (4), bound to
127.0.0.1 on a free port, with bench_settings (the product's settings plus the bare view at /bench/bare/).
"""

from __future__ import annotations

import http.cookiejar
import json
import math
import os
import platform
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
GOVMEDIA = str(BIN / "govmedia")
GUNICORN = str(BIN / "gunicorn")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
DEMO_PASSWORD = "Demo-2026!yaoan"  # govmedia.web.management.commands.demo.DEFAULT_PASSWORD
# People of the first seeded county (`c{county}_{unit}_{k}`, govmedia.ops.seeding): the demo county holds
# only the demo's few rows, and a county's people see their own county alone.
SEEDED = {
    "centre": "c0000_02_0",  # 电子政务中心, center_staff
    "legal": "c0000_01_1",  # 县政府办公室, legal_reviewer
    "secrecy": "c0000_01_2",  # 县政府办公室, secrecy_reviewer
    "town_admin": "c0000_03_0",  # the first township's unit_admin
    "dept_admin": "c0000_13_0",  # the first department's unit_admin
}
REQUEST_TIMEOUT = 60.0
CPU_MODEL = "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- the database -----------------------------------------------------------------------------------


def env_for(var_dir: str, database_url: str | None) -> dict[str, str]:
    """The environment of every govmedia/gunicorn process of one bench database."""
    env = dict(os.environ, GOVMEDIA_VAR=var_dir)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH", "")]))
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    return env


def govmedia(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run a govmedia command; its last stdout line, parsed as JSON (the JSON commands print one)."""
    done = subprocess.run([GOVMEDIA, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"govmedia {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


COUNT_ROWS = """
import django, json
django.setup()
from django.apps import apps
labels = ["publishing.post", "inquiries.inquiry", "audit.entry", "registry.account"]
print(json.dumps({label: apps.get_model(label).objects.count() for label in labels}))
"""


def prepare(env: dict[str, str], factor: float, scale: str = "county") -> dict[str, Any]:
    """Migrate, demo data, `seed --scale SCALE --factor F` (the seeded people sign in with the demo password);
    returns the seed command's summary. With BENCH_SEEDED=1 a PostgreSQL database seeded before (by this
    bench or by `govmedia seed ... --password` with the demo password) is only migrated and counted."""
    govmedia(env, "migrate", "--noinput", "-v0")
    if os.environ.get("BENCH_SEEDED") and env.get("DATABASE_URL"):
        done = subprocess.run(
            [sys.executable, "-c", COUNT_ROWS], env=env, capture_output=True, text=True, check=True
        )
        return {"counts": json.loads(done.stdout.strip().splitlines()[-1])}
    govmedia(env, "demo")
    return govmedia(env, "seed", "--scale", scale, "--factor", str(factor), "--password", DEMO_PASSWORD)


def engine_label(database_url: str | None) -> str:
    return "PostgreSQL" if database_url else "SQLite"


# --- the server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_description() -> str:
    return f"gunicorn (gthread, {WORKERS} workers × {THREADS} threads)"


@dataclass
class Server:
    base: str  # http://127.0.0.1:PORT
    pid: int  # gunicorn's master; the workers are its children


@contextmanager
def serve(env: dict[str, str], log_dir: str) -> Iterator[Server]:
    """gunicorn serving the app (and the bare view) on loopback; yields it, stops it after."""
    if not Path(GUNICORN).exists():
        raise SystemExit(f"{GUNICORN} not found: install the dev extras (pip install -e '.[dev]')")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(log_dir) / f"gunicorn-{port}.log"
    server = subprocess.Popen(
        [
            GUNICORN,
            "govmedia.wsgi:application",  # DJANGO_SETTINGS_MODULE=bench_settings comes from env_for
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--worker-class=gthread",
            f"--threads={THREADS}",
            "--timeout=120",
            "--log-level=warning",
            f"--error-logfile={log}",
            *_no_control_socket(),
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_up(base, server, log)
        yield Server(base, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        errors = log.read_text(errors="replace").strip() if log.exists() else ""
        if errors:
            print(f"gunicorn's error log ({log.name}, last lines):\n{errors[-1500:]}", file=sys.stderr)


def _no_control_socket() -> list[str]:
    """gunicorn ≥ 25 opens a control socket, by default one per home directory and so shared between
    runs; the benches need none. Older versions have no such option."""
    help_text = subprocess.run([GUNICORN, "--help"], capture_output=True, text=True, check=False).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


def wait_up(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise SystemExit(f"the server exited early:\n{tail}")
        try:
            with _opener().open(base + "/accounts/login/", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not start within 60 s")


# --- HTTP -------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer of its own (a 302 to sign-in is an error, not the page)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener(*handlers: urllib.request.BaseHandler) -> urllib.request.OpenerDirector:
    # No proxies: the server is on loopback whatever http_proxy says.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect(), *handlers)


def sign_in(base: str, username: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in through the login form as a browser does (GET for the CSRF cookie and token, POST);
    returns the Cookie header of the signed-in session."""
    jar = http.cookiejar.CookieJar()
    opener = _opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/accounts/login/", timeout=REQUEST_TIMEOUT) as r:
        match = CSRF_INPUT.search(r.read().decode())
    if not match:
        raise SystemExit("no CSRF token on the sign-in page")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
    ).encode()
    request = urllib.request.Request(
        base + "/accounts/login/", data=form, headers={"Referer": base + "/accounts/login/"}
    )
    try:
        with opener.open(request, timeout=REQUEST_TIMEOUT) as r:
            status, location = r.status, r.headers.get("Location", "")
    except urllib.error.HTTPError as e:  # the 302 the no-redirect handler leaves alone
        status, location = e.code, e.headers.get("Location", "")
    cookies = {c.name: c.value for c in jar}
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"sign-in as {username} failed: HTTP {status} → {location or 'no redirect'}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def sign_in_all(base: str, usernames: Sequence[str], parallel: int = 8) -> list[str]:
    """One session per name (a name may repeat: each gets its own session), signed in `parallel` at a time."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(lambda name: sign_in(base, name), usernames))


def fetch(opener: urllib.request.OpenerDirector, url: str, cookie: str, agent: str) -> tuple[int, bytes]:
    """GET url without following redirects; (status, body). Raises on a connection error or timeout."""
    request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": agent})
    try:
        with opener.open(request, timeout=REQUEST_TIMEOUT) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""


# --- the load driver ----------------------------------------------------------------------------------


@dataclass
class Stats:
    """Latencies (seconds) of the 200 responses to one page; errors are every other outcome."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    def add(self, other: Stats) -> None:
        self.latencies.extend(other.latencies)
        self.errors += other.errors

    def summary(self, elapsed: float) -> dict[str, float]:
        """Milliseconds for the percentiles; req/s counts the 200 responses over the whole run."""
        return {
            "n": len(self.latencies),
            "requests": self.requests,
            "errors": self.errors,
            "p50": percentile(self.latencies, 50) * 1000,
            "p95": percentile(self.latencies, 95) * 1000,
            "p99": percentile(self.latencies, 99) * 1000,
            "rps": len(self.latencies) / elapsed if elapsed else 0.0,
        }


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Run:
    """The outcome of one drive: per label, the elapsed wall time, and a few error descriptions."""

    stats: dict[str, Stats]
    elapsed: float
    samples: list[str]
    client_cpu: float  # CPU seconds the driver itself used (it shares the machine with the server)

    def total(self) -> Stats:
        out = Stats()
        for s in self.stats.values():
            out.add(s)
        return out


class Walker:
    """One simulated user's next step: (label, path) from the last (label, body) it saw; None to start."""

    def step(self, rng: random.Random, last: tuple[str, bytes] | None) -> tuple[str, str]:
        raise NotImplementedError


class Fixed(Walker):
    """The same page over and over."""

    def __init__(self, label: str, path: str) -> None:
        self.page = (label, path)

    def step(self, rng: random.Random, last: tuple[str, bytes] | None) -> tuple[str, str]:
        return self.page


def drive(
    base: str,
    cookies: Sequence[str],
    walkers: Sequence[Walker],
    seconds: float,
    agent: str = "govmedia-bench",
    limit: int | None = None,
    seed: int = 20261127,
) -> Run:
    """One thread per (cookie, walker) pair — a session and its user's walk — each requesting back to back
    for `seconds` (or until it has made `limit` requests), no think time. An error is any answer but 200
    (redirects are not followed) or an exception (connection error, timeout)."""
    if len(cookies) != len(walkers):
        raise ValueError("one walker per session")
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    totals: dict[str, Stats] = {}
    samples: list[str] = []

    def user(index: int, cookie: str, walk: Walker) -> None:
        rng = random.Random(seed + index)
        opener = _opener()
        mine: dict[str, Stats] = {}
        bad: list[str] = []
        last: tuple[str, bytes] | None = None
        made = 0
        while time.monotonic() < stop and (limit is None or made < limit):
            made += 1
            label, path = walk.step(rng, last)
            stats = mine.setdefault(label, Stats())
            t0 = time.perf_counter()
            try:
                status, body = fetch(opener, base + path, cookie, agent)
            except (urllib.error.URLError, OSError) as e:
                status, body = 0, f"{type(e).__name__}: {e}".encode()
            if status == 200:
                stats.latencies.append(time.perf_counter() - t0)
                last = (label, body)
            else:
                stats.errors += 1
                if len(bad) < 5:
                    bad.append(f"{path}: " + (f"HTTP {status}" if status else body.decode()))
        with lock:
            for label, stats in mine.items():
                totals.setdefault(label, Stats()).add(stats)
            samples.extend(bad[: max(0, 5 - len(samples))])

    started, cpu = time.monotonic(), time.process_time()
    threads = [
        threading.Thread(target=user, args=(i, c, w), daemon=True)
        for i, (c, w) in enumerate(zip(cookies, walkers, strict=True))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Run(totals, time.monotonic() - started, samples, time.process_time() - cpu)


# --- what else the machine is doing ------------------------------------------------------------------


def _busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _tree_seconds(pid: int) -> float:
    """CPU seconds used by a process and its children (the gunicorn master and its workers)."""
    total, parents = 0.0, {pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            rest = stat.read_text().rpartition(")")[2]
        except OSError:  # gone meanwhile
            continue
        fields = rest.split()
        if int(stat.parent.name) in parents or int(fields[1]) in parents:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


class CpuWatch:
    """How much CPU the rest of the machine (other people's test runs) took while a bench measured: all
    busy time less the server's and this process's."""

    def __init__(self, server: Server) -> None:
        self.pid = server.pid
        self.start = (time.monotonic(), _busy_seconds(), self._ours())

    def _ours(self) -> float:
        return _tree_seconds(self.pid) + time.process_time()

    def others(self) -> str:
        t0, busy0, ours0 = self.start
        elapsed = time.monotonic() - t0
        others = max(0.0, (_busy_seconds() - busy0) - (self._ours() - ours0))
        ours = self._ours() - ours0
        cores = os.cpu_count() or 1
        return (
            f"the bench's gunicorn + client used {ours / elapsed:.2f} and all other processes (a database "
            f"server among them) {others / elapsed:.2f} of the {cores} cores on average"
        )


# --- reporting ----------------------------------------------------------------------------------------


def machine(during: str) -> list[str]:
    """The machine description; `during` is CpuWatch.others() of the measurement."""

    def sh(cmd: str) -> str:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, check=False).stdout.rstrip()

    import django

    return [
        f"- CPU: {sh('nproc')} cores ({sh(CPU_MODEL).strip()})",
        "- Memory (`free -h`):\n\n```\n" + sh("free -h") + "\n```",
        f"- Python {platform.python_version()}, Django {django.get_version()}, {server_description()}, "
        f"{platform.platform()}",
        f"- During the measurement (the machine is shared): {during}",
    ]


def seed_counts(seeded: dict[str, Any]) -> str:
    counts = seeded.get("counts", {})
    return (
        f"{counts.get('publishing.post', 0)} posts, {counts.get('inquiries.inquiry', 0)} messages, "
        f"{counts.get('audit.entry', 0)} audit entries, {counts.get('registry.account', 0)} accounts"
    )


def write_section(marker: str, text: str) -> None:
    """Replace the section of RESULTS.md between <!-- marker:start --> and <!-- marker:end -->, leaving
    the other sections (written by hand or by other benches) alone; append it when absent."""
    path = HERE / "RESULTS.md"
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in old and end in old:
        new = old[: old.index(start)] + block + old[old.index(end) + len(end) :]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new)
