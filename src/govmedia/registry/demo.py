"""Demo accounts of 姚安县 with filings in several states; safe to run again."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from govmedia.org.models import Unit, User

from . import services
from .models import Account, ForbiddenNameWord

WORDS = [
    ("中央", "不得冒用中央机关名义"),
    ("国务院", "不得冒用国务院名义"),
    ("中华人民共和国", "不得使用国家名称"),
    ("全国", "易误导为全国性机构"),
    ("最高人民", "不得冒用最高人民法院、检察院名义"),
]

PEOPLE = {
    "姚安县人民政府": (
        ("张志强", "副县长", "13908781003", "0878-5712001"),
        ("李明", "工作人员", "13908781001"),
    ),
    "县教育体育局": (
        ("陈刚", "副局长", "13908781005", "0878-5712101"),
        ("赵丽", "新媒体管理员", "13908781004"),
    ),
    "栋川镇": (("刘伟", "副镇长", "13908781007", "0878-5712201"), ("杨芳", "新媒体管理员", "13908781006")),
    "县卫生健康局": (("黄海", "局长", "13908781021", "0878-5712301"), ("许娜", "宣传干事", "13908781022")),
    "县应急管理局": (("段勇", "局长", "13908781031", "0878-5712401"), ("罗佳", "办公室主任", "13908781032")),
    "县文化和旅游局": (
        ("施云", "副局长", "13908781041", "0878-5712501"),
        ("苏婷", "宣传干事", "13908781042"),
    ),
}

# unit, type, wechat_kind, name, link, opened (None: planned), type_other, story
ACCOUNTS: list[tuple[str, str, str, str, str, date | None, str, str]] = [
    (
        "姚安县人民政府",
        "weibo",
        "",
        "姚安县人民政府",
        "https://weibo.com/yaoanxian",
        date(2015, 6, 1),
        "",
        "accepted",
    ),
    (
        "姚安县人民政府",
        "wechat",
        "service",
        "姚安县人民政府",
        "yaoanxianzhengfu",
        date(2016, 3, 15),
        "",
        "accepted",
    ),
    ("县教育体育局", "wechat", "subscription", "姚安教育体育局", "yaoanjiaoyu", date(2018, 9, 1), "", "late"),
    ("栋川镇", "wechat", "subscription", "姚安栋川镇", "yaoandongchuan", date(2019, 5, 20), "", "returned"),
    (
        "县卫生健康局",
        "toutiao",
        "",
        "姚安卫生健康局",
        "https://www.toutiao.com/c/user/yaoanwj/",
        None,
        "",
        "new",
    ),
    (
        "县应急管理局",
        "weibo",
        "",
        "姚安应急管理局",
        "https://weibo.com/yaoanyingji",
        None,
        "",
        "new_accepted",
    ),
    (
        "县文化和旅游局",
        "other",
        "",
        "姚安文旅",
        "https://www.douyin.com/user/yaoanwenlv",
        date(2021, 4, 1),
        "抖音",
        "",
    ),
]


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=timezone.get_current_timezone())


def build(ctx: dict[str, Any]) -> None:
    for word, note in WORDS:
        ForbiddenNameWord.objects.get_or_create(word=word, defaults={"note": note})
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["center", "office_leader", "edu_admin", "town_admin"])
    }
    if len(users) < 4:
        return
    center, office = users["center"], users["office_leader"]
    today = timezone.localdate()
    effective = services.effective_date()
    for unit_name, kind, wechat_kind, name, link, opened, other, story in ACCOUNTS:
        unit = Unit.objects.filter(name=unit_name).first()
        if unit is None or Account.objects.filter(unit=unit, type=kind, name=name).exists():
            continue
        (leader, ltitle, lmobile, lphone), (admin, atitle, amobile) = PEOPLE[unit_name]
        data: dict[str, Any] = {
            "type": kind,
            "wechat_kind": wechat_kind,
            "type_other": other,
            "name": name,
            "link": link,
            "opened_on": opened,
            "planned_open_on": None if opened else today + timedelta(days=30),
            "leader_name": leader,
            "leader_title": ltitle,
            "leader_mobile": lmobile,
            "leader_office_phone": lphone,
            "leader_email": "",
            "admin_name": admin,
            "admin_title": atitle,
            "admin_mobile": amobile,
            "admin_office_phone": lphone,
            "admin_email": "",
            "developer": "无",
            "purpose_plan": f"发布{unit_name}政务信息，解读政策，回应关切；建立三审制度，配备专职管理员。",
            "introduction": f"{name}由{unit_name}主办，设置政务公开、办事服务、互动交流等栏目。",
        }
        account = services.create_account(center, unit, data)
        admin_user = User.objects.filter(unit=unit, roles__role="unit_admin").first() or center
        services.set_security_officer(
            center, account, admin_user if admin_user.unit_id == unit.pk else center
        )
        services.grant_operator(center, account, admin_user, opened or today)
        if opened:
            expires = today + timedelta(days=20) if kind == "weibo" else today + timedelta(days=200)
            services.record_verification(
                center,
                account,
                verified=True,
                verified_by="新浪微博" if kind == "weibo" else "微信公众平台",
                verified_on=expires - timedelta(days=365),
                expires_on=expires,
            )
        if story in ("accepted", "late", "returned"):
            filing = services.create_filing(center, account, "existing", submit=False)
            submitted = effective + timedelta(days=20 if story != "late" else 60)
            services.submit_filing(center, filing, at=_at(submitted))
            if story == "accepted":
                services.review_filing(
                    office, filing, "accept", "同意备案。", {k: True for k in services.REVIEW_CHECKLIST}
                )
            elif story == "returned":
                services.review_filing(
                    office, filing, "return", "账号管理员办公电话与第一责任人相同，请核实后重新报送。"
                )
        elif story in ("new", "new_accepted"):
            filing = services.create_filing(center, account, "new", account.planned_open_on)
            if story == "new_accepted":
                services.review_filing(office, filing, "accept", "同意备案。")
        if kind == "wechat" and wechat_kind == "service":
            services.add_function_log(
                center,
                account,
                {
                    "on": date(2024, 3, 1),
                    "kind": "interface",
                    "description": "接入政务服务事项查询接口",
                    "interface": "政务服务事项查询",
                    "developer": "云南某信息技术有限公司",
                    "developer_contact": "王工 13908781099",
                },
            )
            services.add_maintenance_log(
                center,
                account,
                {
                    "on": date(2025, 11, 10),
                    "description": "菜单栏调整，更新办事指南链接",
                    "performed_by": "李明",
                },
            )
