from typing import Any

from govmedia.calendar import services
from govmedia.calendar.schedules import parse_date
from govmedia.web.commands import BadInput, JsonCommand


def parse_n(value: str) -> int:
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        raise BadInput(f"天数“{value}”必须是不小于0的整数。")
    return int(text)


class Command(JsonCommand):
    help = "工作日：workdays add DATE N（N个工作日内）、before DATE N（提前N个工作日）、is DATE（是否工作日）"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        add = sub.add_parser("add", help="DATE之后第N个工作日（当天不计）")
        before = sub.add_parser("before", help="DATE之前第N个工作日（当天不计），即最迟办理日")
        for p in (add, before):
            p.add_argument("date", help="日期，如2025-09-26")
            p.add_argument("n", help="工作日数")
        sub.add_parser("is", help="DATE是否工作日").add_argument("date", help="日期，如2025-10-01")

    def run(self, **options: Any) -> dict[str, Any]:
        try:
            day = parse_date(options["date"])
            if options["sub"] == "is":
                return services.day_info(day).as_dict()
            n = parse_n(options["n"])
            count = services.add_workdays if options["sub"] == "add" else services.workdays_before
            result = count(day, n)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        if result.provisional:
            self.say("提示：所涉年份的节假日安排尚未发布或录入，暂按周一至周五计算。")
        return result.as_dict()
