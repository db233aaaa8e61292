"""`govmedia seed --scale county|province`: fill a database with realistic, deterministic bulk data.

Per county (province scale = 130 counties): a 县人民政府, its office and e-government centre, 10 townships and
15 departments; ~5 people a unit; ~154 accounts; ~15 400 posts in every state with versions and review steps;
~7 700 messages in every state with their step rows; patrols; ~77 000 audit entries appended to the hash
chain so `govmedia audit verify` still passes. Passwords are unusable unless `--password` gives one to all
(hashed once: for trying the big database out, never for real people). The centre's first person of the
first county is `c0000_02_0`.

On PostgreSQL rows go in with COPY and counties run in `--workers` processes (default: one a CPU); elsewhere
(SQLite) in this process with executemany. The generator itself is `govmedia.ops.seeding`. Each worker
commits county by county while this process appends the audit entries and holds the chain head until the
end: if a run fails part way, throw the database away rather than reuse it.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction

from govmedia.audit.chain import GENESIS
from govmedia.audit.models import ChainHead
from govmedia.ops import seeding
from govmedia.org.models import Unit
from govmedia.web.commands import BadInput, JsonCommand

SCALES = {"county": 1, "province": 130}
PER_COUNTY = seeding.PER_COUNTY


class Command(JsonCommand):
    help = "按县或省的规模批量生成演示数据（单位、人员、账号、稿件、留言、巡查、责任日志）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", required=True, help="规模：county（一个县）或 province（130个县）")
        parser.add_argument("--counties", type=int, help="县的数量（覆盖规模的默认值）")
        parser.add_argument("--factor", type=float, default=1.0, help="每县行数的倍数（默认1；测试可用0.01）")
        parser.add_argument(
            "--workers",
            type=int,
            help="并行进程数（PostgreSQL 默认为CPU核数；SQLite 只能为1）",
        )
        parser.add_argument("--password", default="", help="给生成的全部人员设置同一个登录密码（仅供试用）")

    def run(self, **options: Any) -> dict[str, Any]:
        scale = options["scale"]
        if scale not in SCALES:
            raise BadInput(f"规模只能是 county 或 province，不能是「{scale}」。")
        counties = options["counties"] if options["counties"] is not None else SCALES[scale]
        if not 1 <= counties <= 1000:
            raise BadInput("县的数量应在1到1000之间。")
        factor = options["factor"]
        if not 0 < factor <= 10:
            raise BadInput("倍数应大于0且不超过10。")
        postgres = connection.vendor == "postgresql"
        workers = options.get("workers")
        if workers is None:
            workers = (os.cpu_count() or 1) if postgres else 1
        if not 1 <= workers <= 64:
            raise BadInput("并行进程数应在1到64之间。")
        if workers > 1 and not postgres:
            raise BadInput("只有 PostgreSQL 数据库可以多进程生成，SQLite 请用 --workers 1。")
        # Workers need committed, forkable state: inside the caller's transaction run here instead.
        workers = 1 if connection.in_atomic_block else min(workers, counties)
        if Unit.objects.filter(name=seeding.county_name(0) + "人民政府").exists():
            raise BadInput("数据库中已有种子数据，请换一个空数据库（或只含演示数据的数据库）。")
        started = time.monotonic()
        counts: dict[str, int] = {}
        pool = None
        if workers > 1:  # fork before this process holds a connection (and the chain head's lock)
            connections.close_all()
            pool = multiprocessing.get_context("fork").Pool(workers, seeding.forget_inherited_connections)
        try:
            with transaction.atomic():
                # Hold the head's row lock for the whole run: nobody else appends to the chain meanwhile.
                head, _ = ChainHead.objects.select_for_update().get_or_create(
                    pk=1, defaults={"last_hash": GENESIS}
                )
                chain = seeding.AuditChain(head.last_id, head.last_hash, counties, factor)
                chain.drop_hash_indexes()
                password = make_password(options["password"] or None)
                jobs = [seeding.Job(number=n, factor=factor, password=password) for n in range(counties)]
                results: Iterable[seeding.CountyResult]
                if pool is not None:
                    results = pool.imap(seeding._work, jobs)
                else:
                    results = seeding.run_counties_here(jobs)
                for n, county in enumerate(results):
                    seeding.merge_counts(counts, county.counts)
                    chain.append(county)
                    self.say(f"第{n + 1}/{counties}个县已生成（{time.monotonic() - started:.1f}秒）")
                chain.rebuild_hash_indexes()
                seeding.merge_counts(counts, chain.counts)
                head.last_id, head.last_hash = chain.last_id, chain.last_hash
                head.save(update_fields=["last_id", "last_hash"])
                if postgres:
                    with connection.cursor() as cur:
                        cur.execute(
                            "SELECT setval(pg_get_serial_sequence('audit_entry', 'id'), %s)", [chain.last_id]
                        )
        except BaseException:
            if pool is not None:
                pool.terminate()
                pool.join()
            raise
        if pool is not None:
            pool.close()
            pool.join()
        if postgres:  # fresh statistics, or the planner takes the new millions of rows for a few
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        seconds = round(time.monotonic() - started, 1)
        self.say(f"已生成{counties}个县的数据，用时{seconds}秒（{workers}个进程）。")
        return {
            "scale": scale,
            "counties": counties,
            "factor": factor,
            "counts": counts,
            "seconds": seconds,
        }
