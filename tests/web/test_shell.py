"""The web shell: sign-in required everywhere, Chinese pages, friendly errors (CONTRACT: Pages)."""

from typing import Any

import pytest
from django.test import Client


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_sign_in_page_is_chinese() -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert "登录" in html and 'lang="zh-hans"' in html


def test_home_shows_my_todo_and_navigation(login: Any) -> None:
    html = login("center").get("/").content.decode()
    assert "我的待办" in html
    assert "李明" in html and "姚安县电子政务中心" in html


def test_sysadmin_sees_system_pages_in_navigation(login: Any) -> None:
    html = login("sysadmin").get("/").content.decode()
    assert "系统管理" in html and "/org/people/" in html


def test_unknown_page_answers_friendly_404(login: Any, settings: Any) -> None:
    settings.DEBUG = False
    response = login("center").get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_forbidden_page_answers_chinese_403(login: Any) -> None:
    response = login("edu_admin").get("/org/people/")
    assert response.status_code == 403
    assert "没有执行此操作的权限" in response.content.decode()


def test_no_asset_is_loaded_from_outside(login: Any) -> None:
    html = login("center").get("/").content.decode()
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    assert "/static/django_htmx/" in html or "htmx" in html


@pytest.mark.django_db
def test_every_page_names_its_own_icon_so_browsers_do_not_ask_for_a_missing_favicon() -> None:
    """Without a named icon each visit asked for /favicon.ico and got a 404 (a red line in the console)."""
    import re

    from django.contrib.staticfiles import finders

    html = Client().get("/accounts/login/").content.decode()
    found = re.search(r'<link rel="icon" href="/static/([^"]+)" type="image/svg\+xml">', html)
    assert found is not None
    path = finders.find(found.group(1))
    assert path is not None
    with open(path, "rb") as icon:
        assert icon.read(5) == b"<svg "


def test_sweep_runs_twice_without_error(db: Any) -> None:
    from django.core.management import call_command

    call_command("sweep", stdout=_Sink(), stderr=_Sink())
    call_command("sweep", stdout=_Sink(), stderr=_Sink())


class _Sink:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass
