"""The authorisation matrix: every URL pattern of the URL conf × every demo role (and anonymous).

Routes come from the URL conf itself (urlmap.page_routes), so a new page cannot be forgotten: anonymous
visitors must be sent to sign-in unless the page is on the short public list below, and every role's
answer must be below 500 and, where the table says, exactly what the table says. Every HTML page that
answers 200 is checked for inline scripts and style attributes (the Content-Security-Policy forbids them).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from govmedia.web.middleware import auditor_may_open
from tests.conftest import DEMO_USERNAMES

from .urlmap import Route, page_routes, path_of

USERS = DEMO_USERNAMES
ALL = frozenset(USERS)
OTHER_UNIT = frozenset({"edu_admin", "edu_leader"})  # samples belong to 栋川镇

# Pages that need no sign-in: sign-in itself, the platforms' signed callbacks and the local simulator
# (which answers 404 unless GOVMEDIA_SIMULATOR=1).
PUBLIC = {"login", "platforms:wechat_callback"}
PUBLIC_PREFIXES = ("simulator/",)

# route name -> (who gets 200, what everyone else gets). Not listed: anything below 500.
EXPECT: dict[str, tuple[frozenset[str], int]] = {
    # 系统管理员: people and units.
    **{
        name: (frozenset({"sysadmin"}), 403)
        for name in ("org:units", "org:unit_new", "org:unit_edit", "org:people", "org:person_new")
    },
    "org:person_edit": (frozenset({"sysadmin"}), 403),
    "calendar:schedules": (frozenset({"sysadmin"}), 403),
    # 审计管理员: the audit log, its search and export, and nobody else.
    "audit:entries": (frozenset({"auditor"}), 403),
    "audit:export": (frozenset({"auditor"}), 403),
    # 安全管理员: security policy, office networks, sign-in watch, lexicon.
    "security:settings": (frozenset({"secadmin"}), 403),
    "security:two_factor": (frozenset({"secadmin"}), 403),
    "security:signins": (frozenset({"secadmin", "sysadmin"}), 403),
    "security:networks": (frozenset({"secadmin", "sysadmin"}), 403),
    **{
        name: (frozenset({"secadmin"}), 403)
        for name in (
            "compliance:lexicon",
            "compliance:lexicon_new",
            "compliance:lexicon_edit",
            "compliance:lexicon_import",
            "compliance:lexicon_export",
        )
    },
    # The operator-grant review is kept by whoever keeps the accounts (R3.2.3).
    "registry:grants": (frozenset({"center", "edu_admin", "town_admin"}), 403),
    # Registering messages is the centre's.
    "inquiries:new": (frozenset({"center"}), 403),
    "inquiries:import": (frozenset({"center"}), 403),
    # A unit's rows: another unit gets 404 (its existence does not leak), everyone else sees them.
    **{
        name: (ALL - OTHER_UNIT, 404)
        for name in (
            "registry:account",
            "registry:account_a1",
            "registry:account_a1_docx",
            "registry:filing",
            "registry:filing_a1",
            "registry:filing_a1_docx",
            "publishing:detail",
            "publishing:slip",
            "publishing:slip_docx",
            "inquiries:detail",
            "inquiries:slip",
            "inquiries:slip_docx",
            "security:account",
            "security:patrol",
        )
    },
    "security:incident": (ALL - OTHER_UNIT - {"town_admin", "town_leader"}, 404),
}

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle=", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+=", re.I)


def _is_public(route: Route) -> bool:
    return route.name in PUBLIC or route.route.startswith(PUBLIC_PREFIXES)


ROUTES = page_routes()


def test_the_public_list_is_exactly_the_views_marked_public() -> None:
    """A view newly marked login_not_required must be added here on purpose."""
    marked = {r.name for r in ROUTES if r.public and not r.route.startswith(PUBLIC_PREFIXES)}
    assert marked <= PUBLIC


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if not _is_public(r)], ids=lambda r: r.name)
def test_anonymous_is_sent_to_sign_in(route: Route) -> None:
    path = path_of(route)
    for method in ("get", "post"):
        response = getattr(Client(), method)(path)
        assert response.status_code == 302, (method, path, response.status_code)
        assert response["Location"].startswith("/accounts/login/"), (method, path)


def _check_page(response: Any, path: str) -> None:
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"inline script on {path}"
        assert not STYLE_ATTR.search(html), f"style attribute on {path}"
        assert not INLINE_HANDLER.search(html), f"inline event handler on {path}"
        assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_role_gets_the_expected_answer(route: Route, login: Any) -> None:
    path = path_of(route)
    expected = EXPECT.get(route.name)
    for username in USERS:
        response = login(username).get(path)
        assert response.status_code < 500, (username, path, response.status_code)
        if username == "auditor" and not auditor_may_open(path):
            # 三员分立 (B-3): the audit administrator opens the audit log and their own pages, nothing else.
            assert response.status_code == 403, (username, path, response.status_code)
        elif expected is not None:
            allowed, otherwise = expected
            want = 200 if username in allowed else otherwise
            assert response.status_code == want, (username, path, response.status_code, want)
        _check_page(response, path)


@pytest.mark.django_db
def test_post_only_views_refuse_the_roles_the_table_refuses(login: Any) -> None:
    """The table's refusals hold for POST too (a form posted by hand)."""
    for route in ROUTES:
        expected = EXPECT.get(route.name)
        if expected is None:
            continue
        allowed, otherwise = expected
        path = path_of(route)
        for username in sorted(ALL - allowed):
            response = login(username).post(path, {})
            assert response.status_code in (otherwise, 405), (username, path, response.status_code)
