"""Every importer against random bytes and malformed CSV/XLSX: a plain refusal or a result, never a crash.

Property, for each importer: it either succeeds, or raises one of the
project's user-facing errors (UserFacingError and its subclasses: ImportRejected,
ImportFileError, CatalogImportError, RuleFileRejected…) with a message; when it
refuses, no table's row count changed (all or nothing). merge_files never
raises: unreadable files come back as problems in its result.
"""

from __future__ import annotations

import io
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.exchange.catalog_file import HEADERS as CATALOG_HEADERS
from desktop.exchange.procurement_merge import MergeResult, merge_files
from desktop.store.catalog_service import CatalogService
from desktop.store.database import Database, open_database
from desktop.store.demo import seed_demo_roster
from desktop.store.diagnosis_import import DiagnosisImporter
from desktop.store.errors import UserFacingError
from desktop.store.framework_service import FrameworkService
from desktop.store.grant_rule_store import read_rule_file
from desktop.store.migrate import prepare_database
from desktop.store.roster_import import RosterImporter, RosterImportOptions, RosterSource
from desktop.store.udemy_import import UdemyImporter

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HEADERS = {
    "roster": "職員番号,氏名,カナ氏名,部署,役職,E-mail,生年月日,団体名",
    "udemy": "User Email,User Name,User Surname,Course ID,Course Title,Course Category,Course Duration,"
    "Completion Ratio,Minutes Video Consumed,Course Enroll Date,Course Start Date,Course Completion Date,"
    "Course Last Accessed Date",
    "diagnosis": "団体名,受講者番号,氏名,所属,種類,実施日,MND-01,MND-02",
    "catalog": ",".join(CATALOG_HEADERS) + ",一般職員,事業系デジタル人材,ICT系デジタル人材,DX推進リーダー",
    "procurement": "団体名,所属,受講者番号,氏名,フリガナ,メールアドレス,区分,利用開始希望日,備考",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Path]]:
    """One database with a demo roster, shared by every example: refusals must leave it as it was."""
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite"
    db = open_database(path)
    prepare_database(db)
    seed_demo_roster(db, count=40)
    # The bundled framework and catalogue are stored on first use: store them now, so a
    # refusal that happens to be the first use is not mistaken for a partial write.
    _framework_id, framework = FrameworkService(db).current()
    with db.transaction() as session:
        CatalogService(db).current_in(session, framework)
    yield db, path
    db.dispose()


def row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


Importer = Callable[[Database, Path], object]


def _roster(db: Database, path: Path) -> object:
    return RosterImporter(db, user_name="fuzz").run(RosterSource(path), RosterImportOptions())


def _roster_sheet(db: Database, path: Path) -> object:
    return RosterImporter(db, user_name="fuzz").run(RosterSource(path, sheet="名簿"), RosterImportOptions())


def _udemy(db: Database, path: Path) -> object:
    return UdemyImporter(db, user_name="fuzz").run(path)


def _diagnosis(db: Database, path: Path) -> object:
    return DiagnosisImporter(db).run(path)


def _catalog(db: Database, path: Path) -> object:
    return CatalogService(db).import_catalog(path, FrameworkService(db).current()[1])


IMPORTERS: dict[str, Importer] = {
    "roster": _roster,
    "roster-sheet": _roster_sheet,
    "udemy": _udemy,
    "diagnosis": _diagnosis,
    "catalog": _catalog,
}


def attempt(store: tuple[Database, Path], name: str, path: Path) -> None:
    db, db_path = store
    before = row_counts(db_path)
    try:
        IMPORTERS[name](db, path)
    except UserFacingError as refused:
        assert refused.message.strip(), f"{name}: a refusal without a message"
        assert row_counts(db_path) == before, f"{name}: refused but wrote rows"


def check_side_files(path: Path) -> None:
    """The pure readers: grant rule files and the 共同調達 merge."""
    try:
        read_rule_file(path.with_suffix(".json") if path.suffix != ".json" else path)
    except UserFacingError as refused:
        assert refused.message.strip()
    result = merge_files([path])
    assert isinstance(result, MergeResult)
    for problem in result.problems:
        assert problem.message.strip()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- random bytes ------------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".json"]))
def test_random_bytes(store: tuple[Database, Path], tmp_path: Path, data: bytes, suffix: str) -> None:
    path = write(tmp_path, "random" + suffix, data)
    for name in IMPORTERS:
        attempt(store, name, path)
    path.with_suffix(".json").write_bytes(data)
    check_side_files(path)


# --- CSV with a real header and ugly rows ------------------------------------------------------

cell = st.text(
    alphabet=st.characters(codec=None, exclude_categories=["Cs"])
    | st.sampled_from(["\x00", '"', ",", "\r", "\n", "\ufeff"]),
    max_size=12,
)
surrogates = st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=3)


def _encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")


@FUZZ
@given(
    kind=st.sampled_from(list(HEADERS)),
    rows=st.lists(st.lists(cell | surrogates, max_size=14), max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932", "utf-16"]),
    body_encoding=st.sampled_from([None, "utf-8", "cp932", "latin-1"]),
)
def test_ugly_csv_rows(
    store: tuple[Database, Path],
    tmp_path: Path,
    kind: str,
    rows: list[list[str]],
    encoding: str,
    body_encoding: str | None,
) -> None:
    head = _encoded(HEADERS[kind] + "\r\n", encoding)
    body = "".join(",".join(r) + "\r\n" for r in rows)
    data = head + _encoded(body, body_encoding or encoding)  # mixed encodings when they differ
    path = write(tmp_path, f"{kind}.csv", data)
    for name in IMPORTERS:
        attempt(store, name, path)
    check_side_files(path)


xlsx_cell = (
    st.none()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=False)
    | st.booleans()
    | st.dates()
    | st.datetimes()
    | st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), max_size=12)
)


@settings(FUZZ, max_examples=50)
@given(
    kind=st.sampled_from(list(HEADERS)),
    title=st.sampled_from(["名簿", "Sheet1", "回答", "研修カタログ", "利用者一覧"]),
    rows=st.lists(st.lists(xlsx_cell, max_size=14), max_size=6),
)
def test_ugly_xlsx_cells(
    store: tuple[Database, Path], tmp_path: Path, kind: str, title: str, rows: list[list[Any]]
) -> None:
    path = write(tmp_path, f"{kind}.xlsx", _xlsx({title: [HEADERS[kind].split(","), *rows]}))
    for name in IMPORTERS:
        attempt(store, name, path)
    check_side_files(path)


# --- a corpus of structured ugliness -----------------------------------------------------------


def _xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _corpus() -> dict[str, tuple[str, bytes]]:
    roster = HEADERS["roster"]
    good_line = "0001,山田 太郎,ヤマダ タロウ,企画課,主事,a@example.lg.jp,S60.4.1,みらい市"
    xlsx = _xlsx({"Sheet1": [roster.split(","), good_line.split(",")]})
    corpus: dict[str, tuple[str, bytes]] = {
        "empty": (".csv", b""),
        "cr-then-nul": (".csv", b"\r\x00"),  # once crashed the delimiter sniffing with csv.Error
        "stray-cr-in-header": (".csv", ("職員番号\r氏名,\x00\r\n").encode()),
        "only-bom": (".csv", b"\xef\xbb\xbf"),
        "nul-bytes": (
            ".csv",
            (roster + "\r\n" + good_line.replace("山田", "山\x00田") + "\r\n").encode("cp932"),
        ),
        "lone-surrogate": (
            ".csv",
            (roster + "\r\n" + good_line.replace("太郎", "\ud800")).encode("utf-8", "surrogatepass"),
        ),
        "bom-in-the-middle": (".csv", (roster + "\r\n\ufeff" + good_line + "\r\n").encode("utf-8")),
        "mixed-encodings": (".csv", roster.encode("cp932") + b"\r\n" + good_line.encode("utf-8") + b"\r\n"),
        "quote-never-closed": (
            ".csv",
            (roster + '\r\n0001,"山田 太郎,ヤマダ\r\n0002,b,c\r\n').encode("utf-8"),
        ),
        "ten-thousand-columns": (
            ".csv",
            (roster + "\r\n" + ",".join(["x"] * 10_000) + "\r\n").encode("utf-8"),
        ),
        "ten-thousand-headers": (
            ".csv",
            (",".join(f"列{n}" for n in range(10_000)) + "\r\n1\r\n").encode("utf-8"),
        ),
        "huge-cell": (".csv", (roster + "\r\n0001," + "長" * 200_000 + ",ヤマダ\r\n").encode("utf-8")),
        "header-only": (".csv", (roster + "\r\n").encode("cp932")),
        "utf16-no-bom": (".csv", (roster + "\r\n" + good_line).encode("utf-16-le")),
        "cr-only-lines": (".csv", (roster + "\r" + good_line + "\r").encode("cp932")),
        "truncated-zip": (".xlsx", xlsx[: len(xlsx) // 2]),
        "zip-not-xlsx": (".xlsx", _zip({"hello.txt": b"hi"})),
        "xlsx-wrong-sheet": (".xlsx", _xlsx({"別のシート": [["a", "b"], [1, 2]]})),
        "xlsx-empty-sheet": (".xlsx", _xlsx({"名簿": []})),
        "xlsx-formulas-and-errors": (
            ".xlsx",
            _xlsx({"名簿": [roster.split(","), ["=1/0", "=A1", None, 3.5, True]]}),
        ),
        "csv-named-xlsx": (".xlsx", (roster + "\r\n" + good_line).encode("cp932")),
        "xlsx-named-csv": (".csv", xlsx),
        "pdf": (".csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"),
    }
    return corpus


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CORPUS = _corpus()


@pytest.mark.parametrize("case", list(CORPUS))
def test_corpus_of_ugly_files(store: tuple[Database, Path], tmp_path: Path, case: str) -> None:
    suffix, data = CORPUS[case]
    path = write(tmp_path, "ugly" + suffix, data)
    for name in IMPORTERS:
        attempt(store, name, path)
    check_side_files(path)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "[]",
        "null",
        '{"id": 1}',
        '{"id": "x", "applies_from": "not a date"}',
        '{"id": "x", "rates": {"a": NaN}}',
        "\ud800",
        "[" * 100_000,
    ],
    ids=range(9),
)
def test_grant_rule_files_that_are_not_rule_files(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "rules.json", text.encode("utf-8", "surrogatepass"))
    with pytest.raises(UserFacingError) as refused:
        read_rule_file(path)
    assert "rules.json" in refused.value.message


def test_deeply_nested_json_is_refused_by_every_json_reader(
    store: tuple[Database, Path], tmp_path: Path
) -> None:
    from desktop.exchange.framework_file import FrameworkFileError, read_framework_file

    path = write(tmp_path, "nested.json", b"[" * 100_000)
    attempt(store, "catalog", path)
    with pytest.raises(UserFacingError, match="入れ子が深すぎ"):
        read_rule_file(path)
    with pytest.raises(FrameworkFileError, match="入れ子が深すぎ"):
        read_framework_file(path)
