"""Main pages under a bounded loopback load, beside a bare Django view served by the same server.

Seeds a database at county scale (SQLite under a temp dir; PostgreSQL when DATABASE_URL is set — it must be an
empty database), signs in the demo user `center`, drives BENCH_USERS threads with urllib for BENCH_SECONDS per
page, and prints p50/p95/requests per second per page and the ratio to the bare view. SQL queries per page are
counted in-process with the test client at two data sizes (factor 0.1 and 1 of a county). Writes the table
and the machine description to bench/RESULTS.md. Exit 1 if a target is missed.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GOVMEDIA = str(Path(sys.executable).with_name("govmedia"))
USERS = int(os.environ.get("BENCH_USERS", "10"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
SMALL_FACTOR = 0.1
P95_TARGET_MS = 150.0
RATIO_TARGET = 0.40
QUERY_TARGET = 20
BENCH_USER = "center"
CPU_MODEL = "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"

# (label, path); {post} is replaced by an in-review post's id.
PAGES = [
    ("我的待办", "/"),
    ("账号台账", "/registry/accounts/"),
    ("审核队列", "/publishing/?tab=all&status=in_review"),
    ("留言列表", "/inquiries/"),
    ("检查指标", "/reports/inspection/"),
    ("稿件详情", "/publishing/{post}/"),
]
BARE = ("bare Django view", "/bench/bare/")


def env_for(var_dir: str, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ, GOVMEDIA_VAR=var_dir)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH", "")]))
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    return env


def govmedia(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run([GOVMEDIA, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"govmedia {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def prepare(env: dict[str, str], factor: float) -> dict[str, Any]:
    govmedia(env, "migrate", "--noinput", "-v0")
    govmedia(env, "demo")
    return govmedia(env, "seed", "--scale", "county", "--factor", str(factor))


def inner() -> None:
    """Run inside the seeded database's environment: query counts, a session and a post id, as JSON."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from govmedia.org.models import User
    from govmedia.publishing.models import Post

    post = (
        Post.objects.filter(status=Post.Status.IN_REVIEW, unit__name__startswith="种").order_by("id").first()
    )
    assert post is not None
    user = User.objects.get(username=BENCH_USER)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    queries: dict[str, int] = {}
    for label, path in [*PAGES, BARE]:
        url = path.format(post=post.pk)
        client.get(url)  # warm caches (lexicon, calendar, sessions) first
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries[label] = len(ctx.captured_queries)
    print(json.dumps({"post": post.pk, "session": client.cookies["sessionid"].value, "queries": queries}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit("the server exited early")
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def load(url: str, session: str, seconds: float) -> dict[str, float]:
    """USERS threads, each requesting url back to back for SECONDS; latency of the 200 responses."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    headers = {"Cookie": f"sessionid={session}", "User-Agent": "pages-bench"}

    def user() -> None:
        mine, bad = [], 0
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
                    r.read()
                    ok = r.status == 200 and r.url == url
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                ok = False
            if ok:
                mine.append(time.perf_counter() - t0)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=user) for _ in range(USERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    if not latencies:
        return {"p50": float("nan"), "p95": float("nan"), "rps": 0.0, "n": 0, "errors": errors[0]}
    return {
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000,
        "rps": len(latencies) / elapsed,
        "n": len(latencies),
        "errors": errors[0],
    }


def machine() -> list[str]:
    def sh(cmd: str) -> str:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, check=False).stdout.strip()

    import django

    return [
        f"- CPU: {sh('nproc')} cores ({sh(CPU_MODEL).strip()})",
        "- Memory (`free -h`):\n\n```\n" + sh("free -h") + "\n```",
        f"- Python {platform.python_version()}, Django {django.get_version()}, {platform.platform()}",
    ]


def main() -> int:
    if "--inner" in sys.argv:
        inner()
        return 0
    database_url = os.environ.get("DATABASE_URL")
    engine = "PostgreSQL" if database_url else "SQLite"
    with tempfile.TemporaryDirectory(prefix="pages-bench-") as tmp:
        small_env = env_for(str(Path(tmp) / "small"), None)
        big_env = env_for(str(Path(tmp) / "big"), database_url)
        print(f"seeding (county × {SMALL_FACTOR} on SQLite, county × 1 on {engine})…", flush=True)
        prepare(small_env, SMALL_FACTOR)
        seeded = prepare(big_env, 1.0)

        def measure(env: dict[str, str]) -> dict[str, Any]:
            out = subprocess.run(
                [sys.executable, __file__, "--inner"], env=env, capture_output=True, text=True, check=False
            )
            if out.returncode:
                raise SystemExit(f"query count failed:\n{out.stderr[-2000:]}")
            return dict(json.loads(out.stdout.strip().splitlines()[-1]))

        small, big = measure(small_env), measure(big_env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [GOVMEDIA, "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=big_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_up(base, server)
            results: dict[str, dict[str, float]] = {}
            for label, path in [BARE, *PAGES]:
                url = base + path.format(post=big["post"])
                load(url, big["session"], 1.0)  # warm-up, discarded
                results[label] = load(url, big["session"], SECONDS)
        finally:
            server.terminate()
            server.wait(timeout=10)

    bare_rps = results[BARE[0]]["rps"] or 1.0
    head = (
        f"| page | p50 ms | p95 ms | req/s | ratio to bare | errors | queries (county×{SMALL_FACTOR}) "
        f"| queries (county×1) |"
    )
    rows = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    misses: list[str] = []
    for label, _ in [BARE, *PAGES]:
        r = results[label]
        ratio = r["rps"] / bare_rps
        qs, qb = small["queries"][label], big["queries"][label]
        rows.append(
            f"| {label} | {r['p50']:.0f} | {r['p95']:.0f} | {r['rps']:.1f} | {ratio:.2f} | {r['errors']} "
            f"| {qs} | {qb} |"
        )
        if label == BARE[0]:
            continue
        if not r["p95"] <= P95_TARGET_MS:
            misses.append(f"{label}: p95 {r['p95']:.0f} ms > {P95_TARGET_MS:.0f} ms")
        if ratio < RATIO_TARGET:
            misses.append(f"{label}: throughput {ratio:.0%} of bare < {RATIO_TARGET:.0%}")
        if qb != qs or qb > QUERY_TARGET:
            misses.append(f"{label}: queries {qs} → {qb} (must be constant and ≤ {QUERY_TARGET})")
        if r["errors"]:
            misses.append(f"{label}: {r['errors']} failed requests")
    table = "\n".join(rows)
    print(table)
    print("\n".join(f"MISSED {m}" for m in misses) or "all page targets met")
    counts = seeded.get("counts", {})
    section = [
        "## Pages (bench/pages_bench.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')}: {engine}, `govmedia runserver --noreload` (threaded), "
        f"{USERS} concurrent users × {SECONDS:g} s per page over loopback, signed in as `{BENCH_USER}` "
        f"(县电子政务中心, sees every unit). Data: demo + `seed --scale county` "
        f"({counts.get('publishing.post', 0)} posts, {counts.get('inquiries.inquiry', 0)} messages, "
        f"{counts.get('audit.entry', 0)} audit entries, {counts.get('registry.account', 0)} accounts).",
        "",
        table,
        "",
        "Targets missed in this run:" if misses else "All page targets met in this run.",
        *[f"- {m}" for m in misses],
        "",
        "Machine:",
        "",
        *machine(),
        "",
    ]
    write_section("\n".join(section))
    return 1 if misses else 0


def write_section(text: str) -> None:
    """Replace this bench's section of RESULTS.md, leaving other sections (written by hand or by other
    benches) alone."""
    path = HERE / "RESULTS.md"
    start, end = "<!-- pages_bench:start -->", "<!-- pages_bench:end -->"
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    block = f"{start}\n{text}{end}"
    if start in old and end in old:
        new = old[: old.index(start)] + block + old[old.index(end) + len(end) :]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new)


if __name__ == "__main__":
    sys.exit(main())
