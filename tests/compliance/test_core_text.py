"""Text limits at their boundaries (R5.6-2, R5.6-4; CONTRACT: wechat.title.max_bytes, wechat.body.max_chars,
weibo.text.max_chars)."""

import pytest

from govmedia.compliance.core import DEFAULT_PROFILES, Post, check
from govmedia.compliance.core.text import gb18030_bytes, weibo_count

WECHAT, WEIBO = DEFAULT_PROFILES["wechat"], DEFAULT_PROFILES["weibo"]


def rules(findings: list) -> list[str]:
    return [f.rule for f in findings]


def _post(**kw: object) -> Post:
    return Post(category="a", **kw)  # type: ignore[arg-type]


def test_r5_6_2_gb18030_counts_chinese_as_two_bytes() -> None:
    assert gb18030_bytes("政务") == 4
    assert gb18030_bytes("ab1") == 3
    assert gb18030_bytes("通知A") == 5


@pytest.mark.parametrize(
    ("title", "flagged"),
    [
        ("通" * 32, False),  # 64 bytes
        ("通" * 32 + "A", True),  # 65 bytes
        ("A" * 64, False),
        ("A" * 65, True),
        ("通" * 31 + "AB", False),  # 64
        ("通" * 31 + "ABC", True),  # 65
    ],
)
def test_r5_6_2_wechat_title_64_bytes(title: str, flagged: bool) -> None:
    found = [f for f in check(_post(title=title), WECHAT) if f.rule == "wechat.title.max_bytes"]
    assert bool(found) is flagged
    if flagged:
        assert found[0].to_dict() == {
            "rule": "wechat.title.max_bytes",
            "clause": "5.6",
            "severity": "block",
            "field": "title",
            "message": "标题超过64字节（当前65字节）",
            "value": 65,
            "limit": 64,
            "span": None,
        }


def test_r5_6_2_title_message_in_contract_style() -> None:
    (finding,) = [f for f in check(_post(title="通" * 35), WECHAT) if f.rule == "wechat.title.max_bytes"]
    assert finding.message == "标题超过64字节（当前70字节）"


@pytest.mark.parametrize(("length", "flagged"), [(600, False), (601, True)])
def test_r5_6_2_wechat_body_600_characters(length: int, flagged: bool) -> None:
    body = ("政务公开a" * 200)[:length]
    found = [f for f in check(_post(body=body), WECHAT) if f.rule == "wechat.body.max_chars"]
    assert bool(found) is flagged
    if flagged:
        assert found[0].message == "正文超过600字（当前601字）" and found[0].limit == 600


def test_r5_6_4_weibo_count_rules() -> None:
    assert weibo_count("") == 0
    assert weibo_count("a") == 1  # a half, rounded up
    assert weibo_count("ab") == 1
    assert weibo_count("é") == 1  # U+00E9 is within U+0000..U+00FF
    assert weibo_count("政务") == 2
    assert weibo_count("http://t.cn/A6abcdE") == 10
    assert weibo_count("见https://www.yaoan.gov.cn/a?b=1 详情") == 1 + 10 + 1 + 2  # " " is a half, with 详情


@pytest.mark.parametrize(
    ("body", "count"),
    [
        ("政" * 120 + "a" * 20 + "http://t.cn/x", 140),  # 120 + 10 + 10
        ("政" * 120 + "a" * 21 + "http://t.cn/x", 141),  # 120 + 10.5 -> rounded up + 10
        ("政" * 119 + "a" * 22 + " https://t.cn/y", 141),  # 119 + 11 + 0.5 + 10 = 140.5 -> 141
        ("政" * 119 + "a" * 21 + " https://t.cn/y", 140),  # 119 + 10.5 + 0.5 + 10 = 140
        ("a" * 280, 140),
        ("a" * 281, 141),
    ],
)
def test_r5_6_4_weibo_140_with_ascii_and_urls_mixed(body: str, count: int) -> None:
    assert weibo_count(body) == count
    found = [f for f in check(_post(body=body), WEIBO) if f.rule == "weibo.text.max_chars"]
    assert bool(found) is (count > 140)
    if found:
        assert found[0].value == 141 and found[0].limit == 140 and found[0].severity == "block"
        assert found[0].message.startswith("微博正文超过140字（当前141字）")


def test_r5_6_4_weibo_limits_do_not_apply_to_wechat_and_back() -> None:
    body = "政" * 300
    assert "weibo.text.max_chars" not in rules(check(_post(body=body), WECHAT))
    assert "wechat.body.max_chars" not in rules(check(_post(body=body * 3), WEIBO))


def test_no_profile_means_no_platform_limits() -> None:
    assert check(_post(title="通" * 100, body="政" * 2000)) == []


def test_check_is_deterministic() -> None:
    post = _post(title="通" * 40, body="网传内部资料我认为" * 30)
    assert check(post, WECHAT) == check(post, WECHAT)
