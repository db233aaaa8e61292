"""The hash-chained responsibility log (R5.1-1, B-3)."""

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from govmedia.audit.models import AppendOnlyError, Entry
from govmedia.audit.services import record, verify
from govmedia.org.models import User


def _verify_cli() -> tuple[int, dict[str, Any]]:
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=StringIO())
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def test_b3_entries_chain_and_verify(cast: dict[str, User]) -> None:
    first = record("test.one", actor=cast["center"], obj=cast["center"], after={"when": "now"})
    second = record("test.two", actor=cast["office_leader"], before={"a": 1}, after={"a": 2})
    assert second.prev_hash == first.hash
    assert first.unit_name == "姚安县电子政务中心"
    code, out = _verify_cli()
    assert code == 0 and out["ok"] is True and out["entries"] == Entry.objects.count()


def test_b3_entries_refuse_update_and_delete_in_the_model(cast: dict[str, User]) -> None:
    entry = record("test.x", actor=cast["center"])
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_b3_edited_row_breaks_verification_with_its_id(cast: dict[str, User]) -> None:
    record("test.a", actor=cast["center"])
    target = record("test.b", actor=cast["center"], after={"amount": 1})
    record("test.c", actor=cast["center"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute("UPDATE audit_entry SET actor_name = %s WHERE id = %s", ["篡改者", target.pk])
    ok, _, broken, _ = verify()
    assert not ok and broken is not None and broken.pk == target.pk
    code, out = _verify_cli()
    assert code == 1 and out["broken_entry"] == target.pk


def test_b3_an_entry_written_while_the_chain_is_walked_is_not_a_break(
    cast: dict[str, User], monkeypatch: Any
) -> None:
    """At province scale the hourly walk takes minutes while people keep working: an entry appended during
    the walk is left to the next check, not reported as a mismatch at the chain's end."""
    last = record("test.last", actor=cast["center"])
    hashed = Entry.computed_hash

    def while_walking(entry: Entry) -> str:
        if entry.pk == last.pk:
            record("test.meanwhile", actor=cast["center"])
        return hashed(entry)

    monkeypatch.setattr(Entry, "computed_hash", while_walking)
    ok, count, broken, reason = verify()
    assert (ok, count, broken, reason) == (True, last.pk, None, "")
    monkeypatch.undo()
    assert verify()[:2] == (True, last.pk + 1)


def test_b3_a_rewritten_last_entry_is_caught_by_the_head(cast: dict[str, User]) -> None:
    """Rewriting the newest entry and its hash keeps the chain consistent; the head still knows its hash."""
    last = record("test.last", actor=cast["center"], after={"amount": 1})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        forged = Entry.objects.get(pk=last.pk)
        forged.after = {"amount": 2}
        cursor.execute(
            "UPDATE audit_entry SET after = %s, hash = %s WHERE id = %s",
            [json.dumps(forged.after), forged.computed_hash(), last.pk],
        )
    assert verify() == (False, last.pk, None, "链尾哈希不一致")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_b3_database_trigger_refuses_update_on_postgresql(cast: dict[str, User]) -> None:
    entry = record("test.pg", actor=cast["center"])
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_entry SET action = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_entry WHERE id = %s", [entry.pk])


def test_auditor_searches_and_exports_entries(login: Any, cast: dict[str, User]) -> None:
    record("registry.account_saved", actor=cast["edu_admin"])
    client = login("auditor")
    html = client.get("/audit/", {"action": "registry."}).content.decode()
    assert "registry.account_saved" in html and "赵丽" in html
    response = client.get("/audit/export.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert Entry.objects.filter(action="audit.exported").exists()


def test_an_export_too_large_to_build_asks_for_a_narrower_filter(
    login: Any, cast: dict[str, User], monkeypatch: Any
) -> None:
    """A province's log holds ten million entries: an export beyond EXPORT_LIMIT is refused, with a way on."""
    from govmedia.audit import views

    record("registry.account_saved", actor=cast["edu_admin"])
    monkeypatch.setattr(views, "EXPORT_LIMIT", 3)
    client = login("auditor")
    before = Entry.objects.filter(action="audit.exported").count()
    response = client.get("/audit/export.xlsx", {"q": ""}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/audit/?") and "超过3条，请按日期" in page
    assert Entry.objects.filter(action="audit.exported").count() == before  # nothing was exported
    narrow = client.get("/audit/export.xlsx", {"action": "registry.account_saved"})
    assert narrow.status_code == 200 and narrow.content[:2] == b"PK"


def test_bad_date_filter_shows_error_not_500(login: Any) -> None:
    response = login("auditor").get("/audit/", {"start": "2026-13-45"})
    assert response.status_code == 200 and "查询条件有误" in response.content.decode()


@pytest.mark.parametrize("username", ["center", "sysadmin", "secadmin", "office_leader"])
def test_only_the_auditor_reads_the_log(login: Any, username: str) -> None:
    assert login(username).get("/audit/").status_code == 403
