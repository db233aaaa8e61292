"""Base for `govmedia` commands: one JSON object on stdout, Chinese messages on stderr,
exit 0 fine, 1 the answer is "no", 2 bad input."""

import argparse
import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser


class BadInput(Exception):
    """Raised by a command's run() for input it cannot use; the message is shown in Chinese."""


class Refused(Exception):
    def __init__(self, message: str, payload: dict[str, Any]) -> None:
        super().__init__(message)
        self.payload = payload


class _ChineseParser(CommandParser):
    def error(self, message: str) -> NoReturn:
        if not getattr(self, "called_from_command_line", False):
            raise CommandError(f"参数错误：{message}")
        sys.stderr.write(f"参数错误：{message}\n用法：{self.format_usage()}")
        sys.exit(2)


def _chinese_errors(parser: argparse.ArgumentParser) -> None:
    parser.__class__ = _ChineseParser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _chinese_errors(sub)


class JsonCommand(BaseCommand):
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _chinese_errors(parser)
        return parser

    def run(self, **options: Any) -> dict[str, Any]:
        raise TypeError(f"{type(self).__name__} must define run()")

    def say(self, message: str) -> None:
        self.stderr.write(message)

    def refuse(self, message: str, payload: dict[str, Any]) -> NoReturn:
        raise Refused(message, payload)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self.run(**options)
        except BadInput as exc:
            self.stderr.write(f"输入有误：{exc}")
            sys.exit(2)
        except Refused as exc:
            self.stderr.write(str(exc))
            self.stdout.write(json.dumps(exc.payload, ensure_ascii=False))
            sys.exit(1)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
