"""受講実績取込 against real databases: header spellings, matching, re-import, undo."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from desktop.store.database import Database
from desktop.store.errors import ConflictError
from desktop.store.import_common import ImportCancelled, ImportRejected
from desktop.store.import_history import ImportHistory
from desktop.store.models import TrainingStatus
from desktop.store.records_service import RecordsService
from desktop.store.udemy_import import UdemyImporter
from tests.factories import RosterFactory

DISPLAY = "User Email,User Name,User Surname,Course ID,Course Title,Course Category,Course Duration,Completion Ratio,Minutes Video Consumed,Course Enroll Date,Course Start Date,Course Completion Date,Course Last Accessed Date,Unknown Extra"
API = "user_email,user_external_id,course_id,course_title,course_category,course_duration,completion_ratio,num_video_consumed_minutes,course_enroll_date,course_start_date,course_completion_date,course_last_accessed_date"
JAPANESE = "メールアドレス,コースID,コースタイトル,カテゴリー,コースの長さ,修了率,視聴時間（分）,登録日,開始日,修了日,最終アクセス日"


def write(path: Path, lines: list[str], encoding: str = "utf-8-sig") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


@pytest.fixture
def learners(factory: RosterFactory) -> dict[str, int]:
    org = factory.organization()
    return {
        "taro": factory.learner(org, number="A001", email="Taro@Example.lg.jp").id,
        "hana": factory.learner(org, number="A002", email="hana@example.lg.jp", name="山田　花子").id,
    }


def records_of(db: Database) -> dict[tuple[int, str], object]:
    return {(r.learner_id, r.course_title): r for r in RecordsService(db).rows()}


def test_display_labels_match_by_email_any_case(
    db: Database, learners: dict[str, int], tmp_path: Path
) -> None:
    path = write(
        tmp_path / "uca.csv",
        [
            DISPLAY,
            "taro@example.LG.jp,Taro,Yamada,101,Excel入門,Office,2.5,100,150,2025-04-01 09:00:00,2025-04-02 10:00:00,2025-05-01 12:00:00,2025-05-01 12:00:00,x",
            'hana@example.lg.jp,Hana,Yamada,202,"Python, はじめの一歩",IT,1h 30m,40,30,2025-04-01,2025-04-03,,2025-04-10,x',
            "nobody@example.com,No,Body,101,Excel入門,Office,2.5,10,5,2025-04-01,,,2025-04-01,x",
        ],
    )
    outcome = UdemyImporter(db, user_name="tester").run(path)
    assert (outcome.created, outcome.updated, outcome.unmatched_count, outcome.new_courses) == (2, 0, 1, 2)
    assert outcome.unmatched_lines() == [
        "uca.csv:4: 受講者: nobody@example.com（Body\u3000No） は名簿にいません（メールアドレス・外部IDで照合できません）。"
    ]
    rows = records_of(db)
    excel = rows[(learners["taro"], "Excel入門")]
    assert excel.status is TrainingStatus.COMPLETED
    assert (excel.minutes, excel.hours, excel.progress_percent) == (150, Decimal("2.50"), 100)
    assert excel.fiscal_year == 2025
    python = rows[(learners["hana"], "Python, はじめの一歩")]
    assert python.status is TrainingStatus.IN_PROGRESS
    assert python.completed_on is None


@pytest.mark.parametrize("header", [API, JAPANESE])
def test_other_header_spellings(db: Database, learners: dict[str, int], tmp_path: Path, header: str) -> None:
    if header == API:
        line = ",A002,101,Excel入門,Office,2.5,100,150,2025-04-01,2025-04-02,2025-05-01,2025-05-01"
    else:
        line = "hana@example.lg.jp,101,Excel入門,Office,2.5,100,150,2025/4/1,2025/4/2,R7.5.1,2025/5/1"
    outcome = UdemyImporter(db).run(write(tmp_path / "r.csv", [header, line]))
    assert outcome.created == 1
    record = records_of(db)[(learners["hana"], "Excel入門")]
    assert record.completed_on is not None and record.completed_on.isoformat() == "2025-05-01"


def test_missing_required_column_is_refused(db: Database, learners: dict[str, int], tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", ["User Email,Course ID,Completion Ratio", "taro@example.lg.jp,1,50"])
    with pytest.raises(ImportRejected) as raised:
        UdemyImporter(db).run(path)
    assert next(p.format("r.csv") for p in raised.value.problems).startswith("r.csv:1: Course Title: ")


def test_bad_values_write_nothing(db: Database, learners: dict[str, int], tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        [
            DISPLAY,
            "taro@example.lg.jp,T,Y,101,Excel入門,Office,2.5,100,150,2025-04-01,2025-04-02,2025-05-01,2025-05-01,",
            "hana@example.lg.jp,H,Y,102,Word入門,Office,2.5,140,150,2025-04-01,2025-02-30,,2025-05-01,",
        ],
    )
    with pytest.raises(ImportRejected) as raised:
        UdemyImporter(db).run(path)
    assert [p.format("r.csv") for p in raised.value.problems] == [
        "r.csv:3: Completion Ratio: 「140」は範囲外です（0〜100）。",
        "r.csv:3: Course Start Date: 2025年2月30日は存在しない日付です。",
    ]
    assert RecordsService(db).count() == 0
    assert ImportHistory(db).batches() == []


def test_reimport_updates_instead_of_duplicating_and_older_exports_do_not_regress(
    db: Database, learners: dict[str, int], tmp_path: Path
) -> None:
    first = write(
        tmp_path / "a.csv",
        [DISPLAY, "taro@example.lg.jp,T,Y,101,Excel入門,Office,2.5,40,60,2025-04-01,2025-04-02,,2025-04-10,"],
    )
    newer = write(
        tmp_path / "b.csv",
        [
            DISPLAY,
            "taro@example.lg.jp,T,Y,101,Excel入門,Office,2.5,100,150,2025-04-01,2025-04-02,2025-05-01,2025-05-01,",
        ],
    )
    importer = UdemyImporter(db)
    assert importer.run(first).created == 1
    again = importer.run(first)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    updated = importer.run(newer)
    assert (updated.created, updated.updated) == (0, 1)
    older = importer.run(first)
    assert (older.updated, older.unchanged) == (0, 1)
    assert RecordsService(db).count() == 1
    record = next(iter(records_of(db).values()))
    assert record.status is TrainingStatus.COMPLETED

    history = ImportHistory(db)
    newest = history.batches()[0]
    history.undo(newest.id)  # the unchanged re-import
    history.undo(updated.batch_id)
    record = next(iter(records_of(db).values()))
    assert (record.progress_percent, record.minutes) == (40, 60)


def test_undo_deletes_created_records_and_courses(
    db: Database, learners: dict[str, int], tmp_path: Path
) -> None:
    path = write(
        tmp_path / "a.csv",
        [DISPLAY, "taro@example.lg.jp,T,Y,101,Excel入門,Office,2.5,40,60,2025-04-01,2025-04-02,,2025-04-10,"],
    )
    outcome = UdemyImporter(db).run(path)
    message = ImportHistory(db).undo(outcome.batch_id)
    assert "講座1件" in message
    assert RecordsService(db).count() == 0
    assert RecordsService(db).courses() == []
    with pytest.raises(ConflictError, match="取り消し済み"):
        ImportHistory(db).undo(outcome.batch_id)


def test_user_activity_totals(db: Database, learners: dict[str, int], tmp_path: Path) -> None:
    from sqlalchemy import select

    from desktop.store.models import PlatformTotals

    path = write(
        tmp_path / "ua.csv",
        [
            "Name,Surname,Email,Courses Enrolled,Courses Started,Courses Completed,Minutes Video Consumed,Last Date Visit",
            "Taro,Yamada,taro@example.lg.jp,5,4,2,620,2025-06-01",
            "No,Body,x@example.com,1,1,0,5,2025-06-01",
        ],
    )
    outcome = UdemyImporter(db).run(path)
    assert (outcome.created, outcome.unmatched_count) == (1, 1)
    with db.transaction() as session:
        totals = session.scalars(select(PlatformTotals)).one()
    assert (totals.learner_id, totals.courses_completed, totals.minutes_consumed) == (
        learners["taro"],
        2,
        620,
    )


def test_cancel_writes_nothing(db: Database, learners: dict[str, int], tmp_path: Path) -> None:
    lines = [DISPLAY] + [
        f"taro@example.lg.jp,T,Y,{n},講座{n},IT,1,50,30,2025-04-01,2025-04-01,,2025-04-02,"
        for n in range(4500)
    ]
    path = write(tmp_path / "big.csv", lines)

    def cancel(done: int) -> None:
        if done >= 4000:
            raise ImportCancelled()

    with pytest.raises(ImportCancelled):
        UdemyImporter(db).run(path, progress=cancel)
    assert RecordsService(db).count() == 0
    assert RecordsService(db).courses() == []
