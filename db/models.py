"""Database tables: the plan's records (the runtime truth admins edit) and what reminders and the audit need."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.types import ExactDecimal, UTCDateTime


class DeliveryStatus(StrEnum):
    """Where a reminder delivery stands in the ledger (see Delivery)."""
    PENDING = "pending"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


class AuditAction(StrEnum):
    """What an audit row records."""
    SEED = "seed"  # the plan's data loaded
    UPDATE = "update"  # one field of a record
    UPDATE_AGENCY = "update-agency"  # one field of an agency
    CREATE = "create"  # a record added (/them, an import)
    DELETE = "delete"  # a record soft-deleted
    REPLACE = "replace"  # a record changed by an import (the old record kept for undo)
    UNDO = "undo"  # an earlier row reverted
    ADD_MILESTONE = "add-milestone"  # a milestone added (/themmoc); record_id "moc:<id>"
    REMOVE_MILESTONE = "remove-milestone"  # a milestone deactivated (/xoamoc); record_id "moc:<id>"
    RESET = "reset"  # `planbot seed --reset --force`: the admins' changes discarded, the plan's data loaded again


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kw))


class AgencyRow(SQLModel, table=True):
    __tablename__ = "agency"
    id: str = Field(primary_key=True, max_length=40)
    name: str
    type: str = ""
    parent_id: str | None = Field(default=None, foreign_key="agency.id")
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class RecordRow(SQLModel, table=True):
    """One fact of the plan; kind-specific fields (objective, note, items, figures…) live in `fields`."""
    __tablename__ = "record"
    id: str = Field(primary_key=True, max_length=40)
    kind: str = Field(index=True, max_length=30)
    parent_id: str | None = Field(default=None, index=True, max_length=40)
    seq: int = 0
    title: str
    text: str = ""
    source: str
    unit: str = "triệu đồng"
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    deleted: bool = False


class AmountRow(SQLModel, table=True):
    """An exact amount of a record, one row per column (tmdt, tdt, ke_hoach, tong, 2016…)."""
    __tablename__ = "amount"
    __table_args__ = (UniqueConstraint("record_id", "column"),)
    id: int | None = Field(default=None, primary_key=True)
    record_id: str = Field(foreign_key="record.id", index=True, max_length=40)
    column: str = Field(max_length=20)
    value: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))


class RecordAgencyRow(SQLModel, table=True):
    """A record points to an agency (chủ đầu tư, the unit a project serves, the agency of a duty)."""
    __tablename__ = "record_agency"
    record_id: str = Field(foreign_key="record.id", primary_key=True, max_length=40)
    agency_id: str = Field(foreign_key="agency.id", primary_key=True, max_length=40)
    position: int = 0


class Milestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    recurrence: str = ""  # "", "yearly" or "monthly"
    record_id: str | None = Field(default=None, max_length=40)  # a phase, project or budget line
    agency_id: str | None = Field(default=None, max_length=40)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    active: bool = True
    created_at: datetime = _ts()


class Subscription(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    lead_days: str = "30,7,1"
    active: bool = True
    created_at: datetime = _ts()


class Delivery(SQLModel, table=True):
    """The ledger: one row per (milestone occurrence, chat, lead) makes a reminder go out at most once.

    status: pending (to send), claimed (taken by a worker, not attempted yet: given back if the worker stops),
    sending (marked right before its own send), sent, skipped (an earlier lead passed during downtime; only the
    nearest is sent), failed (e.g. the user blocked the bot, or Telegram kept asking to wait), uncertain (in
    flight when its worker stopped, or a timeout after the request left: it may have arrived, so it is not sent
    again)."""
    __table_args__ = (UniqueConstraint("milestone_id", "occurrence_at", "chat_id", "lead_days"),)
    id: int | None = Field(default=None, primary_key=True)
    milestone_id: int = Field(foreign_key="milestone.id", index=True)
    occurrence_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    lead_days: int
    status: str = Field(default=DeliveryStatus.PENDING, index=True, max_length=12)
    attempts: int = 0
    error: str = ""
    claimed_by: str = ""
    updated_at: datetime = _ts()


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts()
    actor: str  # "telegram:<user id>", "cli", "seed", "import"
    action: str  # an AuditAction
    record_id: str = ""
    field: str = ""
    old: str = ""
    new: str = ""
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # for undo
    undone: bool = False
