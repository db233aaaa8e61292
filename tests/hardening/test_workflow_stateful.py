"""Issue #10: the publishing and message workflows keep their invariants whatever the order of actions.

A hypothesis `RuleBasedStateMachine` drives posts (chapter 5) and messages (chapter 7) only through the
service functions, as the demo people of CONTRACT.md "Who acts" and as people who must be refused, on a
controlled clock, with a fake Weibo adapter behind the outbox (B-6). After every step the database is
checked:

1. R5.1-1, B-2, R5.4-1 … R5.4-4: nothing is published (no published post, no archive, no call to a
   platform from the outbox) unless every step of the route the post needs *now* was approved, by a
   person holding that step, for the post's current content hash.
2. R7-1 … R7-4, R7-6: no message is closed without a reply, the petition channel told, or the leader's
   recorded reason for taking no action; a closed message has no open step, an open one has one.
3. B-1 (DEADLINES.md "What a deadline carries"): a stored deadline never moves earlier, never disappears,
   and a met deadline keeps the moment it was met.

Expected refusals (InvalidState, PermissionDenied, ContentRejected, ValidationError) are part of the game;
any other exception fails the test. Every example runs in a savepoint rolled back at teardown.

The machine found that changing a post's `sensitive` flag or its accounts after submission kept the old
route's approvals, so it could be published without the steps its new route needs; such an edit now voids
the round, and the regression test at the end keeps it so.

`GOVMEDIA_STATEFUL_EXAMPLES=500` runs a longer, randomised exploration (the suite's run is derandomised).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from govmedia.calendar import resolver
from govmedia.calendar.models import Deadline
from govmedia.inquiries import intake
from govmedia.inquiries import services as inquiries
from govmedia.inquiries.models import Inquiry, Instruction, Outcome, Petition, Status, Step, StepState
from govmedia.inquiries.models import StepKind as InquiryStep
from govmedia.inquiries.rules import holds
from govmedia.org.models import Unit, User
from govmedia.org.permissions import can
from govmedia.platforms import services as platforms
from govmedia.platforms.adapters.base import Credentials, PostPayload, Published
from govmedia.platforms.models import Delivery
from govmedia.publishing import services as publishing
from govmedia.publishing.content import content_hash
from govmedia.publishing.models import Archive, Post, PostVersion, ReviewStep
from govmedia.publishing.routes import STEP_ROLES, RouteError, StepKind, Target, route
from govmedia.registry.models import Account
from govmedia.web.errors import ContentRejected, InvalidState

REFUSALS = (InvalidState, PermissionDenied, ContentRejected, ValidationError)
START = datetime(2026, 11, 27, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Friday
HOLDER = "@holder"  # "whoever holds the step": the right actor per CONTRACT.md "Who acts"
USERS = (
    "center",
    "office_leader",
    "county_leader",
    "edu_admin",
    "edu_leader",
    "town_admin",
    "town_leader",
    "legal_reviewer",
    "secrecy_reviewer",
    "auditor",
)
# Half the time whoever holds the step, otherwise anyone (most of whom must be refused).
WHO = st.one_of(st.just(HOLDER), st.sampled_from(USERS))
UNIT_NAMES = {"county": "姚安县人民政府", "edu": "县教育体育局", "town": "栋川镇"}
GOOD = {
    "title": "关于2026年秋季学期开学安排的通知",
    "body": "各位家长：秋季学期将于9月1日开学，请做好准备。",
    "category": "i",
    "kind": "original",
}
CONTENTS = {
    "good": GOOD,
    "portal": {**GOOD, "kind": "portal", "portal_url": "https://www.yaoan.gov.cn/info/1001.html"},
    "blocked": {**GOOD, "body": "本文件为内部资料，不得外传。"},  # content.classified_marking
}
# Edits that change the route a post needs (R5.4-2, R5.4-3) but not its hash.
ROUTE_CHANGES = ("sensitive", "own_account", "county_account")
EDITS_IN_PLAN = ("body", "sensitive", "own_account", "county_account", "no_change")
EDITS = st.sampled_from((*EDITS_IN_PLAN, "title", "blocked", "portal", "original"))
POST_MOVES = ("forward", "forward", "forward", "forward", "clock", "worker", "reject", *EDITS_IN_PLAN)
# How an approved post goes out: registered by hand, through the outbox, or queued and left to the worker.
PUBLICATION = st.sampled_from(("by_hand", "outbox", "queue_only"))
_serial = itertools.count(1)


@dataclass
class World:
    """What lives across examples: the cast, the test's accounts, the clock and the fake platform's log."""

    cast: dict[str, User]
    accounts: dict[str, Account]
    units: dict[str, Unit]
    now: datetime = START
    sent: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def tick(self) -> datetime:
        """timezone.now(): every reading is a millisecond later, so events keep their order."""
        self.now += timedelta(milliseconds=1)
        return self.now


def approval_problems(post: Post) -> list[str]:
    """Why `post` may not go out now: R5.1-1 and B-2 against the route R5.4-1 … R5.4-4 it needs now."""
    problems = []
    if content_hash(post.content()) != post.content_hash:
        problems.append("the stored hash is not the hash of the content")
    version = PostVersion.objects.filter(post=post, number=post.version).first()
    if version is None or version.content_hash != post.content_hash:
        problems.append(f"version {post.version} is not the current content")
    if post.round == 0:
        problems.append("never submitted")
    accounts = list(post.accounts.select_related("unit"))
    try:
        needed = route(
            portal=post.kind == Post.Kind.PORTAL,
            targets=[Target(a.unit.kind == Unit.Kind.COUNTY_GOV) for a in accounts],
            sensitive=post.sensitive,
        )
    except RouteError as exc:
        return [*problems, f"no route for its accounts: {exc}"]
    steps = list(
        ReviewStep.objects.filter(post=post, round=post.round)
        .select_related("decided_by__unit")
        .order_by("order")
    )
    if any(s.kind == StepKind.CENTER_PROPOSAL and s.important for s in steps):  # R5.4-4 important items
        needed = [StepKind.COUNTY_APPROVAL if k == StepKind.OFFICE_APPROVAL else k for k in needed]
    kinds, wanted = [s.kind for s in steps], [k.value for k in needed]
    if kinds != wanted:
        problems.append(f"round {post.round} has steps {kinds}, but its accounts and flags need {wanted}")
    for s in steps:
        if s.decision != ReviewStep.Decision.APPROVE or s.decided_hash != post.content_hash:
            problems.append(f"{s.kind}: {s.decision} of {s.decided_hash[:8] or '-'}")
        who = s.decided_by
        if who is None or not who.has_role(STEP_ROLES[StepKind(s.kind)]):
            problems.append(f"{s.kind} decided by {who}, who does not hold {STEP_ROLES[StepKind(s.kind)]}")
        elif s.kind == StepKind.UNIT_APPROVAL and who.unit_id != post.unit_id:
            problems.append(f"{s.kind} decided by {who} of another unit")
    return problems


class FakeWeibo:
    """The platform behind the outbox: every call checks, at the moment the work goes out, what the
    worker must have re-checked (DESIGN.md invariant 3). Violations are collected, not raised (the worker
    turns any exception into a retry), and the invariants fail on them."""

    platform = "weibo"

    def __init__(self, world: World) -> None:
        self.world = world

    def _sent(self, key: str) -> str:
        if key in self.world.sent:
            self.world.violations.append(f"{key} went out twice")
        self.world.sent.append(key)
        return f"fake-{len(self.world.sent)}"

    def publish(self, payload: PostPayload, state: dict[str, Any], checkpoint: Any) -> Published:
        d = Delivery.objects.select_related("post").get(idempotency_key=payload.key)
        assert d.post is not None
        post = d.post
        problems = approval_problems(post)
        if post.status != Post.Status.APPROVED:
            problems.append(f"post is {post.status}")
        if d.content_hash != post.content_hash:
            problems.append("queued hash is not the current hash")
        if (payload.title, payload.body) != (post.title, post.body):
            problems.append("the text sent is not the current content")
        self.world.violations += [f"outbox published post {post.pk}: {p}" for p in problems]
        platform_id = self._sent(payload.key)
        return Published(True, platform_id, f"https://weibo.com/fake/{platform_id}", dict(state))

    def send_reply(
        self, key: str, sender_id: str, message_id: str, text: str, context: dict[str, Any]
    ) -> str:
        d = Delivery.objects.select_related("inquiry").get(idempotency_key=key)
        assert d.inquiry is not None
        inquiry = d.inquiry
        reviewed = inquiry.steps.filter(kind=InquiryStep.REVIEW, state=StepState.DONE).exists()
        waiting = inquiry.steps.filter(kind=InquiryStep.REPLY, state=StepState.OPEN).exists()
        if inquiry.status != Status.TO_REPLY or not reviewed or not waiting:
            self.world.violations.append(f"outbox replied to message {inquiry.pk} in {inquiry.status}")
        if text.strip() != inquiry.compiled_text.strip():
            self.world.violations.append(f"outbox sent an unreviewed reply to message {inquiry.pk}")
        return self._sent(key)


class _Machine(RuleBasedStateMachine):
    """Shared by both workflows: the savepoint, the clock, the outbox worker and the deadline invariant."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        world.now, world.sent, world.violations = START, [], []
        resolver.invalidate()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.deadlines = self._deadlines()
        self.first_delivery = (Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        resolver.invalidate()

    @staticmethod
    def _deadlines() -> dict[int, tuple[datetime, datetime | None]]:
        return {pk: (due, met) for pk, due, met in Deadline.objects.values_list("pk", "due_at", "met_at")}

    def _user(self, who: str, can_act: Callable[[User], bool]) -> User:
        """`who`, or for HOLDER the first demo person the rules let act (else the centre, to be refused)."""
        cast = self.world.cast
        if who != HOLDER:
            return cast[who]
        return next((cast[u] for u in USERS if can_act(cast[u])), cast["center"])

    @staticmethod
    def _attempt(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a service; an expected refusal returns None, anything else fails the test."""
        try:
            return action(*args, **kwargs)
        except REFUSALS:
            return None

    @rule()
    def run_worker(self) -> None:
        """B-6: the outbox worker runs whatever is due (publications and replies)."""
        platforms.run_due("stateful", limit=20)

    @rule(minutes=st.sampled_from((1, 59, 61, 60 * 24, 60 * 24 * 3)))
    def advance_clock(self, minutes: int) -> None:
        self.world.now += timedelta(minutes=minutes)

    @invariant()
    def the_outbox_sent_nothing_it_should_have_stopped(self) -> None:
        """B-6, DESIGN.md invariant 3: checked by the fake platform at the moment the work went out."""
        assert not self.world.violations, self.world.violations
        mine = Delivery.objects.filter(pk__gte=self.first_delivery)
        crashed = list(mine.filter(last_error_code="internal").values_list("pk", "last_error"))
        assert not crashed, crashed

    @invariant()
    def deadlines_never_move_earlier(self) -> None:
        """B-1, DEADLINES.md (issue #10, invariant 3): a due moment never decreases, a deadline never
        disappears, and a met deadline keeps the moment it was met."""
        now = self._deadlines()
        for pk, (due, met) in self.deadlines.items():
            assert pk in now, f"deadline {pk} disappeared"
            assert now[pk][0] >= due, f"deadline {pk} moved earlier: {due} -> {now[pk][0]}"
            assert met is None or now[pk][1] == met, f"deadline {pk} met at {met}, now {now[pk][1]}"
        self.deadlines = now


class PublishingMachine(_Machine):
    """Chapter 5: posts created, edited, submitted, decided, published by hand or through the outbox."""

    posts = Bundle("posts")

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.post_ids: set[int] = set()

    def _own_account(self, unit_id: int | None) -> Account:
        accounts = self.world.accounts
        return next((a for a in accounts.values() if a.unit_id == unit_id), accounts["edu"])

    @staticmethod
    def _open_step(post: Post) -> ReviewStep | None:
        return ReviewStep.objects.filter(
            post=post, round=post.round, decision=ReviewStep.Decision.PENDING, received_at__isnull=False
        ).first()

    def _author(self, post: Post, who: str = HOLDER) -> User:
        return self._user(who, lambda u: u.pk == post.author_id)

    def _decider(self, step: ReviewStep, who: str = HOLDER) -> User:
        return self._user(who, lambda u: can(u, "publishing.decide", step))

    def _publisher(self, post: Post, who: str = HOLDER) -> User:
        return self._user(who, lambda u: can(u, "publishing.publish", post))

    def _edit(self, post: Post, actor: User, change: str) -> None:
        """B-2: an edit that changes the hash voids the decisions; the flag and the accounts change the
        route the post needs (R5.4-2, R5.4-3) without changing its hash."""
        data: dict[str, Any] = {}
        accounts = None
        if change == "body":
            data = {"body": f"{post.body}（补充{next(_serial)}）"}
        elif change == "title":
            data = {"title": f"{GOOD['title']}（第{next(_serial)}次修改）"}
        elif change == "no_change":
            data = {"title": f"  {post.title}  ", "body": post.body}
        elif change == "sensitive":
            data = {"sensitive": not post.sensitive}
        elif change == "own_account":
            accounts = [self._own_account(post.unit_id).pk]
        elif change == "county_account":
            accounts = [self.world.accounts["county"].pk]
        elif change == "blocked":
            data = {"body": CONTENTS["blocked"]["body"]}
        elif change == "portal":
            data = {"kind": "portal", "portal_url": CONTENTS["portal"]["portal_url"]}
        else:
            data = {"kind": "original", "portal_url": ""}
        self._attempt(publishing.update_post, actor, post, data, accounts)

    @initialize(
        target=posts,
        starts=st.lists(
            st.tuples(
                st.sampled_from(("edu_admin", "town_admin", "center")),  # author
                st.sampled_from(("own", "county")),  # target account
                st.sampled_from(("good", "good", "portal")),  # content
                st.booleans(),  # sensitive
                st.integers(0, 6),  # how many steps along
                st.booleans(),  # the centre marks it important
                PUBLICATION,
            ),
            min_size=1,
            max_size=2,
        ),
    )
    def posts_at_some_stage(self, starts: list[tuple[str, str, str, bool, int, bool, str]]) -> Any:
        """Each run starts with posts somewhere on their way: drafts, in review, approved, queued or
        published."""
        made = []
        for author, where, content, sensitive, stage, important, publication in starts:
            post = self.create_post(author, where, content, sensitive)
            if isinstance(post, int):
                self.advance_post(post, ["forward"] * stage, important, publication)
                made.append(post)
        return multiple(*made)

    @rule(
        target=posts,
        author=st.sampled_from(("edu_admin", "town_admin", "center", "legal_reviewer")),
        where=st.sampled_from(("own", "county")),
        content=st.sampled_from(sorted(CONTENTS)),
        sensitive=st.booleans(),
    )
    def create_post(self, author: str, where: str, content: str, sensitive: bool) -> Any:
        actor = self.world.cast[author]
        account = self.world.accounts["county"] if where == "county" else self._own_account(actor.unit_id)
        data = {**CONTENTS[content], "sensitive": sensitive}
        post = self._attempt(publishing.create_post, actor, data, [account.pk])
        if post is None:
            return multiple()
        self.post_ids.add(post.pk)
        return post.pk

    @rule(post=posts, who=WHO, change=EDITS)
    def edit_post(self, post: int, who: str, change: str) -> None:
        p = Post.objects.get(pk=post)
        self._edit(p, self._author(p, who), change)

    @rule(post=posts, who=WHO)
    def submit(self, post: int, who: str) -> None:
        p = Post.objects.get(pk=post)
        self._attempt(publishing.submit, self._author(p, who), p)

    @rule(
        post=posts,
        who=WHO,
        decision=st.sampled_from(("approve", "approve", "reject", "maybe")),
        comment=st.sampled_from(("", "请核实后修改")),
        important=st.booleans(),
        acknowledge=st.booleans(),
        stale=st.booleans(),
    )
    def decide(
        self,
        post: int,
        who: str,
        decision: str,
        comment: str,
        important: bool,
        acknowledge: bool,
        stale: bool,
    ) -> None:
        """R5.4-2 … R5.4-4: a decision on the open step, or (stale) on the post's latest step of any round,
        which may be decided, voided or of an old round."""
        p = Post.objects.get(pk=post)
        step = None if stale else self._open_step(p)
        step = step or ReviewStep.objects.filter(post=p).order_by("-id").first()
        if step is None:
            return
        actor = self._decider(step, who)
        self._attempt(publishing.decide, actor, p, step.pk, decision, comment, important, acknowledge)

    @rule(post=posts, who=WHO, url=st.sampled_from(("", "https://weibo.com/yaoan/1", "ftp://x")))
    def publish(self, post: int, who: str, url: str) -> None:
        """R5.1-1: registering a publication made by hand."""
        p = Post.objects.get(pk=post)
        self._attempt(publishing.publish, self._publisher(p, who), p, url)

    @rule(post=posts, who=WHO)
    def schedule_publication(self, post: int, who: str) -> None:
        """B-6: queue the approved version in the outbox (the worker publishes it later)."""
        p = Post.objects.get(pk=post)
        self._attempt(platforms.schedule_publication, self._publisher(p, who), p)

    @rule(post=posts, who=WHO)
    def cancel_publication(self, post: int, who: str) -> None:
        p = Post.objects.get(pk=post)
        self._attempt(platforms.cancel_publication, self._publisher(p, who), p)

    @rule(post=posts, change=EDITS, who=WHO)
    def edit_while_queued(self, post: int, change: str, who: str) -> None:
        """B-6, DESIGN.md invariant 3: the approved version waits in the outbox, the author edits the post,
        then the worker runs; what goes out must be re-checked against the post as it is now."""
        p = Post.objects.get(pk=post)
        self._attempt(platforms.schedule_publication, self._publisher(p, who), p)
        self._edit(Post.objects.get(pk=post), self._author(p), change)
        self.run_worker()

    @rule(
        post=posts,
        plan=st.lists(st.sampled_from(POST_MOVES), min_size=1, max_size=10),
        important=st.booleans(),
        publication=PUBLICATION,
    )
    def advance_post(self, post: int, plan: list[str], important: bool, publication: str) -> None:
        """The right people move the post on (submit, approve the open step, publish or queue it) with
        edits, rejections and route changes in between: deep paths in few steps."""
        for move in plan:
            p = Post.objects.get(pk=post)
            step = self._open_step(p) if p.status == Post.Status.IN_REVIEW else None
            if move in EDITS_IN_PLAN:
                self._edit(p, self._author(p), move)
            elif move == "clock":
                self.world.now += timedelta(minutes=61)  # R5.4-5: later than an hour after approval
            elif move == "worker":
                self.run_worker()
            elif move == "reject" and step is not None:
                self._attempt(publishing.decide, self._decider(step), p, step.pk, "reject", "请修改")
            elif step is not None:
                actor = self._decider(step)
                self._attempt(publishing.decide, actor, p, step.pk, "approve", "同意", important, True)
            elif p.status in {Post.Status.DRAFT, Post.Status.REJECTED}:
                self._attempt(publishing.submit, self._author(p), p)
            elif p.status == Post.Status.APPROVED and publication == "by_hand":
                self._attempt(publishing.publish, self._publisher(p), p, "https://weibo.com/yaoan/2")
            elif p.status == Post.Status.APPROVED:
                self._attempt(platforms.schedule_publication, self._publisher(p), p)
                if publication == "outbox":
                    platforms.run_due("stateful", limit=20)

    @invariant()
    def nothing_published_without_current_approvals(self) -> None:
        """R5.1-1, B-2, R5.4-1 … R5.4-4 (issue #10, invariant 1): a published post, and its archive, carry
        an approval of its current hash on every step of the route its accounts and flags need."""
        for post in Post.objects.filter(pk__in=self.post_ids):
            archived = Archive.objects.filter(post=post).first()
            if post.status != Post.Status.PUBLISHED and post.published_at is None and archived is None:
                continue
            problems = approval_problems(post)
            if post.status != Post.Status.PUBLISHED or archived is None:
                problems.append(f"half published: {post.status}, archive {archived}")
            elif archived.content_hash != post.content_hash:
                problems.append("the archive holds other content")
            assert not problems, f"post {post.pk} published: {problems}"


class MessagesMachine(_Machine):
    """Chapter 7: messages registered, instructed, transferred, answered, sent back and closed."""

    messages = Bundle("messages")

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.message_ids: set[int] = set()

    @staticmethod
    def _open_step(inquiry: Inquiry, kind: str | None = None) -> Step | None:
        steps = inquiry.steps.filter(state=StepState.OPEN).order_by("id")
        return (steps.filter(kind=kind) if kind else steps).first()

    def _step_holder(self, step: Step | None, who: str = HOLDER) -> User:
        return self._user(who, lambda u: step is not None and holds(u, step))

    def _holder(self, inquiry: Inquiry, who: str, kind: str | None = None) -> User:
        return self._step_holder(self._open_step(inquiry, kind), who)

    def _units(self, keys: tuple[str, ...]) -> list[int]:
        return [self.world.units[k].pk for k in keys]

    @initialize(
        target=messages,
        starts=st.lists(
            st.tuples(
                st.booleans(),  # pushed by the platform (待登记) or registered by hand
                st.integers(0, 10),  # how many steps along
                st.sampled_from(("direct", "transfer", "transfer", "petition", "no_action")),
                st.sampled_from((("edu",), ("edu", "town"))),  # units it is transferred to
                st.booleans(),  # the reply through the outbox
            ),
            min_size=1,
            max_size=2,
        ),
    )
    def messages_at_some_stage(self, starts: list[tuple[bool, int, str, tuple[str, ...], bool]]) -> Any:
        """Each run starts with messages somewhere on their way, from 待登记 to closed."""
        made = []
        for pushed, stage, decision, units, outbox in starts:
            message = self.register(HOLDER, pushed, "consultation")
            if isinstance(message, int):
                self.advance_message(message, ["forward"] * stage, decision, units, outbox)
                made.append(message)
        return multiple(*made)

    @rule(target=messages, who=WHO, pushed=st.booleans(), kind=st.sampled_from(("consultation", "petition")))
    def register(self, who: str, pushed: bool, kind: str) -> Any:
        """R7-1: registered by hand (to the leader at once) or pushed by the platform (待登记)."""
        serial = next(_serial)
        account = self.world.accounts["county"]
        received = self.world.now - timedelta(minutes=5)
        if pushed:
            fields = {"platform_message_id": f"push-{serial}", "sender_id": "u1", "content": "公交几点收车？"}
            inquiry, _ = intake.receive_push(account, {**fields, "received_at": received})
        else:
            data = {
                "account": account.pk,
                "platform_message_id": f"manual-{serial}",
                "sender_name": "网友甲",
                "content": "请问秋季学期什么时候开学？",
                "received_at": received,
                "kind": kind,
            }
            actor = self._user(who, lambda u: can(u, "inquiries.create"))
            inquiry = self._attempt(intake.register, actor, data)
        if inquiry is None:
            return multiple()
        self.message_ids.add(inquiry.pk)
        return inquiry.pk

    @rule(message=messages, who=WHO, kind=st.sampled_from(("consultation", "petition", "bogus")))
    def register_received(self, message: int, who: str, kind: str) -> None:
        inquiry = Inquiry.objects.get(pk=message)
        actor = self._holder(inquiry, who, InquiryStep.REGISTER)
        self._attempt(inquiries.register_received, actor, inquiry, kind)

    @rule(
        message=messages,
        who=WHO,
        decision=st.sampled_from(("direct", "transfer", "petition", "no_action")),
        comment=st.sampled_from(("", "   ", "不属于本平台受理范围")),
        units=st.sampled_from(((), ("edu",), ("edu", "town"), ("county",))),
    )
    def instruct(self, message: int, who: str, decision: str, comment: str, units: tuple[str, ...]) -> None:
        """R7-1, R7-2: the leader's instruction; no action needs a recorded reason."""
        inquiry = Inquiry.objects.get(pk=message)
        actor = self._holder(inquiry, who, InquiryStep.INSTRUCT)
        self._attempt(inquiries.instruct, actor, inquiry, decision, comment, self._units(units))

    @rule(message=messages, who=WHO, units=st.sampled_from(((), ("edu",), ("edu", "town"))))
    def transfer(self, message: int, who: str, units: tuple[str, ...]) -> None:
        """R7-2, R7-3: to the units, each with a 5-working-day clock."""
        inquiry = Inquiry.objects.get(pk=message)
        actor = self._holder(inquiry, who, InquiryStep.TRANSFER)
        self._attempt(inquiries.transfer, actor, inquiry, self._units(units) or None)

    @rule(message=messages, who=WHO, text=st.sampled_from(("", "末班车21:30。")))
    def draft_reply(self, message: int, who: str, text: str) -> None:
        inquiry = Inquiry.objects.get(pk=message)
        actor = self._holder(inquiry, who, InquiryStep.DRAFT_REPLY)
        self._attempt(inquiries.draft_reply, actor, inquiry, text)

    @rule(message=messages, who=WHO)
    def sign_off(self, message: int, who: str) -> None:
        """R7-3: the unit leader's signature meets the unit's deadline."""
        inquiry = Inquiry.objects.get(pk=message)
        actor = self._holder(inquiry, who, InquiryStep.SIGN_OFF)
        self._attempt(inquiries.sign_off, actor, inquiry, "同意")

    @rule(message=messages, who=WHO, text=st.sampled_from(("", "您好，末班车21:30。")))
    def compile_reply(self, message: int, who: str, text: str) -> None:
        inquiry = Inquiry.objects.get(pk=message)
        actor = self._holder(inquiry, who, InquiryStep.COMPILE)
        self._attempt(inquiries.compile_reply, actor, inquiry, text)

    @rule(message=messages, who=WHO)
    def review(self, message: int, who: str) -> None:
        """R7-4: the leader's review starts the 1-hour reply clock."""
        inquiry = Inquiry.objects.get(pk=message)
        actor = self._holder(inquiry, who, InquiryStep.REVIEW)
        self._attempt(inquiries.review, actor, inquiry, "同意")

    @rule(message=messages, who=WHO, text=st.sampled_from(("", "您好，末班车21:30。")))
    def reply(self, message: int, who: str, text: str) -> None:
        """R7-4: the reply posted by hand and recorded."""
        inquiry = Inquiry.objects.get(pk=message)
        actor = self._holder(inquiry, who, InquiryStep.REPLY)
        self._attempt(inquiries.reply, actor, inquiry, text)

    @rule(message=messages, who=WHO, reviewed_text=st.booleans())
    def queue_reply(self, message: int, who: str, reviewed_text: bool) -> None:
        """B-6: the reply through the outbox (sent by the worker, which then closes the message)."""
        inquiry = Inquiry.objects.get(pk=message)
        actor = self._holder(inquiry, who, InquiryStep.REPLY)
        text = inquiry.compiled_text if reviewed_text else "未经审核的答复"
        account = Account.objects.get(pk=inquiry.account_id)
        self._attempt(platforms.queue_reply, inquiry.pk, account, text, actor)

    @rule(message=messages, who=WHO)
    def petition(self, message: int, who: str) -> None:
        """R7-6: the sender is told the petition channel; the message joins the petition list."""
        inquiry = Inquiry.objects.get(pk=message)
        step = self._open_step(inquiry, InquiryStep.PETITION)
        actor = self._user(who, lambda u: u.has_role("center_staff") if step is None else holds(u, step))
        self._attempt(inquiries.petition, actor, inquiry, "")

    @rule(message=messages, who=WHO, comment=st.sampled_from(("", "请补充办理依据")))
    def send_back(self, message: int, who: str, comment: str) -> None:
        """退回: the holder of an open step sends it back one step, with a reason."""
        inquiry = Inquiry.objects.get(pk=message)
        self._attempt(inquiries.return_step, self._holder(inquiry, who), inquiry, comment)

    @rule(message=messages, who=WHO, doors=st.permutations(("reply", "no_action", "petition", "return")))
    def close_without_reason(self, message: int, who: str, doors: list[str]) -> None:
        """Every door that closes a message, tried in turn with no text and no reason (through `act`, the
        door of the API and the pages): refused unless the door brings its own text (the reviewed reply,
        the petition channel)."""
        for door in doors:
            inquiry = Inquiry.objects.get(pk=message)
            actor = self._holder(inquiry, who)
            if door == "no_action":
                data = {"decision": "no_action", "comment": " "}
                self._attempt(inquiries.act, actor, inquiry, "instruct", data)
            else:
                self._attempt(inquiries.act, actor, inquiry, door, {"text": "  ", "comment": ""})

    @rule(
        message=messages,
        plan=st.lists(st.sampled_from(("forward", "forward", "forward", "back")), min_size=1, max_size=8),
        decision=st.sampled_from(("direct", "transfer", "transfer", "petition", "no_action")),
        units=st.sampled_from((("edu",), ("edu", "town"))),
        outbox=st.booleans(),
    )
    def advance_message(
        self, message: int, plan: list[str], decision: str, units: tuple[str, ...], outbox: bool
    ) -> None:
        """The holders of the open steps act in turn as the standard expects (the reply by hand or through
        the outbox), or send the step back: deep paths in few steps."""
        for move in plan:
            inquiry = Inquiry.objects.get(pk=message)
            step = self._open_step(inquiry)
            if step is None:
                return
            actor = self._step_holder(step)
            if move == "back":
                self._attempt(inquiries.return_step, actor, inquiry, "请补充")
            elif step.kind == InquiryStep.REPLY and outbox:
                account = Account.objects.get(pk=inquiry.account_id)
                self._attempt(platforms.queue_reply, inquiry.pk, account, inquiry.compiled_text, actor)
                platforms.run_due("stateful", limit=20)
            else:
                data = {
                    "kind": "consultation",
                    "decision": decision,
                    "comment": "不属于本平台受理范围" if decision == "no_action" else "",
                    "units": self._units(units),
                    "text": inquiry.compiled_text or "您好，已办理。",
                }
                self._attempt(inquiries.act, actor, inquiry, str(step.kind), data)

    @invariant()
    def no_message_closed_without_reply_or_reason(self) -> None:
        """R7-1 … R7-4, R7-6 (issue #10, invariant 2)."""
        for inquiry in Inquiry.objects.filter(pk__in=self.message_ids).prefetch_related("steps"):
            steps = list(inquiry.steps.all())
            open_steps = [s for s in steps if s.state == StepState.OPEN]
            done = [s for s in steps if s.state == StepState.DONE]
            label = f"message {inquiry.pk} ({inquiry.status}, {inquiry.outcome or '-'})"
            if inquiry.status != Status.CLOSED:
                assert open_steps, f"{label} is open with no step open: nobody can act on it"
                assert not inquiry.outcome and inquiry.closed_at is None, label
                continue
            assert not open_steps, f"{label} is closed with open steps {[s.kind for s in open_steps]}"
            assert inquiry.closed_at is not None, label
            if inquiry.outcome == Outcome.REPLIED:
                replies = [s for s in done if s.kind == InquiryStep.REPLY and s.text.strip()]
                reviewed = [s for s in done if s.kind == InquiryStep.REVIEW]
                assert inquiry.reply_text.strip() and inquiry.replied_at and replies, f"{label}: no reply"
                assert replies[-1].text == inquiry.reply_text, f"{label}: the reply step has other text"
                assert reviewed, f"{label}: replied without the leader's review (R7-4)"
            elif inquiry.outcome == Outcome.PETITION:
                told = [s for s in done if s.kind == InquiryStep.PETITION and s.text.strip()]
                assert told and inquiry.reply_text.strip(), f"{label}: the petition channel was not told"
                assert Petition.objects.filter(inquiry=inquiry).exists(), f"{label}: not in the petition list"
            elif inquiry.outcome == Outcome.NO_ACTION:
                reasons = [
                    s
                    for s in done
                    if s.kind == InquiryStep.INSTRUCT
                    and s.decision == Instruction.NO_ACTION
                    and s.comment.strip() not in {"", Instruction.NO_ACTION.label}
                ]
                assert reasons, f"{label}: no action without the leader's recorded reason"
            else:
                raise AssertionError(f"{label}: closed without an outcome")


def _settings() -> settings:
    deep = int(os.environ.get("GOVMEDIA_STATEFUL_EXAMPLES", "0"))
    return settings(
        max_examples=deep or 40,
        stateful_step_count=15,
        deadline=None,
        database=None,
        derandomize=not deep,
        # Shrinking replays whole database runs and can take minutes; the failing program is printed anyway.
        phases=tuple(Phase) if deep else (Phase.explicit, Phase.reuse, Phase.generate),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


def run(machine: type[_Machine], world: World) -> None:
    """Each example a fresh machine on the same world (hypothesis takes any factory, typed as a class)."""
    run_state_machine_as_test(partial(machine, world), settings=_settings())  # type: ignore[arg-type]


@pytest.fixture
def world(cast: dict[str, User], monkeypatch: Any) -> World:
    """The demo cast, a Weibo account for the county, 县教育体育局 and 栋川镇, the clock and the fake
    platform behind the outbox."""
    units = {key: Unit.objects.get(name=name) for key, name in UNIT_NAMES.items()}
    accounts = {
        key: Account.objects.create(
            unit=unit, type="weibo", name=f"状态机{key}", link=f"https://weibo.com/{key}", status="operating"
        )
        for key, unit in units.items()
    }
    w = World(cast=cast, accounts=accounts, units=units)
    monkeypatch.setattr(timezone, "now", w.tick)
    monkeypatch.setattr(platforms, "credentials_for", lambda account: Credentials(str(account.pk), "fake"))
    monkeypatch.setattr(platforms, "adapter_for", lambda account: FakeWeibo(w))
    return w


def test_issue10_r5_1_1_b2_nothing_published_without_approval_of_the_current_hash(world: World) -> None:
    """R5.1-1, R5.4-1 … R5.4-5, B-2, B-6 and B-1, whatever the order of the publishing actions."""
    run(PublishingMachine, world)


def test_issue10_r7_no_message_closed_without_reply_or_reason(world: World) -> None:
    """R7-1 … R7-4, R7-6, B-6 and B-1, whatever the order of the message actions."""
    run(MessagesMachine, world)


# change -> (the account it is approved for, sensitive at first, what the edit changes, the step then missing)
ROUTE_CHANGE_CASES = {
    "sensitive": ("edu", False, {"sensitive": True}, None, "office_approval (R5.4-3)"),
    "county_account": ("edu", False, {}, "county", "center_proposal, office_approval (R5.4-2)"),
    "own_account": ("county", True, {}, "edu", "unit_approval (R5.4-3)"),
}


@pytest.mark.parametrize("change", ROUTE_CHANGES)
def test_issue10_r5_4_route_change_after_submission_is_not_published_without_its_steps(
    world: World, change: str
) -> None:
    """R5.1-1, R5.4-2, R5.4-3: a post of 县教育体育局 fully approved, then marked sensitive, moved from its
    own account to the county's, or moved from the county's to its own: the edit must be refused, or void
    the round, or publishing must refuse; it must not go out without the steps its new route needs."""
    start, sensitive, data, move_to, missing = ROUTE_CHANGE_CASES[change]
    cast, accounts = world.cast, world.accounts
    post = publishing.create_post(cast["edu_admin"], {**GOOD, "sensitive": sensitive}, [accounts[start].pk])
    post = publishing.submit(cast["edu_admin"], post)
    while post.status == Post.Status.IN_REVIEW:
        step = ReviewStep.objects.get(
            post=post, round=post.round, decision="pending", received_at__isnull=False
        )
        who = next(cast[u] for u in USERS if can(cast[u], "publishing.decide", step))
        post = publishing.decide(who, post, step.pk, "approve", "同意", acknowledge_warnings=True)
    assert post.status == Post.Status.APPROVED and not approval_problems(post)
    try:
        post = publishing.update_post(
            cast["edu_admin"], post, data, [accounts[move_to].pk] if move_to else None
        )
    except REFUSALS:
        post.refresh_from_db()
    publisher = next((cast[u] for u in USERS if can(cast[u], "publishing.publish", post)), cast["center"])
    try:
        post = publishing.publish(publisher, post)
    except (InvalidState, PermissionDenied):
        return
    assert not approval_problems(post), f"published without {missing}: {approval_problems(post)}"
