"""Every action the log holds reads in Chinese."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation

from audit.labels import AUDIT_ACTION_LABELS, action_label, changes_summary, entry_time, object_type_label

ISSUE_ACTIONS = [
    "login",
    "logout",
    "login_failed",
    "lockout",
    "superuser_login",
    "export",
    "export_personal",
    "import",
    "role_granted",
    "role_revoked",
]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)


@pytest.mark.parametrize("action", ISSUE_ACTIONS)
def test_log_actions_have_chinese_labels(action):
    with translation.override("zh-hans"):
        label = action_label(action)
    assert label != action and _has_chinese(label), label


def test_every_workflow_transition_and_shared_event_action_has_a_label():
    from core.models import ACTION_LABELS

    with translation.override("zh-hans"):
        for model in apps.get_models():
            workflow = getattr(model, "workflow", None)
            if workflow is None:
                continue
            for name in workflow.transitions:
                label = action_label(name, model._meta.label_lower)
                assert _has_chinese(label), (model._meta.label_lower, name, label)
        for action in [*ACTION_LABELS, *AUDIT_ACTION_LABELS]:
            assert _has_chinese(action_label(action)), action


def test_filter_offers_every_action_by_label():
    from audit.labels import action_choices

    with translation.override("zh-hans"):
        choices = dict(action_choices())
    for action in [*ISSUE_ACTIONS, "approve_closure", "send_back", "created", "updated", "claim"]:
        assert action in choices, action
    assert choices["login_failed"] == "登录失败"


def test_transition_label_comes_from_the_items_workflow():
    with translation.override("zh-hans"):
        assert action_label("approve_closure", "rectification.problem") == "批准销号"
        assert action_label("created", "rectification.problem") == "新建"
        assert object_type_label("rectification.problem") == "问题"
        assert object_type_label("gone.model") == "gone.model"
        assert action_label("something_new") == "something_new"


def test_changes_read_as_sentences():
    with translation.override("zh-hans"):
        assert changes_summary({"role": "inspector", "org": "AK"}) == "角色：纪检；单位：AK"
        assert changes_summary({"status": ["closure_requested", "closed"]}, "rectification.problem") == (
            "状态：已申请销号 → 已销号"
        )
        assert changes_summary({"what": "wishes.wishes", "rows": 3, "personal": True}) == (
            "数据：wishes.wishes；行数：3；个人信息：是"
        )
        assert changes_summary({}) == ""


def test_entry_time_to_the_second_in_local_time():
    import datetime

    moment = datetime.datetime(2026, 12, 5, 8, 3, 12, tzinfo=datetime.UTC)
    assert entry_time(moment) == "2026年12月5日 16:03:12"
