"""A new project's place and id follow the data: its siblings' numbering, the groups of the plan's period."""
from __future__ import annotations

from knowledge.new_records import child_prefix, next_child_id, project_groups
from knowledge.records import KnowledgeBase


def test_ids_follow_the_siblings_numbering() -> None:
    never = lambda rid: False  # noqa: E731
    assert next_child_id("X-V", ["X-1", "X-2", "X-13"], never) == "X-14"
    assert next_child_id("X-8", ["X-8.1", "X-8.5"], never) == "X-8.6"
    assert next_child_id("NEW", [], never) == "NEW-1"
    assert child_prefix("G", ["G-a", "G-b"]) == "G-"


def test_an_id_a_deleted_record_keeps_is_not_given_again() -> None:
    assert next_child_id("X-V", ["X-1", "X-2"], lambda rid: rid in {"X-3", "X-4"}) == "X-5"


def test_new_projects_go_under_the_plan_period_groups_that_hold_projects(kb: KnowledgeBase) -> None:
    groups = project_groups(kb)
    assert groups and all(g.kind == "group" and g.get("giai_doan") == kb.plan.get("giai_doan") for g in groups)
    assert groups[0].id == "PL4-V"
    assert next_child_id("PL4-V", [c.id for c in kb.children("PL4-V")], kb.records.__contains__) == "PL4-14"
