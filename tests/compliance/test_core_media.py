"""Media judged by their bytes (R5.6-2, R5.6-4): formats by signature, sizes in MiB, audio durations,
every GIF frame; broken and hostile files give findings, never exceptions."""

from pathlib import Path

import pytest

from govmedia.compliance.core import DEFAULT_PROFILES, MediaRef, Post, check
from govmedia.compliance.core.engine import format_mib
from govmedia.compliance.core.media import inspect, sniff

from . import media_factory as mf

WECHAT, WEIBO, APP = DEFAULT_PROFILES["wechat"], DEFAULT_PROFILES["weibo"], DEFAULT_PROFILES["app"]
MIB = mf.MIB


def findings(path: Path, kind: str | None, profile=WECHAT) -> list:  # type: ignore[no-untyped-def]
    return check(Post(category="a", media=(MediaRef(str(path), kind),)), profile)


def rules(path: Path, kind: str | None, profile=WECHAT) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule for f in findings(path, kind, profile)]


@pytest.mark.parametrize("make", [mf.wav, mf.mp3, mf.amr])
@pytest.mark.parametrize(("seconds", "flagged"), [(59, False), (60, False), (61, True)])
def test_r5_6_2_voice_60_seconds(tmp_path: Path, make, seconds: int, flagged: bool) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / f"voice.{make.__name__}", seconds)
    found = [f for f in findings(path, "voice") if f.rule == "wechat.voice.max_seconds"]
    assert bool(found) is flagged
    assert [f.rule for f in findings(path, "voice") if f.rule != "wechat.voice.max_seconds"] == []
    if flagged:
        assert found[0].message == f"语音“voice.{make.__name__}”超过60秒（当前61秒）"
        assert found[0].value == 61 and found[0].limit == 60 and found[0].field == "media[0]"


def test_r5_6_2_amr_duration_counts_frames(tmp_path: Path) -> None:
    assert inspect(str(mf.amr(tmp_path / "a.amr", 3.5))).duration == 3.5


def test_r5_6_2_wma_is_a_voice_format(tmp_path: Path) -> None:
    path = mf.sparse(tmp_path / "v.wma", mf.wma_header(), 4096)
    assert sniff(path.read_bytes()[:64]) == ("wma", "ASF")


@pytest.mark.parametrize(("size", "flagged"), [(5 * MIB, False), (5 * MIB + 1, True)])
def test_r5_6_2_voice_5_mib(tmp_path: Path, size: int, flagged: bool) -> None:
    path = mf.sparse(tmp_path / "v.amr", b"#!AMR\n", size)  # zeros are valid 12-byte mode-0 frames
    found = [f for f in findings(path, "voice") if f.rule == "wechat.voice.max_bytes"]
    assert bool(found) is flagged
    if flagged:
        assert found[0].message == "语音“v.amr”超过5MB（当前5.01MB）"
        assert found[0].value == size and found[0].limit == 5 * MIB


@pytest.mark.parametrize("container", ["mp4", "avi", "wmv", "mpeg", "rm"])
def test_r5_6_2_wechat_video_formats_accepted(tmp_path: Path, container: str) -> None:
    path = mf.sparse(tmp_path / f"v.{container}", mf.VIDEO_HEADS[container], 4096)
    assert rules(path, "video") == []


@pytest.mark.parametrize("container", ["mov", "3gp", "flv"])
def test_r5_6_2_wechat_refuses_other_video_formats(tmp_path: Path, container: str) -> None:
    path = mf.sparse(tmp_path / f"v.{container}", mf.VIDEO_HEADS[container], 4096)
    found = findings(path, "video")
    assert [f.rule for f in found] == ["wechat.video.format"]
    assert "仅支持" in found[0].message and found[0].value == container


@pytest.mark.parametrize("container", ["mp4", "mov", "3gp", "avi", "wmv", "flv", "mpeg", "rm"])
def test_r5_6_4_weibo_video_formats_accepted(tmp_path: Path, container: str) -> None:
    path = mf.sparse(tmp_path / f"v.{container}", mf.VIDEO_HEADS[container], 4096)
    assert rules(path, "video", WEIBO) == []


def test_r5_6_4_mpeg_transport_stream(tmp_path: Path) -> None:
    path = tmp_path / "v.ts"
    path.write_bytes(mf.ts())
    assert inspect(str(path)).format == "mpeg" and inspect(str(path)).detail == "MPEG-TS"
    assert rules(path, "video", WEIBO) == []


@pytest.mark.parametrize(("profile", "limit"), [(WECHAT, 20), (WEIBO, 100)])
def test_r5_6_video_size_limits_in_mib(tmp_path: Path, profile, limit: int) -> None:  # type: ignore[no-untyped-def]
    at_limit = mf.sparse(tmp_path / "a.mp4", mf.VIDEO_HEADS["mp4"], limit * MIB)
    over = mf.sparse(tmp_path / "b.mp4", mf.VIDEO_HEADS["mp4"], limit * MIB + 1)
    assert rules(at_limit, "video", profile) == []
    found = findings(over, "video", profile)
    assert [f.rule for f in found] == [f"{profile.key}.video.max_bytes"]
    assert found[0].message == f"视频“b.mp4”超过{limit}MB（当前{limit}.01MB）"


def test_r5_6_2_mp4_that_is_really_a_png(tmp_path: Path) -> None:
    path = mf.png(tmp_path / "clip.mp4")
    found = findings(path, "video")
    assert [f.rule for f in found] == ["wechat.video.format"]
    assert found[0].message == "视频“clip.mp4”实际为PNG图片，不是视频" and found[0].severity == "block"
    assert found[0].value == "png"


def test_renamed_image_of_the_right_kind_is_a_warning(tmp_path: Path) -> None:
    path = mf.png(tmp_path / "photo.jpg")
    found = findings(path, "image", WEIBO)
    assert [(f.rule, f.severity) for f in found] == [("media.extension_mismatch", "warn")]
    assert found[0].message == "文件“photo.jpg”的扩展名为.jpg，实际为PNG图片"


def test_kind_is_inferred_from_bytes_when_absent(tmp_path: Path) -> None:
    assert rules(mf.jpeg(tmp_path / "a.jpg"), None, WEIBO) == []
    assert rules(mf.wav(tmp_path / "a.wav", 61), None) == ["wechat.voice.max_seconds"]


def test_r5_6_4_weibo_image_formats(tmp_path: Path) -> None:
    assert rules(mf.png(tmp_path / "a.png"), "image", WEIBO) == []
    assert rules(mf.jpeg(tmp_path / "a.jpg"), "image", WEIBO) == []
    from PIL import Image

    Image.new("RGB", (4, 4)).save(tmp_path / "a.bmp", "BMP")
    found = findings(tmp_path / "a.bmp", "image", WEIBO)
    assert [f.rule for f in found] == ["weibo.image.format"]
    assert found[0].message == "图片“a.bmp”为BMP图片，政务微博仅支持JPG、GIF、PNG格式"


def test_r5_6_4_gif_whose_30th_frame_alone_is_too_large(tmp_path: Path) -> None:
    path = mf.gif(tmp_path / "anim.gif", [(100, 100)] * 29 + [(451, 300)] + [(100, 100)] * 5)
    found = findings(path, "image", WEIBO)
    assert [f.rule for f in found] == ["weibo.gif.frame_size"]
    assert found[0].message == "GIF“anim.gif”第30帧为451×300像素，超过450×450像素"
    assert found[0].value == "451x300" and found[0].limit == "450x450"


def test_r5_6_4_gif_frames_at_450_pass(tmp_path: Path) -> None:
    path = mf.gif(tmp_path / "ok.gif", [(450, 450), (10, 450), (450, 1)])
    assert rules(path, "image", WEIBO) == []
    assert inspect(str(path)).frames == ((450, 450), (10, 450), (450, 1))


def test_r5_6_4_gif_frame_limit_is_weibo_only(tmp_path: Path) -> None:
    path = mf.gif(tmp_path / "big.gif", [(500, 500)])
    assert rules(path, "image", WECHAT) == []
    assert rules(path, "image", WEIBO) == ["weibo.gif.frame_size"]


def test_gif_claiming_60000_square_is_a_finding_not_an_exception(tmp_path: Path) -> None:
    path = mf.hostile_gif(tmp_path / "bomb.gif")
    found = findings(path, "image", WEIBO)
    assert [f.rule for f in found] == ["media.corrupt", "weibo.gif.frame_size"]
    assert "解压炸弹" in found[0].message and found[0].severity == "block"


def test_decompression_bomb_guard_stays_on() -> None:
    from PIL import Image

    import govmedia.compliance.core.media  # noqa: F401

    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS <= 89_478_485


def test_zero_length_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp3"
    path.write_bytes(b"")
    found = findings(path, "voice")
    assert [f.rule for f in found] == ["media.corrupt"]
    assert found[0].message == "语音“empty.mp3”为空文件（0字节）"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("trunc.png", mf.png_bytes()[:40], "image"),
        ("trunc.gif", b"GIF89a\x0a\x00\x0a\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\x2c\x00\x00", "image"),
        ("junk.gif", b"GIF89a\x0a\x00\x0a\x00\x00\x00\x00\x99\x99\x99", "image"),
        ("trunc.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image"),
        ("bad.amr", b"#!AMR\n" + bytes([0x50]) + b"\0" * 40, "voice"),
        ("bad.wav", b"RIFF\x10\x00\x00\x00WAVEfmt ", "voice"),
        ("bad.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00", "voice"),
        ("bad.wma", mf.wma_header(), "voice"),
        ("noise.mp4", b"\x00\x01\x02\x03" * 100, "video"),
    ],
)
def test_corrupt_and_truncated_files_are_findings(
    tmp_path: Path, name: str, content: bytes, kind: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    found = findings(path, kind)
    assert found and all(f.severity == "block" for f in found)
    assert {f.rule for f in found} & {"media.corrupt", f"wechat.{kind}.format"}


def test_missing_file_is_a_finding_in_the_core(tmp_path: Path) -> None:
    found = findings(tmp_path / "gone.png", "image")
    assert [f.rule for f in found] == ["media.unreadable"]


def test_generic_profile_still_judges_formats(tmp_path: Path) -> None:
    assert rules(mf.png(tmp_path / "x.mp4"), "video", APP) == ["app.video.format"]
    assert rules(mf.sparse(tmp_path / "v.mp4", mf.VIDEO_HEADS["mp4"], 500 * MIB), "video", APP) == []


def test_format_mib_rounds_up() -> None:
    assert format_mib(5 * MIB) == "5MB"
    assert format_mib(5 * MIB + 1) == "5.01MB"
    assert format_mib(int(5.5 * MIB)) == "5.5MB"


def test_unknown_format_without_kind(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    found = findings(path, None, WEIBO)
    assert [f.rule for f in found] == ["weibo.image.format"] and "无法识别" in found[0].message
