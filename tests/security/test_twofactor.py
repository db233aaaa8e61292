"""Two-factor sign-in (issue #10, R6.1-4): leaders and the three administrators must pass a TOTP code after
their password when the county's policy says so; enrolment, recovery codes, the security administrator's
reset, and every step in the audit log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from govmedia.audit.models import Entry
from govmedia.org.models import User
from govmedia.security import twofactor
from govmedia.security.models import SecurityPolicy

pytestmark = pytest.mark.django_db
PASSWORD = "Demo-2026!yaoan"


@pytest.fixture
def enforced() -> None:
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"two_factor_required": True})


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrol(client: Client, username: str) -> list[str]:
    """Open the enrolment page, confirm with the current code, return the recovery codes shown."""
    assert client.get("/accounts/two-factor/setup/").status_code == 200
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    page = client.post("/accounts/two-factor/setup/", {"code": code_for(device)}).content.decode()
    assert "两步验证已启用" in page
    return re.findall(r"<code>([a-z0-9]{8})</code>", page)


def actions_of(username: str) -> list[str]:
    return list(
        Entry.objects.filter(actor_id=User.objects.get(username=username).pk).values_list("action", flat=True)
    )


def test_r6_1_4_a_leader_must_enrol_before_anything_else(enforced: None) -> None:
    client = sign_in("office_leader")
    response = client.get("/publishing/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/setup/?next=%2Fpublishing%2F")
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "须使用两步验证" in page  # the QR code is drawn by the app itself
    assert TOTPDevice.objects.filter(user__username="office_leader", confirmed=False).count() == 1

    wrong = client.post("/accounts/two-factor/setup/", {"code": "000000"}).content.decode()
    assert "验证码不正确" in wrong
    assert not TOTPDevice.objects.filter(user__username="office_leader", confirmed=True).exists()
    assert "6位数字" in client.post("/accounts/two-factor/setup/", {"code": "abc"}).content.decode()
    assert "次数过多" in client.post("/accounts/two-factor/setup/", {"code": "000001"}).content.decode()
    TOTPDevice.objects.filter(user__username="office_leader").update(
        throttling_failure_count=0
    )  # time passes

    codes = enrol(client, "office_leader")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/publishing/").status_code == 200
    assert "auth.two_factor_enrolled" in actions_of("office_leader")
    assert "auth.two_factor_enrol_failed" in actions_of("office_leader")


def test_r6_1_4_after_the_password_an_enrolled_person_enters_a_code(enforced: None) -> None:
    codes = enrol(sign_in("county_leader"), "county_leader")
    client = sign_in("county_leader")
    for path in ("/", "/registry/accounts/", "/accounts/two-factor/setup/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/two-factor/verify/"
        ), path
    # A stolen password cannot replace the authenticator: enrolment stays closed until the code is given.
    assert TOTPDevice.objects.filter(user__username="county_leader").count() == 1

    assert "验证码不正确" in client.post("/accounts/two-factor/verify/", {"code": "123456"}).content.decode()
    assert actions_of("county_leader").count("auth.two_factor_failed") == 1

    # A recovery code is not slowed down by a wrong code from the app.
    response = client.post("/accounts/two-factor/verify/?next=/registry/accounts/", {"code": codes[0]})
    assert response.status_code == 302 and response["Location"] == "/registry/accounts/"
    assert client.get("/").status_code == 200
    assert "auth.recovery_code_used" in actions_of("county_leader")
    assert not StaticToken.objects.filter(token=codes[0]).exists()  # each recovery code works once

    again = sign_in("county_leader")
    assert "验证码不正确" in again.post("/accounts/two-factor/verify/", {"code": codes[0]}).content.decode()


def test_r6_1_4_a_totp_code_passes_and_a_foreign_next_is_ignored(enforced: None) -> None:
    enrol(sign_in("sysadmin"), "sysadmin")
    device = TOTPDevice.objects.get(user__username="sysadmin")
    device.last_t = -1  # the enrolment used this time step's code; allow it once more for the test
    device.save()
    client = sign_in("sysadmin")
    response = client.post(
        "/accounts/two-factor/verify/?next=https://evil.example/", {"code": code_for(device)}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert "auth.two_factor_passed" in actions_of("sysadmin")


def test_r6_1_4_wrong_codes_are_throttled(enforced: None, cast: dict[str, User]) -> None:
    enrol(sign_in("auditor"), "auditor")
    user = cast["auditor"]
    with pytest.raises(ValidationError):
        twofactor.verify(user, "111111")
    with pytest.raises(ValidationError, match="次数过多"):
        twofactor.verify(user, "222222")  # within the back-off after a failure, nothing is even tried


def test_r6_1_4_others_need_no_second_factor_but_may_enrol(enforced: None) -> None:
    client = sign_in("center")
    assert client.get("/").status_code == 200
    assert "未启用" in client.get("/accounts/two-factor/").content.decode()
    enrol(client, "center")
    assert "剩余恢复码" in client.get("/accounts/two-factor/").content.decode()
    assert client.post("/accounts/two-factor/disable/").status_code == 302
    assert not TOTPDevice.objects.filter(user__username="center").exists()
    assert not StaticDevice.objects.filter(user__username="center").exists()
    assert "auth.two_factor_disabled" in actions_of("center")


def test_r6_1_4_a_required_role_cannot_switch_it_off(enforced: None, cast: dict[str, User]) -> None:
    client = sign_in("secadmin")
    enrol(client, "secadmin")
    assert client.post("/accounts/two-factor/disable/").status_code == 403
    with pytest.raises(PermissionDenied):
        twofactor.disable(cast["secadmin"])
    assert TOTPDevice.objects.filter(user__username="secadmin", confirmed=True).exists()


def test_r6_1_4_new_recovery_codes_replace_the_old(enforced: None) -> None:
    client = sign_in("town_leader")
    old = enrol(client, "town_leader")
    page = client.post("/accounts/two-factor/recovery-codes/").content.decode()
    new = re.findall(r"<code>([a-z0-9]{8})</code>", page)
    assert len(new) == 10 and not set(old) & set(new)
    assert StaticToken.objects.filter(device__user__username="town_leader").count() == 10
    assert "auth.recovery_codes_renewed" in actions_of("town_leader")


def test_the_demo_does_not_enforce_it_until_the_security_administrator_does(login: Any) -> None:
    assert not SecurityPolicy.current().two_factor_required
    assert sign_in("office_leader").get("/").status_code == 200  # CONTRACT's demo logins: password only
    assert "当前未强制" in login("secadmin").get("/security/two-factor/").content.decode()


def test_the_security_administrator_resets_a_lost_authenticator(login: Any, cast: dict[str, User]) -> None:
    enrol(sign_in("edu_leader"), "edu_leader")
    page = login("secadmin").get("/security/two-factor/").content.decode()
    assert "已启用" in page and cast["edu_leader"].full_name in page

    leader = cast["edu_leader"]
    for who in ("sysadmin", "center", "auditor", "edu_leader"):
        with pytest.raises(PermissionDenied):
            twofactor.reset(cast[who], leader)
    assert login("center").post(f"/security/two-factor/{leader.pk}/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=leader).exists()

    response = login("secadmin").post(f"/security/two-factor/{leader.pk}/reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert not StaticDevice.objects.filter(user=leader).exists()
    entry = Entry.objects.filter(action="security.two_factor_reset").latest("id")
    assert entry.object_id == str(leader.pk) and entry.actor_id == cast["secadmin"].pk

    with pytest.raises(ValidationError, match="尚未启用"):
        twofactor.reset(cast["secadmin"], leader)

    SecurityPolicy.objects.filter(pk=1).update(two_factor_required=True)
    response = sign_in("edu_leader").get("/")
    assert response["Location"].startswith("/accounts/two-factor/setup/")  # enrols again at the next sign-in


def test_the_security_administrator_cannot_reset_their_own(cast: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        twofactor.reset(cast["secadmin"], cast["secadmin"])


def test_the_policy_switch_is_a_setting_change_with_an_audit_entry(login: Any) -> None:
    from govmedia.security.services import POLICY_FIELDS

    policy = SecurityPolicy.current()
    data = {f: getattr(policy, f) for f in POLICY_FIELDS}
    response = login("secadmin").post("/security/settings/", {**data, "two_factor_required": "on"})
    assert response.status_code == 302
    assert SecurityPolicy.current().two_factor_required
    entry = Entry.objects.filter(action="security.policy_updated").latest("id")
    assert entry.before["two_factor_required"] is False and entry.after["two_factor_required"] is True
