"""Demo posts in every state, made through the services so their steps and audit entries are real."""

from typing import Any

from govmedia.org.models import User
from govmedia.registry.models import Account

from . import services
from .models import Post, ReviewStep

BODY = "为进一步做好相关工作，现将有关事项通知如下。请各单位认真组织实施，确保各项措施落实到位。"


def _decide_until(post: Post, users: dict[str, User], deciders: list[str]) -> Post:
    for who in deciders:
        step = ReviewStep.objects.get(
            post=post, round=post.round, decision="pending", received_at__isnull=False
        )
        post = services.decide(
            users[who], post, step.pk, "approve", comment="同意", acknowledge_warnings=True
        )
    return post


def build(ctx: dict[str, Any]) -> None:
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    county_weibo = Account.objects.filter(unit__name="姚安县人民政府", type="weibo").first()
    edu_wechat = Account.objects.filter(unit__name="县教育体育局", type="wechat").first()
    if county_weibo is None or edu_wechat is None or "edu_admin" not in users:
        return
    own = ["legal_reviewer", "secrecy_reviewer", "edu_leader"]
    county = ["legal_reviewer", "secrecy_reviewer", "center", "office_leader"]
    plans: list[tuple[str, str, Account, str, list[str], str]] = [
        # title, author, account, category, deciders, final state
        ("关于做好2026年冬季学生安全教育工作的通知", "edu_admin", edu_wechat, "a", [], "draft"),
        ("姚安县2026年秋季学期义务教育招生工作答问", "edu_admin", edu_wechat, "i", [], "submitted"),
        ("县教育体育局开展校园食品安全专项检查", "edu_admin", edu_wechat, "g", own, "approved"),
        ("栋川镇完成2026年度农村饮水安全巩固提升工程", "town_admin", county_weibo, "g", county, "published"),
        ("栋川镇冬春农田水利建设现场推进会召开", "town_admin", county_weibo, "b", county[:2], "submitted"),
        ("栋川镇关于开展森林防火宣传的告知", "town_admin", county_weibo, "j", county, "approved"),
        ("栋川镇2026年度惠民补贴发放情况公示", "town_admin", county_weibo, "i", [], "rejected"),
    ]
    for title, author, account, category, deciders, state in plans:
        if Post.objects.filter(title=title).exists():
            continue
        post = services.create_post(
            users[author], {"title": title, "body": BODY, "category": category}, [account.pk]
        )
        if state == "draft":
            continue
        post = services.submit(users[author], post)
        post = _decide_until(post, users, deciders)
        if state == "rejected":
            step = ReviewStep.objects.get(
                post=post, round=post.round, decision="pending", received_at__isnull=False
            )
            services.decide(
                users["legal_reviewer"], post, step.pk, "reject", "公示名单含个人身份信息，请删除后再报"
            )
        if state == "published":
            services.publish(users["center"], post, "https://weibo.com/yaoanxian/demo-1")
