"""The ``grant`` commands as a contract: estimate's JSON and exit codes, rule files, the plan list.

Run in-process through ``desktop.__main__.main`` (fast); one test runs the real
``python -m desktop`` to prove the contract holds in a separate process too.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop.__main__ import main
from desktop.domain.grant import ESTIMATE_NOTICE
from desktop.domain.grant_drafts import EstablishmentDraft, GrantPlanDraft, TraineeDraft
from desktop.domain.grant_rules import TrainingMethod
from desktop.domain.roster import SizeClass
from desktop.resources import resource_path
from desktop.store.database import Database
from desktop.store.grant_service import GrantService
from tests.factories import RosterFactory

ROOT = Path(__file__).resolve().parents[1]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def estimate_args(
    size: str = "sme",
    method: str = "classroom",
    hours: str = "150",
    fee: str = "600000",
    start: str = "2026-06-01",
    *more: str,
) -> list[str]:
    return [
        "grant",
        "estimate",
        "--size",
        size,
        "--method",
        method,
        "--hours",
        hours,
        "--fee",
        fee,
        "--start",
        start,
        *more,
    ]


def estimate(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = cli(capsys, *args)
    assert code == 0, err
    assert err == ""
    result: dict[str, Any] = json.loads(out)
    return result


# ---------------------------------------------------------------------------
# grant estimate: the figures.

ESTIMATES = [
    # arguments, rule set, (expense, expense cap, wage) per trainee, total
    pytest.param(
        estimate_args(), "reskilling-r7-04", (400_000, 400_000, 150_000), 550_000, id="sme-classroom-150h"
    ),
    pytest.param(
        estimate_args("sme", "classroom", "150", "600000", "2026-06-01", "--trainees", "3"),
        "reskilling-r7-04",
        (400_000, 400_000, 150_000),
        1_650_000,
        id="three-trainees",
    ),
    pytest.param(
        estimate_args("large", "live-online", "100", "300000", "2025-03-31"),
        "reskilling-r4-12",
        (180_000, 250_000, 48_000),
        228_000,
        id="large-live-online-r4",
    ),
    pytest.param(
        estimate_args("sme", "elearning", "99.9", "500000", "2025-04-01"),
        "reskilling-r7-04",
        (300_000, 300_000, 0),
        300_000,
        id="sme-elearning-99.9h",
    ),
    pytest.param(
        estimate_args("large", "correspondence", "200", "1000000", "2026-01-01"),
        "reskilling-r7-04",
        (300_000, 300_000, 0),
        300_000,
        id="large-correspondence-200h",
    ),
    pytest.param(
        estimate_args("sme", "subscription", "20", "30000", "2026-06-01", "--months", "3"),
        "reskilling-r7-04",
        (60_000, 60_000, 0),
        60_000,
        id="sme-subscription-3-months",
    ),
    pytest.param(
        estimate_args("large", "subscription", "20", "30000", "2026-06-01"),
        "reskilling-r7-04",
        (18_000, 20_000, 0),
        18_000,
        id="large-subscription-1-month",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "150", "600000", "2026-06-01", "--wage-hours", "50"),
        "reskilling-r7-04",
        (400_000, 400_000, 50_000),
        450_000,
        id="wage-hours-50",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "10.5", "0", "2025-03-31"),
        "reskilling-r4-12",
        (0, 300_000, 10_080),
        10_080,
        id="sme-wage-960-on-2025-03-31",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "10.5", "0", "2025-04-01"),
        "reskilling-r7-04",
        (0, 300_000, 10_500),
        10_500,
        id="sme-wage-1000-on-2025-04-01",
    ),
    pytest.param(
        estimate_args("large", "classroom", "10.5", "0", "2025-03-31"),
        "reskilling-r4-12",
        (0, 200_000, 5_040),
        5_040,
        id="large-wage-480-on-2025-03-31",
    ),
    pytest.param(
        estimate_args("large", "live-online", "10.5", "0", "2025-04-01"),
        "reskilling-r7-04",
        (0, 200_000, 5_250),
        5_250,
        id="large-wage-500-on-2025-04-01",
    ),
    pytest.param(
        estimate_args("large", "classroom", "10.01", "0", "2024-04-01"),
        "reskilling-r4-12",
        (0, 200_000, 4_804),
        4_804,
        id="wage-4804.8-rounded-down",
    ),
    pytest.param(
        estimate_args("sme", "elearning", "10", "333333"),
        "reskilling-r7-04",
        (249_999, 300_000, 0),
        249_999,
        id="75pct-of-333333",
    ),
    pytest.param(
        estimate_args("large", "elearning", "10", "1"),
        "reskilling-r7-04",
        (0, 200_000, 0),
        0,
        id="60pct-of-1",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "1500", "0"),
        "reskilling-r7-04",
        (0, 500_000, 1_200_000),
        1_200_000,
        id="wage-hours-capped-1200",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "1200", "10000000", "2026-06-01", "--trainees", "58"),
        "reskilling-r7-04",
        (500_000, 500_000, 1_200_000),
        98_600_000,
        id="58-trainees-under-annual-cap",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "1200", "10000000", "2026-06-01", "--trainees", "59"),
        "reskilling-r7-04",
        (500_000, 500_000, 1_200_000),
        100_000_000,
        id="59-trainees-reach-annual-cap",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "1200", "10000000", "2026-06-01", "--trainees", "100"),
        "reskilling-r7-04",
        (500_000, 500_000, 1_200_000),
        100_000_000,
        id="100-trainees-capped",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "100", "0", "2027-03-31"),
        "reskilling-r7-04",
        (0, 400_000, 100_000),
        100_000,
        id="course-last-day",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "100", "0", "2022-12-02"),
        "reskilling-r4-12",
        (0, 400_000, 96_000),
        96_000,
        id="course-first-day",
    ),
]


@pytest.mark.parametrize(("args", "rule_set", "per_trainee", "total"), ESTIMATES)
def test_estimate_prints_the_json_contract(
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    rule_set: str,
    per_trainee: tuple[int, int, int],
    total: int,
) -> None:
    result = estimate(capsys, *args)
    assert set(result) == {"rule_set", "eligible", "reason", "per_trainee", "total", "notes"}
    assert (result["rule_set"], result["eligible"], result["reason"]) == (rule_set, True, None)
    assert result["per_trainee"] == dict(zip(("expense", "expense_cap", "wage"), per_trainee, strict=True))
    assert result["total"] == total
    for amount in (*result["per_trainee"].values(), result["total"]):
        assert type(amount) is int
    assert isinstance(result["notes"], list) and all(isinstance(note, str) for note in result["notes"])
    assert result["notes"][0] == ESTIMATE_NOTICE
    assert any(rule_set in note for note in result["notes"])


TIERS = [
    # hours, size, expense cap, wage (R7, classroom)
    pytest.param("10", "sme", 300_000, 10_000, id="sme-10h"),
    pytest.param("99.9", "sme", 300_000, 99_900, id="sme-99.9h"),
    pytest.param("100", "sme", 400_000, 100_000, id="sme-100h"),
    pytest.param("199.9", "sme", 400_000, 199_900, id="sme-199.9h"),
    pytest.param("200", "sme", 500_000, 200_000, id="sme-200h"),
    pytest.param("10", "large", 200_000, 5_000, id="large-10h"),
    pytest.param("99.9", "large", 200_000, 49_950, id="large-99.9h"),
    pytest.param("100", "large", 250_000, 50_000, id="large-100h"),
    pytest.param("199.9", "large", 250_000, 99_950, id="large-199.9h"),
    pytest.param("200", "large", 300_000, 100_000, id="large-200h"),
]


@pytest.mark.parametrize(("hours", "size", "cap", "wage"), TIERS)
def test_estimate_expense_cap_by_hours(
    capsys: pytest.CaptureFixture[str], hours: str, size: str, cap: int, wage: int
) -> None:
    result = estimate(capsys, *estimate_args(size, "classroom", hours, "10000000"))
    assert result["per_trainee"] == {"expense": cap, "expense_cap": cap, "wage": wage}
    assert result["total"] == cap + wage


@pytest.mark.parametrize(
    "method", ["classroom", "live-online", "elearning", "correspondence", "subscription"]
)
@pytest.mark.parametrize("size", ["sme", "large"])
@pytest.mark.parametrize("hours", ["9.9", "9.99", "0.5"])
def test_estimate_under_ten_hours_is_not_eligible_and_exits_0(
    capsys: pytest.CaptureFixture[str], hours: str, size: str, method: str
) -> None:
    result = estimate(capsys, *estimate_args(size, method, hours, "500000", "2026-06-01", "--trainees", "3"))
    assert result["eligible"] is False
    assert isinstance(result["reason"], str) and "10時間未満" in result["reason"]
    assert result["per_trainee"] == {"expense": 0, "expense_cap": 0, "wage": 0}
    assert result["total"] == 0
    assert result["reason"] not in result["notes"]


# ---------------------------------------------------------------------------
# grant estimate: the notes.


def test_estimate_notes_no_wage_for_elearning(capsys: pytest.CaptureFixture[str]) -> None:
    notes = estimate(capsys, *estimate_args("sme", "elearning", "20", "100000"))["notes"]
    assert any("賃金助成が支給されません" in note for note in notes)


def test_estimate_notes_for_subscription(capsys: pytest.CaptureFixture[str]) -> None:
    without_months = estimate(capsys, *estimate_args("sme", "subscription", "20", "30000"))["notes"]
    assert any("年度3回まで" in note for note in without_months)
    assert any("1か月として計算" in note for note in without_months)
    with_months = estimate(
        capsys, *estimate_args("sme", "subscription", "20", "30000", "2026-06-01", "--months", "2")
    )
    assert not any("1か月として計算" in note for note in with_months["notes"])
    assert with_months["total"] == 40_000  # 2 × 20,000


def test_estimate_notes_months_unused_outside_subscription(capsys: pytest.CaptureFixture[str]) -> None:
    result = estimate(
        capsys, *estimate_args("sme", "classroom", "150", "600000", "2026-06-01", "--months", "2")
    )
    assert result["total"] == 550_000
    assert any("--months は定額制サービスのときだけ" in note for note in result["notes"])


def test_estimate_notes_the_annual_cap(capsys: pytest.CaptureFixture[str]) -> None:
    capped = estimate(
        capsys, *estimate_args("sme", "classroom", "1200", "10000000", "2026-06-01", "--trainees", "59")
    )
    assert any("年度上限" in note and "100,000,000円" in note for note in capped["notes"])
    under = estimate(
        capsys, *estimate_args("sme", "classroom", "1200", "10000000", "2026-06-01", "--trainees", "58")
    )
    assert not any("年度上限" in note for note in under["notes"])


def test_estimate_notes_the_wage_hours_cap(capsys: pytest.CaptureFixture[str]) -> None:
    notes = estimate(capsys, *estimate_args("sme", "classroom", "1500", "0"))["notes"]
    assert any("1200時間に制限" in note for note in notes)


# ---------------------------------------------------------------------------
# grant estimate: invalid input exits 2, a Japanese message on stderr, nothing on stdout.

INVALID = [
    # arguments, words the message must carry
    pytest.param(estimate_args(hours="0"), "--hours", id="zero-hours"),
    pytest.param(estimate_args(hours="-5"), "--hours", id="negative-hours"),
    pytest.param(estimate_args(hours="abc"), "--hours", id="hours-not-a-number"),
    pytest.param(estimate_args(hours="nan"), "--hours", id="hours-nan"),
    pytest.param(estimate_args(hours="1e9"), "--hours", id="hours-absurd"),
    pytest.param(estimate_args(fee="-1"), "--fee", id="negative-fee"),
    pytest.param(estimate_args(fee="1.5"), "--fee", id="fractional-fee"),
    pytest.param(estimate_args(fee="１０００"), "--fee", id="full-width-fee"),
    pytest.param(estimate_args(method="video"), "--method", id="unknown-method"),
    pytest.param(estimate_args(method="Classroom"), "--method", id="method-wrong-case"),
    pytest.param(estimate_args(size="medium"), "--size", id="unknown-size"),
    pytest.param(estimate_args(start="2027-04-01"), "終了", id="after-the-course-ended"),
    pytest.param(estimate_args(start="2030-01-01"), "終了", id="years-after-the-course"),
    pytest.param(estimate_args(start="2022-12-01"), "ルールセットがありません", id="before-every-rule-set"),
    pytest.param(estimate_args(start="2026-02-30"), "--start", id="no-such-day"),
    pytest.param(estimate_args(start="2026/06/01"), "--start", id="slashes"),
    pytest.param(
        estimate_args("sme", "subscription", "20", "3000", "2026-06-01", "--months", "0"),
        "--months",
        id="zero-months",
    ),
    pytest.param(
        estimate_args("sme", "subscription", "20", "3000", "2026-06-01", "--months", "1.5"),
        "--months",
        id="half-months",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "150", "0", "2026-06-01", "--trainees", "0"),
        "--trainees",
        id="no-trainees",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "150", "0", "2026-06-01", "--trainees", "10001"),
        "--trainees",
        id="too-many-trainees",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "150", "0", "2026-06-01", "--wage-hours", "151"),
        "--wage-hours",
        id="wage-hours-over",
    ),
    pytest.param(
        estimate_args("sme", "classroom", "150", "0", "2026-06-01", "--wage-hours", "-1"),
        "--wage-hours",
        id="wage-hours-negative",
    ),
    pytest.param(
        [
            "grant",
            "estimate",
            "--method",
            "classroom",
            "--hours",
            "150",
            "--fee",
            "0",
            "--start",
            "2026-06-01",
        ],
        "--size",
        id="size-missing",
    ),
    pytest.param(
        ["grant", "estimate", "--size", "sme", "--hours", "150", "--fee", "0", "--start", "2026-06-01"],
        "--method",
        id="method-missing",
    ),
    pytest.param(
        [
            "grant",
            "estimate",
            "--size",
            "sme",
            "--method",
            "classroom",
            "--fee",
            "0",
            "--start",
            "2026-06-01",
        ],
        "--hours",
        id="hours-missing",
    ),
    pytest.param(
        [
            "grant",
            "estimate",
            "--size",
            "sme",
            "--method",
            "classroom",
            "--hours",
            "150",
            "--start",
            "2026-06-01",
        ],
        "--fee",
        id="fee-missing",
    ),
    pytest.param(
        ["grant", "estimate", "--size", "sme", "--method", "classroom", "--hours", "150", "--fee", "0"],
        "--start",
        id="start-missing",
    ),
]


@pytest.mark.parametrize(("args", "words"), INVALID)
def test_estimate_refuses_invalid_input_with_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = cli(capsys, *args)
    assert code == 2
    assert out == ""
    assert JAPANESE.search(err) and words in err
    assert "Traceback" not in err


def test_estimate_after_the_course_names_its_end(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, *estimate_args(start="2027-04-01"))
    assert (code, out) == (2, "")
    assert "令和9年3月31日" in err and "2027-03-31" in err and "2027-04-01" in err


def test_estimate_as_a_separate_process() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
        )

    ok = run(*estimate_args("large", "live-online", "100", "300000", "2025-03-31", "--trainees", "2"))
    assert ok.returncode == 0, ok.stderr
    result = json.loads(ok.stdout)
    assert (result["rule_set"], result["per_trainee"]["wage"], result["total"]) == (
        "reskilling-r4-12",
        48_000,
        456_000,
    )
    refused = run(*estimate_args(method="video"))
    assert (refused.returncode, refused.stdout) == (2, "")
    assert "--method" in refused.stderr and "video" in refused.stderr


# ---------------------------------------------------------------------------
# grant rules list / import.


def rule_file(tmp_path: Path, file_name: str, **changes: Any) -> Path:
    data = json.loads(resource_path("grant_rules", "reskilling_2025-04.json").read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / file_name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def rules_list(capsys: pytest.CaptureFixture[str], db: str) -> list[list[str]]:
    code, out, err = cli(capsys, "--db", db, "grant", "rules", "list")
    assert code == 0, err
    return [line.split("\t") for line in out.splitlines()]


def test_rules_list_shows_the_bundled_rule_sets(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = rules_list(capsys, str(tmp_path / "rules.sqlite"))
    assert [(row[0], row[1], row[2], row[4]) for row in rows] == [
        ("reskilling-r4-12", "2022-12-02", "2025-03-31", "同梱"),
        ("reskilling-r7-04", "2025-04-01", "2027-03-31", "同梱"),
    ]
    assert all("事業展開等リスキリング支援コース" in row[3] for row in rows)


def test_rules_import_overrides_the_bundled_rule_set_of_the_same_range(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "rules.sqlite")
    office = rule_file(
        tmp_path,
        "office.json",
        id="office-r7",
        name="事業所の新ルール",
        wage_per_hour={"sme": 1100, "large": 550},
    )
    code, out, err = cli(capsys, "--db", db, "grant", "rules", "import", str(office))
    assert code == 0, err
    assert out.startswith("読み込みました: office-r7 事業所の新ルール")
    assert "令和7年4月1日〜令和9年3月31日" in out
    rows = rules_list(capsys, db)
    assert [row[0] for row in rows] == ["reskilling-r4-12", "reskilling-r7-04", "office-r7"]
    assert rows[2][4] == "読込: office.json"

    args = estimate_args("sme", "classroom", "10", "0")
    with_db = estimate(capsys, "--db", db, *args)
    assert (with_db["rule_set"], with_db["per_trainee"]["wage"]) == ("office-r7", 11_000)
    assert any("office-r7" in note for note in with_db["notes"])
    assert estimate(capsys, *args)["rule_set"] == "reskilling-r7-04"  # without --db: bundled only
    older = estimate(capsys, "--db", db, *estimate_args("sme", "classroom", "10", "0", "2025-03-31"))
    assert older["rule_set"] == "reskilling-r4-12"  # outside the loaded file's range

    # the same id loaded again replaces it
    again = rule_file(
        tmp_path,
        "office-v2.json",
        id="office-r7",
        name="事業所の新ルール（改）",
        wage_per_hour={"sme": 1200, "large": 600},
    )
    assert cli(capsys, "--db", db, "grant", "rules", "import", str(again))[0] == 0
    rows = rules_list(capsys, db)
    assert [row[0] for row in rows] == ["reskilling-r4-12", "reskilling-r7-04", "office-r7"]
    assert rows[2][3:] == ["事業所の新ルール（改）", "読込: office-v2.json"]
    assert estimate(capsys, "--db", db, *args)["per_trainee"]["wage"] == 12_000


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        pytest.param(
            {"wage_methods": ["classroom", "video"]}, "broken.json: wage_methods", id="unknown-method"
        ),
        pytest.param(
            {"expense_rate_percent": {"sme": 75}},
            "broken.json: expense_rate_percent.large",
            id="no-large-rate",
        ),
        pytest.param({"applies_to": "2028-03-31"}, "broken.json: applies_to", id="after-course-end"),
        pytest.param(
            {"establishment_cap_per_year": "1億"}, "broken.json: establishment_cap_per_year", id="cap-text"
        ),
    ],
)
def test_rules_import_of_a_broken_file_exits_2_naming_the_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, changes: dict[str, Any], words: str
) -> None:
    db = str(tmp_path / "rules.sqlite")
    broken = rule_file(tmp_path, "broken.json", id="broken", **changes)
    code, out, err = cli(capsys, "--db", db, "grant", "rules", "import", str(broken))
    assert (code, out) == (2, "")
    assert words in err and JAPANESE.search(err)
    assert [row[0] for row in rules_list(capsys, db)] == ["reskilling-r4-12", "reskilling-r7-04"]


def test_rules_import_of_a_file_that_is_not_json_or_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "rules.sqlite")
    torn = tmp_path / "torn.json"
    torn.write_text('{\n  "format": ', encoding="utf-8")
    code, out, err = cli(capsys, "--db", db, "grant", "rules", "import", str(torn))
    assert (code, out) == (2, "") and "torn.json:2: JSON として読めません" in err
    code, out, err = cli(capsys, "--db", db, "grant", "rules", "import", str(tmp_path / "none.json"))
    assert (code, out) == (2, "") and "none.json: ファイルを読めません" in err


# ---------------------------------------------------------------------------
# grant list.


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def seed(db: Database) -> dict[str, int]:
    service = GrantService(db)
    factory = RosterFactory(db)
    small = service.save_establishment(
        None,
        EstablishmentDraft("株式会社テスト", SizeClass.SME, "1301-123456-7", "7000012050002"),
    )
    large = service.save_establishment(None, EstablishmentDraft("大手工業株式会社", SizeClass.LARGE))
    small_staff = [factory.learner(small).id for _ in range(3)]
    large_staff = [factory.learner(large).id for _ in range(2)]

    def plan(
        org: int, learners: list[int], method: TrainingMethod, start: date, end: date, hours: str, fee: str
    ) -> int:
        return service.save_plan(
            None,
            GrantPlanDraft(
                organization_id=org,
                title=f"{method.label}の研修",
                method=method,
                start=start,
                end=end,
                hours=hours,
                fee=fee,
                trainees=tuple(TraineeDraft(learner) for learner in learners),
            ),
        )

    return {
        # 3 × (400,000 + 150 h × 1,000) = 1,650,000
        "classroom": plan(
            small,
            small_staff,
            TrainingMethod.CLASSROOM,
            date(2026, 6, 1),
            date(2026, 8, 31),
            "150",
            "600,000",
        ),
        # 3 months of 30,000 yen: 67,500 capped at 3 × 20,000 = 60,000
        "subscription": plan(
            small,
            small_staff[:1],
            TrainingMethod.SUBSCRIPTION,
            date(2026, 9, 1),
            date(2026, 11, 30),
            "20",
            "30000",
        ),
        # 大企業, e-learning, 令和6年度: 2 × 60% of 100,000 = 120,000
        "elearning": plan(
            large, large_staff, TrainingMethod.ELEARNING, date(2025, 3, 1), date(2025, 3, 31), "20", "100000"
        ),
    }


def test_grant_list_prints_each_plan_with_its_estimate(
    capsys: pytest.CaptureFixture[str], sqlite_db: Database
) -> None:
    ids = seed(sqlite_db)
    code, out, err = cli(capsys, "--db", url_of(sqlite_db), "grant", "list")
    assert code == 0, err
    rows = [line.split("\t") for line in out.splitlines()]
    assert all(len(row) == 10 for row in rows)  # by establishment name, then start date
    assert [row[:9] for row in rows] == [
        [
            str(ids["elearning"]),
            "大手工業株式会社",
            "eラーニングの研修",
            "2025-03-01",
            "2025-03-31",
            "2",
            "作成中",
            "120000",
            "reskilling-r4-12",
        ],
        [
            str(ids["classroom"]),
            "株式会社テスト",
            "通学制の研修",
            "2026-06-01",
            "2026-08-31",
            "3",
            "作成中",
            "1650000",
            "reskilling-r7-04",
        ],
        [
            str(ids["subscription"]),
            "株式会社テスト",
            "定額制サービスの研修",
            "2026-09-01",
            "2026-11-30",
            "1",
            "作成中",
            "60000",
            "reskilling-r7-04",
        ],
    ]

    code, out, _ = cli(
        capsys, "--db", url_of(sqlite_db), "grant", "list", "--establishment", "大手工業株式会社"
    )
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == [str(ids["elearning"])]
    code, out, _ = cli(
        capsys, "--db", url_of(sqlite_db), "grant", "list", "--establishment", "存在しない会社"
    )
    assert (code, out) == (0, "")


def test_grant_list_of_an_empty_database_prints_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert cli(capsys, "--db", str(tmp_path / "empty.sqlite"), "grant", "list") == (0, "", "")


def test_prior_subscription_claims_warn_past_three_a_year(capsys: pytest.CaptureFixture[str]) -> None:
    args = estimate_args("sme", "subscription", "30", "3000", "2026-06-01", "--months", "6")
    fresh = estimate(capsys, *args)
    assert not any("すでに" in note for note in fresh["notes"])
    third = estimate(capsys, *args, "--prior-claims", "2")
    assert not any("すでに" in note for note in third["notes"])
    fourth = estimate(capsys, *args, "--prior-claims", "3")
    assert any("年度3回まで" in note and "すでに3回" in note for note in fourth["notes"])
    assert fourth["per_trainee"] == fresh["per_trainee"]  # a warning, not a refusal: the bureau decides
    code, out, err = cli(capsys, *args, "--prior-claims", "-1")
    assert (code, out) == (2, "") and "--prior-claims" in err
