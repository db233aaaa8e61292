"""Publication: mass-send quota (R5.6-1), archive and BagIt export, the approval slip (R5.4-7)."""

import io
import zipfile
from pathlib import Path
from typing import Any

import bagit
import pytest
from docx import Document

from govmedia.org.models import User
from govmedia.publishing import services
from govmedia.publishing.models import Archive, Post, ReviewStep
from govmedia.registry.models import Account
from govmedia.web.errors import InvalidState

from .conftest import GOOD


def _approved(cast: dict[str, User], account: Account, title: str = GOOD["title"]) -> Post:
    post = services.submit(
        cast["edu_admin"], services.create_post(cast["edu_admin"], {**GOOD, "title": title}, [account.pk])
    )
    for who in ("legal_reviewer", "secrecy_reviewer", "edu_leader"):
        step = ReviewStep.objects.get(
            post=post, round=post.round, decision="pending", received_at__isnull=False
        )
        post = services.decide(cast[who], post, step.pk, "approve", comment="同意")
    return post


def test_r5_6_1_subscription_account_sends_once_a_day(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    first = _approved(cast, accounts["edu_wechat"], "第一条")
    second = _approved(cast, accounts["edu_wechat"], "第二条")
    services.publish(cast["edu_admin"], first, "https://mp.weixin.qq.com/s/1")
    with pytest.raises(InvalidState, match="订阅号每天只能群发1条消息"):
        services.publish(cast["edu_admin"], second, "https://mp.weixin.qq.com/s/2")
    second.refresh_from_db()
    assert second.status == "approved"


def test_archive_holds_the_exact_published_content_and_chain(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = services.publish(
        cast["edu_admin"], _approved(cast, accounts["edu_wechat"]), "https://mp.weixin.qq.com/s/1"
    )
    archive = Archive.objects.get(post=post)
    assert archive.content_hash == post.content_hash and archive.content["title"] == GOOD["title"]
    account = Account.objects.get(pk=accounts["edu_wechat"].pk)
    assert account.last_published_at == post.published_at  # what the inspection table reads (B-5)
    assert [a["step"] for a in archive.approvals] == ["合法性审查", "保密审查", "单位领导审签"]
    assert all(a["hash"] == post.content_hash for a in archive.approvals)
    with pytest.raises(ValueError):
        archive.save()


def test_archive_export_is_a_valid_bag(
    login: Any, cast: dict[str, User], accounts: dict[str, Account], tmp_path: Path
) -> None:
    post = services.publish(
        cast["edu_admin"], _approved(cast, accounts["edu_wechat"]), "https://mp.weixin.qq.com/s/1"
    )
    response = login("center").get(
        "/publishing/archive/", {"export": "bagit", "account": accounts["edu_wechat"].pk}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    bag = bagit.Bag(str(tmp_path / "archive"))
    bag.validate()
    assert f"data/posts/{post.pk}.json" in set(bag.payload_files())


def test_archive_filter_with_reversed_dates_shows_an_error(login: Any) -> None:
    response = login("center").get("/publishing/archive/", {"start": "2026-12-01", "end": "2026-01-01"})
    assert "起始日期不能晚于截止日期" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("center", "/publishing/?tab=all"),
        ("center", "/publishing/archive/"),
        ("center", "/inquiries/?tab=all"),
        ("auditor", "/audit/"),
    ],
)
def test_every_list_with_a_date_range_refuses_one_that_ends_before_it_begins(
    login: Any, who: str, path: str
) -> None:
    """稿件与审核 answered 「没有稿件。」 for a range from Dec 31 to Jan 1, as if nothing had been written."""
    sep = "&" if "?" in path else "?"
    response = login(who).get(f"{path}{sep}start=2026-12-31&end=2026-01-01")
    assert response.status_code == 200
    assert "起始日期不能晚于截止日期" in response.content.decode()


def test_r5_4_7_approval_slip_print_view_and_word(
    login: Any, cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = _approved(cast, accounts["edu_wechat"])
    client = login("edu_admin")
    html = client.get(f"/publishing/{post.pk}/slip/").content.decode()
    assert "发布信息审批单" in html and "合法性审查意见" in html and "周敏" in html
    response = client.get(f"/publishing/{post.pk}/slip.docx")
    assert response.content[:2] == b"PK"
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(response.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert GOOD["title"] in text and "保密审查意见" in text and "吴静" in text and "县教育体育局" in text


def test_slip_of_another_units_post_is_404(
    login: Any, cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = _approved(cast, accounts["edu_wechat"])
    assert login("town_admin").get(f"/publishing/{post.pk}/slip.docx").status_code == 404


def test_r5_4_5_an_approved_post_past_its_hour_is_marked_in_the_centres_panel(login: Any) -> None:
    """待我发布 shows each post's publication deadline in full, and the row is red once it has passed."""
    from datetime import timedelta

    from django.utils import timezone

    from govmedia.calendar.models import Deadline
    from govmedia.publishing.queries import posts_to_publish

    centre = User.objects.get(username="center")
    post = posts_to_publish(centre).first()
    assert post is not None and post.publish_deadline is not None
    due = timezone.now() - timedelta(minutes=5)
    Deadline.objects.filter(pk=post.publish_deadline_id).update(due_at=due)
    panel = login("center").get("/publishing/").content.decode().split("待我发布")[1].split("</table>")[0]
    row = next(r for r in panel.split("<tr")[1:] if f"/publishing/{post.pk}/" in r)
    local = timezone.localtime(due)
    assert row.startswith(' class="overdue"') and f"{local.year}年{local.month}月{local.day}日" in row
