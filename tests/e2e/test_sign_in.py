"""A person signs in, sees 我的待办, signs out; a wrong password gets a Chinese error; lockout engages."""

from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD


def _sign_in(page: Page, site: str, username: str, password: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_center_signs_in_sees_todo_and_signs_out(page: Page, site: str) -> None:
    page.goto(f"{site}/")
    expect(page).to_have_url(f"{site}/accounts/login/?next=/")
    _sign_in(page, site, "center", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.locator(".topbar")).to_contain_text("李明")
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(f"{site}/accounts/login/")
    page.goto(f"{site}/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_wrong_password_shows_chinese_error_then_lockout(page: Page, site: str, tmp_path: Any) -> None:
    _sign_in(page, site, "town_admin", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    for _ in range(4):
        _sign_in(page, site, "town_admin", "not-the-password")
    _sign_in(page, site, "town_admin", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="账号已暂时锁定")).to_be_visible()
    page.screenshot(path=str(tmp_path / "locked.png"))


def test_phone_layout_shows_menu_button(page: Page, site: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, site, "office_leader", DEMO_PASSWORD)
    menu = page.get_by_role("button", name="菜单")
    expect(menu).to_be_visible()
    expect(page.locator("#nav")).to_be_hidden()
    menu.click()
    expect(page.locator("#nav")).to_be_visible()


def test_r6_1_4_a_leader_enrols_an_authenticator_on_a_phone_and_signs_in_with_it(
    page: Page, site: str, tmp_path: Any
) -> None:
    """With two-factor sign-in enforced, office_leader enrols from the QR page, keeps the recovery codes,
    and at the next sign-in passes with the app's code."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from govmedia.security.models import SecurityPolicy

    def code() -> str:
        device = TOTPDevice.objects.get(user__username="office_leader")
        return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"

    SecurityPolicy.objects.filter(pk=1).update(two_factor_required=True)
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, site, "office_leader", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="启用两步验证")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    page.screenshot(path=str(tmp_path / "enrol.png"))
    page.get_by_label("验证码").fill("000000")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.locator(".errorlist, .error")).to_contain_text("验证码")
    TOTPDevice.objects.filter(user__username="office_leader").update(throttling_failure_count=0)
    page.get_by_label("验证码").fill(code())
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_role("heading", name="两步验证已启用")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()

    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="退出").click()
    TOTPDevice.objects.filter(user__username="office_leader").update(last_t=-1)  # same 30 s step again
    _sign_in(page, site, "office_leader", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="两步验证")).to_be_visible()
    page.get_by_label("验证码").fill(code())
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
