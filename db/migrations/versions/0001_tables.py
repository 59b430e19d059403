"""The tables as first released: the plan's records and agencies, milestones, subscriptions, deliveries, audit.

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import ExactDecimal, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('type', sa.String(), nullable=False),
        sa.Column('parent_id', sa.String(), nullable=True),
        sa.Column('aliases', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['parent_id'], ['agency.id'], ),
        sa.PrimaryKeyConstraint('id')
    )
    op.create_table('audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('actor', sa.String(), nullable=False),
        sa.Column('action', sa.String(), nullable=False),
        sa.Column('record_id', sa.String(), nullable=False),
        sa.Column('field', sa.String(), nullable=False),
        sa.Column('old', sa.String(), nullable=False),
        sa.Column('new', sa.String(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('undone', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )
    op.create_table('milestone',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(), nullable=False),
        sa.Column('due_at', UTCDateTime(), nullable=False),
        sa.Column('recurrence', sa.String(), nullable=False),
        sa.Column('record_id', sa.String(length=40), nullable=True),
        sa.Column('agency_id', sa.String(length=40), nullable=True),
        sa.Column('created_by', sa.BigInteger(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_milestone_due_at'), 'milestone', ['due_at'], unique=False)
    op.create_table('record',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('parent_id', sa.String(length=40), nullable=True),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(), nullable=False),
        sa.Column('text', sa.String(), nullable=False),
        sa.Column('source', sa.String(), nullable=False),
        sa.Column('unit', sa.String(), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_record_kind'), 'record', ['kind'], unique=False)
    op.create_index(op.f('ix_record_parent_id'), 'record', ['parent_id'], unique=False)
    op.create_table('subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('lead_days', sa.String(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('chat_id')
    )
    op.create_table('amount',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.String(length=40), nullable=False),
        sa.Column('column', sa.String(length=20), nullable=False),
        sa.Column('value', ExactDecimal(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['record.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('record_id', 'column')
    )
    op.create_index(op.f('ix_amount_record_id'), 'amount', ['record_id'], unique=False)
    op.create_table('delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('milestone_id', sa.Integer(), nullable=False),
        sa.Column('occurrence_at', UTCDateTime(), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('lead_days', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(), nullable=False),
        sa.Column('claimed_by', sa.String(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('milestone_id', 'occurrence_at', 'chat_id', 'lead_days')
    )
    op.create_index(op.f('ix_delivery_milestone_id'), 'delivery', ['milestone_id'], unique=False)
    op.create_index(op.f('ix_delivery_status'), 'delivery', ['status'], unique=False)
    op.create_table('record_agency',
        sa.Column('record_id', sa.String(length=40), nullable=False),
        sa.Column('agency_id', sa.String(length=40), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
        sa.ForeignKeyConstraint(['record_id'], ['record.id'], ),
        sa.PrimaryKeyConstraint('record_id', 'agency_id')
    )


def downgrade() -> None:
    op.drop_table('record_agency')
    op.drop_table('delivery')
    op.drop_table('amount')
    op.drop_table('subscription')
    op.drop_table('record')
    op.drop_table('milestone')
    op.drop_table('audit_log')
    op.drop_table('agency')
