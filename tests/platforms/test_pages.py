"""The post page's 由系统发布 / 定时发布 action and delivery log, credentials entry (invariant 7), the
simulator's gate. No HTTP to the platforms here: the worker is not run."""

from typing import Any

import pytest

from govmedia.platforms import crypto, services
from govmedia.platforms.models import Delivery, PlatformCredential

from .conftest import approved, new_account


@pytest.fixture
def demo_platforms(settings: Any) -> None:
    settings.SIMULATOR_ENABLED = True
    settings.PLATFORM_DEMO_CREDENTIALS = True


def test_b6_schedule_from_the_post_page(db: Any, login: Any, demo_platforms: None) -> None:
    post = approved(new_account("县教育体育局", "wechat", "测试页面", "subscription"))
    client = login("edu_admin")
    page = client.get(f"/publishing/{post.pk}/").content.decode()
    assert "由系统发布" in page and "登记发布" in page
    response = client.post(f"/deliveries/posts/{post.pk}/schedule/", {"at": ""}, follow=True)
    assert "已安排由系统发布" in response.content.decode()
    d = Delivery.objects.get(post=post)
    assert d.status == "queued" and d.idempotency_key == services.publication_key(post, d.account)
    page = client.get(f"/publishing/{post.pk}/").content.decode()
    assert "平台发布记录" in page and "等待执行" in page and "撤销" in page
    again = client.post(f"/deliveries/posts/{post.pk}/schedule/", {"at": ""}, follow=True)
    assert "请勿重复安排" in again.content.decode() and Delivery.objects.filter(post=post).count() == 1
    client.post(f"/deliveries/posts/{post.pk}/cancel/")
    d.refresh_from_db()
    assert d.status == "cancelled"
    # scheduling again reuses the same row and key: a cancelled try can never add a second publication
    client.post(f"/deliveries/posts/{post.pk}/schedule/", {"at": ""})
    assert (
        Delivery.objects.filter(post=post).count() == 1 and Delivery.objects.get(post=post).status == "queued"
    )


def test_r5_4_5_late_schedule_is_warned(db: Any, login: Any, demo_platforms: None) -> None:
    post = approved(new_account("县教育体育局", "weibo", "测试定时"))
    response = login("edu_admin").post(
        f"/deliveries/posts/{post.pk}/schedule/", {"at": "2099-01-01T08:00"}, follow=True
    )
    assert "超时发布" in response.content.decode() and Delivery.objects.get(post=post).late


def test_b6_unapproved_or_foreign_posts_cannot_be_scheduled(
    db: Any, login: Any, demo_platforms: None
) -> None:
    post = approved(new_account("县教育体育局", "weibo", "测试他人"))
    assert login("town_admin").post(f"/deliveries/posts/{post.pk}/schedule/").status_code == 404
    from govmedia.publishing import services as publishing

    from .conftest import users

    publishing.update_post(users()["edu_admin"], post, {"body": "改了。"})
    response = login("edu_admin").post(f"/deliveries/posts/{post.pk}/schedule/", follow=True)
    assert "未经审核同意" in response.content.decode() and not Delivery.objects.filter(post=post).exists()


def test_b6_platforms_without_adapter_keep_manual_publication(
    db: Any, login: Any, demo_platforms: None
) -> None:
    post = approved(new_account("县教育体育局", "toutiao", "测试头条"))
    client = login("edu_admin")
    page = client.get(f"/publishing/{post.pk}/").content.decode()
    assert "不能由系统发布" in page and "没有平台接口" in page
    response = client.post(f"/deliveries/posts/{post.pk}/schedule/", follow=True)
    assert "人工发布" in response.content.decode() and not Delivery.objects.filter(post=post).exists()
    client.post(f"/publishing/{post.pk}/publish/", {"url": "https://www.toutiao.com/a1"})
    post.refresh_from_db()
    assert post.status == "published"


def test_b6_without_credentials_in_production_nothing_is_queued(db: Any, login: Any, settings: Any) -> None:
    settings.SIMULATOR_ENABLED = False
    post = approved(new_account("县教育体育局", "wechat", "测试无凭据", "subscription"))
    page = login("edu_admin").get(f"/publishing/{post.pk}/").content.decode()
    assert "未配置平台接口凭据" in page


def test_invariant_7_secret_is_encrypted_and_never_shown_again(db: Any, login: Any, settings: Any) -> None:
    settings.SIMULATOR_ENABLED = False
    account = new_account("县教育体育局", "wechat", "测试凭据", "subscription")
    client = login("edu_admin")
    url = f"/deliveries/accounts/{account.pk}/credential/"
    response = client.post(
        url, {"app_id": "wx1234567890", "secret": "TopSecret-abc123", "wechat_mode": "mass"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "TopSecret-abc123" not in page and "wx1234567890" in page and "不再显示" in page
    stored = PlatformCredential.objects.get(account=account)
    assert (
        "TopSecret" not in stored.secret_encrypted
        and crypto.decrypt(stored.secret_encrypted) == "TopSecret-abc123"
    )
    creds = services.credentials_for(account)
    assert creds is not None and (creds.app_id, creds.secret, creds.wechat_mode) == (
        "wx1234567890",
        "TopSecret-abc123",
        "mass",
    )
    assert login("town_admin").get(url).status_code in (403, 404)


def test_b6_environment_credentials(db: Any, settings: Any, monkeypatch: Any) -> None:
    settings.SIMULATOR_ENABLED = False
    account = new_account("县教育体育局", "weibo", "测试环境")
    assert services.credentials_for(account) is None
    monkeypatch.setenv(f"GOVMEDIA_WEIBO_TOKEN_{account.pk}", "tok-1")
    creds = services.credentials_for(account)
    assert creds is not None and creds.secret == "tok-1"


def test_b6_simulator_is_open_only_when_enabled(client: Any, settings: Any, db: Any) -> None:
    settings.SIMULATOR_ENABLED = False
    assert client.get("/simulator/").status_code == 404
    settings.SIMULATOR_ENABLED = True
    response = client.get("/simulator/")
    assert response.status_code == 200 and "平台模拟器" in response.content.decode()


def test_b6_delivery_list_for_the_centre_only(db: Any, login: Any) -> None:
    assert login("center").get("/deliveries/").status_code == 200
    assert login("edu_admin").get("/deliveries/").status_code == 403
