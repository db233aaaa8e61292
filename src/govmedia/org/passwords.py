"""Password strength rule: at least N of lower case, upper case, digits and symbols."""

import re
from typing import Any

from django.core.exceptions import ValidationError

CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")


def character_classes(password: str) -> int:
    return sum(1 for pattern in CLASSES if re.search(pattern, password))


class CharacterClassValidator:
    def __init__(self, classes: int = 3) -> None:
        self.classes = classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少{self.classes}类。", code="password_classes"
            )

    def get_help_text(self) -> str:
        return f"密码须包含小写字母、大写字母、数字、符号中的至少{self.classes}类。"
