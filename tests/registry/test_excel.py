"""Ledger export of every A.1 field; an all-or-nothing import reporting errors by row and column (R2-1)."""

import zipfile
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from govmedia.registry.excel import COLUMNS, HEADER
from govmedia.registry.models import Account

pytestmark = pytest.mark.django_db

ROW = {
    "开通部门或单位": "县教育体育局",
    "新媒体类型": "微博",
    "账号用户名": "姚安教育体育局",
    "媒体链接": "https://weibo.com/yaedu",
    "开通时间": "2019年3月1日",
    "第一责任人姓名": "陈刚",
    "第一责任人职务": "副局长",
    "第一责任人移动电话": 13908781005,
    "第一责任人办公电话": "0878-5712101",
    "账号管理员姓名": "赵丽",
    "账号管理员职务": "管理员",
    "账号管理员移动电话": "13908781004",
    "开发单位": "",
    "平台用途及建设规划": "发布信息",
    "基本情况介绍": "设三个栏目",
}


def xlsx(*rows: dict[str, Any], header: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    header = header or [title for _, title in COLUMNS]
    ws.append(header)
    for row in rows:
        ws.append([row.get(title, "") for title in header])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client: Any, content: bytes, name: str = "台账.xlsx") -> Any:
    return client.post("/registry/import/", {"file": SimpleUploadedFile(name, content)})


def test_r2_1_export_has_every_a1_field(login) -> None:
    response = login("office_leader").get("/registry/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) - 1 == Account.objects.count()
    county = next(r for r in rows if r[0] == "姚安县人民政府" and r[3] == "服务号")
    assert county[4] == "姚安县人民政府" and county[10]  # name and leader's mobile
    edu_rows = list(
        load_workbook(BytesIO(login("edu_admin").get("/registry/export.xlsx").content)).active.iter_rows(
            values_only=True
        )
    )[1:]
    assert edu_rows and all(r[0] == "县教育体育局" for r in edu_rows)


def test_import_good_rows(login) -> None:
    second = {
        **ROW,
        "新媒体类型": "头条号",
        "媒体链接": "https://toutiao.com/yaedu",
        "开通时间": "",
        "计划开通时间": "2026-12-20",
    }
    response = upload(login("edu_admin"), xlsx(ROW, second))
    assert response.status_code == 302
    weibo = Account.objects.get(type="weibo", name="姚安教育体育局")
    assert weibo.status == "operating" and str(weibo.opened_on) == "2019-03-01"
    assert weibo.leader_mobile == "13908781005" and weibo.developer == "无"
    assert Account.objects.get(type="toutiao", name="姚安教育体育局").status == "planned"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([{**ROW, "第一责任人移动电话": "1390878"}], "第2行「第一责任人移动电话」：请输入11位手机号码"),
        ([{**ROW, "开通部门或单位": "县外星局"}], "第2行「开通部门或单位」：未知单位“县外星局”"),
        ([{**ROW, "开通部门或单位": "栋川镇"}], "第2行「开通部门或单位」：无权为“栋川镇”登记账号"),
        (
            [{**ROW, "新媒体类型": "微信", "账号用户名": "姚安教育体育局"}],
            "第2行「账号用户名」：该平台已登记同名账号",
        ),
        ([ROW, ROW], "第3行「账号用户名」：与第2行重复"),
        ([{**ROW, "开通时间": "去年"}], "第2行「开通时间」：日期格式应为"),
        ([{**ROW, "新媒体类型": "抖音"}], "第2行「新媒体类型」：未知类型“抖音”"),
        ([{**ROW, "账号管理员姓名": ""}], "第2行「账号管理员姓名」：不能为空"),
    ],
)
def test_bad_rows_import_nothing_and_say_where(login, rows, expected) -> None:
    good = {**ROW, "新媒体类型": "百家号", "账号用户名": "姚安教育体育局百家"}
    before = Account.objects.count()
    response = upload(login("edu_admin"), xlsx(good, *rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "未导入任何账号" in page
        and expected.replace("第2行", "第3行").replace(
            "第3行「账号用户名」：与第3行", "第4行「账号用户名」：与第3行"
        )
        in page
    )
    assert Account.objects.count() == before


def test_broken_files_are_refused_in_chinese(login) -> None:
    client = login("edu_admin")
    before = Account.objects.count()
    assert "不是Excel（.xlsx）格式" in upload(client, b"name,type\n1,2", "台账.csv").content.decode()
    not_a_workbook = BytesIO()
    with zipfile.ZipFile(not_a_workbook, "w") as zf:
        zf.writestr("hello.txt", "不是表格")
    assert "无法读取Excel文件" in upload(client, not_a_workbook.getvalue()).content.decode()
    assert "不是Excel（.xlsx）格式" in upload(client, b"PK\x03\x04garbage" + b"\x00" * 100).content.decode()
    assert "缺少必需的列" in upload(client, xlsx(ROW, header=["账号用户名", "新媒体类型"])).content.decode()
    assert "没有账号数据" in upload(client, xlsx()).content.decode()
    assert Account.objects.count() == before


def test_people_without_register_role_cannot_import(login) -> None:
    assert upload(login("office_leader"), xlsx(ROW)).status_code == 403
