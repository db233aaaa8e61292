"""The duty officer records a patrol anomaly, opens a leak incident, works the checklist, and the password
rotation task appears for the account (R6.2-2, R6.3-1, R6.1-5)."""

from typing import Any

from playwright.sync_api import expect

ACCOUNT = "姚安县人民政府 · 微博 · 姚安县人民政府"


def test_patrol_anomaly_leak_incident_checklist_and_rotation_task(sign_in: Any, site: str) -> None:
    duty = sign_in("duty_officer")
    duty.goto(f"{site}/security/patrols/new/")
    duty.locator("#id_account").select_option(label=ACCOUNT)
    duty.locator("#id_front_content_ok").get_by_label("异常").check()
    duty.locator("#id_result").get_by_label("异常").check()
    duty.locator("#id_notes").fill("发现凌晨有一条非本单位发布的广告微博，疑似账号密码泄露")
    duty.get_by_role("button", name="保存").click()
    expect(duty.locator("body")).to_contain_text("异常")

    duty.get_by_role("link", name="登记账号信息泄露").click()
    expect(duty.locator("#id_title")).to_have_value("巡查发现异常：姚安县人民政府")
    duty.locator("#id_severity").select_option(index=1)
    duty.get_by_role("button", name="保存").click()
    expect(duty.locator("h1")).to_contain_text("巡查发现异常")

    first = duty.locator("td form").first
    first.get_by_role("button", name="完成").click()
    expect(duty.locator("body")).to_contain_text("郑浩")

    duty.goto(f"{site}/security/rotation/")
    expect(duty.locator("body")).to_contain_text("账号信息泄露")
    expect(duty.locator("body")).to_contain_text("姚安县人民政府")
