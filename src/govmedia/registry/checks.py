"""The name check (R4.1-1) fed from the database."""

from __future__ import annotations

from govmedia.org.models import Unit

from . import rules
from .models import Account, AccountType, ForbiddenNameWord


def name_warnings(
    unit: Unit, account_type: str, name: str, exclude_pk: int | None = None
) -> list[rules.NameWarning]:
    others = [
        rules.OtherUnit(u.name, u.short_name)
        for u in Unit.objects.exclude(pk=unit.pk).only("name", "short_name")
    ]
    siblings = [
        rules.SiblingAccount(a.name, a.type, AccountType(a.type).label)
        for a in Account.objects.live().filter(unit=unit).exclude(pk=exclude_pk).only("name", "type")
    ]
    words = ForbiddenNameWord.objects.values_list("word", flat=True)
    return rules.check_name(name, account_type, unit.name, unit.short_name, others, words, siblings)


def account_name_warnings(account: Account) -> list[rules.NameWarning]:
    return name_warnings(account.unit, account.type, account.name, exclude_pk=account.pk)
