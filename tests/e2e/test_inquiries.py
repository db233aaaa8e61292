"""A message through instruction, transfer, the department's reply and sign-off, compilation, review and
reply (R7-1 … R7-4); a petition gets the channel reply (R7-6)."""

from typing import Any

from playwright.sync_api import Page, expect

ACCOUNT = "姚安县人民政府 · 微博 · 姚安县人民政府"


def _register(page: Page, site: str, message_id: str, kind: str, content: str) -> str:
    page.goto(f"{site}/inquiries/new/")
    page.locator("#id_account").select_option(label=ACCOUNT)
    page.locator("#id_platform_message_id").fill(message_id)
    page.locator("#id_sender_name").fill("一位家长")
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_content").fill(content)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_be_visible()
    return page.url


def _act(page: Page, url: str, button: str, fill: dict[str, str] | None = None) -> None:
    page.goto(url)
    for selector, text in (fill or {}).items():
        page.locator(selector).fill(text)
    page.get_by_role("button", name=button).click()
    expect(page.locator(".messages")).to_be_visible()


def test_message_transferred_answered_signed_reviewed_replied(sign_in: Any, site: str) -> None:
    center = sign_in("center")
    url = _register(center, site, "wb-e2e-1", "consultation", "请问寒假什么时候开始？")

    office = sign_in("office_leader")
    office.goto(url)
    office.get_by_label("转有关部门办理").check()
    office.get_by_label("县教育体育局").check()
    office.get_by_role("button", name="提交批示").click()

    _act(center, url, "转办")
    _act(sign_in("edu_admin"), url, "提交部门领导审核", {"#id_text_draft": "寒假自2027年1月16日开始。"})
    _act(sign_in("edu_leader"), url, "审核签字")
    _act(center, url, "报领导审核")
    _act(office, url, "审核同意")
    _act(center, url, "登记已回复")
    center.goto(url)
    expect(center.locator("body")).to_contain_text("寒假自2027年1月16日开始")
    center.get_by_role("link", name="批办单").first.click()
    expect(center.locator("body")).to_contain_text("留言批办单")


def test_petition_gets_the_channel_reply(sign_in: Any, site: str) -> None:
    center = sign_in("center")
    url = _register(center, site, "wb-e2e-2", "petition", "我要反映土地征收补偿问题")
    _act(center, url, "告知并登记")
    center.goto(f"{site}/inquiries/petitions/")
    expect(center.locator("body")).to_contain_text("土地征收补偿")
