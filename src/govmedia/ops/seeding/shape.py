"""What seeded data looks like: rows per county, names, the mix of states, the seed's clock."""

from __future__ import annotations

from datetime import UTC, datetime

from govmedia.inquiries import models as inq
from govmedia.publishing.models import Post

PER_COUNTY = {"accounts": 154, "posts": 15_400, "inquiries": 7_700, "patrols": 3_000, "audit": 77_000}
SEED = 20260511
NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

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


def county_name(n: int) -> str:
    a, b = divmod(n, len(SYLLABLES))
    return f"种{SYLLABLES[a % len(SYLLABLES)]}{SYLLABLES[b]}县"


def per_county(factor: float) -> dict[str, int]:
    return {k: max(1, round(v * factor)) for k, v in PER_COUNTY.items()}
