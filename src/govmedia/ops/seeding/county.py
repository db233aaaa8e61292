"""One county's rows, from its own random stream."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from govmedia.calendar.models import Deadline
from govmedia.calendar.services import deadline_fields
from govmedia.inquiries import models as inq
from govmedia.inquiries.rules import STEP_ROLES as INQUIRY_ROLES
from govmedia.inquiries.services import CLAUSE, REPLY_WITHIN_HOURS, UNIT_REPLY_WORKDAYS
from govmedia.org import models as org
from govmedia.org.models import Role, RoleGrant, Unit, User
from govmedia.publishing.content import content_hash
from govmedia.publishing.models import Post, PostVersion, ReviewStep
from govmedia.publishing.routes import STEP_ROLES, STEP_WORKDAYS, StepKind
from govmedia.publishing.services import PUBLISH_WITHIN_HOURS
from govmedia.registry import rules
from govmedia.registry.models import Account, AccountStatus, AccountType, Filing, OperatorGrant
from govmedia.registry.rules import GRANT_REVIEW_DAYS, late_workdays
from govmedia.registry.services import effective_date
from govmedia.security.models import Patrol

from .shape import (
    DEPARTMENTS,
    GIVEN,
    INQUIRY_PATHS,
    INQUIRY_WEIGHTS,
    NOW,
    POST_STATUSES,
    SEED,
    SURNAMES,
    SYLLABLES,
    TITLES,
    TOPICS,
    TOWNSHIPS,
    county_name,
    per_county,
)
from .writers import BATCH, Deadlines, RawJson, Writer, table

NO_UNITS = RawJson("[]")


@dataclass
class Job:
    number: int  # the county's number (its name and random stream)
    factor: float
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    password: str = field(default_factory=lambda: make_password(None))  # a hash, shared by all the people


@dataclass
class People:
    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # each person's unit name


@dataclass
class CountyResult:
    """What the audit writer needs from a county written elsewhere: its people and its posts' ids."""

    number: int
    counts: dict[str, int]
    people: People
    post_ids: list[int]


class CountySeeder:
    def __init__(self, job: Job, writer: Writer) -> None:
        self.job = job
        self.n = job.number
        self.rng = random.Random(SEED * 10_000 + job.number)
        self.per = per_county(job.factor)
        self.w = writer
        self.county_id = 0  # the county's row id, once written
        self.deadlines = Deadlines(writer)

    def _when(self, days: int = 365) -> datetime:
        return NOW - timedelta(seconds=self.rng.randrange(days * 86_400))

    def _name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))

    def run(self) -> CountyResult:
        with transaction.atomic():
            if connection.vendor == "postgresql":  # seed data: a crash loses the run anyway
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL synchronous_commit = off")
            return self._run()

    def _run(self) -> CountyResult:
        rng, n, w, per = self.rng, self.n, self.w, self.per
        name = county_name(n)
        tag = f"c{n:04d}"
        specs = [
            (f"{name}人民政府", "县政府", Unit.Kind.COUNTY_GOV),
            (f"{name}人民政府办公室", "县政府办", Unit.Kind.COUNTY_OFFICE),
            (f"{name}电子政务中心", "电子政务中心", Unit.Kind.EGOV_CENTER),
        ]
        specs += [
            (
                f"{name}{SYLLABLES[(n + i) % len(SYLLABLES)]}{SYLLABLES[i]}{TOWNSHIPS[i % 2]}",
                "",
                Unit.Kind.TOWNSHIP,
            )
            for i in range(10)
        ]
        specs += [(f"{name}{d}", "", Unit.Kind.DEPARTMENT) for d in DEPARTMENTS]
        t_county = table(org.County, "id", "name")
        (county_id,) = w.ids(t_county, 1)
        self.county_id = county_id
        w.write(t_county, [(county_id, name)])
        t_unit = table(Unit, "id", "county_id", "name", "short_name", "kind", "order")
        unit_ids = w.ids(t_unit, len(specs))
        unit_names = [s[0] for s in specs]
        w.write(
            t_unit,
            [
                (unit_ids[i], county_id, nm, (short or nm)[:30], kind, 1000 + n * 100 + i)
                for i, (nm, short, kind) in enumerate(specs)
            ],
        )
        gov, office, center = 0, 1, 2
        local = list(range(3, len(specs)))

        # People: five a unit; the county-level units hold the county roles.
        t_user = table(
            User, "id", "username", "full_name", "unit_id", "title", "mobile", "password", "date_joined"
        )
        n_people = 5 * len(specs)
        people = People(w.ids(t_user, n_people))
        user_rows = []
        for ui in range(len(specs)):
            for k in range(5):
                full_name = self._name()
                pid = people.ids[len(people.names)]
                people.names.append(full_name)
                people.units.append(unit_names[ui])
                user_rows.append(
                    (
                        pid,
                        f"{tag}_{ui:02d}_{k}",
                        full_name,
                        unit_ids[ui],
                        "工作人员",
                        f"139{rng.randrange(10**8):08d}",
                        self.job.password,
                        self.job.now,
                    )
                )
        w.write(t_user, user_rows)
        first_of = {ui: people.ids[5 * ui] for ui in range(len(specs))}  # each unit's first person
        county_roles = {
            gov: [Role.COUNTY_LEADER],
            office: [Role.OFFICE_LEADER, Role.LEGAL_REVIEWER, Role.SECRECY_REVIEWER, Role.AUDITOR],
            center: [Role.CENTER_STAFF, Role.DUTY_OFFICER, Role.SYSADMIN, Role.SECADMIN],
        }
        roles: list[tuple[int, str]] = []
        for ui in range(len(specs)):
            for k, role in enumerate(county_roles.get(ui, [Role.UNIT_ADMIN, Role.UNIT_LEADER])[:5]):
                roles.append((people.ids[5 * ui + k], role))
        w.write(table(RoleGrant, "user_id", "role", "granted_at"), [(u, r, self.job.now) for u, r in roles])
        holder = {role: uid for uid, role in roles if role in county_roles[office] + county_roles[center]}
        holder[Role.COUNTY_LEADER] = first_of[gov]

        # Accounts: the county government's own few, the rest spread over the units.
        types = [t for t in AccountType.values if t != AccountType.OTHER]
        statuses = [AccountStatus.OPERATING] * 8 + [AccountStatus.FILED, AccountStatus.PLANNED]
        t_acc = table(
            Account,
            "id",
            "unit_id",
            "type",
            "wechat_kind",
            "name",
            "link",
            "opened_on",
            "leader_name",
            "admin_name",
            "status",
            "security_officer_id",
            "verified",
            "verified_by",
            "verification_expires_on",
            "created_at",
            "updated_at",
        )
        acc_ids = w.ids(t_acc, per["accounts"])
        acc_types: list[str] = []
        unit_accounts: dict[int, list[int]] = {}
        acc_rows = []
        for i in range(per["accounts"]):
            ui = gov if i < 4 else 1 + (i % (len(specs) - 1))
            acc_type = types[i % len(types)]
            expires = (NOW + timedelta(days=rng.randrange(-30, 400))).date()
            acc_rows.append(
                (
                    acc_ids[i],
                    unit_ids[ui],
                    acc_type,
                    "subscription" if acc_type == AccountType.WECHAT else "",
                    f"{unit_names[ui]}{i}",
                    f"https://example.invalid/{tag}/{i}",
                    (NOW - timedelta(days=rng.randrange(30, 3000))).date(),
                    self._name(),
                    self._name(),
                    statuses[i % len(statuses)],
                    first_of[ui],
                    True,
                    "平台",
                    expires,
                    self.job.now,
                    self.job.now,
                )
            )
            acc_types.append(acc_type)
            unit_accounts.setdefault(ui, []).append(acc_ids[i])
        w.write(t_acc, acc_rows)
        self._filings(acc_rows, holder[Role.OFFICE_LEADER])
        self._grants(acc_rows, {unit_ids[ui]: people.ids[5 * ui : 5 * ui + 5] for ui in range(len(specs))})

        post_ids = self._posts(unit_ids, unit_names, local, first_of, holder, unit_accounts)
        latest = (
            Post.objects.filter(accounts=models.OuterRef("pk"), published_at__isnull=False)
            .order_by()
            .values("accounts")
            .annotate(at=models.Max("published_at"))
            .values("at")
        )
        Account.objects.filter(pk__in=acc_ids).update(last_published_at=models.Subquery(latest))
        self._inquiries(acc_ids, acc_types, unit_ids, local, first_of, holder)
        duty = people.ids[5 * center : 5 * center + 5]
        w.write(
            table(
                Patrol,
                "account_id",
                "at",
                "by_id",
                "front_content_ok",
                "front_comments_ok",
                "back_operators_ok",
                "back_signins_ok",
                "back_interfaces_ok",
                "result",
            ),
            [
                (
                    acc_ids[i % len(acc_ids)],
                    self._when(),
                    duty[i % len(duty)],
                    True,
                    rng.random() > 0.05,
                    True,
                    True,
                    True,
                    Patrol.Result.NORMAL if rng.random() > 0.05 else Patrol.Result.ANOMALY,
                )
                for i in range(per["patrols"])
            ],
        )
        return CountyResult(n, w.counts, people, post_ids)

    def _filings(self, acc_rows: list[tuple[Any, ...]], office_leader: int) -> None:
        """Each account's filings with the county office (4.2), the columns the ledger, 我的待办 and 检查指标
        read as the services leave them (not the A.1 snapshot or the review history): an opened account's
        opening filing accepted (one in twelve first sent late), a planned account's sent, in draft or
        returned, and a personnel-change filing accepted for a quarter of the opened accounts."""
        rng, resolver, effective = self.rng, self.deadlines.resolver, effective_date()
        t_filing = table(
            Filing,
            "account_id",
            "kind",
            "event_date",
            "status",
            "deadline_id",
            "created_by_id",
            "created_at",
            "first_submitted_at",
            "submitted_at",
            "late",
            "late_workdays",
            "reviewed_by_id",
            "reviewed_at",
        )
        rows = []
        for account, _, _, _, _, _, opened_on, _, _, status, admin, *_ in acc_rows:
            if status == AccountStatus.PLANNED:
                state = rng.choice([Filing.Status.SUBMITTED, Filing.Status.DRAFT, Filing.Status.RETURNED])
                filings = [(rules.NEW, (NOW + timedelta(days=rng.randrange(10, 60))).date(), state)]
            else:  # an account opened before the standard took effect is filed as an existing one (4.2)
                opened = (rules.NEW, opened_on) if opened_on >= effective else (rules.EXISTING, effective)
                filings = [(*opened, Filing.Status.ACCEPTED)]
                if rng.random() < 0.25:
                    filings.append((rules.PERSONNEL_CHANGE, self._when(300).date(), Filing.Status.ACCEPTED))
            for kind, event, state in filings:
                rule = rules.FILING_DEADLINES[kind]
                due = deadline_fields(rule.rule, event, rule.n, rule.clause, resolver=resolver)
                before = rule.rule == Deadline.Rule.BEFORE_WORKDAYS
                # Written before the event it announces, or on the day of the event it reports.
                written = datetime.combine(event, time(9), UTC)
                sent = reviewed = None
                late_days = 0
                if state == Filing.Status.DRAFT:
                    written = min(written, NOW) - timedelta(days=rng.randrange(1, 10))
                else:
                    if rng.random() < 1 / 12:
                        sent = due["due_at"] + timedelta(days=rng.randrange(1, 15))
                        sent_on = timezone.localtime(sent).date()
                        late_days = late_workdays(
                            due["due_date"], sent_on, lambda d: resolver.day_info(d).workday
                        )
                    elif before:
                        sent = due["due_at"] - timedelta(hours=rng.randrange(1, 200))
                    else:
                        sent = written + (due["due_at"] - written) * rng.random()
                    if before:
                        written = min(written, sent) - timedelta(days=rng.randrange(1, 10))
                    if state != Filing.Status.SUBMITTED:
                        reviewed = sent + timedelta(hours=rng.randrange(2, 72))
                deadline = self.deadlines.add({**due, "started_at": written}, sent)
                rows.append(
                    (
                        account,
                        kind,
                        event,
                        state,
                        deadline,
                        admin,
                        written,
                        sent,
                        sent,
                        bool(sent and sent > due["due_at"]),
                        late_days if sent else None,
                        office_leader if reviewed else None,
                        reviewed,
                    )
                )
        self.deadlines.flush()
        self.w.write(t_filing, rows)

    def _grants(self, acc_rows: list[tuple[Any, ...]], people_of: dict[int, list[int]]) -> None:
        """Who may operate each account (3.2.3): two people of its unit, granted by its administrator, most
        reviewed within the last review period (of the seed's clock), one grant in ten revoked."""
        rng = self.rng
        t_grant = table(
            OperatorGrant,
            "account_id",
            "user_id",
            "granted_on",
            "revoked_on",
            "granted_by_id",
            "reviewed_on",
            "reviewed_by_id",
        )
        rows = []
        today = NOW.date()
        for account, unit_id, _, _, _, _, opened_on, _, _, _, admin, *_ in acc_rows:
            for operator in people_of[unit_id][2:4]:
                granted = opened_on + (today - opened_on) * rng.random() if opened_on < today else today
                revoked = granted + (today - granted) * rng.random() if rng.random() < 0.1 else None
                last_review = today - timedelta(days=rng.randrange(0, GRANT_REVIEW_DAYS + 60))
                reviewed = last_review if last_review >= granted and not revoked else None
                rows.append(
                    (account, operator, granted, revoked, admin, reviewed, admin if reviewed else None)
                )
        self.w.write(t_grant, rows)

    def _posts(
        self,
        unit_ids: list[int],
        unit_names: list[str],
        local: list[int],
        first_of: dict[int, int],
        holder: dict[str, int],
        unit_accounts: dict[int, list[int]],
    ) -> list[int]:
        rng, w = self.rng, self.w
        gov, office = 0, 1
        statuses = [s for s, _ in POST_STATUSES]
        weights = [w_ for _, w_ in POST_STATUSES]
        t_post = table(
            Post,
            "id",
            "unit_id",
            "author_id",
            "title",
            "body",
            "category",
            "kind",
            "content_hash",
            "version",
            "round",
            "status",
            "submitted_at",
            "approved_at",
            "published_at",
            "published_url",
            "published_by_id",
            "created_at",
            "updated_at",
            "publish_deadline_id",
        )
        t_link = table(Post.accounts.through, "post_id", "account_id")
        t_version = table(
            PostVersion, "post_id", "number", "content", "content_hash", "created_by_id", "created_at"
        )
        t_step = table(
            ReviewStep,
            "post_id",
            "county_id",
            "round",
            "order",
            "kind",
            "assignee_role",
            "assignee_unit_id",
            "received_at",
            "decision",
            "decided_at",
            "decided_by_id",
            "decided_hash",
            "comment",
            "deadline_id",
        )
        total = self.per["posts"]
        ids = w.ids(t_post, total)
        for start in range(0, total, BATCH):
            posts, links, versions, steps = [], [], [], []
            for pid in ids[start : start + BATCH]:
                to_county = rng.random() < 0.2
                ui = office if to_county else rng.choice(local)
                account_ids = unit_accounts.get(gov if to_county else ui) or unit_accounts[gov]
                status = rng.choices(statuses, weights)[0]
                topic = rng.choice(TOPICS)
                title = rng.choice(TITLES).format(topic)
                body = f"{unit_names[ui]}{topic}相关信息。" * rng.randint(3, 12)
                category = rng.choice("abcdefghij")
                content = {
                    "title": title,
                    "body": body,
                    "category": category,
                    "kind": Post.Kind.ORIGINAL.value,
                    "repost": None,
                    "portal_url": None,
                    "emergency": None,
                    "media": None,
                }
                chash = content_hash(content)
                content_json = RawJson(json.dumps(content, ensure_ascii=False))
                updated = self._when()
                nversions = rng.randint(1, 3)
                round_ = 0 if status == Post.Status.DRAFT else (2 if status == Post.Status.REJECTED else 1)
                submitted = updated - timedelta(days=2) if round_ else None
                approved = published = None
                url, published_by, publish_deadline = "", None, None
                author = first_of[ui]
                if status == Post.Status.APPROVED:
                    approved = updated - timedelta(hours=5)
                if status == Post.Status.PUBLISHED:
                    published, url, published_by = updated, "https://example.invalid/p", author
                    # Out within the hour of the approval (R5.4-5), one in fifty late.
                    approved = updated - timedelta(minutes=90 if pid % 50 == 0 else 10 + pid % 45)
                if approved is not None:
                    publish_deadline = self.deadlines.open(
                        Deadline.Rule.AFTER_HOURS, PUBLISH_WITHIN_HOURS, "5.4", approved, published
                    )
                links += [(pid, a) for a in account_ids[: rng.randint(1, 2)]]
                # Spread updated_at/created_at over the year like real data (auto_now would say "now").
                updated_at = published or self._when()
                created_at = updated_at - timedelta(days=3)
                posts.append(
                    (
                        pid,
                        unit_ids[ui],
                        author,
                        title,
                        body,
                        category,
                        Post.Kind.ORIGINAL.value,
                        chash,
                        nversions,
                        round_,
                        status,
                        submitted,
                        approved,
                        published,
                        url,
                        published_by,
                        created_at,
                        updated_at,
                        publish_deadline,
                    )
                )
                for number in range(1, nversions + 1):
                    versions.append(
                        (pid, number, content_json, chash, author, created_at + timedelta(hours=number))
                    )
                if round_:
                    steps += self._steps(
                        pid, unit_ids[ui], author, chash, status, round_, submitted or NOW, to_county, holder
                    )
            self.deadlines.flush()
            w.write(t_post, posts)
            w.write(t_link, links)
            w.write(t_version, versions)
            w.write(t_step, steps)
        return ids

    def _steps(
        self,
        post_id: int,
        unit_id: int,
        author: int,
        chash: str,
        status: str,
        rounds: int,
        at: datetime,
        to_county: bool,
        holder: dict[str, int],
    ) -> list[tuple[Any, ...]]:
        kinds = [StepKind.LEGALITY, StepKind.SECRECY]
        kinds += (
            [StepKind.CENTER_PROPOSAL, StepKind.OFFICE_APPROVAL] if to_county else [StepKind.UNIT_APPROVAL]
        )
        rows: list[tuple[Any, ...]] = []
        for rnd in range(1, rounds + 1):
            last_round = rnd == rounds
            open_at = self.rng.randrange(len(kinds)) if status == Post.Status.IN_REVIEW else len(kinds)
            reject_at = (
                self.rng.randrange(len(kinds)) if not last_round or status == Post.Status.REJECTED else -1
            )
            for order, kind in enumerate(kinds, start=1):
                i = order - 1
                role = STEP_ROLES[kind]
                place = (
                    post_id,
                    self.county_id,
                    rnd,
                    order,
                    kind.value,
                    role,
                    unit_id if kind == StepKind.UNIT_APPROVAL else None,
                )
                received = at + timedelta(hours=i)
                days = STEP_WORKDAYS.get(kind)
                if reject_at >= 0 and i > reject_at:
                    rows.append((*place, None, ReviewStep.Decision.VOID.value, None, None, "", "", None))
                elif i < open_at and (reject_at < 0 or i <= reject_at):
                    rejected = i == reject_at
                    decided = received + timedelta(hours=1)
                    rows.append(
                        (
                            *place,
                            received,
                            (ReviewStep.Decision.REJECT if rejected else ReviewStep.Decision.APPROVE).value,
                            decided,
                            holder.get(role, author),
                            chash,
                            "退回修改" if rejected else "同意",
                            self._step_deadline(days, received, decided),
                        )
                    )
                elif i == open_at:
                    rows.append(
                        (
                            *place,
                            received,
                            ReviewStep.Decision.PENDING.value,
                            None,
                            None,
                            "",
                            "",
                            self._step_deadline(days, received, None),
                        )
                    )
                else:
                    rows.append((*place, None, ReviewStep.Decision.PENDING.value, None, None, "", "", None))
        return rows

    def _step_deadline(self, days: int | None, received: datetime, decided: datetime | None) -> int | None:
        """A review step's clock, where the standard sets one (`publishing.routes.STEP_WORKDAYS`)."""
        if not days:
            return None
        return self.deadlines.open(Deadline.Rule.AFTER_WORKDAYS, days, "5.4", received, decided)

    def _message_deadline(self, kind: str, start: datetime, done: datetime | None) -> int | None:
        """A message step's clock, as `inquiries.services` opens it: the unit's reply in 5 working days,
        the reply itself within the hour of the leader's review (R7-3, R7-4)."""
        if kind == inq.StepKind.DRAFT_REPLY:
            return self.deadlines.open(Deadline.Rule.AFTER_WORKDAYS, UNIT_REPLY_WORKDAYS, CLAUSE, start, done)
        if kind == inq.StepKind.REPLY:
            return self.deadlines.open(Deadline.Rule.AFTER_HOURS, REPLY_WITHIN_HOURS, CLAUSE, start, done)
        return None

    def _inquiries(
        self,
        acc_ids: list[int],
        acc_types: list[str],
        unit_ids: list[int],
        local: list[int],
        first_of: dict[int, int],
        holder: dict[str, int],
    ) -> None:
        rng, w = self.rng, self.w
        statuses = list(INQUIRY_PATHS)
        weights = [INQUIRY_WEIGHTS[s] for s in statuses]
        kinds = [k for k in inq.Kind.values if k != inq.Kind.PETITION]
        t_inq = table(
            inq.Inquiry,
            "id",
            "account_id",
            "platform",
            "sender_id",
            "sender_name",
            "content",
            "received_at",
            "kind",
            "status",
            "registered_by_id",
            "registered_at",
            "outcome",
            "reply_text",
            "compiled_text",
            "replied_at",
            "closed_at",
            "replied_by_id",
            "created_at",
            "updated_at",
        )
        t_step = table(
            inq.Step,
            "inquiry_id",
            "county_id",
            "kind",
            "assignee_role",
            "assignee_unit_id",
            "received_at",
            "state",
            "units",
            "decided_at",
            "decided_by_id",
            "decision",
            "deadline_id",
        )
        staff = holder[Role.CENTER_STAFF]
        reply = "您好，已转有关部门办理，感谢关注。"
        total = self.per["inquiries"]
        ids = w.ids(t_inq, total)
        for start in range(0, total, BATCH):
            rows, steps = [], []
            for iid in ids[start : start + BATCH]:
                status = rng.choices(statuses, weights)[0]
                a = rng.randrange(len(acc_ids))
                received = self._when()
                sender_id = f"u{rng.randrange(10**9)}"
                sender_name = self._name()
                content = f"请问{rng.choice(TOPICS)}怎么办理？" * rng.randint(1, 4)
                kind = inq.Kind.PETITION.value if status == inq.Status.TO_PETITION else rng.choice(kinds)
                registered = status != inq.Status.RECEIVED
                closed = status == inq.Status.CLOSED
                done_at = received + timedelta(hours=30) if closed else None
                rows.append(
                    (
                        iid,
                        acc_ids[a],
                        acc_types[a],
                        sender_id,
                        sender_name,
                        content,
                        received,
                        kind,
                        status,
                        staff if registered else None,
                        received + timedelta(minutes=20) if registered else None,
                        inq.Outcome.REPLIED.value if closed else "",
                        reply if closed else "",
                        reply if closed else "",
                        done_at,
                        done_at,
                        staff if closed else None,
                        self.job.now,
                        self.job.now,
                    )
                )
                ui = rng.choice(local)
                path = INQUIRY_PATHS[status]
                for i, step_kind in enumerate(path):
                    done = closed or i < len(path) - 1
                    in_unit = step_kind in inq.UNIT_STEPS
                    role = INQUIRY_ROLES[step_kind]
                    step_at = received + timedelta(hours=i)
                    done_at = step_at + timedelta(minutes=40) if done else None
                    steps.append(
                        (
                            iid,
                            self.county_id,
                            step_kind,
                            role,
                            unit_ids[ui] if in_unit else None,
                            step_at,
                            inq.StepState.DONE.value if done else inq.StepState.OPEN.value,
                            RawJson(f"[{unit_ids[ui]}]") if step_kind == inq.StepKind.TRANSFER else NO_UNITS,
                            done_at,
                            (first_of[ui] if in_unit else holder.get(role)) if done else None,
                            ("transfer" if step_kind == inq.StepKind.INSTRUCT else "") if done else "",
                            self._message_deadline(step_kind, step_at, done_at),
                        )
                    )
            self.deadlines.flush()
            w.write(t_inq, rows)
            w.write(t_step, steps)
