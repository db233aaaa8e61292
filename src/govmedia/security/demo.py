"""Demo security records of 姚安县: roster, patrols (one anomaly), a closed leak incident, password changes,
trainings and drills. Runs after the registry's demo; skips what it cannot find; safe to run again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from govmedia.org.models import Unit, User
from govmedia.registry.models import Account, AccountStatus

from . import incident_services, patrol_services, record_services, services
from .models import (
    Drill,
    Incident,
    Notice,
    OfficeNetwork,
    PasswordChange,
    Patrol,
    SecurityPolicy,
    Training,
)

ALL_OK = dict.fromkeys(patrol_services.CHECKS, True)


def build(ctx: dict[str, Any]) -> None:
    # The demo logins sign in with a password alone (CONTRACT.md); until the security administrator saves
    # the settings, the demo county does not enforce two-factor sign-in for leaders and administrators.
    SecurityPolicy.current()
    SecurityPolicy.objects.filter(pk=1, updated_by=None).update(two_factor_required=False)
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["duty_officer", "secadmin", "center", "edu_admin", "town_admin"]
        )
    }
    if len(users) < 5:
        return
    duty, secadmin, center = users["duty_officer"], users["secadmin"], users["center"]
    today = timezone.localdate()
    now = timezone.now()

    if not OfficeNetwork.objects.exists():
        services.add_office_network(secadmin, "10.53.0.0/16", "县电子政务外网")
        services.add_office_network(secadmin, "127.0.0.0/8", "本机（演示用）")

    if not patrol_services.shifts_of(duty.county_id).exists():
        first = today.replace(day=1)
        patrol_services.generate_roster(duty, [duty, secadmin, center], first, first + timedelta(days=60))
    if not patrol_services.periods_of(duty.county_id).exists():
        patrol_services.add_period(
            duty, "县第十八届人民代表大会第六次会议", today + timedelta(days=10), today + timedelta(days=12)
        )

    accounts = list(
        Account.objects.filter(status=AccountStatus.OPERATING).select_related("unit").order_by("id")
    )
    if not accounts:
        return
    for i, account in enumerate(accounts[:-1]):  # the last one is left to the rotation period sweeper
        if not PasswordChange.objects.filter(account=account).exists():
            actor = User.objects.filter(unit=account.unit, roles__role="unit_admin").first() or center
            services.record_password_change(actor, account, today - timedelta(days=20 + 7 * i), "定期更换")

    if not Patrol.objects.exists():
        for back, account in enumerate(accounts):
            patrol = patrol_services.record_patrol(duty, account, {**ALL_OK, "result": "normal", "notes": ""})
            Patrol.objects.filter(pk=patrol.pk).update(at=now - timedelta(hours=20 + back))
        anomaly = patrol_services.record_patrol(
            duty,
            accounts[0],
            {
                **ALL_OK,
                "front_comments_ok": False,
                "result": "anomaly",
                "notes": "最新一条信息下出现多条辱骂性评论，已截图，待登记恶意评论并删除。",
            },
        )
        Patrol.objects.filter(pk=anomaly.pk).update(at=now - timedelta(hours=2))

    if not Incident.objects.exists():
        account = accounts[0]
        incident = incident_services.open_incident(
            duty,
            {
                "kind": "leak",
                "severity": "major",
                "title": f"{account.name}疑似密码泄露",
                "description": "平台发来异地登录提醒，后台登录记录显示一次非办公网络登录。",
                "occurred_at": now - timedelta(days=12),
            },
            [account.pk],
        )
        for step in incident.steps.order_by("order"):
            incident_services.complete_step(duty, incident, step.pk, "已办理")
        services.record_password_change(center, account, today, "泄露后紧急更换")
        incident_services.close_incident(
            duty,
            incident,
            "原因：管理员在公用电脑登录后未退出。已冻结并更换密码，"
            "内容、留言和接口均未被篡改。改进：重申严禁在公用设备登录管理账号。",
        )
        for notice in Notice.objects.filter(incident=incident, read_at__isnull=True):
            incident_services.read_notice(notice.recipient, notice)

    trainings = [
        (
            "县教育体育局",
            "edu_admin",
            "security",
            "政务新媒体账号安全与密码管理",
            "何琳",
            "赵丽、陈刚、王老师",
        ),
        ("县教育体育局", "edu_admin", "information", "信息发布三审制度与保密审查要点", "周敏", "赵丽、陈刚"),
        ("栋川镇", "town_admin", "operations", "微信公众号后台运维与接口管理", "孙磊", "杨芳、刘伟"),
    ]
    for unit_name, username, topic, title, trainer, attendees in trainings:
        unit = Unit.objects.filter(name=unit_name).first()
        if unit and not Training.objects.filter(unit=unit, title=title).exists():
            record_services.record_training(
                users[username],
                unit,
                {
                    "on": today - timedelta(days=30),
                    "topic": topic,
                    "title": title,
                    "trainer": trainer,
                    "attendees": attendees,
                },
            )
    if center.unit and not Drill.objects.exists():
        record_services.record_drill(
            center,
            center.unit,
            {
                "on": today - timedelta(days=45),
                "scenario": "政务微博账号被盗用发布不实信息",
                "participants": "李明、郑浩、何琳、孙磊",
                "findings": "与平台运营商的联系渠道未及时更新，冻结账号用时40分钟。",
                "improvements": "更新运营商应急联系人名单，每季度核对一次。",
            },
        )
