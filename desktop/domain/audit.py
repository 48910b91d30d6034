"""What the audit log records and how its codes read in Japanese (no I/O).

Entries are written by the store (every change to personal data as it is
flushed, every print or export with personal data, every sign-in) and never
changed after; this module only names things.
"""

from __future__ import annotations

from enum import StrEnum

MAX_VALUE_LENGTH = 500
HIDDEN_VALUE = "（非表示）"


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    IMPORT = "import"
    UNDO_IMPORT = "undo_import"
    PRINT = "print"
    EXPORT = "export"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    ACCOUNT = "account"
    SETTING = "setting"
    RESTORE = "restore"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    AuditAction.CREATE: "追加",
    AuditAction.UPDATE: "変更",
    AuditAction.DELETE: "削除",
    AuditAction.IMPORT: "取込",
    AuditAction.UNDO_IMPORT: "取込の取り消し",
    AuditAction.PRINT: "印刷・PDF",
    AuditAction.EXPORT: "出力",
    AuditAction.SIGN_IN: "サインイン",
    AuditAction.SIGN_IN_FAILED: "サインイン失敗",
    AuditAction.ACCOUNT: "利用者の管理",
    AuditAction.SETTING: "設定の変更",
    AuditAction.RESTORE: "バックアップから戻す",
}

# The tables whose rows are a person's data (or decide who may see it), by the
# name the log shows. Keys are table names so the store and this stay in step.
ENTITY_LABELS = {
    "learners": "受講者",
    "training_records": "受講記録",
    "diagnoses": "スキル診断",
    "learning_plans": "学習計画",
    "grant_plans": "訓練計画",
    "grant_trainees": "訓練計画の受講者",
    "app_users": "利用者",
    "settings": "設定",
    "roster": "名簿",
    "file": "ファイル",
}

FIELD_LABELS = {
    "learners": {
        "organization_id": "団体",
        "number": "職員番号",
        "name": "氏名",
        "furigana": "フリガナ",
        "email": "メールアドレス",
        "department_id": "所属",
        "department": "所属",
        "job_title": "職名",
        "kind": "区分",
        "role": "人材類型",
        "status": "在籍状況",
        "birth_date": "生年月日",
        "insured_number": "被保険者番号",
        "notes": "備考",
    },
    "training_records": {
        "learner_id": "受講者",
        "course_id": "講座",
        "status": "状況",
        "enrolled_on": "登録日",
        "started_on": "開始日",
        "completed_on": "修了日",
        "last_accessed_on": "最終アクセス日",
        "hours": "時間",
        "progress_percent": "進捗率",
        "minutes": "視聴分数",
        "notes": "備考",
        "source": "記録元",
    },
    "diagnoses": {
        "learner_id": "受講者",
        "framework_id": "診断の枠組み",
        "kind": "種類",
        "role_id": "人材類型",
        "status": "状態",
        "method": "回答方法",
        "diagnosed_on": "診断日",
        "completed_at": "完了日時",
        "levels_json": "分野別レベル",
    },
    "learning_plans": {
        "learner_id": "受講者",
        "fiscal_year": "年度",
        "revision": "版",
        "current": "最新版",
        "status": "状態",
        "period_start": "期間の開始",
        "period_end": "期間の終了",
        "hours_budget": "計画時間",
        "goal": "目標",
        "mentor": "ラーニングパートナー",
        "role_id": "人材類型",
        "role_name": "人材類型名",
        "diagnosis_id": "診断",
        "status_by": "状態の変更者",
        "status_at": "状態の変更日時",
        "lines": "講座と受講月",
    },
    "grant_plans": {
        "organization_id": "事業所",
        "title": "訓練名",
        "provider": "実施機関",
        "method": "実施方法",
        "start_on": "開始日",
        "end_on": "終了日",
        "hours": "訓練時間",
        "fee_yen": "受講料",
        "status": "状態",
        "notice_submitted_on": "計画届の提出日",
        "claim_submitted_on": "支給申請日",
        "notes": "備考",
    },
    "grant_trainees": {
        "plan_id": "訓練計画",
        "learner_id": "受講者",
        "position": "順番",
        "employment_type": "雇用形態",
        "wage_hours": "賃金助成の時間",
    },
    "app_users": {
        "login": "ログイン名",
        "display_name": "表示名",
        "role": "権限",
        "active": "有効",
        "password_hash": "パスワード",
        "failed_attempts": "失敗回数",
        "locked_until": "ロック期限",
    },
}

# Never written to the log, only that they changed.
HIDDEN_FIELDS = frozenset({("app_users", "password_hash")})


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


def field_label(entity: str, field: str | None) -> str:
    if not field:
        return ""
    return FIELD_LABELS.get(entity, {}).get(field, field)


def action_label(code: str) -> str:
    try:
        return AuditAction(code).label
    except ValueError:
        return code


def clip(value: str | None) -> str | None:
    """Long free text (備考) is kept to a length a log row can show."""
    if value is None or len(value) <= MAX_VALUE_LENGTH:
        return value
    return value[: MAX_VALUE_LENGTH - 1] + "…"
