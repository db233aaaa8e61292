"""The worker (B-6, invariant 3): publishes on time with the link on the post, re-checks before it acts,
retries with backoff, records every attempt in Chinese, never publishes twice, opens an incident when a
published item was tampered with (R3.2.4, R6.3-1), sends approved replies (R7-4)."""

import urllib.parse
import urllib.request
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from govmedia.audit.models import Entry
from govmedia.inquiries.models import Inquiry
from govmedia.platforms import services
from govmedia.platforms.models import Delivery, DeliveryAttempt, SimulatedItem
from govmedia.platforms.worker import Worker
from govmedia.publishing import services as publishing
from govmedia.publishing.models import Archive, Post
from govmedia.security.models import Incident

from .conftest import Sim, approved, new_account, users


def _run() -> None:
    Delivery.objects.filter(status="queued").update(next_attempt_at=timezone.now())
    services.run_due("test-worker")


def _items(platform: str = "wechat") -> int:
    return SimulatedItem.objects.filter(kind="article" if platform == "wechat" else "status").count()


def test_b6_r5_4_5_approved_post_is_published_with_its_link(site: Sim) -> None:
    account = new_account("县教育体育局", "wechat", "测试教育", "subscription")
    post = approved(account)
    rows = services.schedule_publication(users()["edu_admin"], post)
    assert [r.status for r in rows] == ["queued"] and not rows[0].late
    Worker("w1").run_once()
    post.refresh_from_db()
    d = Delivery.objects.get(post=post)
    assert d.status == "done" and post.status == Post.Status.PUBLISHED
    assert post.published_url == d.platform_url and d.platform_url.startswith(site.url + "/simulator/")
    assert Archive.objects.get(post=post).url == d.platform_url
    assert [a.outcome for a in d.attempt_log.all()] == ["ok"]
    assert Entry.objects.filter(action="publishing.post_published", after__via="worker").exists()
    assert _items() == 1
    # the link on the post opens the published item on the simulator
    with urllib.request.urlopen(d.platform_url, timeout=10) as response:
        assert post.title in response.read().decode()


def test_b6_weibo_post_and_scheduled_time(site: Sim) -> None:
    account = new_account("县教育体育局", "weibo", "测试教育微博")
    post = approved(account)
    later = timezone.now() + timedelta(minutes=30)
    services.schedule_publication(users()["edu_admin"], post, later)
    services.run_due("w")
    assert Delivery.objects.get(post=post).status == "queued" and _items("weibo") == 0  # not yet due
    Delivery.objects.filter(post=post).update(next_attempt_at=timezone.now())
    services.run_due("w")
    assert Delivery.objects.get(post=post).status == "done" and _items("weibo") == 1


def test_r5_4_5_publishing_more_than_an_hour_after_approval_is_flagged_late(site: Sim) -> None:
    post = approved(new_account("县教育体育局", "weibo", "测试迟发"))
    Post.objects.filter(pk=post.pk).update(approved_at=timezone.now() - timedelta(hours=2))
    post.refresh_from_db()
    [d] = services.schedule_publication(users()["edu_admin"], post)
    assert d.late
    assert Entry.objects.filter(action="platforms.publication_scheduled", after__late=True).exists()
    _run()
    d.refresh_from_db()
    assert d.status == "done" and "超时" in d.attempt_log.get().message


def test_invariant_3_edit_after_scheduling_is_refused_at_run_time(site: Sim) -> None:
    post = approved(new_account("县教育体育局", "wechat", "测试改稿", "subscription"))
    services.schedule_publication(users()["edu_admin"], post)
    publishing.update_post(users()["edu_admin"], post, {"body": "改过的正文。"})
    _run()
    d = Delivery.objects.get(post=post)
    assert d.status == "stopped" and "重新审核" in d.last_error and _items() == 0
    assert d.attempt_log.get().outcome == DeliveryAttempt.Outcome.REFUSED


def test_invariant_3_account_no_longer_operating_is_refused(site: Sim) -> None:
    account = new_account("县教育体育局", "weibo", "测试停用")
    post = approved(account)
    services.schedule_publication(users()["edu_admin"], post)
    type(account).objects.filter(pk=account.pk).update(status="suspended")
    _run()
    d = Delivery.objects.get(post=post)
    assert d.status == "stopped" and "运营中" in d.last_error and _items("weibo") == 0


def test_r5_6_1_quota_used_since_scheduling_is_refused(site: Sim) -> None:
    account = new_account("县教育体育局", "wechat", "测试配额", "subscription")
    first, second = approved(account, "第一条"), approved(account, "第二条")
    services.schedule_publication(users()["edu_admin"], second)
    publishing.publish(users()["edu_admin"], first, "https://mp.weixin.qq.com/s/1")
    _run()
    d = Delivery.objects.get(post=second)
    assert d.status == "stopped" and "群发" in d.last_error and _items() == 0


def test_b6_errors_retry_with_backoff_then_succeed_once(site: Sim) -> None:
    post = approved(new_account("县教育体育局", "wechat", "测试重试", "subscription"))
    services.schedule_publication(users()["edu_admin"], post)
    site.fault("wechat", "5xx", op="freepublish/submit")
    services.run_due("w")
    d = Delivery.objects.get(post=post)
    assert d.status == "queued" and d.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert "服务器故障" in d.last_error and d.attempt_log.get().outcome == "retry"
    assert "重试" in d.attempt_log.get().message
    _run()
    d.refresh_from_db()
    assert d.status == "done" and _items() == 1
    assert [a.outcome for a in d.attempt_log.all()] == ["retry", "ok"]


def test_b6_non_retryable_error_stops_with_a_chinese_reason(site: Sim) -> None:
    post = approved(new_account("县教育体育局", "wechat", "测试拒绝", "subscription"))
    services.schedule_publication(users()["edu_admin"], post)
    site.fault("wechat", "reject", op="freepublish/submit")
    _run()
    d = Delivery.objects.get(post=post)
    post.refresh_from_db()
    assert d.status == "stopped" and "审核未通过" in d.last_error and post.status == "approved"
    # a person sees it on the post page
    from django.test import Client

    client = Client()
    client.force_login(users()["edu_admin"])
    page = client.get(f"/publishing/{post.pk}/").content.decode()
    assert "平台审核未通过" in page and "重试" in page


def test_b6_retries_give_up_after_max_attempts(site: Sim) -> None:
    post = approved(new_account("县教育体育局", "weibo", "测试放弃"))
    services.schedule_publication(users()["edu_admin"], post)
    Delivery.objects.filter(post=post).update(max_attempts=2)
    site.fault("weibo", "malformed", times=5)
    _run()
    _run()
    d = Delivery.objects.get(post=post)
    assert d.status == "failed" and "格式错误" in d.last_error and "已停止" in d.attempt_log.last().message
    services.retry(users()["edu_admin"], d)
    SimulatedItem.objects.filter(kind="fault").delete()
    _run()
    d.refresh_from_db()
    assert d.status == "done" and _items("weibo") == 1


class Crash(BaseException):
    """The worker process dies (kill -9) between the platform call and recording its result."""


def test_b6_worker_killed_mid_publication_never_publishes_twice(site: Sim, monkeypatch: Any) -> None:
    post = approved(new_account("县教育体育局", "wechat", "测试中断", "subscription"))
    services.schedule_publication(users()["edu_admin"], post)
    real = services._succeeded

    def die(*args: Any) -> Any:
        raise Crash()

    monkeypatch.setattr(services, "_succeeded", die)
    with pytest.raises(Crash):
        services.run_due("dying-worker")
    d = Delivery.objects.get(post=post)
    assert d.status == "running" and _items() == 1
    assert services.claim("other") is None  # the lease still holds
    monkeypatch.setattr(services, "_succeeded", real)
    Delivery.objects.filter(pk=d.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    # the state checkpoint was lost too: the idempotency key alone must prevent a second article
    Delivery.objects.filter(pk=d.pk).update(state={})
    services.run_due("restarted-worker")
    d.refresh_from_db()
    post.refresh_from_db()
    assert d.status == "done" and post.status == "published" and _items() == 1
    assert [a.outcome for a in d.attempt_log.all()] == ["interrupted", "ok"]


def test_b6_worker_never_crashes_on_bad_answers(site: Sim, settings: Any) -> None:
    settings.PLATFORM_HTTP_TIMEOUT = 1.0
    for n, error in enumerate(["timeout", "malformed", "5xx", "busy"]):
        post = approved(new_account("县教育体育局", "wechat", f"测试健壮{n}", "subscription"))
        services.schedule_publication(users()["edu_admin"], post)
        site.fault("wechat", error, op="draft/add")
        Worker("w").run_once()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    messages = set(Delivery.objects.values_list("last_error", flat=True))
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages)


def _tamper(site: Sim, d: Delivery, **fields: str) -> None:
    kind = "article" if d.account.type == "wechat" else "status"
    item = SimulatedItem.objects.get(kind=kind, key=d.platform_id)
    platform = item.platform
    data = {"title": item.data.get("title", ""), "content": item.data.get("content", "")}
    data.update({"text": item.data.get("text", "")})
    data.update(fields)
    body = urllib.parse.urlencode(data).encode()
    # the simulator page is a plain form; CSRF is off for the simulator (it stands in for the platform)
    with urllib.request.urlopen(f"{site.url}/simulator/{platform}/item/{d.platform_id}/", body, timeout=10):
        pass


@pytest.mark.parametrize("platform", ["wechat", "weibo"])
def test_r3_2_4_r6_3_1_tampering_opens_an_incident_with_both_versions(site: Sim, platform: str) -> None:
    account = new_account(
        "县教育体育局", platform, f"测试篡改{platform}", "subscription" if platform == "wechat" else ""
    )
    post = approved(account)
    services.schedule_publication(users()["edu_admin"], post)
    _run()
    d = Delivery.objects.get(post=post)
    Delivery.objects.filter(pk=d.pk).update(next_check_at=timezone.now())
    assert services.run_checks() == 1
    d.refresh_from_db()
    mine = Incident.objects.filter(kind="tampered", accounts=account)
    assert d.check_result == "与存档一致" and not mine.exists()
    if platform == "wechat":
        _tamper(site, d, content="<p>本账号已被盗，请关注某某。</p>")
    else:
        _tamper(site, d, text="本账号已被盗，请关注某某。")
    Delivery.objects.filter(pk=d.pk).update(next_check_at=timezone.now())
    Worker("w").run_once()
    incident = mine.get()
    assert "【存档版本】" in incident.description and post.body in incident.description
    assert "本账号已被盗" in incident.description
    d.refresh_from_db()
    assert d.incident_id == incident.pk and "不一致" in d.check_result
    Delivery.objects.filter(pk=d.pk).update(next_check_at=timezone.now())
    services.run_checks()
    assert mine.count() == 1  # the same difference is reported once


def test_r7_4_approved_reply_reaches_the_platform_and_closes_the_message(site: Sim) -> None:
    inquiry = Inquiry.objects.filter(status="to_reply").select_related("account").first()
    assert inquiry is not None, "demo data has a reviewed message waiting for its reply"
    if inquiry.account.type == "weibo":
        Inquiry.objects.filter(pk=inquiry.pk).update(media_ref={"status_id": "4900000000000001"})
    center = users()["center"]
    d = services.queue_reply(inquiry.pk, inquiry.account, inquiry.compiled_text, center)
    assert services.queue_reply(inquiry.pk, inquiry.account, inquiry.compiled_text, center).pk == d.pk
    Worker("w").run_once()
    d.refresh_from_db()
    inquiry.refresh_from_db()
    assert d.status == "done" and inquiry.status == "closed" and inquiry.reply_text == inquiry.compiled_text
    assert SimulatedItem.objects.filter(kind="reply", data__text=inquiry.compiled_text).count() == 1


def test_r7_4_reply_text_other_than_the_reviewed_one_is_refused(site: Sim) -> None:
    inquiry = Inquiry.objects.filter(status="to_reply").select_related("account").first()
    assert inquiry is not None
    from govmedia.web.errors import InvalidState

    with pytest.raises(InvalidState, match="不一致"):
        services.queue_reply(inquiry.pk, inquiry.account, "未经审核的回复", users()["center"])


def test_r7_4_platform_refusing_the_reply_marks_it_for_manual_posting(site: Sim) -> None:
    inquiry = Inquiry.objects.filter(status="to_reply").select_related("account").first()
    assert inquiry is not None
    Inquiry.objects.filter(pk=inquiry.pk).update(media_ref={})
    if inquiry.account.type == "wechat":
        site.fault("wechat", "reply_window", op="message/custom/send")
    d = services.queue_reply(inquiry.pk, inquiry.account, inquiry.compiled_text, users()["center"])
    Worker("w").run_once()
    d.refresh_from_db()
    inquiry.refresh_from_db()
    assert d.status == "manual" and "人工回复" in d.last_error and inquiry.status == "to_reply"
