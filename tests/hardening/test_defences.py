"""Web defences: headers, HTTPS settings, rate limits, masking of senders' personal data, refusals and
the audit chain watch."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from govmedia.audit.models import Entry
from govmedia.audit.watch import check_chain, last_check
from govmedia.inquiries.models import Inquiry
from govmedia.org.models import ApiToken, User
from govmedia.web.sweep import run_all
from govmedia.web.templatetags.privacy import mask_id, mask_text

from .urlmap import _town_inquiry


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_and_frame_and_sniffing_guards(login: Any) -> None:
    response = login("center").get("/")
    csp = response["Content-Security-Policy"]
    for directive in ("script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().get("/accounts/login/")["Content-Security-Policy"] == csp


def test_https_flag_turns_on_secure_cookies_hsts_and_redirect() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "govmedia.settings"}
    on = subprocess.run(
        [sys.executable, "-c", code], env={**env, "HTTPS": "1"}, capture_output=True, text=True
    )
    off = subprocess.run(
        [sys.executable, "-c", code], env={**env, "HTTPS": "0"}, capture_output=True, text=True
    )
    assert on.stdout.split() == ["True", "True", "True", "31536000"], on.stderr
    assert off.stdout.split() == ["False", "False", "False", "0"], off.stderr


@pytest.mark.django_db
def test_api_rate_limit_answers_429_in_chinese_and_is_audited(settings: Any) -> None:
    settings.API_RATE_LIMIT = "5/60"
    _, key = ApiToken.issue(User.objects.get(username="center"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    answers = [client.get("/api/v1/me").status_code for _ in range(7)]
    assert answers == [200] * 5 + [429, 429]
    refused = client.get("/api/v1/me")
    assert refused.json()["detail"] == "请求过于频繁，请稍后再试。"
    assert int(refused["Retry-After"]) > 0
    assert Entry.objects.filter(action="api.rate_limited").count() == 1  # once per window, not per request
    _, other = ApiToken.issue(User.objects.get(username="office_leader"))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other}").get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_sign_in_failures_from_one_address_are_limited_across_accounts(settings: Any) -> None:
    settings.SIGN_IN_FAILURES_PER_IP = "4/900"
    client = Client()
    for name in ("edu_admin", "town_admin", "center", "office_leader"):  # spraying: one try per account
        assert (
            client.post("/accounts/login/", {"username": name, "password": "wrong-Password1"}).status_code
            == 200
        )
    blocked = client.post("/accounts/login/", {"username": "auditor", "password": "Demo-2026!yaoan"})
    assert blocked.status_code == 429
    assert "登录失败次数过多" in blocked.content.decode()
    assert Entry.objects.filter(action="auth.sign_in_rate_limited", success=False).exists()
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert (
        other.post("/accounts/login/", {"username": "auditor", "password": "Demo-2026!yaoan"}).status_code
        == 302
    )


def test_masking_of_phone_id_numbers_and_sender_ids() -> None:
    assert (
        mask_text("电话13812345678，身份证53232519900101123X") == "电话138****5678，身份证532***********123X"
    )
    assert mask_text("订单号 2026112712345678901") == "订单号 2026112712345678901"  # 19 digits: not an ID
    assert mask_id("oAbCdEfGh123") == "oA****23"
    assert mask_id("abc") == "****"


@pytest.mark.django_db
def test_inquiry_list_masks_senders_for_roles_that_do_not_need_them(login: Any) -> None:
    inquiry = Inquiry.objects.get(pk=_town_inquiry())
    Inquiry.objects.filter(pk=inquiry.pk).update(
        sender_name="", sender_id="oWxOpenId0123456789", content="我的电话13812345678请回电"
    )
    center = login("center").get("/inquiries/?tab=all").content.decode()
    assert "oWxOpenId0123456789" in center and "13812345678" in center
    for who in ("sysadmin", "office_leader", "town_admin"):
        html = login(who).get("/inquiries/?tab=all").content.decode()
        assert "oWxOpenId0123456789" not in html and "13812345678" not in html, who
        if who != "town_admin":
            assert "oW****89" in html and "138****5678" in html, who
        detail = login(who).get(f"/inquiries/{inquiry.pk}/").content.decode()
        assert "oWxOpenId0123456789" not in detail, who


@pytest.mark.django_db
def test_permission_refusals_are_audited_for_pages_and_api(login: Any) -> None:
    before = Entry.objects.filter(action="auth.permission_denied").count()
    assert login("sysadmin").get("/audit/").status_code == 403
    assert login("auditor").get("/org/people/").status_code == 403
    entries = list(Entry.objects.filter(action="auth.permission_denied").order_by("id")[before:])
    assert [(e.actor_name, e.after["path"], e.success) for e in entries] == [
        (str(User.objects.get(username="sysadmin")), "/audit/", False),
        (str(User.objects.get(username="auditor")), "/org/people/", False),
    ]


@pytest.mark.django_db
def test_nobody_grants_themselves_a_role(login: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from govmedia.org.services import save_person

    admin = User.objects.get(username="sysadmin")
    with pytest.raises(PermissionDenied):
        save_person(admin, admin, roles=["sysadmin", "auditor"])
    for who in ("secadmin", "auditor"):
        actor = User.objects.get(username=who)
        with pytest.raises(PermissionDenied):
            save_person(actor, actor, roles=[who, "sysadmin"])


@pytest.mark.django_db
def test_b3_a_long_chain_is_walked_a_slice_a_run(settings: Any, login: Any) -> None:
    """A province's walk takes minutes: each sweep checks AUDIT_VERIFY_SLICE entries and keeps its place, so
    the worker goes on with its publications in between. The walk ends at the head as it began."""
    from govmedia.audit.models import ChainHead, ChainWalk
    from govmedia.audit.services import record

    settings.AUDIT_VERIFY_INTERVAL, settings.AUDIT_VERIFY_SLICE = 3600, 5
    upto = ChainHead.objects.get(pk=1).last_id
    runs = 1
    while (entry := check_chain()) is None:
        assert ChainWalk.objects.get(pk=1).next_id == runs * 5 + 1
        record("test.meanwhile")  # people keep working during the walk
        runs += 1
    assert runs == -(-upto // 5) and not ChainWalk.objects.exists()
    assert entry.action == "audit.chain_verified" and entry.after == {"entries": upto}
    assert check_chain() is None  # not again within the interval
    # A break further on is found by a later slice, and the auditor's check begins at once.
    victim = Entry.objects.order_by("-id")[2]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute("UPDATE audit_entry SET object_repr = %s WHERE id = %s", ["篡改", victim.pk])
    page = login("auditor").post("/audit/verify/", follow=True).content.decode()
    assert "校验进行中" in page and "已校验5条" in page
    assert "后台每分钟接着校验" in login("auditor").get("/audit/").content.decode()  # the page shows it too
    while (entry := check_chain()) is None:
        pass
    assert not entry.success and entry.after["broken_entry"] == victim.pk


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk's lock is PostgreSQL's")
def test_b3_one_workers_sweep_walks_the_chain_at_a_time(settings: Any) -> None:
    """A province's walk takes minutes: while one worker walks the chain, the others' sweeps leave it."""
    from django.db import connections

    from govmedia.audit.watch import WALK_LOCK

    settings.AUDIT_VERIFY_INTERVAL = 3600
    other = connections.create_connection("default")  # another worker's session
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [WALK_LOCK])
            assert cursor.fetchone()[0]
        assert check_chain() is None and check_chain(force=True) is None and last_check() is None
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [WALK_LOCK])
        checked = check_chain()
        assert checked is not None and checked.action == "audit.chain_verified"
    finally:
        other.close()


@pytest.mark.django_db
def test_the_sweeper_verifies_the_chain_and_raises_an_alarm_on_a_break(login: Any, settings: Any) -> None:
    settings.AUDIT_VERIFY_INTERVAL = 3600
    run_all()
    first = last_check()
    assert first is not None and first.action == "audit.chain_verified"
    run_all()
    assert last_check() == first  # not again within the interval
    victim = Entry.objects.order_by("id")[3]
    with connection.cursor() as cursor:  # a raw change behind the model's back (and PostgreSQL's trigger)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute("UPDATE audit_entry SET object_repr = %s WHERE id = %s", ["篡改", victim.pk])
    broken = check_chain(force=True)
    assert broken is not None and broken.action == "audit.chain_broken" and not broken.success
    assert broken.after["broken_entry"] == victim.pk
    home = login("auditor").get("/").content.decode()
    assert "责任日志完整性校验失败" in home
    assert "责任日志完整性校验失败" in login("secadmin").get("/").content.decode()
    assert "责任日志完整性校验失败" not in login("center").get("/").content.decode()
    page = login("auditor").post("/audit/verify/", follow=True).content.decode()
    assert "校验失败" in page
