"""A unit registers and files an account; the county office returns it, then accepts it (R4.2-1, R4.2-6)."""

from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page, expect

NAME = "姚安教育体育发布"


def _review(page: Page, site: str, decision: str, comment: str) -> None:
    page.goto(f"{site}/registry/filings/")
    page.get_by_role("link", name=NAME).first.click()
    page.get_by_label(decision).check()
    page.locator("#id_comment").fill(comment)
    page.get_by_role("button", name="提交审核意见").click()


def test_register_file_return_correct_accept_and_print_a1(sign_in: Any, site: str) -> None:
    admin = sign_in("edu_admin")
    admin.goto(f"{site}/registry/accounts/new/")
    admin.locator("#id_type").select_option("weibo")
    admin.locator("#id_name").fill(NAME)
    admin.locator("#id_link").fill("https://weibo.com/yaoanjiaoyu")
    admin.locator("#id_planned_open_on").fill((date.today() + timedelta(days=40)).isoformat())
    for role, name, title, mobile in (
        ("leader", "陈刚", "副局长", "13908781005"),
        ("admin", "赵丽", "管理员", "13908781004"),
    ):
        admin.locator(f"#id_{role}_name").fill(name)
        admin.locator(f"#id_{role}_title").fill(title)
        admin.locator(f"#id_{role}_mobile").fill(mobile)
    admin.locator("#id_purpose_plan").fill("发布教育政策、招生信息和校园安全提示")
    admin.locator("#id_introduction").fill("拟开设政策解读、招生考试、校园动态栏目")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator("h1")).to_contain_text(NAME)
    account_url = admin.url

    admin.locator(".actions a.button.primary").first.click()  # the first filing kind: 新开通
    admin.get_by_role("button", name="报送县人民政府办公室").click()
    expect(admin.locator("body")).to_contain_text("已报送")

    office = sign_in("office_leader")
    _review(office, site, "退回修改", "平台用途请补充内容规划")
    expect(office.locator("body")).to_contain_text("退回")

    admin.goto(f"{site}/")
    admin.get_by_role("link", name=NAME).first.click()
    admin.get_by_role("link", name="修改并重新报送").click()
    expect(admin.get_by_role("status")).to_contain_text("平台用途请补充内容规划")
    admin.get_by_role("button", name="重新报送").click()

    _review(office, site, "同意备案", "")
    expect(office.locator("body")).to_contain_text("同意备案")

    admin.goto(account_url)
    admin.get_by_role("link", name="备案登记表（A.1）").first.click()
    expect(admin.locator("body")).to_contain_text("政务公开新媒体备案登记表")
    expect(admin.locator("body")).to_contain_text(NAME)
    expect(admin.locator("body")).to_contain_text("☑")
