"""Material library (R5.6-3), emergency events (R5.1-3) and coordination tasks (R3.2.9)."""

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from govmedia.org.models import Unit, User
from govmedia.publishing import coordination, services
from govmedia.publishing.models import Material, Post, TaskAssignment
from govmedia.registry.models import Account
from govmedia.web.errors import ContentRejected, InvalidState
from govmedia.web.uploads import path_for, storage_root

from .conftest import GOOD

FIVE = {
    "event": "G56杭瑞高速姚安段交通事故",
    "location": "姚安县光禄镇",
    "event_type": "交通事故",
    "situation": "两车追尾，无人员死亡",
    "measures": "交警、医疗已到场处置",
}


def _png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def _gif_with_big_frame() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (600, 600)).save(buffer, "GIF")
    return buffer.getvalue()


def _files() -> set[Path]:
    return {p for p in storage_root().rglob("*") if p.is_file()} if storage_root().exists() else set()


def test_r5_6_3_material_is_stored_once_by_hash_and_reused(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    first = services.upload_material(cast["edu_admin"], SimpleUploadedFile("校门.png", _png()))
    again = services.upload_material(cast["edu_admin"], SimpleUploadedFile("另存.png", _png()))
    assert first.pk == again.pk and first.kind == "image" and (first.width, first.height) == (40, 30)
    assert path_for(first.sha256).read_bytes() == _png()
    media = services.materials_media(cast["edu_admin"], [first.pk])
    one = services.create_post(cast["edu_admin"], {**GOOD, "media": media}, [accounts["edu_wechat"].pk])
    two = services.create_post(
        cast["edu_admin"], {**GOOD, "title": "另一条", "media": media}, [accounts["edu_wechat"].pk]
    )
    assert one.media[0]["sha256"] == two.media[0]["sha256"] == first.sha256


def test_material_judged_by_bytes_renamed_text_is_refused_and_nothing_kept(cast: dict[str, User]) -> None:
    before = _files()
    with pytest.raises(ValidationError, match="无法识别的文件格式"):
        services.upload_material(
            cast["edu_admin"], SimpleUploadedFile("视频.mp4", b"not a video at all" * 10)
        )
    with pytest.raises(ValidationError, match="为空"):
        services.upload_material(cast["edu_admin"], SimpleUploadedFile("空.png", b""))
    assert _files() == before and not Material.objects.filter(name__in=["视频.mp4", "空.png"]).exists()


def test_material_of_another_unit_cannot_be_used(cast: dict[str, User]) -> None:
    theirs = services.upload_material(cast["town_admin"], SimpleUploadedFile("镇.png", _png((10, 10))))
    with pytest.raises(ValidationError):
        services.materials_media(cast["edu_admin"], [theirs.pk])


def test_r5_6_4_gif_frame_too_large_blocks_submission_to_weibo(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    gif = services.upload_material(cast["town_admin"], SimpleUploadedFile("动图.gif", _gif_with_big_frame()))
    post = services.create_post(
        cast["town_admin"], {**GOOD, "media": [gif.as_media()]}, [accounts["county_weibo"].pk]
    )
    with pytest.raises(ContentRejected) as err:
        services.submit(cast["town_admin"], post)
    assert any(f["rule"] == "weibo.gif.frame_size" for f in err.value.findings)


def test_b2_changing_a_material_changes_the_hash(cast: dict[str, User], accounts: dict[str, Account]) -> None:
    a = services.upload_material(cast["edu_admin"], SimpleUploadedFile("a.png", _png((5, 5))))
    b = services.upload_material(cast["edu_admin"], SimpleUploadedFile("b.png", _png((6, 6))))
    post = services.create_post(
        cast["edu_admin"], {**GOOD, "media": [a.as_media()]}, [accounts["edu_wechat"].pk]
    )
    edited = services.update_post(cast["edu_admin"], post, {"media": [b.as_media()]})
    assert edited.content_hash != post.content_hash and edited.version == 2


def test_material_library_page_upload_and_protected_download(login: Any) -> None:
    client = login("edu_admin")
    response = client.post("/publishing/materials/", {"file": SimpleUploadedFile("图.png", _png())})
    assert response.status_code == 302
    material = Material.objects.get(name="图.png")
    assert client.get(f"/publishing/materials/{material.pk}/file").status_code == 200
    assert login("town_admin").get(f"/publishing/materials/{material.pk}/file").status_code == 404
    bad = client.post("/publishing/materials/", {"file": SimpleUploadedFile("x.png", b"GIF89a-broken")})
    assert bad.status_code == 200 and "未保存" in bad.content.decode()


def test_r5_1_3_emergency_posts_form_one_event_timeline(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    first = services.create_post(
        cast["town_admin"], {**GOOD, "category": "f", "emergency": FIVE}, [accounts["county_weibo"].pk]
    )
    assert first.event is not None and first.event.name == FIVE["event"] and first.urgent
    follow = services.create_post(
        cast["town_admin"],
        {**GOOD, "title": "续报", "category": "f", "emergency": {**FIVE, "situation": "道路已恢复通行"}},
        [accounts["county_weibo"].pk],
        event_id=first.event.pk,
    )
    assert follow.event_id == first.event_id
    assert list(Post.objects.filter(event=first.event).order_by("created_at")) == [first, follow]


def test_r5_1_3_emergency_post_missing_an_element_cannot_be_submitted(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    post = services.create_post(
        cast["town_admin"], {**GOOD, "emergency": {**FIVE, "measures": ""}}, [accounts["county_weibo"].pk]
    )
    with pytest.raises(ContentRejected) as err:
        services.submit(cast["town_admin"], post)
    assert any(f["rule"] == "post.emergency.five_elements" for f in err.value.findings)


def test_r3_2_9_coordination_task_completion_table(
    login: Any, cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    units = list(Unit.objects.filter(name__in=["县教育体育局", "栋川镇"]))
    task = coordination.issue_task(
        cast["office_leader"],
        kind="repost",
        title="转载《冬季安全生产提示》",
        instructions="请各单位于本周内转载",
        due_at=timezone.now() + timedelta(days=3),
        units=units,
    )
    post = services.create_post(cast["edu_admin"], GOOD, [accounts["edu_wechat"].pk])
    assignment = TaskAssignment.objects.get(task=task, unit__name="县教育体育局")
    coordination.answer_task(cast["edu_admin"], assignment, post)
    with pytest.raises(InvalidState):
        coordination.answer_task(cast["edu_admin"], assignment, post)
    html = login("office_leader").get("/publishing/tasks/").content.decode()
    assert "转载《冬季安全生产提示》" in html and "未完成" in html and GOOD["title"] in html
    town_view = login("town_admin").get("/publishing/tasks/").content.decode()
    assert "报送落实情况" in town_view


def test_task_with_bad_input_is_refused(cast: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as err:
        coordination.issue_task(
            cast["office_leader"],
            kind="x",
            title="",
            instructions="",
            due_at=timezone.now() - timedelta(hours=1),
            units=[],
        )
    assert set(err.value.message_dict) == {"kind", "title", "units", "due_at"}
