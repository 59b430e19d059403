"""Properties of what the sweep sends: over any run of sweeps, every reminder moment goes out exactly once."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from db.models import Milestone, Subscription
from knowledge.occurrences import occurrences
from knowledge.reminder_rules import due_keys

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 1, 1, tzinfo=UTC)
DAYS = 75


@settings(max_examples=30, deadline=None)
@given(due_minutes=st.integers(41 * 24 * 60, (DAYS - 5) * 24 * 60),
       recurrence=st.sampled_from(["", "monthly", "yearly"]),
       leads=st.lists(st.integers(0, 40), min_size=1, max_size=4, unique=True),
       steps=st.lists(st.integers(1, 60), min_size=1, max_size=50))
def test_sweeps_never_skip_or_repeat_a_reminder(due_minutes: int, recurrence: str, leads: list[int],
                                                steps: list[int]) -> None:
    """Sweeps at most an hour apart (a lead of 0's grace) send each (occurrence, lead) whose moment passed exactly
    once, and no other: a recurrence skips no occurrence, a lead of 0 goes out at the due time."""
    milestone = Milestone(id=1, title="Mốc", due_at=START + timedelta(minutes=due_minutes), recurrence=recurrence)
    subscription = Subscription(chat_id=5, lead_days=",".join(map(str, sorted(leads, reverse=True))))
    ledger: list[tuple] = []
    now = START
    end = START + timedelta(days=DAYS)
    i = 0
    while now < end:
        send, skip = due_keys([milestone], [subscription], now, HANOI, set(ledger))
        assert not skip  # nothing is missed when sweeps are this close
        ledger += send
        now += timedelta(minutes=steps[i % len(steps)])
        i += 1
    assert len(ledger) == len(set(ledger))
    last_sweep = now - timedelta(minutes=steps[(i - 1) % len(steps)])
    expected = {(1, occ, 5, lead)
                for occ in occurrences(milestone.due_at, recurrence, START, end + timedelta(days=60), HANOI)
                for lead in leads
                if START < occ - timedelta(days=lead) <= last_sweep}
    assert set(ledger) == expected
