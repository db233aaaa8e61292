"""Content checks (R5.2-1, B-4): lexicon, classified markings, ID numbers, cards, mobiles, markers."""

import pytest

from govmedia.compliance.core import Lexicon, LexiconEntry, Post, check
from govmedia.compliance.core.content import id_check_digit, is_valid_id, luhn_ok, scan_text
from govmedia.compliance.core.lexiconfile import dump, parse

VALID_ID = "11010519491231002X"
WRONG_CHECK_DIGIT = "110105194912310021"


def by_rule(text: str, rule: str, lexicon: Lexicon | None = None) -> list:
    return [f for f in scan_text(text, "body", lexicon or Lexicon()) if f.rule == rule]


def test_b4_id_check_digit_gb11643() -> None:
    assert id_check_digit("11010519491231002") == "X"
    assert is_valid_id(VALID_ID) and is_valid_id(VALID_ID.lower())
    assert not is_valid_id(WRONG_CHECK_DIGIT)


def test_b4_valid_id_number_is_blocked_with_span() -> None:
    text = f"身份证号{VALID_ID}，请核对"
    (finding,) = by_rule(text, "content.pii.id_card")
    assert finding.severity == "block" and finding.span == (4, 22)
    assert text[4:22] == VALID_ID
    assert VALID_ID not in finding.message and "110105" in finding.message  # masked


def test_b4_id_number_with_wrong_check_digit_is_not_flagged() -> None:
    text = f"编号{WRONG_CHECK_DIGIT}"
    assert scan_text(text, "body") == []


def test_b4_id_inside_longer_digit_run_is_not_an_id() -> None:
    assert by_rule("1" + VALID_ID, "content.pii.id_card") == []


def test_b4_luhn_card_numbers() -> None:
    assert luhn_ok("6222021234567890128") and not luhn_ok("6222021234567890129")
    (found,) = by_rule("卡号6222021234567890128", "content.pii.bank_card")
    assert found.severity == "block" and found.span == (2, 21)
    assert by_rule("卡号6222021234567890129", "content.pii.bank_card") == []


def test_b4_grouped_card_number_is_found() -> None:
    (found,) = by_rule("卡号 4111 1111 1111 1111 已挂失", "content.pii.bank_card")
    assert found.span == (3, 22)


def test_b4_card_numbers_15_and_20_digits_are_not_cards() -> None:
    assert by_rule("378282246310005", "content.pii.bank_card") == []
    assert by_rule("62220212345678901280", "content.pii.bank_card") == []


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("联系电话13812345678", 1),
        ("联系电话 138-1234-5678", 1),
        ("+86 13812345678", 1),
        ("电话0878-5712345", 0),
        ("12812345678", 0),  # not a mainland mobile prefix
        ("138123456789", 0),  # 12 digits
    ],
)
def test_b4_mobile_numbers_warn(text: str, count: int) -> None:
    found = by_rule(text, "content.pii.mobile")
    assert len(found) == count
    assert all(f.severity == "warn" and "****" in f.message for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "内部资料，注意保存",
        "本文件为内部文件",
        "机密★1年",
        "【秘密】",
        "绝密",
        "不得外传",
        "秘密级文件",
        "内部传阅",
    ],
)
def test_b4_classified_markings_block(text: str) -> None:
    found = by_rule(text, "content.classified_marking")
    assert found and all(f.severity == "block" for f in found)


@pytest.mark.parametrize(
    "text", ["保守国家秘密是公民的义务", "商业机密受法律保护", "内部控制制度", "公开征求意见"]
)
def test_b4_ordinary_words_are_not_markings(text: str) -> None:
    assert by_rule(text, "content.classified_marking") == []


def test_r5_2_1_unverified_and_opinion_markers_warn() -> None:
    text = "网传县城停水，我个人认为不可信"
    unverified = by_rule(text, "content.unverified")
    opinion = by_rule(text, "content.personal_opinion")
    assert [f.span for f in unverified] == [(0, 2)]
    assert [f.span for f in opinion] == [(7, 12)]  # the longest marker, not "个人认为" inside it
    assert all(f.severity == "warn" for f in unverified + opinion)


def test_r5_2_1_lexicon_one_pass_with_spans_and_severity() -> None:
    lexicon = Lexicon(
        [
            LexiconEntry("代开发票", "虚假发票", "block", "", ""),
            LexiconEntry("发票", "测试", "warn", "", ""),
            LexiconEntry("ABC", "测试", "warn", "abc公司", ""),
        ]
    )
    text = "提供代开发票服务，ＡＢＣ"
    found = by_rule(text, "content.lexicon", lexicon)
    assert [(f.span, f.severity) for f in found] == [((2, 6), "block"), ((4, 6), "warn"), ((9, 12), "warn")]
    assert found[0].message == "含敏感词“代开发票”（虚假发票）"
    assert (
        found[2].message == "含敏感词“ＡＢＣ”（测试，建议改为“abc公司”）"
    )  # full-width matched, shown as typed


def test_r5_2_1_lexicon_findings_in_title_and_body() -> None:
    lexicon = Lexicon([LexiconEntry("百家乐", "赌博")])
    findings = check(Post(title="百家乐", body="不含", category="a"), lexicon=lexicon)
    assert [(f.rule, f.field, f.span) for f in findings] == [("content.lexicon", "title", (0, 3))]


def test_lexicon_text_round_trip_and_errors() -> None:
    text = "# 注释\n代开发票\t虚假发票\tblock\t\t刑法\n发票|测试|warn|票据\n\n坏词\t其他\tmaybe\n"
    entries, errors = parse(text)
    assert [(e.word, e.category, e.severity, e.suggestion, e.note) for e in entries] == [
        ("代开发票", "虚假发票", "block", "", "刑法"),
        ("发票", "测试", "warn", "票据", ""),
    ]
    assert errors == ["第5行：处理方式“maybe”无效（应为 block 或 warn）"]
    again, errors2 = parse(dump(entries))
    assert again == entries and errors2 == []


def test_lexicon_word_only_line_defaults_to_block() -> None:
    (entry,), _ = parse("网络赌场")
    assert entry.severity == "block" and entry.category == "其他"
