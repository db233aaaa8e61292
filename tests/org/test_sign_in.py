"""Sign-in: Argon2, lockout, password rules, first-login change, sign-in records (R6.1-4)."""

from typing import Any

import pytest
from django.test import Client

from govmedia.audit.models import Entry
from govmedia.org.models import User
from govmedia.security.models import KnownDevice, SignInRecord
from tests.conftest import DEMO_PASSWORD


def _sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )


@pytest.mark.django_db
def test_demo_user_signs_in_and_passwords_are_argon2() -> None:
    response = _sign_in(Client(), "center", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert User.objects.get(username="center").password.startswith("argon2")


@pytest.mark.django_db
def test_wrong_password_shows_chinese_error_and_is_recorded() -> None:
    response = _sign_in(Client(), "center", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    failure = SignInRecord.objects.get(username="center", success=False)
    assert failure.ip == "10.1.2.3" and failure.user_agent == "TestBrowser/1.0"
    assert Entry.objects.filter(action="auth.sign_in_failed").exists()


@pytest.mark.django_db
def test_lockout_after_five_failures_even_with_right_password() -> None:
    client = Client()
    for _ in range(5):
        _sign_in(client, "town_admin", "wrong-password")
    response = _sign_in(client, "town_admin", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.content.decode()


@pytest.mark.django_db
def test_r6_1_4_first_sign_in_from_a_device_is_flagged_then_known() -> None:
    client = Client()
    _sign_in(client, "office_leader", DEMO_PASSWORD)
    first = SignInRecord.objects.filter(username="office_leader", success=True).latest("at")
    assert first.new_device is True and first.device_id
    client.post("/accounts/logout/")
    _sign_in(client, "office_leader", DEMO_PASSWORD)
    second = SignInRecord.objects.filter(username="office_leader", success=True).latest("id")
    assert second.new_device is False
    assert KnownDevice.objects.filter(user__username="office_leader").count() == 1
    _sign_in(Client(), "office_leader", DEMO_PASSWORD)  # another browser
    assert KnownDevice.objects.filter(user__username="office_leader").count() == 2


@pytest.mark.django_db
def test_initial_password_must_be_changed_before_anything_else(cast: dict[str, User]) -> None:
    from govmedia.org.services import save_person

    person = User(username="new_clerk", full_name="新职员", unit=cast["edu_admin"].unit)
    save_person(cast["sysadmin"], person, roles=["unit_admin"], initial_password="Chushi-Mima-2026")
    client = Client()
    assert _sign_in(client, "new_clerk", "Chushi-Mima-2026").status_code == 302
    assert client.get("/")["Location"] == "/accounts/password/"
    weak = client.post(
        "/accounts/password/",
        {"old_password": "Chushi-Mima-2026", "new_password1": "abcdefghij", "new_password2": "abcdefghij"},
    )
    assert "至少3类" in weak.content.decode()
    person.refresh_from_db()
    assert person.must_change_password is True
    done = client.post(
        "/accounts/password/",
        {
            "old_password": "Chushi-Mima-2026",
            "new_password1": "Xin-Mima-7788",
            "new_password2": "Xin-Mima-7788",
        },
    )
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    person.refresh_from_db()
    assert person.must_change_password is False


@pytest.mark.django_db
def test_short_password_is_refused_in_chinese(cast: dict[str, User]) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        validate_password("Ab1!", cast["center"])
    assert any("10" in m for m in err.value.messages)


@pytest.mark.django_db
def test_idle_session_expires_after_the_configured_time(settings: Any) -> None:
    client = Client()
    _sign_in(client, "center", DEMO_PASSWORD)
    assert client.session.get_expiry_age() == settings.SESSION_IDLE_SECONDS == 30 * 60


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["", "short"])
def test_demo_refuses_an_empty_or_short_password_and_changes_nothing(password: str) -> None:
    """`govmedia demo --password ''` reset every demo account to the default password without a word."""
    from django.core.management import call_command

    before = User.objects.get(username="center").password
    with pytest.raises(SystemExit) as exit_:
        call_command("demo", "--password", password)
    assert exit_.value.code == 2
    assert User.objects.get(username="center").password == before
