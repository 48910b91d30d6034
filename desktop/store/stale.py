"""The refusal of a stale save, with what the other person changed, field by field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from desktop.store.errors import FieldChange, StaleEditError


def shown(value: object) -> str:
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "（空欄）" if value in (None, "") else str(value)


def compared(original: object, current: object, labels: Mapping[str, str]) -> list[FieldChange]:
    """The fields (by attribute name → label) that differ between what the editor loaded and the row now."""
    return [
        FieldChange(label, shown(getattr(original, name)), shown(getattr(current, name)))
        for name, label in labels.items()
        if getattr(original, name) != getattr(current, name)
    ]


def stale_error(subject: str, changes: Sequence[FieldChange], retry: str, by: str = "") -> StaleEditError:
    """`subject` was saved elsewhere while being edited: nothing saved, their changes (and by whom) listed."""
    listed = (
        "\n".join(f"・{c.label}: {c.mine} → {c.theirs}" for c in changes)
        or "・（内容は同じで、保存だけされました）"
    )
    return StaleEditError(
        f"{subject}は、編集中に他の画面または他のPCで更新されました。"
        f"上書きを防ぐため、保存しませんでした。\n\n相手の変更{by}:\n{listed}\n\n{retry}",
        changes,
    )
