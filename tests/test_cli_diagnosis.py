"""diagnosis template/import/print/answer-sheets and framework list/import/export: the headless contract."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from desktop.__main__ import main
from desktop.domain.diagnosis import DiagnosisKind
from desktop.store.database import Database
from desktop.store.diagnosis_service import DiagnosisService
from desktop.store.models import DiagnosisStatus
from tests.factories import RosterFactory


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def roster(factory: RosterFactory) -> dict[str, int]:
    org = factory.organization("みなと市")
    tax = factory.department(org, "税務課")
    return {
        "tax": tax,
        "a": factory.learner(org, number="A001", name="石川　芽依", department_id=tax).id,
        "b": factory.learner(
            org, number="A002", name="吉田　彩花", department_id=tax, role="DX推進リーダー"
        ).id,
        "c": factory.learner(org, number="B001", name="佐藤　次郎").id,
    }


def fill(
    path: Path, answers_by_number: dict[str, dict[str, object]], dates: dict[str, str] | None = None
) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["回答"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        number = row[headers.index("受講者番号")].value
        for item_id, value in answers_by_number.get(str(number), {}).items():
            row[headers.index(item_id)].value = value
        if dates and number in dates:
            row[headers.index("実施日")].value = dates[number]
    workbook.save(path)


def test_template_then_import_saves_completed_diagnoses(
    db: Database, roster: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "answers.xlsx"
    code, out, err = cli(
        capsys, "--db", url_of(db), "diagnosis", "template", "--out", str(template), "--department", "税務課"
    )
    assert code == 0, err
    assert "2名分" in out and "自治体職員DXスキル診断 第1版" in out

    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames == ["回答", "設問と回答方法", "情報"]
    headers = [c.value for c in workbook["回答"][1]]
    assert headers[:6] == ["団体名", "受講者番号", "氏名", "所属", "種類", "実施日"]
    item_ids = headers[6:]
    assert len(item_ids) == 53
    numbers = [r[1].value for r in workbook["回答"].iter_rows(min_row=2)]
    assert numbers == ["A001", "A002"]
    guide = {r[0].value: r[5].value for r in workbook["設問と回答方法"].iter_rows(min_row=2)}
    assert guide["MND-01"].startswith("1: ")

    all_threes = {item: 1 for item in item_ids}
    fill(template, {"A001": all_threes, "A002": {item_ids[0]: "３"}}, {"A001": "令和7年4月10日"})
    code, out, err = cli(capsys, "--db", url_of(db), "diagnosis", "import", str(template))
    assert code == 0, err
    assert out.strip() == (
        "answers.xlsx: 2名の診断結果を取り込みました（自治体職員DXスキル診断 第1版）。未回答の設問がある人 1名。"
    )
    rows = {r.learner.number: r for r in DiagnosisService(db).rows()}
    assert rows["A001"].status is DiagnosisStatus.COMPLETED
    assert rows["A001"].diagnosed_on.isoformat() == "2025-04-10"
    assert rows["A001"].kind is DiagnosisKind.PRE
    assert rows["A002"].role_name == "DX推進リーダー"

    # The same file again would double the results: refused, nothing written.
    code, out, err = cli(capsys, "--db", url_of(db), "diagnosis", "import", str(template))
    assert code == 2
    assert "answers.xlsx:2: 実施日: 石川　芽依さんの2025-04-10の事前診断はすでに取り込まれています。" in err
    assert len(DiagnosisService(db).rows()) == 2


def test_bad_answers_name_the_row_and_item_and_write_nothing(
    db: Database, roster: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "t.xlsx"
    assert cli(capsys, "--db", url_of(db), "diagnosis", "template", "--out", str(template))[0] == 0
    fill(template, {"A001": {"MND-01": 2, "MND-02": 9}, "B001": {"DAT-K1": "たぶん2"}})
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["回答"]
    sheet.append(["みなと市", "Z999", "誰か", "", "事前", None, 1])
    sheet.append(["みなと市", "A002", "吉田　彩花", "", "中間", "2025/2/30"])
    workbook.save(template)

    code, _out, err = cli(capsys, "--db", url_of(db), "diagnosis", "import", str(template))
    assert code == 2
    lines = err.splitlines()
    assert "t.xlsx:2: MND-02: 「9」は回答として使えません（1〜4 の番号）。" in lines
    assert any(line.startswith("t.xlsx:4: DAT-K1: 「たぶん2」は回答として使えません") for line in lines)
    assert "t.xlsx:5: 受講者番号: みなと市の受講者番号「Z999」は名簿にありません。" in lines
    assert any(line.startswith("t.xlsx:6: 種類: 診断の種類「中間」は使えません") for line in lines)
    assert "t.xlsx:6: 実施日: 2025年2月30日は存在しない日付です。" in lines
    assert DiagnosisService(db).rows() == []


def test_csv_answers_with_an_unknown_item_column(
    db: Database, roster: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.csv"
    path.write_text("受講者番号,MND-01,NOPE-1\r\nA001,2,1\r\n", encoding="utf-8-sig")
    code, _out, err = cli(capsys, "--db", url_of(db), "diagnosis", "import", str(path), "--dry-run")
    assert code == 2
    assert "answers.csv:1: NOPE-1: 設問ID「NOPE-1」は 自治体職員DXスキル診断 第1版にありません。" in err

    path.write_text("受講者番号,MND-01,MND-02\r\nA001,2,1\r\nB001,,\r\n", encoding="utf-8-sig")
    code, out, err = cli(
        capsys, "--db", url_of(db), "diagnosis", "import", str(path), "--dry-run", "--kind", "事後"
    )
    assert code == 0, err
    assert out.startswith("（確認のみ・書き込みなし）answers.csv: 1名の診断結果を取り込みました")
    assert "回答が空欄の行 1行は取り込んでいません" in out
    assert DiagnosisService(db).rows() == []


def test_framework_export_edit_import_makes_a_new_version_once_answered(
    db: Database, roster: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "fw.xlsx"
    code, out, err = cli(capsys, "--db", url_of(db), "framework", "export", str(exported))
    assert code == 0, err
    workbook = openpyxl.load_workbook(exported)
    assert workbook.sheetnames == ["概要", "尺度", "判定基準", "大分類", "分類", "設問", "役割"]

    # Unchanged: importing the export changes nothing.
    code, out, err = cli(capsys, "--db", url_of(db), "framework", "import", str(exported))
    assert (code, out.strip()) == (0, "fw.xlsx: 第1版と同じ内容のため、変更はありません。"), err

    service = DiagnosisService(db)
    [d] = service.start([roster["a"]], DiagnosisKind.PRE)
    service.answer(d, "MND-01", 2)

    roles = workbook["役割"]
    headers = [c.value for c in roles[1]]
    roles.cell(row=2, column=headers.index("genai") + 1).value = 3  # 一般職員's target for 生成AI
    workbook.save(exported)
    code, out, err = cli(capsys, "--db", url_of(db), "framework", "import", str(exported))
    assert code == 0, err
    assert "第2版として新しく登録しました" in out
    code, out, _ = cli(capsys, "--db", url_of(db), "framework", "list")
    assert "第1版\t自治体職員DXスキル診断\t診断 1件" in out
    assert "第2版（使用中）" in out
    assert service.state(d).framework.version == 1


def test_framework_use_chooses_where_new_diagnoses_start(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "fw.json"
    assert cli(capsys, "--db", url_of(db), "framework", "export", str(exported))[0] == 0
    data = json.loads(exported.read_text(encoding="utf-8"))
    data.update(code="minato-dx", name="みなと市DX診断")
    exported.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert cli(capsys, "--db", url_of(db), "framework", "import", str(exported))[0] == 0

    code, out, err = cli(capsys, "--db", url_of(db), "framework", "use", "minato-dx")
    assert (code, out.strip()) == (0, "これから始める診断は みなと市DX診断 第1版で行います。"), err
    code, out, _ = cli(capsys, "--db", url_of(db), "framework", "list")
    assert "minato-dx\t第1版（使用中）" in out and "municipal-dx\t第1版（最新）" in out
    code, _out, err = cli(capsys, "--db", url_of(db), "framework", "use", "nothing")
    assert code != 0 and "「nothing」が登録されていません" in err


def test_framework_file_problems_name_the_file_and_item(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "fw.json"
    assert cli(capsys, "--db", url_of(db), "framework", "export", str(exported))[0] == 0
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["items"][0]["category"] = "nothing"
    data["items"][5]["answer"] = 0
    exported.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _out, err = cli(capsys, "--db", url_of(db), "framework", "import", str(exported))
    assert code == 2
    assert "fw.json: 設問 MND-01: 分類「nothing」がありません。" in err
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "manabi-framework",\n "code": }', encoding="utf-8")
    code, _out, err = cli(capsys, "--db", url_of(db), "framework", "import", str(bad))
    assert code == 2 and err.startswith("broken.json:2: JSON として読めません")


def pdf_text(path: Path) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_print_result_sheets_for_a_department_and_blank_answer_sheets(
    db: Database, roster: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import date

    service = DiagnosisService(db)
    framework = service.frameworks.current()[1]
    for learner_id, kind, on, value in (
        (roster["a"], DiagnosisKind.PRE, date(2025, 4, 10), 1),
        (roster["a"], DiagnosisKind.POST, date(2025, 10, 1), 3),
        (roster["b"], DiagnosisKind.PRE, date(2025, 4, 11), 2),
    ):
        [d] = service.start([learner_id], kind, on=on)
        service.answer_many(d, {i.id: min(value, len(framework.valid_answers(i))) for i in framework.items})
        service.complete(d)

    out_pdf = tmp_path / "results.pdf"
    code, out, err = cli(
        capsys, "--db", url_of(db), "diagnosis", "print", "--department", "税務課", "--out", str(out_pdf)
    )
    assert code == 0, err
    assert out.strip() == "results.pdf: 2名分の診断結果票を書き出しました。"
    text = pdf_text(out_pdf)
    assert "石川" in text and "吉田" in text
    assert "令和7年10月1日" in text  # a's newest is the 事後
    assert "自治体職員DXスキル診断 第1版" in text
    assert "事前（令和7年4月10日）" in text  # compared with the earlier 事前

    code, _out, err = cli(
        capsys, "--db", url_of(db), "diagnosis", "print", "--learner", "B001", "--out", str(out_pdf)
    )
    assert code == 2 and "完了した診断がありません" in err

    sheets = tmp_path / "sheets.pdf"
    code, out, err = cli(
        capsys, "--db", url_of(db), "diagnosis", "answer-sheets", "--blank", "--out", str(sheets)
    )
    assert code == 0, err
    text = pdf_text(sheets)
    assert "MND-01" in text and "GAI-K2" in text
