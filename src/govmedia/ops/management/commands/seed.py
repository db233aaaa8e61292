"""`govmedia seed --scale county|province`: fill a database with realistic, deterministic bulk data.

Per county (province scale = 130 counties): a 县人民政府, its office and e-government centre, 10 townships and
15 departments; ~5 people a unit; ~154 accounts; ~15 400 posts in every state with versions and review steps;
~7 700 messages in every state with their step rows; patrols; ~77 000 audit entries appended to the hash
chain so `govmedia audit verify` still passes. Rows go in with bulk_create; passwords are unusable.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction

from govmedia.audit.chain import GENESIS, entry_hash
from govmedia.audit.models import ChainHead, Entry
from govmedia.inquiries import models as inq
from govmedia.inquiries.rules import STEP_ROLES as INQUIRY_ROLES
from govmedia.org.models import Role, RoleGrant, Unit, User
from govmedia.publishing.content import content_hash
from govmedia.publishing.models import Post, PostVersion, ReviewStep
from govmedia.publishing.routes import STEP_ROLES, StepKind
from govmedia.registry.models import Account, AccountStatus, AccountType
from govmedia.security.models import Patrol
from govmedia.web.commands import BadInput, JsonCommand

SCALES = {"county": 1, "province": 130}
# Rows per county at factor 1: the province targets (20 000 accounts, 2 000 000 posts, 1 000 000 messages,
# 10 000 000 audit entries) divided by 130 counties.
PER_COUNTY = {"accounts": 154, "posts": 15_400, "inquiries": 7_700, "patrols": 3_000, "audit": 77_000}
BATCH = 2_000
SEED = 20260511

SYLLABLES = "青石云河安平宁华清泉山川林溪峰湖阳松竹兰桂梅杨柳远长永昌丰泰和顺康乐新兴"
TOWNSHIPS = ["镇", "乡"]
DEPARTMENTS = [
    "教育体育局",
    "卫生健康局",
    "应急管理局",
    "公安局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "住房和城乡建设局",
    "农业农村局",
    "文化和旅游局",
    "市场监督管理局",
    "民政局",
    "交通运输局",
    "水务局",
    "生态环境分局",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌海波"
TITLES = ["关于做好{}工作的通知", "{}政策解读", "{}民生服务指南", "{}重大活动信息", "{}进展情况通报"]
TOPICS = [
    "防汛抗旱",
    "森林防火",
    "医保缴费",
    "义务教育招生",
    "农村饮水安全",
    "乡村振兴",
    "疫苗接种",
    "就业帮扶",
]
POST_STATUSES = [  # (status, weight): most posts are long published
    (Post.Status.PUBLISHED, 70),
    (Post.Status.DRAFT, 8),
    (Post.Status.IN_REVIEW, 10),
    (Post.Status.APPROVED, 5),
    (Post.Status.REJECTED, 7),
]
INQUIRY_PATHS: dict[str, list[str]] = {  # status -> the kinds of its steps; the last is open unless closed
    inq.Status.RECEIVED: [inq.StepKind.REGISTER],
    inq.Status.REGISTERED: [inq.StepKind.REGISTER, inq.StepKind.INSTRUCT],
    inq.Status.TO_TRANSFER: [inq.StepKind.REGISTER, inq.StepKind.INSTRUCT, inq.StepKind.TRANSFER],
    inq.Status.TRANSFERRED: [
        inq.StepKind.REGISTER,
        inq.StepKind.INSTRUCT,
        inq.StepKind.TRANSFER,
        inq.StepKind.DRAFT_REPLY,
    ],
    inq.Status.COMPILING: [
        inq.StepKind.REGISTER,
        inq.StepKind.INSTRUCT,
        inq.StepKind.TRANSFER,
        inq.StepKind.DRAFT_REPLY,
        inq.StepKind.SIGN_OFF,
        inq.StepKind.COMPILE,
    ],
    inq.Status.REVIEWING: [
        inq.StepKind.REGISTER,
        inq.StepKind.INSTRUCT,
        inq.StepKind.COMPILE,
        inq.StepKind.REVIEW,
    ],
    inq.Status.TO_REPLY: [
        inq.StepKind.REGISTER,
        inq.StepKind.INSTRUCT,
        inq.StepKind.COMPILE,
        inq.StepKind.REVIEW,
        inq.StepKind.REPLY,
    ],
    inq.Status.TO_PETITION: [inq.StepKind.REGISTER, inq.StepKind.INSTRUCT, inq.StepKind.PETITION],
    inq.Status.CLOSED: [
        inq.StepKind.REGISTER,
        inq.StepKind.INSTRUCT,
        inq.StepKind.COMPILE,
        inq.StepKind.REVIEW,
        inq.StepKind.REPLY,
    ],
}
INQUIRY_WEIGHTS = {s: (60 if s == inq.Status.CLOSED else 5) for s in INQUIRY_PATHS}
AUDIT_ACTIONS = [
    "auth.login",
    "publishing.post_saved",
    "publishing.step_decided",
    "publishing.post_published",
    "inquiries.registered",
    "inquiries.replied",
    "security.patrol_recorded",
    "registry.account_updated",
]


class Command(JsonCommand):
    help = "按县或省的规模批量生成演示数据（单位、人员、账号、稿件、留言、巡查、责任日志）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", required=True, help="规模：county（一个县）或 province（130个县）")
        parser.add_argument("--counties", type=int, help="县的数量（覆盖规模的默认值）")
        parser.add_argument("--factor", type=float, default=1.0, help="每县行数的倍数（默认1；测试可用0.01）")

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
        seeder = Seeder(factor)
        if Unit.objects.filter(name=seeder.county_name(0) + "人民政府").exists():
            raise BadInput("数据库中已有种子数据，请换一个空数据库（或只含演示数据的数据库）。")
        started = time.monotonic()
        for n in range(counties):
            with transaction.atomic():
                seeder.county(n)
            self.say(f"第{n + 1}/{counties}个县已生成（{time.monotonic() - started:.1f}秒）")
        seconds = round(time.monotonic() - started, 1)
        self.say(f"已生成{counties}个县的数据，用时{seconds}秒。")
        return {
            "scale": scale,
            "counties": counties,
            "factor": factor,
            "counts": seeder.counts,
            "seconds": seconds,
        }


class Seeder:
    def __init__(self, factor: float) -> None:
        self.rng = random.Random(SEED)
        self.per = {k: max(1, round(v * factor)) for k, v in PER_COUNTY.items()}
        self.counts: dict[str, int] = {}
        self.now = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

    def county_name(self, n: int) -> str:
        a, b = divmod(n, len(SYLLABLES))
        return f"种{SYLLABLES[a % len(SYLLABLES)]}{SYLLABLES[b]}县"

    def _bulk(self, model: Any, rows: list[Any]) -> list[Any]:
        created = model.objects.bulk_create(rows, batch_size=BATCH)
        key = model._meta.label_lower
        self.counts[key] = self.counts.get(key, 0) + len(rows)
        return created

    def _when(self, days: int = 365) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(days * 86_400))

    def _name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))

    def county(self, n: int) -> None:
        rng = self.rng
        county = self.county_name(n)
        tag = f"c{n:04d}"
        # Units: the three county-level units, 10 townships, 15 departments.
        specs = [
            (f"{county}人民政府", "县政府", Unit.Kind.COUNTY_GOV),
            (f"{county}人民政府办公室", "县政府办", Unit.Kind.COUNTY_OFFICE),
            (f"{county}电子政务中心", "电子政务中心", Unit.Kind.EGOV_CENTER),
        ]
        specs += [
            (
                f"{county}{SYLLABLES[(n + i) % len(SYLLABLES)]}{SYLLABLES[i]}{TOWNSHIPS[i % 2]}",
                "",
                Unit.Kind.TOWNSHIP,
            )
            for i in range(10)
        ]
        specs += [(f"{county}{d}", "", Unit.Kind.DEPARTMENT) for d in DEPARTMENTS]
        units = self._bulk(
            Unit,
            [
                Unit(name=name, short_name=(short or name)[:30], kind=kind, order=1000 + n * 100 + i)
                for i, (name, short, kind) in enumerate(specs)
            ],
        )
        gov, office, center = units[0], units[1], units[2]
        local = units[3:]
        # People: five a unit; the county-level units hold the county roles.
        people: list[User] = []
        roles: list[tuple[int, str]] = []
        for ui, unit in enumerate(units):
            for k in range(5):
                user = User(
                    username=f"{tag}_{ui:02d}_{k}",
                    full_name=self._name(),
                    unit=unit,
                    title="工作人员",
                    mobile=f"139{rng.randrange(10**8):08d}",
                )
                user.set_unusable_password()
                people.append(user)
        people = self._bulk(User, people)
        by_unit: dict[int, list[User]] = {}
        for user in people:
            by_unit.setdefault(user.unit_id, []).append(user)  # type: ignore[arg-type]
        county_roles = {
            gov.pk: [Role.COUNTY_LEADER],
            office.pk: [Role.OFFICE_LEADER, Role.LEGAL_REVIEWER, Role.SECRECY_REVIEWER, Role.AUDITOR],
            center.pk: [Role.CENTER_STAFF, Role.DUTY_OFFICER, Role.SYSADMIN, Role.SECADMIN],
        }
        for unit in units:
            for user, role in zip(
                by_unit[unit.pk], county_roles.get(unit.pk, [Role.UNIT_ADMIN, Role.UNIT_LEADER]), strict=False
            ):
                roles.append((user.pk, role))
        self._bulk(RoleGrant, [RoleGrant(user_id=u, role=r) for u, r in roles])
        holder = {
            role: uid for uid, role in roles if role in county_roles[office.pk] + county_roles[center.pk]
        }
        holder[Role.COUNTY_LEADER] = by_unit[gov.pk][0].pk

        # Accounts: the county government's own few, the rest spread over the units.
        types = [t for t in AccountType.values if t != AccountType.OTHER]
        statuses = [AccountStatus.OPERATING] * 8 + [AccountStatus.FILED, AccountStatus.PLANNED]
        accounts = []
        for i in range(self.per["accounts"]):
            unit = gov if i < 4 else units[1 + (i % (len(units) - 1))]
            acc_type = types[i % len(types)]
            expires = (self.now + timedelta(days=rng.randrange(-30, 400))).date()
            accounts.append(
                Account(
                    unit=unit,
                    type=acc_type,
                    wechat_kind="subscription" if acc_type == AccountType.WECHAT else "",
                    name=f"{unit.name}{i}",
                    link=f"https://example.invalid/{tag}/{i}",
                    opened_on=(self.now - timedelta(days=rng.randrange(30, 3000))).date(),
                    leader_name=self._name(),
                    admin_name=self._name(),
                    status=statuses[i % len(statuses)],
                    security_officer_id=by_unit[unit.pk][0].pk,
                    verified=True,
                    verified_by="平台",
                    verification_expires_on=expires,
                )
            )
        accounts = self._bulk(Account, accounts)
        unit_accounts: dict[int, list[int]] = {}
        for acc in accounts:
            unit_accounts.setdefault(acc.unit_id, []).append(acc.pk)

        self._posts(units, local, gov, office, by_unit, holder, unit_accounts)
        self._inquiries(accounts, local, holder, by_unit)
        duty = by_unit[center.pk]
        self._bulk(
            Patrol,
            [
                Patrol(
                    account_id=accounts[i % len(accounts)].pk,
                    at=self._when(),
                    by_id=duty[i % len(duty)].pk,
                    front_content_ok=True,
                    front_comments_ok=rng.random() > 0.05,
                    back_operators_ok=True,
                    back_signins_ok=True,
                    back_interfaces_ok=True,
                    result=Patrol.Result.NORMAL if rng.random() > 0.05 else Patrol.Result.ANOMALY,
                )
                for i in range(self.per["patrols"])
            ],
        )
        self._audit(people, units)

    def _posts(
        self,
        units: list[Unit],
        local: list[Unit],
        gov: Unit,
        office: Unit,
        by_unit: dict[int, list[User]],
        holder: dict[str, int],
        unit_accounts: dict[int, list[int]],
    ) -> None:
        rng = self.rng
        statuses = [s for s, _ in POST_STATUSES]
        weights = [w for _, w in POST_STATUSES]
        for start in range(0, self.per["posts"], BATCH):
            count = min(BATCH, self.per["posts"] - start)
            posts: list[Post] = []
            plans: list[tuple[str, bool, list[int], int]] = []  # status, county route, account ids, versions
            for _ in range(count):
                to_county = rng.random() < 0.2
                unit = office if to_county else rng.choice(local)
                account_ids = unit_accounts.get(gov.pk if to_county else unit.pk) or unit_accounts[gov.pk]
                status = rng.choices(statuses, weights)[0]
                topic = rng.choice(TOPICS)
                data = {
                    "title": rng.choice(TITLES).format(topic),
                    "body": f"{unit.name}{topic}相关信息。" * rng.randint(3, 12),
                    "category": rng.choice("abcdefghij"),
                    "kind": Post.Kind.ORIGINAL,
                }
                updated = self._when()
                versions = rng.randint(1, 3)
                round_ = 0 if status == Post.Status.DRAFT else (2 if status == Post.Status.REJECTED else 1)
                post = Post(
                    unit=unit,
                    author_id=by_unit[unit.pk][0].pk,
                    content_hash=content_hash(data),
                    version=versions,
                    round=round_,
                    status=status,
                    submitted_at=updated - timedelta(days=2) if round_ else None,
                    **data,
                )
                if status in (Post.Status.APPROVED, Post.Status.PUBLISHED):
                    post.approved_at = updated - timedelta(hours=5)
                if status == Post.Status.PUBLISHED:
                    post.published_at = updated
                    post.published_url = "https://example.invalid/p"
                    post.published_by_id = by_unit[unit.pk][0].pk
                posts.append(post)
                plans.append((status, to_county, account_ids[: rng.randint(1, 2)], versions))
            posts = self._bulk(Post, posts)
            # auto_now stamps every row "now"; spread updated_at/created_at over the year like real data.
            for post in posts:
                post.updated_at = post.published_at or self._when()
                post.created_at = post.updated_at - timedelta(days=3)
            Post.objects.bulk_update(posts, ["updated_at", "created_at"], batch_size=BATCH)
            links, versions_rows, steps = [], [], []
            for post, (state, to_county, account_ids, nversions) in zip(posts, plans, strict=True):
                links += [Post.accounts.through(post_id=post.pk, account_id=a) for a in account_ids]
                content = post.content()
                for number in range(1, nversions + 1):
                    versions_rows.append(
                        PostVersion(
                            post_id=post.pk,
                            number=number,
                            content=content,
                            content_hash=post.content_hash,
                            created_by_id=post.author_id,
                        )
                    )
                steps += self._steps(post, state, to_county, holder)
            self._bulk(Post.accounts.through, links)
            self._bulk(PostVersion, versions_rows)
            self._bulk(ReviewStep, steps)

    def _steps(self, post: Post, status: str, to_county: bool, holder: dict[str, int]) -> list[ReviewStep]:
        if post.round == 0:
            return []
        kinds = [StepKind.LEGALITY, StepKind.SECRECY]
        kinds += (
            [StepKind.CENTER_PROPOSAL, StepKind.OFFICE_APPROVAL] if to_county else [StepKind.UNIT_APPROVAL]
        )
        at = post.submitted_at or self.now
        rows = []
        for rnd in range(1, post.round + 1):
            last_round = rnd == post.round
            open_at = self.rng.randrange(len(kinds)) if status == Post.Status.IN_REVIEW else len(kinds)
            reject_at = (
                self.rng.randrange(len(kinds)) if not last_round or status == Post.Status.REJECTED else -1
            )
            for order, kind in enumerate(kinds, start=1):
                i = order - 1
                step = ReviewStep(
                    post_id=post.pk,
                    round=rnd,
                    order=order,
                    kind=kind,
                    assignee_role=STEP_ROLES[kind],
                    assignee_unit_id=post.unit_id if kind == StepKind.UNIT_APPROVAL else None,
                )
                if reject_at >= 0 and i > reject_at:
                    step.decision = ReviewStep.Decision.VOID
                elif i < open_at and (reject_at < 0 or i <= reject_at):
                    step.received_at = at + timedelta(hours=i)
                    step.decision = (
                        ReviewStep.Decision.REJECT if i == reject_at else ReviewStep.Decision.APPROVE
                    )
                    step.decided_at = at + timedelta(hours=i + 1)
                    step.decided_by_id = holder.get(STEP_ROLES[kind], post.author_id)
                    step.decided_hash = post.content_hash
                    step.comment = "退回修改" if i == reject_at else "同意"
                elif i == open_at:
                    step.received_at = at + timedelta(hours=i)
                rows.append(step)
        return rows

    def _inquiries(
        self,
        accounts: list[Account],
        local: list[Unit],
        holder: dict[str, int],
        by_unit: dict[int, list[User]],
    ) -> None:
        rng = self.rng
        statuses = list(INQUIRY_PATHS)
        weights = [INQUIRY_WEIGHTS[s] for s in statuses]
        kinds = [k for k in inq.Kind.values if k != inq.Kind.PETITION]
        for start in range(0, self.per["inquiries"], BATCH):
            count = min(BATCH, self.per["inquiries"] - start)
            rows, plans = [], []
            for _ in range(count):
                status = rng.choices(statuses, weights)[0]
                account = rng.choice(accounts)
                received = self._when()
                row = inq.Inquiry(
                    account=account,
                    platform=account.type,
                    sender_id=f"u{rng.randrange(10**9)}",
                    sender_name=self._name(),
                    content=f"请问{rng.choice(TOPICS)}怎么办理？" * rng.randint(1, 4),
                    received_at=received,
                    kind=inq.Kind.PETITION if status == inq.Status.TO_PETITION else rng.choice(kinds),
                    status=status,
                )
                if status != inq.Status.RECEIVED:
                    row.registered_by_id = holder[Role.CENTER_STAFF]
                    row.registered_at = received + timedelta(minutes=20)
                if status == inq.Status.CLOSED:
                    row.outcome = inq.Outcome.REPLIED
                    row.reply_text = row.compiled_text = "您好，已转有关部门办理，感谢关注。"
                    row.replied_at = row.closed_at = received + timedelta(hours=30)
                    row.replied_by_id = holder[Role.CENTER_STAFF]
                rows.append(row)
                plans.append((status, rng.choice(local)))
            rows = self._bulk(inq.Inquiry, rows)
            steps = []
            for row, (status, unit) in zip(rows, plans, strict=True):
                path = INQUIRY_PATHS[status]
                for i, kind in enumerate(path):
                    done = status == inq.Status.CLOSED or i < len(path) - 1
                    in_unit = kind in inq.UNIT_STEPS
                    role = INQUIRY_ROLES[kind]
                    step = inq.Step(
                        inquiry_id=row.pk,
                        kind=kind,
                        assignee_role=role,
                        assignee_unit_id=unit.pk if in_unit else None,
                        received_at=row.received_at + timedelta(hours=i),
                        state=inq.StepState.DONE if done else inq.StepState.OPEN,
                        units=[unit.pk] if kind == inq.StepKind.TRANSFER else [],
                    )
                    if done:
                        step.decided_at = step.received_at + timedelta(minutes=40)
                        step.decided_by_id = by_unit[unit.pk][0].pk if in_unit else holder.get(role)
                        step.decision = "transfer" if kind == inq.StepKind.INSTRUCT else ""
                    steps.append(step)
            self._bulk(inq.Step, steps)

    def _audit(self, people: list[User], units: list[Unit]) -> None:
        """Append entries to the chain under the head's lock, exactly as `audit.services.record` would."""
        rng = self.rng
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        unit_names = {u.pk: u.name for u in units}
        last_id, last_hash = head.last_id, head.last_hash
        start_at = self.now - timedelta(days=365)
        step = timedelta(days=365) / max(1, self.per["audit"])
        total = self.per["audit"]
        for start in range(0, total, BATCH):
            rows = []
            for k in range(start, min(total, start + BATCH)):
                actor = people[rng.randrange(len(people))]
                action = AUDIT_ACTIONS[k % len(AUDIT_ACTIONS)]
                entry = Entry(
                    id=last_id + 1,
                    at=(start_at + step * k).replace(microsecond=0),
                    actor_id=actor.pk,
                    actor_name=actor.full_name,
                    unit_name=unit_names.get(actor.unit_id or 0, ""),
                    action=action,
                    success=True,
                    object_type="publishing.post" if action.startswith("publishing") else "",
                    object_id=str(rng.randrange(1, 10**6)) if action.startswith("publishing") else "",
                    object_repr="",
                    ip=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                    before=None,
                    after={"seed": True, "n": k},
                    prev_hash=last_hash,
                )
                entry.hash = entry_hash(last_hash, entry.chained_fields())
                last_id, last_hash = entry.pk, entry.hash
                rows.append(entry)
            self._bulk(Entry, rows)
        head.last_id, head.last_hash = last_id, last_hash
        head.save(update_fields=["last_id", "last_hash"])
