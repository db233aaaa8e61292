"""The eight steps of 5.5 on a post, with who and when (R5.5-1)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .models import Post, ReviewStep


@dataclass(frozen=True)
class Stage:
    label: str
    who: str
    when: datetime | None
    done: bool
    note: str = ""


def _decided(steps: list[ReviewStep], kinds: set[str]) -> list[ReviewStep]:
    return [s for s in steps if s.kind in kinds and s.decision == ReviewStep.Decision.APPROVE]


def eight_steps(post: Post, steps: list[ReviewStep]) -> list[Stage]:
    current = [s for s in steps if s.round == post.round]
    author = str(post.author)
    published = post.status == Post.Status.PUBLISHED

    def review(label: str, kinds: set[str]) -> Stage:
        done = _decided(current, kinds)
        if not done:
            return Stage(label, "", None, False)
        return Stage(
            label,
            "、".join(str(s.decided_by) for s in done),
            done[-1].decided_at,
            True,
            "；".join(f"{s.label}：{s.comment}" for s in done if s.comment),
        )

    leaders = {"center_proposal", "office_approval", "county_approval", "unit_approval"}
    late: Any = (
        post.publish_deadline and post.published_at and post.published_at > post.publish_deadline.due_at
    )
    return [
        Stage("信息采集", author, post.created_at, True),
        Stage(
            "信息制作",
            author,
            post.versions.order_by("-number").values_list("created_at", flat=True).first(),
            True,
            f"第{post.version}版",
        ),
        review("合法性审查", {"legality"}),
        review("保密审查", {"secrecy"}),
        review("领导审定", leaders)
        if post.kind != Post.Kind.PORTAL
        else Stage(
            "领导审定",
            "",
            post.approved_at,
            post.approved_at is not None,
            "门户网站已发布信息，可直接发布（5.4）",
        ),
        Stage("信息录入", str(post.published_by or ""), post.published_at, published),
        Stage(
            "信息发布",
            str(post.published_by or ""),
            post.published_at,
            published,
            "超过1小时时限" if late else (post.published_url if published else ""),
        ),
        Stage("信息存档", "系统", post.published_at, published),
    ]
