"""Notifications (B-7): in-app inbox, e-mail, WeCom and DingTalk group robots; idempotent sweeps, retries
with backoff, deliveries visible; urgent work goes out at once."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govmedia.notifications import services, webhooks
from govmedia.notifications.models import NoticeDelivery, Notification, WebhookTarget
from govmedia.notifications.sweep import notice_for, notify_todos
from govmedia.org.models import Unit, User
from govmedia.publishing import services as publishing
from govmedia.publishing.models import Post, ReviewStep
from govmedia.registry.models import Account
from govmedia.web.todo import TodoItem, items_for

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "关于栋川镇秋季防火的通知",
    "body": "各村（社区）：请做好秋季森林防火工作。",
    "category": "i",
    "kind": "original",
}


class _Sink:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass


def _town_account() -> Account:
    return Account.objects.create(
        unit=Unit.objects.get(name="栋川镇"),
        type="wechat",
        wechat_kind="subscription",
        name="测试栋川发布",
        link="https://example.cn/dc",
        status="operating",
    )


def _submitted(cast: dict[str, User], title: str = GOOD["title"], **extra: Any) -> Post:
    post = publishing.create_post(cast["town_admin"], {**GOOD, "title": title, **extra}, [_town_account().pk])
    return publishing.submit(cast["town_admin"], post)


def _target(unit: str, kind: str, url: str, secret: str = "") -> WebhookTarget:
    return WebhookTarget.objects.create(
        unit=Unit.objects.get(name=unit), kind=kind, name="工作群", url=url, secret=secret
    )


def _mine(user: User, title: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, title__contains=title))


def test_b7_sweep_twice_sends_one_notice(cast: dict[str, User]) -> None:
    """`govmedia sweep` run twice: one notice per new todo item, the second run adds none."""
    post = _submitted(cast, "一次通知测试稿")
    step = ReviewStep.objects.get(post=post, received_at__isnull=False, decision="pending")
    call_command("sweep", stdout=_Sink(), stderr=_Sink())
    call_command("sweep", stdout=_Sink(), stderr=_Sink())
    holders = [u for u in User.objects.filter(roles__role=step.assignee_role).distinct()]
    assert holders
    notes = [n for u in holders for n in _mine(u, "一次通知测试稿")]
    reviewer = next(u for u in holders if notes and any(n.user_id == u.pk for n in notes))
    assert len(_mine(reviewer, "一次通知测试稿")) == 1
    assert _mine(reviewer, "一次通知测试稿")[0].kind == "new"
    assert notify_todos() == 0


def test_b7_a_second_run_asks_once_per_person_for_the_notices_they_have(cast: dict[str, User]) -> None:
    """The sweep runs every minute over hundreds of people with up to 200 items each: what they were told
    before is read in one query a person, not one an item."""
    for n in range(4):
        _submitted(cast, f"待办通知测试稿{n}")
    reviewers = list(User.objects.filter(roles__role="legal_reviewer").distinct())
    assert notify_todos(reviewers) >= 4
    with CaptureQueriesContext(connection) as listing:
        items = [item for u in reviewers for item in items_for(u)]
    assert len(items) >= 4
    with CaptureQueriesContext(connection) as run:
        assert notify_todos(reviewers) == 0
    assert len(run) <= len(listing) + 2 + len(reviewers)  # the urgent pages, and each person's notices


def test_b7_stages_new_due_soon_overdue_each_once() -> None:
    now = timezone.now()
    far = TodoItem("审核：甲", "/publishing/1/", "信息审核", now + timedelta(days=3))
    soon = TodoItem("待发布：乙", "/publishing/2/", "信息发布", now + timedelta(minutes=30))
    late = TodoItem("审核：丙", "/publishing/3/", "信息审核", now - timedelta(hours=5))
    supervision = TodoItem("督办（第1次）", "/inquiries/4/", "留言督办", now - timedelta(days=2))
    assert notice_for(far, now)[0] == "new"
    assert notice_for(soon, now)[0] == "due_soon"  # an hour deadline: 1 hour before
    kind, title, _ = notice_for(late, now)
    assert kind == "overdue" and "已超期5小时" in title
    assert notice_for(supervision, now)[0] == "supervision"
    assert notice_for(far, now)[2] != notice_for(far, now + timedelta(days=3, minutes=1))[2]
    assert notice_for(far, now)[2] == notice_for(far, now + timedelta(minutes=1))[2]


def test_b7_notify_is_idempotent_on_key(cast: dict[str, User]) -> None:
    first = services.notify([cast["town_leader"]], kind="other", title="测试", url="/", key="k-1")
    again = services.notify([cast["town_leader"]], kind="other", title="测试", url="/", key="k-1")
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(user=cast["town_leader"], key="k-1").count() == 1


def test_b7_email_reaches_the_outbox(cast: dict[str, User]) -> None:
    mail.outbox.clear()
    services.notify(
        [cast["edu_leader"]], kind="overdue", title="已超期1天：审核测试稿", url="/publishing/9/", key="e-1"
    )
    assert services.deliver_pending() >= 1
    sent = [m for m in mail.outbox if "审核测试稿" in m.subject]
    assert len(sent) == 1 and sent[0].to == [cast["edu_leader"].email]
    assert "/publishing/9/" in sent[0].body
    assert services.deliver_pending() == 0  # sent once
    d = NoticeDelivery.objects.get(notification__key="e-1", channel="email")
    assert d.status == "sent" and d.attempts == 1 and d.sent_at is not None


def test_b7_wecom_and_dingtalk_reach_the_local_receiver(cast: dict[str, User], receiver: Any) -> None:
    secret = "SECtest0123456789"
    _target("栋川镇", "wecom", f"{receiver.url}/cgi-bin/webhook/send?key=abc")
    _target("栋川镇", "dingtalk", f"{receiver.url}/robot/send?access_token=xyz", secret)
    # Two people of one unit get the notice; each group robot gets it once.
    services.notify(
        [cast["town_admin"], cast["town_leader"]],
        kind="overdue",
        title="已超期2天：防火通知",
        url="/publishing/5/",
        key="w-1",
    )
    services.deliver_pending()
    wecom = [r for r in receiver.requests if r["path"].startswith("/cgi-bin/")]
    ding = [r for r in receiver.requests if r["path"].startswith("/robot/")]
    assert len(wecom) == 1 and len(ding) == 1
    assert wecom[0]["body"]["msgtype"] == "markdown"
    assert "已超期2天：防火通知" in wecom[0]["body"]["markdown"]["content"]
    assert ding[0]["body"]["msgtype"] == "markdown"
    assert ding[0]["body"]["markdown"]["title"] and "防火通知" in ding[0]["body"]["markdown"]["text"]
    query = parse_qs(urlsplit(ding[0]["path"]).query)
    assert query["access_token"] == ["xyz"]
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected  # parse_qs already URL-decoded it
    assert abs(int(timestamp) / 1000 - timezone.now().timestamp()) < 60
    statuses = set(NoticeDelivery.objects.filter(target__isnull=False).values_list("status", flat=True))
    assert statuses == {"sent"}


def test_b7_signature_is_url_encoded() -> None:
    url = webhooks.signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1700000000000)
    sign = url.split("sign=")[1]
    assert "+" not in sign and "/" not in sign and "=" not in sign  # quote_plus of base64
    assert unquote_plus(sign) == webhooks.dingtalk_sign("SECabc", 1700000000000)


def test_b7_failures_are_retried_with_backoff_then_given_up(cast: dict[str, User], receiver: Any) -> None:
    receiver.answer = (200, {"errcode": 310000, "errmsg": "sign not match"})
    _target("栋川镇", "dingtalk", f"{receiver.url}/robot/send?access_token=x", "SECwrong")
    services.notify([cast["town_leader"]], kind="urgent", title="紧急测试", url="/", key="r-1")
    now = timezone.now()
    services.deliver_pending(now=now)
    d = NoticeDelivery.objects.get(notification__key="r-1", channel="dingtalk")
    assert d.status == "pending" and d.attempts == 1 and "310000" in d.last_error
    assert d.next_attempt_at > now
    assert services.deliver_pending(now=now) == 0  # not due yet: no second request
    assert len(receiver.requests) == 1
    later = now
    for _ in range(services.MAX_ATTEMPTS):
        later += timedelta(hours=3)
        services.deliver_pending(now=later)
    d.refresh_from_db()
    assert d.status == "failed" and d.attempts == services.MAX_ATTEMPTS
    receiver.answer = (200, {"errcode": 0, "errmsg": "ok"})
    services.retry(cast["sysadmin"], d)
    assert services.deliver_pending() >= 1
    d.refresh_from_db()
    assert d.status == "sent"


def test_b7_unreachable_robot_is_a_failed_attempt_not_an_error(cast: dict[str, User]) -> None:
    _target("栋川镇", "wecom", "http://127.0.0.1:9/cgi-bin/webhook/send?key=x")
    services.notify([cast["town_leader"]], kind="overdue", title="连不上", url="/", key="u-1")
    services.deliver_pending()
    d = NoticeDelivery.objects.get(notification__key="u-1", channel="wecom")
    assert d.status == "pending" and d.attempts == 1 and "无法连接" in d.last_error


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.cn/hook",
        "javascript:alert(1)",
        "https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1",
        "https:///no-host",
        "",
        "https://example.cn/" + "a" * 600,
    ],
)
def test_b7_bad_webhook_url_is_refused_and_changes_nothing(login: Any, url: str) -> None:
    before = WebhookTarget.objects.count()
    town = Unit.objects.get(name="栋川镇")
    response = login("sysadmin").post(
        "/notifications/webhooks/",
        {"unit": town.pk, "kind": "wecom", "name": "群", "url": url, "active": "on"},
    )
    assert response.status_code == 422
    assert "机器人地址" in response.content.decode() or "最多" in response.content.decode()
    assert WebhookTarget.objects.count() == before


def test_b7_secret_is_write_only_and_blank_keeps_it(login: Any) -> None:
    client = login("town_admin")
    town = Unit.objects.get(name="栋川镇")
    url = "https://oapi.dingtalk.com/robot/send?access_token=TOKEN123"
    data = {
        "unit": town.pk,
        "kind": "dingtalk",
        "name": "镇工作群",
        "url": url,
        "secret": "SECsecret42",
        "active": "on",
    }
    assert client.post("/notifications/webhooks/", data).status_code == 302
    t = WebhookTarget.objects.get(name="镇工作群")
    assert t.secret == "SECsecret42"
    listing = client.get("/notifications/webhooks/").content.decode()
    assert "SECsecret42" not in listing and "TOKEN123" not in listing and "已设置" in listing
    edit = client.get(f"/notifications/webhooks/{t.pk}/").content.decode()
    assert "SECsecret42" not in edit
    assert (
        client.post(f"/notifications/webhooks/{t.pk}/", {**data, "secret": "", "name": "改名"}).status_code
        == 302
    )
    t.refresh_from_db()
    assert t.name == "改名" and t.secret == "SECsecret42"


def test_b7_the_robot_key_and_secret_are_encrypted_at_rest(settings: Any) -> None:
    """DESIGN invariant 7: what the database holds is ciphertext; a changed key leaves them unreadable."""
    t = _target(
        "栋川镇", "dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=TOKEN123", "SECsecret42"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT url_encrypted, secret_encrypted FROM notifications_webhooktarget WHERE id = %s", [t.pk]
        )
        stored = " ".join(cursor.fetchone())
    assert "TOKEN123" not in stored and "SECsecret42" not in stored and "dingtalk" not in stored
    fresh = WebhookTarget.objects.get(pk=t.pk)
    assert fresh.url.endswith("TOKEN123") and fresh.secret == "SECsecret42"
    settings.SECRET_KEY = "another-key-" + "x" * 40
    assert fresh.secret == "" and fresh.masked_url == "（地址无法解密，请重新填写）"


def test_b7_unit_admin_manages_only_its_own_units_robots(login: Any) -> None:
    town = _target("栋川镇", "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1")
    edu = login("edu_admin")
    assert edu.get(f"/notifications/webhooks/{town.pk}/").status_code == 404
    assert edu.post(f"/notifications/webhooks/{town.pk}/delete/").status_code == 404
    response = edu.post(
        "/notifications/webhooks/",
        {
            "unit": town.unit_id,
            "kind": "wecom",
            "name": "x",
            "url": "https://qyapi.weixin.qq.com/x",
            "active": "on",
        },
    )
    assert response.status_code == 422 and WebhookTarget.objects.filter(name="x").count() == 0
    assert login("town_leader").get("/notifications/webhooks/").status_code == 403


def test_b7_inbox_unread_count_and_open(login: Any, cast: dict[str, User]) -> None:
    services.mark_read(cast["edu_leader"])
    [n] = services.notify(
        [cast["edu_leader"]], kind="new", title="新待办：收件箱测试", url="/publishing/", key="i-1"
    )
    client = login("edu_leader")
    home = client.get("/").content.decode()
    assert 'href="/notifications/">通知 <span class="nav-count">1</span>' in home
    inbox = client.get("/notifications/").content.decode()
    assert "收件箱测试" in inbox and "未读" in inbox
    assert login("town_leader").post(f"/notifications/{n.pk}/open/").status_code == 404  # not theirs
    response = client.post(f"/notifications/{n.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/publishing/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert 'nav-count">1</span>' not in client.get("/notifications/").content.decode().split("通知")[1][:40]


def test_b7_open_never_redirects_off_site(login: Any, cast: dict[str, User]) -> None:
    [n] = services.notify([cast["edu_leader"]], kind="other", title="外链", url="//evil.example/x", key="o-1")
    response = login("edu_leader").post(f"/notifications/{n.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_b7_deliveries_page_shows_status_and_bad_filter(login: Any, cast: dict[str, User]) -> None:
    services.notify([cast["edu_leader"]], kind="overdue", title="发送记录测试", url="/", key="d-1")
    services.deliver_pending()
    page = login("center").get("/notifications/deliveries/").content.decode()
    assert "发送记录测试" in page and "已送达" in page
    assert login("center").get("/notifications/deliveries/?status=zzz").status_code == 400
    assert login("legal_reviewer").get("/notifications/deliveries/").status_code == 403


def test_b7_urgent_emergency_post_goes_out_at_once(
    cast: dict[str, User], receiver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """An emergency post's review step notifies its reviewers when the submit commits, not at the next
    sweep."""
    _target("姚安县人民政府办公室", "wecom", f"{receiver.url}/cgi-bin/webhook/send?key=urgent")
    emergency = {
        "event": "栋川镇山火",
        "location": "姚安县栋川镇",
        "event_type": "森林火灾",
        "situation": "明火已得到控制",
        "measures": "已组织扑救",
    }
    with django_capture_on_commit_callbacks(execute=True):
        post = _submitted(cast, "栋川镇山火情况通报", emergency=emergency, category="f")
    step = ReviewStep.objects.get(post=post, received_at__isnull=False, decision="pending")
    notes = Notification.objects.filter(title__contains="栋川镇山火情况通报", urgent=True)
    assert notes.exists()
    assert {n.user_id for n in notes} <= set(
        User.objects.filter(roles__role=step.assignee_role).values_list("pk", flat=True)
    )
    if notes.filter(user__unit__name="姚安县人民政府办公室").exists():
        assert any("山火" in r["body"]["markdown"]["content"] for r in receiver.requests)


def test_b7_incident_notifies_leaders_at_once(
    cast: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    from govmedia.security import incident_services

    account = _town_account()
    Account.objects.filter(pk=account.pk).update(security_officer=cast["town_admin"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        incident = incident_services.open_incident(
            cast["duty_officer"],
            {
                "kind": "tampered",
                "severity": "major",
                "title": "栋川发布内容被篡改",
                "description": "巡查发现",
            },
            [account.pk],
        )
    notes = Notification.objects.filter(url=f"/security/incidents/{incident.pk}/", urgent=True)
    assert notes.exists()
    assert any("栋川发布内容被篡改" in m.subject and "【紧急】" in m.subject for m in mail.outbox)


def test_b7_a_provinces_people_take_turns_each_visited_within_a_few_minutes(
    db: Any, monkeypatch: Any
) -> None:
    """Thousands of people cannot all be visited every minute: each run takes one turn of PEOPLE_PER_RUN,
    and consecutive minutes together visit everyone once."""
    from govmedia.notifications import sweep

    everyone = set(User.objects.filter(is_active=True, roles__isnull=False).values_list("pk", flat=True))
    assert len(everyone) > 5
    assert {u.pk for u in sweep.people(timezone.now())} == everyone  # a county: all of them each run
    monkeypatch.setattr(sweep, "PEOPLE_PER_RUN", 5)
    turns = -(-len(everyone) // 5)
    start = timezone.now().replace(second=0, microsecond=0)
    visits = [[u.pk for u in sweep.people(start + timedelta(minutes=m))] for m in range(turns)]
    assert sorted(pk for visit in visits for pk in visit) == sorted(everyone)
    assert max(len(visit) for visit in visits) < len(everyone)  # each run only a part
