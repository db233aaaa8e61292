import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from govmedia.calendar.schedules import validate
from govmedia.calendar.services import import_schedule
from govmedia.web.commands import BadInput, JsonCommand


class Command(JsonCommand):
    help = "节假日安排：calendar import FILE.json 录入（替换）一年的安排并重算暂按周一至周五计算的时限"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        imp = sub.add_parser("import", help="录入一年的节假日安排（JSON文件）")
        imp.add_argument("file", help='如2027.json：{"year": 2027, "holidays": [...], "workdays": [...]}')

    def run(self, **options: Any) -> dict[str, Any]:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BadInput(f"找不到文件：{path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"无法读取文件{path}（须为UTF-8编码的JSON）：{exc}") from None
        except json.JSONDecodeError as exc:
            raise BadInput(f"文件{path}不是有效的JSON（第{exc.lineno}行第{exc.colno}列）。") from None
        try:
            schedule, recomputed = import_schedule(None, data)
        except ValidationError as exc:
            raise BadInput("节假日安排有误：" + "；".join(exc.messages)) from None
        for warning in validate(data).warnings:
            self.say(f"提示：{warning}")
        self.say(f"{schedule.year}年节假日安排已录入，重算时限{recomputed}个。")
        return {
            "year": schedule.year,
            "holidays": len(schedule.holidays),
            "workdays": len(schedule.workdays),
            "recomputed": recomputed,
        }
