"""Main pages under a bounded loopback load, beside a bare Django view served by the same server.

Seeds a database at county scale, or the province with BENCH_SCALE=province (SQLite under a temp dir;
PostgreSQL when DATABASE_URL is set: it must be an empty database), serves it with gunicorn
(bench/harness.py: 2 gthread workers), signs in the first seeded county's centre through the sign-in form,
drives BENCH_USERS threads with urllib for BENCH_SECONDS per page, and prints p50/p95/requests per second per
page and the ratio to the bare view. SQL queries per page are counted in-process with the test client at two
data sizes (a tenth of a county on SQLite, and the big database). Writes the table and the machine
description to bench/RESULTS.md, one section per database engine and scale. Exit 1 if a target is missed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import (
    SEEDED,
    CpuWatch,
    Fixed,
    drive,
    engine_label,
    env_for,
    machine,
    prepare,
    seed_counts,
    serve,
    server_description,
    sign_in,
    write_section,
)

USERS = int(os.environ.get("BENCH_USERS", "10"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
# The big database: a county (default) or, on PostgreSQL, the province (130 counties; seeding takes minutes).
SCALE = os.environ.get("BENCH_SCALE", "county")
SMALL_FACTOR = 0.1
P95_TARGET_MS = 150.0
RATIO_TARGET = 0.40
QUERY_TARGET = 20
BENCH_USER = SEEDED["centre"]

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
# Not a target: an empty page in the product's layout, the floor under every page (bench_urls.shell).
SHELL = ("empty page in the layout", "/bench/shell/")


def inner() -> None:
    """Run inside the seeded database's environment: query counts per page and a post id, as JSON."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from govmedia.org.models import User
    from govmedia.publishing.models import Post

    user = User.objects.get(username=BENCH_USER)
    post = (
        Post.objects.filter(status=Post.Status.IN_REVIEW, unit__county=user.county_id).order_by("id").first()
    )
    assert post is not None
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    queries: dict[str, int] = {}
    for label, path in [*PAGES, BARE, SHELL]:
        url = path.format(post=post.pk)
        client.get(url)  # warm caches (lexicon, calendar, sessions) first
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries[label] = len(ctx.captured_queries)
    print(json.dumps({"post": post.pk, "queries": queries}))


def measure_queries(env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--inner"], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise SystemExit(f"query count failed:\n{out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    if "--inner" in sys.argv:
        inner()
        return 0
    database_url = os.environ.get("DATABASE_URL")
    engine = engine_label(database_url)
    with tempfile.TemporaryDirectory(prefix="pages-bench-") as tmp:
        small_env = env_for(str(Path(tmp) / "small"), None)
        big_env = env_for(str(Path(tmp) / "big"), database_url)
        print(f"seeding (county × {SMALL_FACTOR} on SQLite, {SCALE} on {engine})…", flush=True)
        prepare(small_env, SMALL_FACTOR)
        seeded = prepare(big_env, 1.0, SCALE)
        small, big = measure_queries(small_env), measure_queries(big_env)
        results: dict[str, dict[str, float]] = {}
        samples: list[str] = []
        with serve(big_env, tmp) as server:
            base = server.base
            watch = CpuWatch(server)
            cookies = [sign_in(base, BENCH_USER)] * USERS  # one session shared by the threads
            for label, path in [BARE, SHELL, *PAGES]:
                page = path.format(post=big["post"])
                walkers = [Fixed(label, page)] * USERS
                drive(base, cookies, walkers, 1.0, "pages-bench")  # warm-up, discarded
                run = drive(base, cookies, walkers, SECONDS, "pages-bench")
                results[label] = run.total().summary(run.elapsed)
                samples += run.samples
            during = watch.others()

    bare_rps = results[BARE[0]]["rps"] or 1.0
    head = (
        f"| page | p50 ms | p95 ms | req/s | ratio to bare | errors | queries (county×{SMALL_FACTOR}) "
        f"| queries ({SCALE}) |"
    )
    rows = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    misses: list[str] = []
    for label, _ in [BARE, SHELL, *PAGES]:
        r = results[label]
        ratio = r["rps"] / bare_rps
        qs, qb = small["queries"][label], big["queries"][label]
        rows.append(
            f"| {label} | {r['p50']:.0f} | {r['p95']:.0f} | {r['rps']:.1f} | {ratio:.2f} | {r['errors']} "
            f"| {qs} | {qb} |"
        )
        if r["errors"]:
            misses.append(f"{label}: {r['errors']} failed requests")
        if label in (BARE[0], SHELL[0]):
            continue
        if not r["p95"] <= P95_TARGET_MS:
            misses.append(f"{label}: p95 {r['p95']:.0f} ms > {P95_TARGET_MS:.0f} ms")
        if ratio < RATIO_TARGET:
            misses.append(f"{label}: throughput {ratio:.0%} of bare < {RATIO_TARGET:.0%}")
        if qb != qs or qb > QUERY_TARGET:
            misses.append(f"{label}: queries {qs} → {qb} (must be constant and ≤ {QUERY_TARGET})")
    table = "\n".join(rows)
    print(table)
    print("\n".join(f"MISSED {m}" for m in misses) or "all page targets met")
    if samples:
        print("first failed requests:\n" + "\n".join(f"  {s}" for s in samples[:5]))
    section = [
        f"## Pages on {engine} (bench/pages_bench.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')}: {engine}, {server_description()} on loopback, "
        f"{USERS} concurrent client threads × {SECONDS:g} s per page, no think time, one session signed in "
        f"as `{BENCH_USER}` (the first seeded county's 电子政务中心: sees its county's units). "
        f"Data: demo + `seed --scale {SCALE}` "
        f"({seed_counts(seeded)}). Query counts are taken with the test client; the county×{SMALL_FACTOR} "
        f"column is always SQLite.",
        "",
        table,
        "",
        "Targets missed in this run:" if misses else "All page targets met in this run.",
        *[f"- {m}" for m in misses],
        "",
        "Machine:",
        "",
        *machine(during),
    ]
    marker = "pages_bench" if engine == "SQLite" else "pages_bench_postgresql"
    write_section(marker if SCALE == "county" else f"{marker}_{SCALE}", "\n".join(section))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
