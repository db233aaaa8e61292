"""姚安县 demo organisation: units and the users of CONTRACT.md's table."""

from dataclasses import dataclass
from typing import Any

from .models import County, Role, RoleGrant, Unit, User

COUNTY = "姚安县"
COUNTY_UNITS = [
    ("姚安县人民政府", "县政府", Unit.Kind.COUNTY_GOV),
    ("姚安县人民政府办公室", "县政府办", Unit.Kind.COUNTY_OFFICE),
    ("姚安县电子政务中心", "电子政务中心", Unit.Kind.EGOV_CENTER),
]
TOWNSHIPS = ["栋川镇", "光禄镇", "前场镇", "弥兴镇", "太平镇", "官屯镇", "适中乡", "左门乡", "大河口乡"]
DEPARTMENTS = [
    "县教育体育局",
    "县卫生健康局",
    "县应急管理局",
    "县公安局",
    "县财政局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县住房和城乡建设局",
    "县农业农村局",
    "县文化和旅游局",
    "县市场监督管理局",
    "县民政局",
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    unit: str
    title: str
    roles: tuple[str, ...]
    mobile: str


DEMO_USERS = [
    DemoUser("center", "李明", "姚安县电子政务中心", "工作人员", (Role.CENTER_STAFF,), "13908781001"),
    DemoUser(
        "office_leader", "王建国", "姚安县人民政府办公室", "副主任", (Role.OFFICE_LEADER,), "13908781002"
    ),
    DemoUser("county_leader", "张志强", "姚安县人民政府", "副县长", (Role.COUNTY_LEADER,), "13908781003"),
    DemoUser("edu_admin", "赵丽", "县教育体育局", "新媒体管理员", (Role.UNIT_ADMIN,), "13908781004"),
    DemoUser("edu_leader", "陈刚", "县教育体育局", "副局长", (Role.UNIT_LEADER,), "13908781005"),
    DemoUser("town_admin", "杨芳", "栋川镇", "新媒体管理员", (Role.UNIT_ADMIN,), "13908781006"),
    DemoUser("town_leader", "刘伟", "栋川镇", "副镇长", (Role.UNIT_LEADER,), "13908781007"),
    DemoUser(
        "legal_reviewer", "周敏", "姚安县人民政府办公室", "法制审核员", (Role.LEGAL_REVIEWER,), "13908781008"
    ),
    DemoUser(
        "secrecy_reviewer",
        "吴静",
        "姚安县人民政府办公室",
        "保密审查员",
        (Role.SECRECY_REVIEWER,),
        "13908781009",
    ),
    DemoUser("duty_officer", "郑浩", "姚安县电子政务中心", "安全值班员", (Role.DUTY_OFFICER,), "13908781010"),
    DemoUser("sysadmin", "孙磊", "姚安县电子政务中心", "系统管理员", (Role.SYSADMIN,), "13908781011"),
    DemoUser("secadmin", "何琳", "姚安县电子政务中心", "安全管理员", (Role.SECADMIN,), "13908781012"),
    DemoUser("auditor", "马丽", "姚安县人民政府办公室", "审计管理员", (Role.AUDITOR,), "13908781013"),
]


def build(ctx: dict[str, Any]) -> None:
    """Create or update the demo units and users; safe to run again."""
    county, _ = County.objects.get_or_create(name=COUNTY)
    specs = [(name, short, kind, order) for order, (name, short, kind) in enumerate(COUNTY_UNITS, start=1)]
    specs += [
        (name, f"姚安{name}", Unit.Kind.TOWNSHIP, order) for order, name in enumerate(TOWNSHIPS, start=10)
    ]
    specs += [
        (name, "姚安" + name.removeprefix("县"), Unit.Kind.DEPARTMENT, order)
        for order, name in enumerate(DEPARTMENTS, start=30)
    ]
    for name, short, kind, order in specs:
        Unit.objects.update_or_create(
            name=name, defaults={"short_name": short, "kind": kind, "order": order, "county": county}
        )
    units = {u.name: u for u in county.units.all()}
    password = ctx["password"]
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "full_name": spec.full_name,
                "unit": units[spec.unit],
                "title": spec.title,
                "mobile": spec.mobile,
                "email": f"{spec.username}@yaoan.gov.cn",
            },
        )
        if created or ctx.get("reset_passwords"):
            user.set_password(password)
            user.must_change_password = False
            user.save()
        for role in spec.roles:
            RoleGrant.objects.get_or_create(user=user, role=role)
        ctx.setdefault("logins", []).append(
            {"username": spec.username, "role": dict(Role.choices)[spec.roles[0]]}
        )
