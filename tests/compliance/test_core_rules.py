"""Post-level rules: category (R5.3-1), repost attribution (R5.4-6), five elements (R5.1-3), portal URL
(R5.4-1), and parsing of the CONTRACT's POST.json keys."""

import pytest

from govmedia.compliance.core import Post, PostInputError, check, parse_post

DOMAINS = ["www.yaoan.gov.cn", "yaoan.gov.cn"]
REPOST = {
    "source": "云南日报",
    "author": "张三",
    "original_title": "原题",
    "reposted_at": "2026-11-27T10:00:00+08:00",
}
EMERGENCY = {
    "event": "山体滑坡",
    "location": "栋川镇",
    "event_type": "地质灾害",
    "situation": "无人员伤亡",
    "measures": "封闭道路",
}


def rules(post: Post) -> list[tuple[str, str]]:
    return [(f.rule, f.field) for f in check(post, portal_domains=DOMAINS)]


@pytest.mark.parametrize("category", [None, "", "k", "A", "aa"])
def test_r5_3_1_category_required_a_to_j(category: str | None) -> None:
    assert rules(Post(category=category)) == [("post.category.required", "category")]


@pytest.mark.parametrize("category", list("abcdefghij"))
def test_r5_3_1_every_category_a_to_j_passes(category: str) -> None:
    assert rules(Post(category=category)) == []


def test_r5_4_6_complete_repost_passes() -> None:
    assert rules(Post(category="a", kind="repost", repost=REPOST)) == []


def test_r5_4_6_repost_missing_each_field() -> None:
    assert rules(Post(category="a", kind="repost")) == [
        ("post.repost.attribution", "repost.source"),
        ("post.repost.attribution", "repost.author"),
        ("post.repost.attribution", "repost.original_title"),
        ("post.repost.attribution", "repost.reposted_at"),
    ]
    partial = {**REPOST, "author": "  "}
    assert rules(Post(category="a", kind="repost", repost=partial)) == [
        ("post.repost.attribution", "repost.author")
    ]


def test_r5_4_6_repost_time_must_be_a_time() -> None:
    found = check(Post(category="a", kind="repost", repost={**REPOST, "reposted_at": "昨天"}))
    assert [f.field for f in found] == ["repost.reposted_at"] and "无法识别" in found[0].message


def test_r5_4_6_original_post_needs_no_attribution() -> None:
    assert rules(Post(category="a", kind="original", repost=None)) == []


def test_r5_1_3_emergency_needs_five_elements() -> None:
    assert rules(Post(category="f", emergency=EMERGENCY)) == []
    missing = {**EMERGENCY, "location": "", "measures": " "}
    found = check(Post(category="f", emergency=missing))
    assert [(f.rule, f.field) for f in found] == [
        ("post.emergency.five_elements", "emergency.location"),
        ("post.emergency.five_elements", "emergency.measures"),
    ]
    assert found[0].message == "突发事件信息缺少“五要素”中的地点"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://www.yaoan.gov.cn/info/1.html", True),
        ("http://yaoan.gov.cn/x", True),
        ("https://xxgk.yaoan.gov.cn/x", True),
        ("https://yaoan.gov.cn.evil.com/x", False),
        ("https://notyaoan.gov.cn/x", False),
        ("ftp://www.yaoan.gov.cn/x", False),
        ("www.yaoan.gov.cn/x", False),
        ("http://[::1", False),
        (None, False),
    ],
)
def test_r5_4_1_portal_post_needs_county_portal_url(url: str | None, ok: bool) -> None:
    found = rules(Post(category="a", kind="portal", portal_url=url))
    assert (found == []) is ok
    if not ok:
        assert found == [("post.portal.url", "portal_url")]


def test_r5_4_1_no_domains_configured_refuses_every_url() -> None:
    assert (
        check(Post(category="a", kind="portal", portal_url="https://www.yaoan.gov.cn/"))[0].rule
        == "post.portal.url"
    )


def test_parse_post_contract_keys() -> None:
    post = parse_post(
        {
            "title": "t",
            "body": "b",
            "category": "a",
            "kind": "repost",
            "repost": REPOST,
            "emergency": None,
            "media": [{"path": "x.png", "kind": "image"}],
            "unknown": 1,
        }
    )
    assert post.kind == "repost" and post.repost == REPOST and post.emergency is None
    assert post.media[0].path == "x.png" and post.media[0].kind == "image"
    assert parse_post({}).kind == "original"


@pytest.mark.parametrize(
    "data",
    [
        [],
        "text",
        {"title": 1},
        {"kind": "blog"},
        {"category": 3},
        {"repost": "x"},
        {"emergency": []},
        {"repost": {"author": 5}},
        {"media": {}},
        {"media": [{"kind": "image"}]},
        {"media": [{"path": "a", "kind": "audio"}]},
        {"media": ["a.png"]},
    ],
)
def test_parse_post_rejects_what_is_not_a_post(data: object) -> None:
    with pytest.raises(PostInputError):
        parse_post(data)


def test_parse_post_without_media_for_the_api() -> None:
    with pytest.raises(PostInputError):
        parse_post({"media": [{"path": "/etc/passwd"}]}, allow_media=False)
    assert parse_post({"media": []}, allow_media=False).media == ()
