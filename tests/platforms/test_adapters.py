"""Adapters against the simulator over real HTTP on loopback (B-6, R5.6-1, R5.6-3, R5.6-4): the good path
and every error kind people must see in Chinese: expired token, quota, length, rejection, timeout, 5xx,
malformed JSON."""

import hashlib
from typing import Any

import pytest

from govmedia.platforms.adapters.base import (
    Credentials,
    MediaFile,
    MemoryTokenCache,
    PlatformError,
    PostPayload,
)
from govmedia.platforms.adapters.wechat import WechatAdapter
from govmedia.platforms.adapters.weibo import WeiboAdapter, compose
from govmedia.platforms.models import SimulatedItem

from .conftest import Sim

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def wechat(sim: Sim, mode: str = "publish", secret: str = "simulator-secret") -> WechatAdapter:
    return WechatAdapter(sim.wechat, Credentials("wxtest0001", secret, mode), MemoryTokenCache())


def weibo(sim: Sim) -> WeiboAdapter:
    return WeiboAdapter(sim.weibo, Credentials("1", "sim-weibo-1"), lambda title, body: PNG)


def cover(adapter: WechatAdapter) -> dict[str, Any]:
    up = adapter.upload_material(MediaFile(hashlib.sha256(PNG).hexdigest(), "image", "c.png", content=PNG))
    return {"thumb_media_id": up.media_id}


def publish(
    adapter: Any, key: str = "k1", title: str = "开学通知", body: str = "秋季学期9月1日开学。"
) -> Any:
    state = cover(adapter) if isinstance(adapter, WechatAdapter) else {}
    return adapter.publish(PostPayload(key, title, body), state, lambda s: None)


def test_b6_wechat_draft_publish_poll_and_read_back(sim: Sim) -> None:
    adapter = wechat(sim)
    result = publish(adapter)
    assert result.done and result.platform_id and result.url.startswith(sim.url)
    item = adapter.read(result.platform_id)
    assert (item.title, item.text) == adapter.expected("开学通知", "秋季学期9月1日开学。")
    assert not item.deleted


def test_b6_wechat_status_publishing_is_polled_not_failed(sim: Sim) -> None:
    sim.fault("wechat", "publishing", op="freepublish/submit")
    adapter = wechat(sim)
    state = cover(adapter)
    first = adapter.publish(PostPayload("k2", "标题", "正文"), state, lambda s: state.update(s))
    assert not first.done and first.state["publish_id"]
    second = adapter.publish(PostPayload("k2", "标题", "正文"), first.state, lambda s: None)
    assert second.done and second.platform_id


def test_b6_idempotency_key_returns_the_first_result(sim: Sim) -> None:
    """A retry that lost its state (crash before the worker stored it) still publishes once."""
    adapter = wechat(sim)
    first, again = publish(adapter, key="same"), publish(adapter, key="same")
    assert first.platform_id == again.platform_id
    assert SimulatedItem.objects.filter(platform="wechat", kind="article").count() == 1
    w = weibo(sim)
    assert publish(w, key="wb").platform_id == publish(w, key="wb").platform_id
    assert SimulatedItem.objects.filter(platform="weibo", kind="status").count() == 1


def test_b6_token_is_cached_and_refreshed_when_expired(sim: Sim) -> None:
    adapter = wechat(sim)
    publish(adapter, key="a")
    tokens = SimulatedItem.objects.filter(platform="wechat", kind="token").count()
    publish(adapter, key="b")
    assert SimulatedItem.objects.filter(platform="wechat", kind="token").count() == tokens  # cached
    sim.control(action="expire_tokens")
    publish(adapter, key="c")  # 42001 → a new token → success
    sim.fault("wechat", "expired_token", op="draft/add")
    assert publish(adapter, key="d").done
    # three tokens fetched in all; the injected expiry revoked one of them
    assert SimulatedItem.objects.filter(platform="wechat", kind="token").count() == tokens + 1


def test_b6_wrong_app_secret_is_a_clear_stop(sim: Sim) -> None:
    with pytest.raises(PlatformError) as e:
        publish(wechat(sim, secret="wrong"))
    assert e.value.code == "wechat_40125" and "AppSecret" in e.value.message_zh and not e.value.retryable


@pytest.mark.parametrize(
    ("error", "op", "code", "words", "retryable"),
    [
        ("length", "draft/add", "wechat_45002", "超过长度限制", False),
        ("busy", "draft/add", "wechat_-1", "系统繁忙", True),
        ("reject", "freepublish/submit", "wechat_publish_rejected", "审核未通过", False),
        ("5xx", "draft/add", "http_502", "服务器故障", True),
        ("malformed", "draft/add", "bad_json", "格式错误", True),
        ("timeout", "draft/add", "timeout", "超时", True),
    ],
)
def test_b6_wechat_errors_are_typed_and_chinese(
    sim: Sim, settings: Any, error: str, op: str, code: str, words: str, retryable: bool
) -> None:
    settings.PLATFORM_HTTP_TIMEOUT = 1.0
    sim.fault("wechat", error, op=op)
    with pytest.raises(PlatformError) as e:
        publish(wechat(sim))
    assert (e.value.code, e.value.retryable) == (code, retryable)
    assert words in e.value.message_zh


def test_r5_6_2_title_over_64_bytes_is_refused_by_the_platform(sim: Sim) -> None:
    with pytest.raises(PlatformError) as e:
        publish(wechat(sim), title="标" * 33)
    assert e.value.code == "wechat_45003" and "64字节" in e.value.message_zh and not e.value.retryable


def test_r5_6_1_mass_send_quota_45028(sim: Sim) -> None:
    adapter = wechat(sim, mode="mass")
    assert publish(adapter, key="m1").done
    with pytest.raises(PlatformError) as e:
        publish(adapter, key="m2")
    assert e.value.code == "wechat_45028" and "群发配额" in e.value.message_zh and not e.value.retryable


def test_r5_6_4_weibo_short_text_goes_as_is_and_reads_back(sim: Sim) -> None:
    w = weibo(sim)
    result = publish(w, title="停水通知", body="明日8时至12时停水。")
    assert result.done and not result.state["long_image"]
    item = w.read(result.platform_id)
    assert item.text == w.expected("停水通知", "明日8时至12时停水。")[1]


def test_r5_6_4_weibo_over_140_goes_with_the_long_image(sim: Sim) -> None:
    body = "县政府召开常务会议，研究部署近期重点工作。" * 12
    text, long = compose("常务会议", body)
    assert long and text.endswith("（全文见图）")
    result = publish(weibo(sim), title="常务会议", body=body)
    stored = SimulatedItem.objects.get(platform="weibo", kind="status", key=result.platform_id)
    assert result.state["long_image"] and stored.data["pic"] and stored.data["text"] == text


@pytest.mark.parametrize(
    ("error", "code", "words", "retryable"),
    [
        ("expired_token", "weibo_21327", "重新授权", False),
        ("quota", "weibo_10023", "频次", True),
        ("length", "weibo_20012", "140字", False),
        ("reject", "weibo_20021", "违规", False),
        ("5xx", "http_502", "服务器故障", True),
        ("malformed", "bad_json", "格式错误", True),
    ],
)
def test_b6_weibo_errors_are_typed_and_chinese(
    sim: Sim, error: str, code: str, words: str, retryable: bool
) -> None:
    sim.fault("weibo", error)
    with pytest.raises(PlatformError) as e:
        publish(weibo(sim))
    assert (e.value.code, e.value.retryable) == (code, retryable)
    assert words in e.value.message_zh


def test_b6_replies_and_comments(sim: Sim) -> None:
    adapter = wechat(sim)
    assert adapter.send_reply("r1", "oUser1", "m1", "您好，已收到。", {})
    sim.fault("wechat", "reply_window", op="message/custom/send")
    with pytest.raises(PlatformError) as e:
        adapter.send_reply("r2", "oUser1", "m1", "您好", {})
    assert e.value.code == "wechat_45015" and "人工回复" in e.value.message_zh
    w = weibo(sim)
    assert w.send_reply("r3", "", "c1", "感谢关注。", {"status_id": "s1"})
    with pytest.raises(PlatformError, match="人工回复"):
        w.send_reply("r4", "", "c1", "感谢关注。", {})
    assert w.pull_comments("s1") == [] and adapter.pull_comments("x") == []


def test_b6_simulator_is_off_unless_enabled(sim: Sim, settings: Any) -> None:
    settings.SIMULATOR_ENABLED = False
    with pytest.raises(PlatformError) as e:
        publish(wechat(sim))
    assert e.value.code == "http_404"
