"""The review chain in a real browser (R5.4-2, R5.4-3, R5.5-1, B-2)."""

from typing import Any

from playwright.sync_api import Page, expect

TITLE = "县教育体育局关于寒假安全提示的通知"


def _decide(page: Page, site: str, title: str) -> None:
    page.goto(f"{site}/")
    page.get_by_role("link", name=title).first.click()
    page.get_by_label("同意").check()
    page.get_by_label("已按本环节审查要点逐项审查").check()
    page.get_by_role("button", name="提交意见").click()
    expect(page.locator(".messages")).to_contain_text("已同意")


def test_department_post_through_both_reviews_and_leader_then_edit_voids(sign_in: Any, site: str) -> None:
    admin = sign_in("edu_admin")
    admin.goto(f"{site}/publishing/new/")
    admin.get_by_label("县教育体育局 · 微信 · 姚安教育体育局").check()
    admin.get_by_label("信息类别（规范5.3）").select_option("i")
    admin.locator("#id_title").fill(TITLE)
    admin.locator("#id_body").fill("寒假期间请家长加强对学生的安全教育，注意防溺水、防火、交通安全。")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator(".messages")).to_contain_text("稿件已保存")
    post_url = admin.url
    admin.get_by_role("button", name="送审").click()
    expect(admin.locator(".messages")).to_contain_text("已送审")

    for who, step in (
        ("legal_reviewer", "合法性审查"),
        ("secrecy_reviewer", "保密审查"),
        ("edu_leader", "单位领导审签"),
    ):
        _decide(sign_in(who), site, f"{step}：{TITLE}")

    admin.goto(post_url)
    expect(admin.locator(".badge").first).to_have_text("待发布")
    expect(admin.locator("ol.timeline li.done")).to_have_count(5)
    # An edit after approval voids it: the post is a draft again and cannot be published.
    admin.get_by_role("link", name="修改", exact=True).click()
    admin.locator("#id_body").fill(
        "寒假期间请家长加强对学生的安全教育，注意防溺水、防火、交通安全和用电安全。"
    )
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator(".badge").first).to_have_text("草稿")
    expect(admin.get_by_role("cell", name="已作废（内容已修改）").first).to_be_visible()
    expect(admin.get_by_role("button", name="登记发布")).to_have_count(0)


def test_township_post_for_county_account_goes_through_centre_and_office(sign_in: Any, site: str) -> None:
    title = "栋川镇冬季森林防火工作部署会召开"
    town = sign_in("town_admin")
    town.goto(f"{site}/publishing/new/")
    town.get_by_label("姚安县人民政府 · 微博 · 姚安县人民政府").check()
    town.locator("#id_title").fill(title)
    town.locator("#id_body").fill("栋川镇召开冬季森林防火工作部署会，安排部署当前森林防火工作。")
    town.get_by_label("信息类别（规范5.3）").select_option("b")
    town.get_by_role("button", name="保存").click()
    town.get_by_role("button", name="送审").click()
    expect(town.locator(".messages")).to_contain_text("已送审")
    _decide(sign_in("legal_reviewer"), site, f"合法性审查：{title}")
    _decide(sign_in("secrecy_reviewer"), site, f"保密审查：{title}")
    _decide(sign_in("center"), site, f"县电子政务中心拟办意见：{title}")
    _decide(sign_in("office_leader"), site, f"县政府办公室领导审批：{title}")

    center = sign_in("center")
    center.goto(f"{site}/")
    center.get_by_role("link", name=f"待发布：{title}").click()
    expect(center.get_by_text("应在")).to_be_visible()
    center.get_by_label("发布链接").fill("https://weibo.com/yaoanxian/demo1")
    center.get_by_role("button", name="登记发布").click()
    expect(center.locator(".messages")).to_contain_text("已登记发布")
    expect(center.locator(".badge").first).to_have_text("已发布")
    center.get_by_role("link", name="审批单").click()
    expect(center.locator(".form-table")).to_contain_text("县政府办公室领导审批意见")
