"""The review chain end to end through services and the API (R5.1-1, R5.4-2 … R5.4-5, B-2)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from govmedia.org.models import ApiToken, User
from govmedia.publishing import services
from govmedia.publishing.models import Post, ReviewStep
from govmedia.registry.models import Account
from govmedia.web.errors import ContentRejected, InvalidState

from .conftest import GOOD


def _open_step(post: Post) -> ReviewStep:
    return ReviewStep.objects.get(post=post, round=post.round, decision="pending", received_at__isnull=False)


def _approve(post: Post, cast: dict[str, User], who: str, **kw: Any) -> Post:
    return services.decide(cast[who], post, _open_step(post).pk, "approve", **kw)


def test_r5_4_3_department_post_on_own_account_legal_secrecy_leader_publish(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = services.create_post(cast["edu_admin"], GOOD, [accounts["edu_wechat"].pk])
    post = services.submit(cast["edu_admin"], post)
    assert [s.kind for s in post.current_steps()] == ["legality", "secrecy", "unit_approval"]
    for who in ("legal_reviewer", "secrecy_reviewer", "edu_leader"):
        post = _approve(post, cast, who)
    assert post.status == "approved"
    assert post.publish_deadline is not None
    assert post.publish_deadline.due_at == post.approved_at + timedelta(hours=1)  # R5.4-5
    post = services.publish(cast["edu_admin"], post, "https://mp.weixin.qq.com/s/abc")
    assert post.status == "published" and post.published_by == cast["edu_admin"]
    assert post.publish_deadline.met_at is not None


def test_r5_4_4_county_account_post_centre_proposal_due_in_one_workday_then_office(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = services.submit(
        cast["town_admin"], services.create_post(cast["town_admin"], GOOD, [accounts["county_weibo"].pk])
    )
    post = _approve(post, cast, "legal_reviewer")
    post = _approve(post, cast, "secrecy_reviewer")
    proposal = _open_step(post)
    assert proposal.kind == "center_proposal" and proposal.deadline is not None
    assert proposal.deadline.rule == "after_workdays" and proposal.deadline.n == 1
    post = _approve(post, cast, "center")
    assert _open_step(post).kind == "office_approval"
    post = _approve(post, cast, "office_leader")
    assert post.status == "approved"
    with pytest.raises(PermissionDenied):
        services.publish(cast["town_admin"], post)  # the centre publishes the county's accounts
    assert services.publish(cast["center"], post).status == "published"


def test_r5_4_4_important_items_go_to_a_county_government_leader(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = services.submit(
        cast["town_admin"], services.create_post(cast["town_admin"], GOOD, [accounts["county_weibo"].pk])
    )
    post = _approve(_approve(post, cast, "legal_reviewer"), cast, "secrecy_reviewer")
    post = _approve(post, cast, "center", important=True)
    step = _open_step(post)
    assert step.kind == "county_approval" and step.assignee_role == "county_leader"
    with pytest.raises(PermissionDenied):
        _approve(post, cast, "office_leader")
    post = _approve(post, cast, "county_leader")
    assert post.status == "approved" and services.approvals_missing(post) == []
    assert services.publish(cast["center"], post).status == "published"


def test_b2_edit_after_approval_voids_it_and_publishing_refuses(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = services.submit(
        cast["edu_admin"], services.create_post(cast["edu_admin"], GOOD, [accounts["edu_wechat"].pk])
    )
    for who in ("legal_reviewer", "secrecy_reviewer", "edu_leader"):
        post = _approve(post, cast, who)
    old_hash = post.content_hash
    post = services.update_post(cast["edu_admin"], post, {"body": GOOD["body"] + "（补充）"})
    assert post.content_hash != old_hash and post.version == 2 and post.status == "draft"
    assert set(ReviewStep.objects.filter(post=post).values_list("decision", flat=True)) == {"void"}
    with pytest.raises(InvalidState, match="未经审核同意"):
        services.publish(cast["edu_admin"], post)


def test_b2_a_save_that_changes_nothing_voids_nothing(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = services.submit(
        cast["edu_admin"], services.create_post(cast["edu_admin"], GOOD, [accounts["edu_wechat"].pk])
    )
    post = _approve(post, cast, "legal_reviewer")
    same = services.update_post(
        cast["edu_admin"], post, {"title": GOOD["title"] + "  ", "body": GOOD["body"]}
    )
    assert same.version == 1 and same.status == "in_review"
    assert ReviewStep.objects.filter(post=post, decision="approve").count() == 1


def test_r5_1_1_rejection_needs_a_reason_and_returns_the_post(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = services.submit(
        cast["edu_admin"], services.create_post(cast["edu_admin"], GOOD, [accounts["edu_wechat"].pk])
    )
    with pytest.raises(ValidationError):
        services.decide(cast["legal_reviewer"], post, _open_step(post).pk, "reject", "")
    post = services.decide(cast["legal_reviewer"], post, _open_step(post).pk, "reject", "涉及未经审定的事项")
    assert post.status == "rejected"
    assert services.submit(cast["edu_admin"], post).round == 2


def test_a_step_cannot_be_decided_twice(cast: dict[str, User], accounts: dict[str, Account]) -> None:
    post = services.submit(
        cast["edu_admin"], services.create_post(cast["edu_admin"], GOOD, [accounts["edu_wechat"].pk])
    )
    step = _open_step(post)
    services.decide(cast["legal_reviewer"], post, step.pk, "approve")
    with pytest.raises(InvalidState, match="已由他人办理"):
        services.decide(cast["legal_reviewer"], post, step.pk, "approve")


def test_blocking_findings_stop_submission(cast: dict[str, User], accounts: dict[str, Account]) -> None:
    post = services.create_post(
        cast["edu_admin"], {**GOOD, "body": "本文件为内部资料，不得外传。"}, [accounts["edu_wechat"].pk]
    )
    with pytest.raises(ContentRejected) as err:
        services.submit(cast["edu_admin"], post)
    assert any(f["rule"] == "content.classified_marking" for f in err.value.findings)
    post.refresh_from_db()
    assert post.status == "draft" and not post.steps.exists()


def test_r5_4_3_a_unit_cannot_target_another_units_account(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    with pytest.raises(ValidationError):
        services.create_post(cast["edu_admin"], GOOD, [accounts["town_wechat"].pk])
    assert not Post.objects.filter(title=GOOD["title"]).exists()


# ---- the API (CONTRACT.md) ----


def _api(user: User) -> Any:
    _, key = ApiToken.issue(user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def call(method: str, path: str, body: Any = None) -> Any:
        return getattr(client, method)(f"/api/v1{path}", data=body, content_type="application/json")

    return call


def test_api_full_route_and_409_for_unapproved_publish(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    admin = _api(cast["edu_admin"])
    created = admin("post", "/posts", {"accounts": [accounts["edu_wechat"].pk], **GOOD})
    assert created.status_code == 201
    post = created.json()
    assert post["status"] == "draft" and len(post["content_hash"]) == 64 and post["steps"] == []
    assert admin("post", f"/posts/{post['id']}/publish", {"url": "https://x.cn/1"}).status_code == 409
    post = admin("post", f"/posts/{post['id']}/submit").json()
    for who in ("legal_reviewer", "secrecy_reviewer", "edu_leader"):
        step = next(s for s in post["steps"] if s["decision"] == "pending" and s["received_at"])
        answer = _api(cast[who])(
            "post", f"/posts/{post['id']}/steps/{step['id']}/decision", {"decision": "approve"}
        )
        assert answer.status_code == 200, answer.content
        post = answer.json()
        assert next(s for s in post["steps"] if s["id"] == step["id"])["decided_hash"] == post["content_hash"]
    patched = admin("patch", f"/posts/{post['id']}", {"title": "改过的标题"}).json()
    assert patched["content_hash"] != post["content_hash"]
    assert admin("post", f"/posts/{post['id']}/publish", {"url": "https://x.cn/1"}).status_code == 409


def test_api_other_units_post_is_404_and_bad_input_422(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = services.create_post(cast["edu_admin"], GOOD, [accounts["edu_wechat"].pk])
    assert _api(cast["town_admin"])("get", f"/posts/{post.pk}").status_code == 404
    bad = _api(cast["edu_admin"])(
        "post", "/posts", {"accounts": [accounts["edu_wechat"].pk], "title": "", "body": ""}
    )
    assert bad.status_code == 422 and "title" in bad.json()["errors"]
    findings = _api(cast["edu_admin"])(
        "post", "/posts", {"accounts": [accounts["edu_wechat"].pk], **GOOD, "body": "机密文件"}
    ).json()
    submitted = _api(cast["edu_admin"])("post", f"/posts/{findings['id']}/submit")
    assert submitted.status_code == 422 and submitted.json()["findings"]


def test_web_flow_author_submits_reviewer_decides(
    login: Any, cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    admin = login("edu_admin")
    response = admin.post(
        "/publishing/new/",
        {
            "accounts": [accounts["edu_wechat"].pk],
            "kind": "original",
            "category": "i",
            "title": GOOD["title"],
            "body": GOOD["body"],
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(title=GOOD["title"])
    admin.post(f"/publishing/{post.pk}/submit/")
    post.refresh_from_db()
    reviewer = login("legal_reviewer")
    assert GOOD["title"] in reviewer.get("/").content.decode()  # 我的待办
    step = _open_step(post)
    no_checklist = reviewer.post(
        f"/publishing/{post.pk}/steps/{step.pk}/decision/", {"decision": "approve"}, follow=True
    )
    assert "逐项审查" in no_checklist.content.decode()
    reviewer.post(
        f"/publishing/{post.pk}/steps/{step.pk}/decision/", {"decision": "approve", "checklist": "on"}
    )
    step.refresh_from_db()
    assert step.decision == "approve" and step.decided_by == cast["legal_reviewer"]
    html = admin.get(f"/publishing/{post.pk}/").content.decode()
    assert "合法性审查" in html and "周敏" in html


def test_lists_keep_a_constant_number_of_queries(
    login: Any, cast: dict[str, User], accounts: dict[str, Account], django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("center")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/publishing/", {"tab": "all"}).status_code == 200
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        services.submit(
            cast["town_admin"],
            services.create_post(
                cast["town_admin"], {**GOOD, "title": f"甲{i}"}, [accounts["county_weibo"].pk]
            ),
        )
    few = count()
    for i in range(15):
        services.submit(
            cast["town_admin"],
            services.create_post(
                cast["town_admin"], {**GOOD, "title": f"乙{i}"}, [accounts["county_weibo"].pk]
            ),
        )
    assert count() == few


def test_list_filters_and_bad_dates(login: Any, cast: dict[str, User], accounts: dict[str, Account]) -> None:
    services.create_post(cast["edu_admin"], {**GOOD, "category": "g"}, [accounts["edu_wechat"].pk])
    client = login("edu_admin")
    assert GOOD["title"] in client.get("/publishing/", {"category": "g"}).content.decode()
    assert GOOD["title"] not in client.get("/publishing/", {"category": "a"}).content.decode()
    bad = client.get("/publishing/", {"start": "2026-99-01"})
    assert bad.status_code == 200 and "筛选条件有误" in bad.content.decode()


def test_editor_panel_explains_findings_as_the_author_types(login: Any, accounts: dict[str, Account]) -> None:
    """R5.2-1, B-4: the author sees the machine's findings before any reviewer does."""
    html = (
        login("edu_admin")
        .post(
            "/publishing/panel/",
            {
                "accounts": [accounts["edu_wechat"].pk],
                "title": "通知",
                "body": "本材料属内部资料，请勿外传。",
            },
        )
        .content.decode()
    )
    assert "内部资料" in html and "须修改" in html
    empty = login("edu_admin").post("/publishing/panel/", {}).content.decode()
    assert "category" in empty or "分类" in empty or "类别" in empty


def test_r5_3_1_unknown_category_is_refused_in_chinese(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    with pytest.raises(ValidationError) as err:
        services.create_post(cast["edu_admin"], {**GOOD, "category": "zz"}, [accounts["edu_wechat"].pk])
    assert "a至j" in err.value.message_dict["category"][0]
    answer = _api(cast["edu_admin"])(
        "post", "/posts", {"accounts": [accounts["edu_wechat"].pk], **GOOD, "category": "k"}
    )
    assert answer.status_code == 422 and "category" in answer.json()["errors"]
