"""`govmedia check`: Django's system check, or, given a POST.json or `--platform`, the content and format
check of CONTRACT.md (one JSON object on stdout, Chinese on stderr, exit 0 fine / 1 blocked / 2 bad input)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, NoReturn

from django.core.management.base import CommandParser
from django.core.management.commands.check import Command as SystemCheckCommand
from django.db import DatabaseError

from govmedia.web.commands import _chinese_errors

from ...core import BLOCK, DEFAULT_PROFILES, MediaRef, PostInputError, check, parse_post, report
from ...core.quota import KIND_LABELS


class BadInput(Exception):
    pass


def _is_path(arg: str) -> bool:
    # App labels are Python identifiers; anything with a dot or a slash is a file.
    return arg == "-" or "." in arg or "/" in arg or os.sep in arg


class Command(SystemCheckCommand):
    help = (
        "检查项目配置（Django 系统检查）；给出 POST.json 或 --platform 时，"
        "按 CONTRACT.md 检查信息内容与格式："
        "govmedia check --platform wechat|weibo|app [--account-type subscription|service] POST.json"
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _chinese_errors(parser)
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--platform", help="平台：wechat（政务微信）、weibo（政务微博）、app（政务APP）等"
        )
        parser.add_argument(
            "--account-type", dest="account_type", help="微信账号类型：subscription 订阅号 / service 服务号"
        )

    def handle(self, *app_labels: Any, **options: Any) -> None:
        files = [a for a in app_labels if _is_path(a)]
        if not files and options.get("platform") is None:
            super().handle(*app_labels, **options)
            return
        try:
            code = self.content_check(app_labels, files, options)
        except BadInput as exc:
            self._exit(2, f"输入有误：{exc}")
        except Exception as exc:  # never a traceback on the command line
            self._exit(2, f"检查失败：{type(exc).__name__}：{exc}")
        if code:
            sys.exit(code)

    def _exit(self, code: int, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(code)

    def content_check(self, app_labels: tuple[str, ...], files: list[str], options: dict[str, Any]) -> int:
        from ... import services

        others = [a for a in app_labels if a not in files]
        if others:
            raise BadInput(f"无法识别的参数：{'、'.join(others)}（检查内容时只需给出一个 POST.json 文件）")
        if len(files) != 1:
            raise BadInput("请给出一个 POST.json 文件" if not files else "一次只能检查一个 POST.json 文件")
        data, base = self._read(files[0])
        try:
            known = services.profiles()
        except DatabaseError:
            known = dict(DEFAULT_PROFILES)
        platform = options.get("platform")
        if platform is None:
            raise BadInput(f"请用 --platform 指定平台（{'、'.join(known)}）")
        profile = known.get(platform)
        if profile is None:
            raise BadInput(f"未知平台“{platform}”（可选：{'、'.join(known)}）")
        account_type = options.get("account_type")
        if account_type is not None and account_type not in KIND_LABELS:
            raise BadInput(f"未知账号类型“{account_type}”（可选：subscription 订阅号、service 服务号）")
        if account_type is not None and platform != "wechat":
            self.stderr.write("提示：--account-type 只对政务微信有意义，已忽略。")

        try:
            post = parse_post(data)
        except PostInputError as exc:
            raise BadInput(str(exc)) from None
        post = post.__class__(**{**post.__dict__, "media": tuple(self._media(post.media, base))})

        lexicon, warning = services.safe_lexicon()
        if warning:
            self.stderr.write(warning)
        findings = check(post, profile, lexicon=lexicon, portal_domains=services.portal_domains())
        self.stdout.write(json.dumps(report(findings), ensure_ascii=False))
        blocks = [f for f in findings if f.severity == BLOCK]
        warns = [f for f in findings if f.severity != BLOCK]
        if not findings:
            self.stderr.write(f"检查通过：未发现问题（{profile.label}）。")
        else:
            self.stderr.write(f"{profile.label}：发现{len(blocks)}处须修改的问题、{len(warns)}处提示。")
            for f in findings:
                self.stderr.write(
                    f"  [{'须修改' if f.severity == BLOCK else '提示'}] {f.message}（{f.clause}）"
                )
        return 1 if blocks else 0

    def _read(self, name: str) -> tuple[Any, str]:
        try:
            if name == "-":
                raw = sys.stdin.buffer.read()
                base = os.getcwd()
            else:
                with open(name, "rb") as fh:
                    raw = fh.read()
                base = os.path.dirname(os.path.abspath(name))
        except FileNotFoundError:
            raise BadInput(f"找不到文件：{name}") from None
        except IsADirectoryError:
            raise BadInput(f"“{name}”是目录，不是文件") from None
        except OSError as exc:
            raise BadInput(f"无法读取文件 {name}：{exc.strerror or exc}") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadInput(f"{name} 不是 UTF-8 编码的文本") from None
        try:
            return json.loads(text), base
        except json.JSONDecodeError as exc:
            raise BadInput(f"{name} 不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）") from None
        except RecursionError:
            raise BadInput(f"{name} 的 JSON 嵌套过深") from None

    def _media(self, media: tuple[MediaRef, ...], base: str) -> list[MediaRef]:
        resolved = []
        for i, ref in enumerate(media):
            path = os.path.join(base, os.path.expanduser(ref.path))
            if not os.path.exists(path):
                raise BadInput(f"找不到媒体文件：media[{i}] {ref.path}")
            if not os.path.isfile(path):
                raise BadInput(f"媒体文件不是普通文件：media[{i}] {ref.path}")
            if not os.access(path, os.R_OK):
                raise BadInput(f"无法读取媒体文件：media[{i}] {ref.path}")
            resolved.append(MediaRef(path=path, kind=ref.kind, name=os.path.basename(ref.path)))
        return resolved
