"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

They run when /usr/bin/chromium exists and must run (not skip) when REQUIRE_BROWSER=1.
"""

import os
import shutil
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


class _SerialServer(WSGIServer):
    """The live server answers one request at a time. With in-memory SQLite every server thread shares the
    test's single connection, so an htmx panel request racing a form save would interleave their
    transactions (a test-only artefact: a real server gives each thread its own connection)."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


LiveServerThread.server_class = _SerialServer
# A loaded 2-core CI machine can take a few seconds for a page that needs a second on a quiet one.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    have_browser = os.path.exists(CHROMIUM) or shutil.which("chromium")
    for item in items:
        if "e2e" not in item.nodeid:
            continue
        item.add_marker(pytest.mark.browser)
        if not have_browser and os.environ.get("REQUIRE_BROWSER") != "1":
            item.add_marker(pytest.mark.skip(reason="没有安装 Chromium（apt-get install chromium）"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def site(live_server: Any, transactional_db: Any) -> Iterator[str]:
    """The live server with the demo county loaded (transactional tests start from a flushed database)."""
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    yield live_server.url


@pytest.fixture
def sign_in(browser: Any, site: str) -> Any:
    """sign_in("edu_admin") -> a Page signed in as that demo user, in its own browser context."""
    from tests.conftest import DEMO_PASSWORD

    def make(username: str) -> Any:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        page = context.new_page()
        page.goto(f"{site}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{site}/")
        return page

    return make
