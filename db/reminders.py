"""Milestones, subscriptions and the delivery ledger: the database is the truth about every reminder."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import AuditAction, AuditEntry, Delivery, Milestone, Subscription, utcnow
from db.models import DeliveryStatus as Status
from knowledge.reminder_rules import Key

RECORD_CHUNK = 1000  # ledger rows per INSERT (9 parameters each)


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    milestone_id: int
    title: str
    occurrence_at: datetime
    chat_id: int
    lead_days: int
    attempts: int
    derived: bool = False  # the date is the end of a year the plan names (a phase, a budget year), not a day it gives


def active_milestones(engine: Engine) -> list[Milestone]:
    with Session(engine) as s:
        return list(s.exec(select(Milestone).where(col(Milestone.active).is_(True)).order_by(col(Milestone.due_at))))


def active_subscriptions(engine: Engine) -> list[Subscription]:
    with Session(engine) as s:
        return list(s.exec(select(Subscription).where(col(Subscription.active).is_(True))))


def ledger_keys(engine: Engine, since: datetime) -> set[Key]:
    """Every (milestone, occurrence, chat, lead) already in the ledger for occurrences from `since` on."""
    with Session(engine) as s:
        rows = s.exec(select(Delivery.milestone_id, Delivery.occurrence_at, Delivery.chat_id, Delivery.lead_days)
                      .where(col(Delivery.occurrence_at) >= since))
        return {(m, o, c, lead) for m, o, c, lead in rows}


def record(engine: Engine, pending: Iterable[Key], skipped: Iterable[Key]) -> int:
    """Add ledger rows; a row another worker added first is left alone (unique key). Returns rows added.

    Rows go in chunks: one INSERT of 10.000 rows would pass PostgreSQL's 65.535 bound parameters."""
    now = utcnow()
    rows = [dict(milestone_id=m, occurrence_at=o, chat_id=c, lead_days=lead, status=status, updated_at=now)
            for keys, status in ((pending, Status.PENDING), (skipped, Status.SKIPPED)) for m, o, c, lead in keys]
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    added = 0
    with Session(engine) as s, s.begin():
        for start in range(0, len(rows), RECORD_CHUNK):
            chunk = insert(Delivery).values(rows[start:start + RECORD_CHUNK]).on_conflict_do_nothing()
            added += len(s.execute(chunk.returning(col(Delivery.id))).all())
    return added


def claim(engine: Engine, worker: str, limit: int) -> list[Claimed]:
    """Take pending deliveries for this worker ('claimed': not attempted yet, so safe to give back); other
    workers skip rows already taken (SKIP LOCKED on PostgreSQL, a conditional update on SQLite)."""
    taken_values = dict(status=Status.CLAIMED, claimed_by=worker, updated_at=utcnow())
    with Session(engine) as s, s.begin():
        query = (select(Delivery.id).where(col(Delivery.status) == Status.PENDING)
                 .order_by(col(Delivery.id)).limit(limit))
        if engine.dialect.name == "postgresql":
            taken = list(s.exec(query.with_for_update(skip_locked=True)))
            if taken:
                s.connection().execute(update(Delivery).where(col(Delivery.id).in_(taken)).values(**taken_values))
        else:  # one writer at a time: a conditional update decides who takes each row
            conn = s.connection()
            taken = [rid for rid in s.exec(query).all()
                     if conn.execute(update(Delivery).values(**taken_values)
                                     .where(col(Delivery.id) == rid, col(Delivery.status) == Status.PENDING)
                                     ).rowcount]
        if not taken:
            return []
        milestones = {mid: (title, record is not None)
                      for mid, title, record in s.exec(select(Milestone.id, Milestone.title, Milestone.record_id))}
        rows = s.exec(select(Delivery).where(col(Delivery.id).in_(taken)).order_by(col(Delivery.id))).all()
        claimed = []
        for r in rows:
            title, derived = milestones.get(r.milestone_id, ("", False))
            claimed.append(Claimed(int(r.id or 0), r.milestone_id, title, r.occurrence_at, r.chat_id, r.lead_days,
                                   r.attempts, derived))
        return claimed


def attempt(engine: Engine, delivery_id: int, worker: str) -> bool:
    """Mark one claimed delivery as being sent, right before its send. False when it is no longer this worker's
    (its claim lapsed and another worker took it): then it must not be sent here."""
    with engine.begin() as conn:
        attempted = dict(status=Status.SENDING, attempts=Delivery.attempts + 1, updated_at=utcnow())
        done = conn.execute(update(Delivery).values(**attempted)
                            .where(col(Delivery.id) == delivery_id, col(Delivery.status) == Status.CLAIMED,
                                   col(Delivery.claimed_by) == worker))
        return bool(done.rowcount)


def finish(engine: Engine, delivery_id: int, status: Status, error: str = "", chat_id: int | None = None) -> None:
    values: dict[str, object] = {"status": status, "error": error[:500], "updated_at": utcnow()}
    if chat_id is not None:
        values["chat_id"] = chat_id
    with Session(engine) as s, s.begin():
        s.connection().execute(update(Delivery).where(col(Delivery.id) == delivery_id).values(**values))


def claimers(engine: Engine) -> set[str]:
    """Workers holding deliveries (claimed or in flight)."""
    with Session(engine) as s:
        held = col(Delivery.status).in_((Status.CLAIMED, Status.SENDING))
        return set(s.exec(select(Delivery.claimed_by).where(held).distinct()))


def recover(engine: Engine, dead: Iterable[str], claim_lease: timedelta, sending_lease: timedelta) -> dict[str, int]:
    """Give back what stopped workers held. A claimed row was never attempted: it goes back to 'pending' and is
    sent again. A row left 'sending' was in flight when its worker stopped: Telegram may have delivered it, so
    it becomes 'uncertain' and is not resent (at most once). `dead` workers lose theirs at once; a worker on
    another machine, whose life cannot be checked from here, loses them when its lease has run out."""
    dead = list(dead)
    now = utcnow()
    outcome = {}
    given_back = dict(status=Status.PENDING, claimed_by="", updated_at=now)
    in_doubt = dict(status=Status.UNCERTAIN, error="worker stopped while sending", updated_at=now)
    with engine.begin() as conn:
        for status, lease, values in ((Status.CLAIMED, claim_lease, given_back),
                                      (Status.SENDING, sending_lease, in_doubt)):
            gone = or_(col(Delivery.updated_at) < now - lease, col(Delivery.claimed_by).in_(dead))
            outcome[str(status)] = conn.execute(update(Delivery).values(**values)
                                                .where(col(Delivery.status) == status, gone)).rowcount
    return outcome


def deactivate_subscription(engine: Engine, chat_id: int) -> None:
    with Session(engine) as s, s.begin():
        s.connection().execute(update(Subscription).where(col(Subscription.chat_id) == chat_id).values(active=False))


def migrate_chat(engine: Engine, old: int, new: int) -> None:
    """A group became a supergroup: its subscription follows the new chat id."""
    with Session(engine) as s, s.begin():
        exists = s.exec(select(Subscription).where(col(Subscription.chat_id) == new)).first()
        if exists:
            s.connection().execute(update(Subscription).where(col(Subscription.chat_id) == old).values(active=False))
        else:
            s.connection().execute(update(Subscription).where(col(Subscription.chat_id) == old).values(chat_id=new))


def subscribe(engine: Engine, chat_id: int, lead_days: Iterable[int]) -> Subscription:
    leads = ",".join(str(d) for d in sorted(set(lead_days), reverse=True))
    with Session(engine, expire_on_commit=False) as s, s.begin():
        sub = s.exec(select(Subscription).where(col(Subscription.chat_id) == chat_id)).first()
        if sub:
            sub.lead_days, sub.active = leads, True
        else:
            sub = Subscription(chat_id=chat_id, lead_days=leads)
            s.add(sub)
    return sub


def unsubscribe(engine: Engine, chat_id: int) -> bool:
    with Session(engine) as s, s.begin():
        done = s.connection().execute(update(Subscription).where(and_(col(Subscription.chat_id) == chat_id,
                                                         col(Subscription.active).is_(True)))
                         .values(active=False))
        return bool(done.rowcount)


MILESTONE_REF = "moc:"  # an audit row's record_id for a milestone: "moc:<id>"


def milestone_ref(milestone_id: int | None) -> str:
    return f"{MILESTONE_REF}{milestone_id}"


def _due_shown(m: Milestone) -> str:
    """A milestone as its audit row keeps it: the title and the due time (UTC, the database's clock)."""
    repeat = f", {m.recurrence}" if m.recurrence else ""
    return f"{m.title} — {m.due_at.astimezone(UTC).strftime('%d/%m/%Y %H:%M')} UTC{repeat}"


def add_milestone(engine: Engine, title: str, due_at: datetime, created_by: int | None, recurrence: str = "",
                  record_id: str | None = None, actor: str | None = None) -> Milestone:
    """Add a milestone and its audit row ('add-milestone', by `actor`, else the Telegram user who created it)."""
    with Session(engine, expire_on_commit=False) as s, s.begin():
        m = Milestone(title=title, due_at=due_at, recurrence=recurrence, created_by=created_by, record_id=record_id)
        s.add(m)
        s.flush()
        who = actor or (f"telegram:{created_by}" if created_by is not None else "system")
        s.add(AuditEntry(actor=who, action=AuditAction.ADD_MILESTONE, record_id=milestone_ref(m.id),
                         new=_due_shown(m), payload={"due_at": m.due_at.isoformat(), "recurrence": recurrence}))
    return m


def deactivate_milestone(engine: Engine, milestone_id: int, actor: str = "system") -> Milestone | None:
    """Stop reminding of a milestone, with its audit row ('remove-milestone')."""
    with Session(engine, expire_on_commit=False) as s, s.begin():
        m = s.get(Milestone, milestone_id, with_for_update=True)
        if m is None or not m.active:
            return None
        m.active = False
        s.add(m)
        s.add(AuditEntry(actor=actor, action=AuditAction.REMOVE_MILESTONE, record_id=milestone_ref(m.id),
                         old=_due_shown(m), new="(đã xóa)"))
        return m


def delivery_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {status: n for status, n in s.exec(select(Delivery.status, func.count()).group_by(Delivery.status))}
