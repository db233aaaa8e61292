"""The long-Weibo image (R5.6-4): a post over 140 Weibo characters rendered to a PNG with a CJK font."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

from PIL import Image, ImageDraw, ImageFont

NO_FONT_MESSAGE = (
    "系统中没有可用的中文字体，无法生成长微博图片。"
    "请安装中文字体（如 Debian/Ubuntu 的 fonts-noto-cjk 软件包），或在设置 CJK_FONT_PATH 中指定字体文件。"
)


class NoCjkFont(Exception):
    def __init__(self, message: str = NO_FONT_MESSAGE) -> None:
        super().__init__(message)


def find_cjk_font(configured: str | None = None) -> str:
    """The configured font file, else fontconfig's match for simplified Chinese if it covers zh-cn."""
    if configured:
        if not os.path.isfile(configured):
            raise NoCjkFont(f"设置 CJK_FONT_PATH 指定的字体文件不存在：{configured}")
        return configured
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise NoCjkFont()
    try:
        out = subprocess.run(
            [fc_match, "--format=%{file}\n%{lang}", "sans-serif:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        raise NoCjkFont() from None
    path, _, langs = out.partition("\n")
    # fc-match always answers with some font; only one that covers Chinese will do.
    if not path or "zh-cn" not in langs.split("|") or not os.path.isfile(path):
        raise NoCjkFont()
    return path


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for ch in paragraph:
            if line and font.getlength(line + ch) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


def render_long_weibo(
    text: str, font_path: str, *, width: int = 720, font_size: int = 28, margin: int = 40, title: str = ""
) -> bytes:
    """The full text on a white PNG, wrapped to `width` pixels."""
    font = ImageFont.truetype(font_path, font_size)
    title_font = ImageFont.truetype(font_path, round(font_size * 1.25))
    inner = width - 2 * margin
    line_height = round(font_size * 1.7)
    title_lines = _wrap(title, title_font, inner) if title else []
    lines = _wrap(text, font, inner)
    title_height = len(title_lines) * round(font_size * 1.25 * 1.6) + (line_height // 2 if title_lines else 0)
    height = 2 * margin + title_height + len(lines) * line_height
    image = Image.new("RGB", (width, max(height, 2 * margin + line_height)), "white")
    draw = ImageDraw.Draw(image)
    y = margin
    for line in title_lines:
        draw.text((margin, y), line, font=title_font, fill=(20, 20, 20))
        y += round(font_size * 1.25 * 1.6)
    if title_lines:
        y += line_height // 2
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(40, 40, 40))
        y += line_height
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
