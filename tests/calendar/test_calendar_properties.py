"""R B-1: properties of the counting that hold for every start date and N (pure functions)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from govmedia.calendar.workdays import (
    CalendarResolver,
    Holiday,
    Schedule,
    add_workdays,
    workday_spans,
    workdays_before,
)

# 2003..2028: assumed years on both sides of the package's data, plus an entered year.
RESOLVER = CalendarResolver(
    [Schedule(2027, (Holiday("春节", date(2027, 2, 6), date(2027, 2, 13)),), frozenset({date(2027, 2, 14)}))]
)
starts = st.dates(min_value=date(2003, 1, 1), max_value=date(2028, 6, 30))
ns = st.integers(min_value=1, max_value=60)


@settings(max_examples=300, deadline=None, database=None)
@given(starts, ns)
def test_b1_results_are_working_days(start: date, n: int) -> None:
    after = add_workdays(start, n, RESOLVER)
    before = workdays_before(start, n, RESOLVER)
    assert after.date > start > before.date
    assert RESOLVER.day_info(after.date).workday
    assert RESOLVER.day_info(before.date).workday


@settings(max_examples=300, deadline=None, database=None)
@given(starts, ns)
def test_b1_forward_then_back_lands_not_after_the_start(start: date, n: int) -> None:
    forward = add_workdays(start, n, RESOLVER).date
    back = workdays_before(forward, n, RESOLVER).date
    assert back <= start
    # ...and no earlier than the last working day on or before the start.
    assert all(
        not RESOLVER.day_info(date.fromordinal(o)).workday
        for o in range(back.toordinal() + 1, start.toordinal() + 1)
    )


@settings(max_examples=300, deadline=None, database=None)
@given(starts, ns, st.integers(min_value=0, max_value=30))
def test_b1_more_days_never_give_an_earlier_date(start: date, n: int, extra: int) -> None:
    assert add_workdays(start, n + extra, RESOLVER).date >= add_workdays(start, n, RESOLVER).date
    assert workdays_before(start, n + extra, RESOLVER).date <= workdays_before(start, n, RESOLVER).date


@settings(max_examples=200, deadline=None, database=None)
@given(starts, ns)
def test_b1_exactly_n_working_days_lie_after_the_event_up_to_the_due_date(start: date, n: int) -> None:
    r = add_workdays(start, n, RESOLVER)
    days = (date.fromordinal(o) for o in range(start.toordinal() + 1, r.date.toordinal() + 1))
    assert sum(RESOLVER.day_info(d).workday for d in days) == n


def _day_by_day(start: date, end: date) -> int:
    return sum(RESOLVER.day_info(start + timedelta(days=i)).workday for i in range(1, (end - start).days + 1))


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.tuples(starts, st.integers(min_value=-5, max_value=120)), max_size=30))
def test_b1_handling_spans_in_one_pass_equal_counting_day_by_day(pairs: list[tuple[date, int]]) -> None:
    """R7 statistics: working days from receipt to closing, the receipt day not counted (0 if not later)."""
    spans = [(s, s + timedelta(days=d)) for s, d in pairs]
    assert workday_spans(spans, RESOLVER) == [_day_by_day(s, e) if e > s else 0 for s, e in spans]
