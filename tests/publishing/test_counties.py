"""One instance, several counties: a county's reviewers, leaders and centre decide, publish and list only
the posts of their own county (R5.4-2, R5.4-4, R5.1-3, R3.2.9). Demo county 姚安县, neighbour 大姚县."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govmedia.org.models import Unit, User
from govmedia.publishing import coordination, services
from govmedia.publishing.forms import PostForm, TaskForm
from govmedia.publishing.models import Post, ReviewStep
from govmedia.publishing.queries import posts_to_publish, steps_waiting_for
from govmedia.registry.models import Account
from govmedia.web.todo import count_for, items_for

from .conftest import GOOD

FIVE = {
    "event": "金碧镇山体滑坡",
    "location": "大姚县金碧镇",
    "event_type": "地质灾害",
    "situation": "道路中断，无人员伤亡",
    "measures": "已封闭道路并组织抢通",
}


def _open_step(post: Post) -> ReviewStep:
    return ReviewStep.objects.get(post=post, round=post.round, decision="pending", received_at__isnull=False)


def _decide(who: User, post: Post, **kw: Any) -> Post:
    return services.decide(who, post, _open_step(post).pk, "approve", acknowledge_warnings=True, **kw)


def _refused(who: User, post: Post, **kw: Any) -> None:
    with pytest.raises(PermissionDenied):
        _decide(who, post, **kw)


def _people(cast: dict[str, User], neighbour: dict[str, Any]) -> dict[str, User]:
    return {**cast, **neighbour["people"]}


def _waiting(user: User) -> set[int]:
    return set(steps_waiting_for(user).values_list("post_id", flat=True))


def test_r5_4_2_county_reviewers_wait_for_and_decide_only_their_countys_posts(
    cast: dict[str, User], accounts: dict[str, Account], neighbour: dict[str, Any], login: Any
) -> None:
    """A step held by the county level (no unit named) belongs to the county of the post's unit."""
    p = _people(cast, neighbour)
    ours = services.submit(
        p["town_admin"], services.create_post(p["town_admin"], GOOD, [accounts["county_weibo"].pk])
    )
    theirs = services.submit(
        p["dy_town_admin"], services.create_post(p["dy_town_admin"], GOOD, [neighbour["accounts"]["gov"].pk])
    )
    assert _open_step(ours).assignee_unit_id is None and _open_step(theirs).assignee_unit_id is None
    assert ours.pk in _waiting(p["legal_reviewer"]) and theirs.pk not in _waiting(p["legal_reviewer"])
    assert theirs.pk in _waiting(p["dy_legal"]) and ours.pk not in _waiting(p["dy_legal"])
    # 我的待办 and its badge count the same rows.
    dy_urls = [i.url for i in items_for(p["dy_legal"])]
    assert f"/publishing/{theirs.pk}/" in dy_urls and f"/publishing/{ours.pk}/" not in dy_urls
    assert count_for(p["dy_legal"]) == len(items_for(p["dy_legal"]))
    _refused(p["dy_legal"], ours)
    _refused(p["legal_reviewer"], theirs)
    # The other county's post is not there at all for its pages.
    assert login("dy_legal").get(f"/publishing/{ours.pk}/").status_code == 404
    assert login("legal_reviewer").get(f"/publishing/{theirs.pk}/").status_code == 404
    page = login("dy_legal").get("/publishing/").content.decode()
    assert f"/publishing/{theirs.pk}/" in page and f"/publishing/{ours.pk}/" not in page


def test_r5_4_4_centre_and_county_leaders_act_only_for_their_county(
    cast: dict[str, User], accounts: dict[str, Account], neighbour: dict[str, Any]
) -> None:
    """The neighbour's chain: its legality and secrecy reviewers, its centre (important), its county leader;
    the demo county's people are refused at every step and cannot publish on the neighbour's accounts."""
    p = _people(cast, neighbour)
    post = services.submit(
        p["dy_town_admin"], services.create_post(p["dy_town_admin"], GOOD, [neighbour["accounts"]["gov"].pk])
    )
    for ours, theirs in (("legal_reviewer", "dy_legal"), ("secrecy_reviewer", "dy_secrecy")):
        _refused(p[ours], post)
        post = _decide(p[theirs], post)
    assert _open_step(post).kind == "center_proposal"
    assert post.pk not in _waiting(p["center"])
    _refused(p["center"], post, important=True)
    post = _decide(p["dy_center"], post, important=True)
    assert _open_step(post).kind == "county_approval"
    assert post.pk not in _waiting(p["county_leader"]) and post.pk in _waiting(p["dy_county_leader"])
    _refused(p["county_leader"], post)
    post = _decide(p["dy_county_leader"], post)
    assert post.status == "approved"
    assert not posts_to_publish(p["center"]).filter(pk=post.pk).exists()
    assert posts_to_publish(p["dy_center"]).filter(pk=post.pk).exists()
    with pytest.raises(PermissionDenied):
        services.publish(p["center"], post, "https://weibo.example/1")
    assert services.publish(p["dy_center"], post, "https://weibo.example/1").status == "published"


def test_r5_4_4_office_leader_and_centre_of_the_demo_county_only(
    cast: dict[str, User], accounts: dict[str, Account], neighbour: dict[str, Any]
) -> None:
    p = _people(cast, neighbour)
    post = services.submit(
        p["town_admin"], services.create_post(p["town_admin"], GOOD, [accounts["county_weibo"].pk])
    )
    post = _decide(p["secrecy_reviewer"], _decide(p["legal_reviewer"], post))
    _refused(p["dy_center"], post)
    post = _decide(p["center"], post)
    assert _open_step(post).kind == "office_approval"
    assert post.pk not in _waiting(p["dy_office_leader"])
    _refused(p["dy_office_leader"], post)
    post = _decide(p["office_leader"], post)
    assert not posts_to_publish(p["dy_center"]).filter(pk=post.pk).exists()
    with pytest.raises(PermissionDenied):
        services.publish(p["dy_center"], post)
    assert services.publish(p["center"], post).status == "published"


def test_r5_4_2_authors_target_only_their_own_countys_government_accounts(
    cast: dict[str, User], accounts: dict[str, Account], neighbour: dict[str, Any]
) -> None:
    p = _people(cast, neighbour)
    with pytest.raises(ValidationError):
        services.create_post(p["dy_town_admin"], GOOD, [accounts["county_weibo"].pk])
    with pytest.raises(ValidationError):
        services.create_post(p["town_admin"], GOOD, [neighbour["accounts"]["gov"].pk])
    choices = set(PostForm(user=p["dy_town_admin"]).fields["accounts"].queryset.values_list("pk", flat=True))
    assert neighbour["accounts"]["gov"].pk in choices and accounts["county_weibo"].pk not in choices


def test_r5_1_3_follow_ups_join_only_an_event_of_the_authors_county(
    cast: dict[str, User], accounts: dict[str, Account], neighbour: dict[str, Any], login: Any
) -> None:
    p = _people(cast, neighbour)
    first = services.create_post(
        p["dy_town_admin"], {**GOOD, "category": "f", "emergency": FIVE}, [neighbour["accounts"]["town"].pk]
    )
    assert first.event is not None
    with pytest.raises(ValidationError):
        services.create_post(
            p["town_admin"],
            {**GOOD, "category": "f", "emergency": FIVE},
            [accounts["town_wechat"].pk],
            event_id=first.event.pk,
        )
    assert first.event not in PostForm(user=p["town_admin"]).fields["event"].queryset
    assert first.event in PostForm(user=p["dy_town_admin"]).fields["event"].queryset
    assert login("center").get(f"/publishing/events/{first.event.pk}/").status_code == 404
    assert login("dy_center").get(f"/publishing/events/{first.event.pk}/").status_code == 200


def test_r3_2_9_coordination_tasks_stay_in_their_county(
    cast: dict[str, User], neighbour: dict[str, Any], login: Any
) -> None:
    p = _people(cast, neighbour)
    due = timezone.now() + timedelta(days=3)
    town = Unit.objects.get(name="栋川镇")
    with pytest.raises(ValidationError) as err:
        coordination.issue_task(
            p["dy_office_leader"], kind="repost", title="越界任务", instructions="x", due_at=due, units=[town]
        )
    assert "units" in err.value.message_dict
    assert town not in TaskForm(user=p["dy_office_leader"]).fields["units"].queryset
    assert neighbour["units"]["town"] in TaskForm(user=p["dy_office_leader"]).fields["units"].queryset
    coordination.issue_task(
        p["office_leader"], kind="repost", title="姚安县转载任务", instructions="x", due_at=due, units=[town]
    )
    coordination.issue_task(
        p["dy_office_leader"],
        kind="policy",
        title="大姚县解读任务",
        instructions="x",
        due_at=due,
        units=[neighbour["units"]["town"]],
    )
    ours = login("center").get("/publishing/tasks/").content.decode()
    theirs = login("dy_center").get("/publishing/tasks/").content.decode()
    assert "姚安县转载任务" in ours and "大姚县解读任务" not in ours
    assert "大姚县解读任务" in theirs and "姚安县转载任务" not in theirs
    assert "大姚县解读任务" in login("dy_town_admin").get("/publishing/tasks/").content.decode()


def test_r5_4_7_r7_5_the_slips_name_the_county_of_the_post_or_message(
    login: Any, neighbour: dict[str, Any]
) -> None:
    """The approval slip and the handling slip are the county's own forms: 《大姚县…审批单》 for 大姚县."""
    from docx import Document

    from govmedia.inquiries.models import Inquiry

    people, town = neighbour["people"], neighbour["units"]["town"]
    post = Post.objects.create(
        unit=town, author=people["dy_town_admin"], title="通知", body="正文", content_hash="x", round=1
    )
    inquiry = Inquiry.objects.create(
        account=neighbour["accounts"]["town"], platform="weibo", content="咨询", received_at=timezone.now()
    )
    client = login("dy_center")
    assert (
        "大姚县政务微博、政务微信发布信息审批单"
        in client.get(f"/publishing/{post.pk}/slip/").content.decode()
    )
    page = client.get(f"/inquiries/{inquiry.pk}/slip/").content.decode()
    assert "大姚县政务微博、政务微信留言批办单" in page and "姚安县" not in page
    word = Document(io.BytesIO(client.get(f"/publishing/{post.pk}/slip.docx").content))
    assert word.paragraphs[0].text == "大姚县政务微博、政务微信发布信息审批单"


def test_r5_4_4_a_county_without_government_accounts_has_nothing_for_its_centre_to_publish(
    cast: dict[str, User], accounts: dict[str, Account], neighbour: dict[str, Any]
) -> None:
    """The centre's list reads its county government's account ids first; with none, it is empty (and the
    demo county's approved posts stay out of it)."""
    p = _people(cast, neighbour)
    post = services.submit(
        p["town_admin"], services.create_post(p["town_admin"], GOOD, [accounts["county_weibo"].pk])
    )
    post = _decide(p["secrecy_reviewer"], _decide(p["legal_reviewer"], post))
    post = _decide(p["office_leader"], _decide(p["center"], post))
    assert post.status == "approved"
    Account.objects.filter(unit__county=neighbour["county"]).delete()
    assert list(posts_to_publish(p["dy_center"])) == []
    assert not any(i.url == f"/publishing/{post.pk}/" for i in items_for(p["dy_center"]))
    assert posts_to_publish(p["center"]).filter(pk=post.pk).exists()


def test_r5_4_2_a_unit_leader_sees_its_units_posts_and_those_it_reviews_without_a_join(
    cast: dict[str, User],
) -> None:
    """The posts a unit's reviewer may see: its unit's, and those with a step held by its unit, read as one
    IN over a UNION of two indexed reads. OR-ing a join to the steps read a province's six million steps."""
    leader = cast["town_leader"]
    other = Post.objects.exclude(unit=leader.unit_id).first()
    assert other is not None
    visible = Post.objects.visible_to(leader)
    assert visible.filter(unit=leader.unit_id).exists() and not visible.filter(pk=other.pk).exists()
    ReviewStep.objects.create(
        post=other,
        round=1,
        order=9,
        kind="unit_approval",
        assignee_role="unit_leader",
        assignee_unit=leader.unit,
    )
    assert visible.filter(pk=other.pk).exists()
    sql = str(visible.query)
    assert " JOIN " not in sql and "DISTINCT" not in sql and "UNION" in sql
