"""助成金 rule sets: the bundled files in resources/grant_rules and the ones an office loaded.

Loading a file checks it whole before storing it; a file with the id of one
already loaded replaces it. A loaded rule set is listed after the bundled ones,
so on the same start date it wins (see domain.grant_rules.select_rule_set).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.domain.grant_rules import GrantRuleSet, RuleFileError, parse_rule_set
from desktop.resources import resource_path
from desktop.store.database import Database
from desktop.store.errors import UserFacingError
from desktop.store.import_common import current_user
from desktop.store.models import StoredGrantRuleSet

MAX_RULE_FILE_BYTES = 1_000_000


class RuleFileRejected(UserFacingError):
    pass


@dataclass(frozen=True)
class RuleSetInfo:
    rule_set: GrantRuleSet
    source: str  # the file it came from
    bundled: bool


@cache
def bundled_rule_sets() -> tuple[GrantRuleSet, ...]:
    """The rule sets shipped with the app, oldest first. A broken bundled file is a bug: it raises."""
    folder = resource_path("grant_rules")
    found = [
        parse_rule_set(json.loads(path.read_text(encoding="utf-8")), path.name)
        for path in sorted(folder.glob("*.json"))
    ]
    return tuple(sorted(found, key=lambda rule: rule.applies_from))


def read_rule_file(path: Path) -> tuple[GrantRuleSet, dict[str, Any]]:
    """Parse a rule file; RuleFileRejected names the file and every problem."""
    try:
        if path.stat().st_size > MAX_RULE_FILE_BYTES:
            raise RuleFileRejected(f"{path.name}: ルールファイルが大きすぎます（1MB まで）。")
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleFileRejected(f"{path.name}: ファイルを読めません（{exc.strerror or exc}）。") from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RuleFileRejected(f"{path.name}: UTF-8 の JSON ファイルではありません。") from exc
    except json.JSONDecodeError as exc:
        raise RuleFileRejected(f"{path.name}:{exc.lineno}: JSON として読めません（{exc.msg}）。") from exc
    except RecursionError as exc:  # "[[[[…" nested deeper than the interpreter's stack
        raise RuleFileRejected(f"{path.name}: JSON の入れ子が深すぎて読めません。") from exc
    try:
        return parse_rule_set(data, path.name), data
    except RuleFileError as exc:
        raise RuleFileRejected(str(exc)) from exc


class GrantRuleStore:
    def __init__(self, db: Database | None) -> None:
        self.db = db  # None: the bundled rule sets only (``grant estimate`` without --db)

    def infos(self) -> list[RuleSetInfo]:
        infos = [
            RuleSetInfo(rule, f"resources/grant_rules（{rule.id}）", True) for rule in bundled_rule_sets()
        ]
        if self.db is None:
            return infos
        with self.db.transaction() as session:
            stored = session.scalars(
                select(StoredGrantRuleSet).order_by(StoredGrantRuleSet.updated_at, StoredGrantRuleSet.id)
            )
            for row in stored:
                infos.append(
                    RuleSetInfo(parse_rule_set(json.loads(row.data_json), row.source), row.source, False)
                )
        return infos

    def rule_sets(self) -> list[GrantRuleSet]:
        """Every rule set in the order select_rule_set breaks ties by (loaded ones last)."""
        return [info.rule_set for info in self.infos()]

    def load_file(self, path: Path) -> RuleSetInfo:
        """Store a rule file an office received; one with the same id is replaced."""
        if self.db is None:
            raise RuleFileRejected("ルールファイルを読み込むデータベースが指定されていません。")
        rule, data = read_rule_file(path)
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self.db.transaction() as session:
            row = session.scalars(
                select(StoredGrantRuleSet).where(StoredGrantRuleSet.rule_id == rule.id)
            ).first()
            if row is None:
                row = StoredGrantRuleSet(rule_id=rule.id)
                session.add(row)
            row.name = rule.name
            row.data_json = text
            row.content_sha256 = digest
            row.source = path.name[:255]
            row.loaded_by = current_user()
        return RuleSetInfo(rule, path.name, False)
