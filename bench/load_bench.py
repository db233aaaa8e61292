"""A bounded load test on loopback (issue #10 item 7): 50 concurrent signed-in users working the main pages.

Seeds demo data plus `seed --scale county --factor 0.1` under a temp dir (SQLite; PostgreSQL when DATABASE_URL
is set — it must be an empty database), serves it with gunicorn (bench/harness.py: 2 gthread workers), signs
in BENCH_LOAD_USERS sessions through the sign-in form, spread over several people of the first seeded county,
and lets each session walk the main pages at random, back to back with no think time, for BENCH_LOAD_SECONDS
(60). A post's detail page is reached through a link on the post list the user saw last. Prints requests,
errors, p50/p95/p99 and req/s overall and per page, writes them to bench/RESULTS.md, and exits 1 if any
request failed (anything but 200, or no answer). It stops by itself.
"""

from __future__ import annotations

import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from harness import (
    SEEDED,
    CpuWatch,
    Fixed,
    Run,
    Walker,
    drive,
    engine_label,
    env_for,
    machine,
    prepare,
    seed_counts,
    serve,
    server_description,
    sign_in_all,
    write_section,
)

SESSIONS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
FACTOR = 0.1
# People of a seeded county who sign in with a password alone (the leaders and administrators must pass
# two-factor sign-in first, which a load driver cannot); each session is one of them, in turn.
NAMES = [SEEDED[k] for k in ("centre", "dept_admin", "town_admin", "legal", "secrecy")]
DETAIL = "稿件详情"
LIST = "稿件列表"
PAGES = [
    ("我的待办", "/"),
    ("账号台账", "/registry/accounts/"),
    (LIST, "/publishing/"),
    ("留言列表", "/inquiries/"),
    ("检查指标", "/reports/inspection/"),
    (DETAIL, "/publishing/{post}/"),
    ("通知", "/notifications/"),
]
POST_LINK = re.compile(rb'href="/publishing/(\d+)/"')


class Tour(Walker):
    """Every page once, in order; a post's detail is the first one linked from the list just seen."""

    def __init__(self) -> None:
        self.next = 0
        self.post = 0

    def step(self, rng: random.Random, last: tuple[str, bytes] | None) -> tuple[str, str]:
        if last and last[0] == LIST and (found := POST_LINK.search(last[1])):
            self.post = int(found.group(1))
        label, path = PAGES[self.next % len(PAGES)]
        self.next += 1
        return label, path.format(post=self.post)


class RandomWalk(Walker):
    """From each page to another main page chosen uniformly; a post's detail is one linked from the post
    list last seen (the list comes first when none has been seen)."""

    def __init__(self) -> None:
        self.posts: list[int] = []
        self.at = ""

    def step(self, rng: random.Random, last: tuple[str, bytes] | None) -> tuple[str, str]:
        if last and last[0] == LIST:
            self.posts = sorted({int(m) for m in POST_LINK.findall(last[1])})
        label, path = rng.choice([p for p in PAGES if p[0] != self.at])
        if label == DETAIL:
            if self.posts:
                path = path.format(post=rng.choice(self.posts))
            else:
                label, path = next(p for p in PAGES if p[0] == LIST)
        self.at = label
        return label, path


def table(run: Run) -> str:
    rows = [
        "| page | requests | errors | p50 ms | p95 ms | p99 ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, stats in [("**all pages**", run.total()), *[(p, run.stats.get(p)) for p, _ in PAGES]]:
        if stats is None:
            rows.append(f"| {label} | 0 | 0 | – | – | – | 0.0 |")
            continue
        r = stats.summary(run.elapsed)
        rows.append(
            f"| {label} | {r['requests']} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
            f"| {r['rps']:.1f} |"
        )
    return "\n".join(rows)


def main() -> int:
    database_url = os.environ.get("DATABASE_URL")
    engine = engine_label(database_url)
    names = [NAMES[i % len(NAMES)] for i in range(SESSIONS)]
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        env = env_for(str(Path(tmp) / "var"), database_url)
        started = time.monotonic()
        print(f"seeding demo + county × {FACTOR} on {engine}…", flush=True)
        seeded = prepare(env, FACTOR)
        print(f"seeded in {time.monotonic() - started:.0f} s ({seed_counts(seeded)})", flush=True)
        with serve(env, tmp) as server:
            base = server.base
            started = time.monotonic()
            cookies = sign_in_all(base, names)
            print(f"{len(cookies)} sessions signed in in {time.monotonic() - started:.1f} s", flush=True)
            # Warm-up and check: each of those people opens every page once (the list before a detail), then
            # every session opens its to-do page.
            started = time.monotonic()
            tours = cookies[: len(NAMES)]
            warm = drive(base, tours, [Tour() for _ in tours], 300.0, "load-bench", limit=len(PAGES))
            homes = drive(base, cookies, [Fixed("home", "/")] * len(cookies), 300.0, "load-bench", limit=1)
            expected = len(PAGES) * len(tours) + len(cookies)
            checks = [warm.total(), homes.total()]
            if any(c.errors for c in checks) or sum(c.requests for c in checks) < expected:
                raise SystemExit("warm-up failed:\n" + "\n".join(warm.samples + homes.samples))
            print(f"warm-up done in {time.monotonic() - started:.1f} s", flush=True)
            print(f"{SESSIONS} users × {SECONDS:g} s on {server_description()}…", flush=True)
            watch = CpuWatch(server)
            run = drive(base, cookies, [RandomWalk() for _ in cookies], SECONDS, "load-bench")
            during = watch.others()
    total = run.total()
    text = table(run)
    print(text)
    if run.samples:
        print("first failed requests:\n" + "\n".join(f"  {s}" for s in run.samples))
    ok = total.errors == 0 and total.requests > 0
    cpu = f"the client threads used {run.client_cpu / run.elapsed:.0%} of one core"
    print(cpu)
    print("no errors" if ok else f"FAILED: {total.errors} of {total.requests} requests")
    users = ", ".join(f"`{n}`" for n in NAMES)
    section = [
        f"## Load on {engine} (bench/load_bench.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')}: {engine}, {server_description()} on loopback. "
        f"{SESSIONS} concurrent users, each its own session signed in through the sign-in form as one of "
        f"{users} in turn, walking the main pages at random (the next page uniformly among the others; a "
        f"post's detail through a link on the last post list seen), back to back with no think time, for "
        f"{run.elapsed:.0f} s after a warm-up (each of those people opens every page once, each session its "
        f"to-do page). The client runs on the same machine as the server ({cpu}). "
        f"Data: demo + `seed --scale county --factor {FACTOR}` ({seed_counts(seeded)}). An error is any "
        f"answer but 200 (redirects not followed) or no answer; req/s counts the 200 answers.",
        "",
        text,
        "",
        "No errors in this run." if ok else f"**{total.errors} of {total.requests} requests failed.**",
        *[f"- {s}" for s in run.samples],
        "",
        "Machine:",
        "",
        *machine(during),
    ]
    write_section("load_bench" if engine == "SQLite" else "load_bench_postgresql", "\n".join(section))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
