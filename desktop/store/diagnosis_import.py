"""Bulk answers in: every row checked first, then all saved in one transaction or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.diagnosis import DiagnosisKind
from desktop.exchange.diagnosis_file import AnswerFile, framework_identity, read_answer_file
from desktop.store.database import Database
from desktop.store.diagnosis_service import METHOD_IMPORT, complete_with_answers, role_for
from desktop.store.framework_service import FrameworkService
from desktop.store.import_common import ImportRejected, LineProblem, file_errors
from desktop.store.models import Diagnosis, DiagnosisStatus, Learner, Organization, SkillFramework


@dataclass(frozen=True)
class DiagnosisImportResult:
    file_name: str
    created: int
    partial: int  # saved with some items unanswered
    blank: int  # rows without any answer: nobody to save
    framework_label: str

    def summary(self) -> str:
        text = f"{self.file_name}: {self.created}名の診断結果を取り込みました（{self.framework_label}）"
        extras = []
        if self.partial:
            extras.append(f"未回答の設問がある人 {self.partial}名")
        if self.blank:
            extras.append(f"回答が空欄の行 {self.blank}行は取り込んでいません")
        return text + (f"。{'、'.join(extras)}。" if extras else "。")


class _DryRunDone(Exception):
    def __init__(self, result: DiagnosisImportResult) -> None:
        super().__init__()
        self.result = result


class DiagnosisImporter:
    def __init__(
        self, db: Database, frameworks: FrameworkService | None = None, today: date | None = None
    ) -> None:
        self._db = db
        self._frameworks = frameworks or FrameworkService(db)
        self._today = today or date.today()

    def run(
        self, path: Path, *, default_kind: DiagnosisKind = DiagnosisKind.PRE, dry_run: bool = False
    ) -> DiagnosisImportResult:
        with file_errors():
            code, version = framework_identity(path)
            framework_id = self._framework_id(path, code, version)
            parsed = read_answer_file(path, self._frameworks.load(framework_id), default_kind)
        problems = [LineProblem(p.line, p.column, p.reason) for p in parsed.problems]
        try:
            return self._save(path, parsed, framework_id, problems, dry_run)
        except _DryRunDone as done:
            return done.result

    def _save(
        self, path: Path, parsed: AnswerFile, framework_id: int, problems: list[LineProblem], dry_run: bool
    ) -> DiagnosisImportResult:
        framework = self._frameworks.load(framework_id)
        with self._db.transaction() as session:
            learners = self._resolve(session, parsed, problems)
            self._refuse_repeats(session, parsed, learners, problems)
            if problems:
                problems.sort(key=lambda p: p.line)
                raise ImportRejected(path.name, problems)
            created = partial = blank = 0
            for row in parsed.rows:
                if not row.answers:
                    blank += 1
                    continue
                learner = learners[row.line]
                diagnosis = Diagnosis(
                    learner_id=learner.id,
                    framework_id=framework_id,
                    kind=row.kind,
                    role_id=role_for(framework, learner.role).id,
                    status=DiagnosisStatus.IN_PROGRESS,
                    method=METHOD_IMPORT,
                    diagnosed_on=row.diagnosed_on or self._today,
                    current_page=0,
                )
                session.add(diagnosis)
                session.flush()
                score = complete_with_answers(session, diagnosis, framework, row.answers)
                created += 1
                partial += 0 if score.complete else 1
            result = DiagnosisImportResult(
                path.name, created, partial, blank, f"{framework.name} 第{framework.version}版"
            )
            if dry_run:
                raise _DryRunDone(result)  # leaves the transaction by rolling it back
        return result

    def _framework_id(self, path: Path, code: str | None, version: int | None) -> int:
        if code is None:
            return self._frameworks.current()[0]
        with self._db.transaction() as session:
            query = select(SkillFramework.id).where(SkillFramework.code == code)
            if version is not None:
                query = query.where(SkillFramework.framework_version == version)
            found = session.scalars(query.order_by(SkillFramework.framework_version.desc())).first()
        if found is None:
            raise ImportRejected(
                path.name,
                [LineProblem(1, "情報", f"診断フレームワーク「{code}」第{version}版が登録されていません。")],
            )
        return found

    @staticmethod
    def _resolve(session: Session, parsed: AnswerFile, problems: list[LineProblem]) -> dict[int, Learner]:
        numbers = {row.number for row in parsed.rows}
        by_number: dict[str, list[tuple[str, Learner]]] = {}
        organizations = dict(session.execute(select(Organization.id, Organization.name)).all())
        for learner in session.scalars(select(Learner).where(Learner.number.in_(numbers))):
            by_number.setdefault(learner.number, []).append((organizations[learner.organization_id], learner))
        found: dict[int, Learner] = {}
        for row in parsed.rows:
            candidates = by_number.get(row.number, [])
            if row.organization:
                candidates = [c for c in candidates if c[0] == row.organization]
            if not candidates:
                where = f"{row.organization}の" if row.organization else ""
                problems.append(
                    LineProblem(
                        row.line, "受講者番号", f"{where}受講者番号「{row.number}」は名簿にありません。"
                    )
                )
            elif len(candidates) > 1:
                problems.append(
                    LineProblem(
                        row.line,
                        "団体名",
                        f"受講者番号「{row.number}」が複数の団体にあります。団体名を入れてください。",
                    )
                )
            else:
                found[row.line] = candidates[0][1]
        return found

    def _refuse_repeats(
        self, session: Session, parsed: AnswerFile, learners: dict[int, Learner], problems: list[LineProblem]
    ) -> None:
        seen: dict[tuple[int, DiagnosisKind], int] = {}
        for row in parsed.rows:
            learner = learners.get(row.line)
            if learner is None or not row.answers:
                continue
            key = (learner.id, row.kind)
            if key in seen:
                problems.append(
                    LineProblem(
                        row.line,
                        "受講者番号",
                        f"{learner.name}さんの{row.kind.label}診断が {seen[key]} 行目にもあります。",
                    )
                )
            seen.setdefault(key, row.line)
        if not seen:
            return
        learner_ids = list({key[0] for key in seen})
        existing = {
            (d.learner_id, d.kind, d.diagnosed_on)
            for d in session.scalars(
                select(Diagnosis).where(
                    Diagnosis.learner_id.in_(learner_ids), Diagnosis.status == DiagnosisStatus.COMPLETED
                )
            )
        }
        for row in parsed.rows:
            learner = learners.get(row.line)
            if learner is None or not row.answers:
                continue
            on = row.diagnosed_on or self._today
            if (learner.id, row.kind, on) in existing:
                problems.append(
                    LineProblem(
                        row.line,
                        "実施日",
                        f"{learner.name}さんの{on.isoformat()}の{row.kind.label}診断はすでに取り込まれています。",
                    )
                )
