"""Headless diagnosis work: ``diagnosis template|import|print|answer-sheets`` and ``framework``.

For batch work across hundreds of learners. Exit codes as in cli_exchange:
0 with a summary, 2 with ``FILE:ROW: item: reason`` lines and nothing written.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from desktop.cli_exchange import print_rejected
from desktop.domain.diagnosis import DiagnosisKind
from desktop.store.database import Database
from desktop.store.errors import UserFacingError
from desktop.store.import_common import ImportRejected

EXIT_OK = 0


def _kind(text: str) -> DiagnosisKind:
    try:
        return DiagnosisKind.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diagnosis = commands.add_parser("diagnosis", help="スキル診断").add_subparsers(
        dest="action", required=True
    )
    template = diagnosis.add_parser("template", help="一括回答用の Excel（1行1名、1列1設問）を書き出す")
    template.add_argument("--out", type=Path, required=True)
    template.add_argument("--department", help="所属（部／課 または課名）。省略時は全員")
    template.add_argument("--org", help="団体名")
    template.add_argument("--kind", type=_kind, default=DiagnosisKind.PRE, help="事前（既定）・事後・定期")
    imported = diagnosis.add_parser("import", help="一括回答の Excel/CSV を取り込む（全件か、何もしないか）")
    imported.add_argument("file", type=Path)
    imported.add_argument("--kind", type=_kind, default=DiagnosisKind.PRE, help="種類の列がない行の種類")
    imported.add_argument("--dry-run", action="store_true", help="確認だけして何も書き込まない")
    printed = diagnosis.add_parser("print", help="診断結果票（PDF）を印刷用に書き出す")
    _who(printed)
    printed.add_argument("--kind", type=_kind, help="種類（省略時は最新の完了した診断）")
    printed.add_argument("--out", type=Path, required=True)
    sheets = diagnosis.add_parser("answer-sheets", help="紙で回答する人のための回答用紙（PDF）")
    _who(sheets, allow_blank=True)
    sheets.add_argument("--kind", type=_kind, default=DiagnosisKind.PRE)
    sheets.add_argument("--out", type=Path, required=True)

    framework = commands.add_parser("framework", help="診断フレームワーク").add_subparsers(
        dest="action", required=True
    )
    framework.add_parser("list", help="登録済みのフレームワークと版を表示する")
    framework_import = framework.add_parser("import", help="JSON/Excel のフレームワークを登録する")
    framework_import.add_argument("file", type=Path)
    framework_export = framework.add_parser("export", help="フレームワークを JSON/Excel に書き出す")
    framework_export.add_argument("file", type=Path)
    framework_export.add_argument("--code", help="フレームワークのコード（省略時は使用中のもの）")
    framework_use = framework.add_parser("use", help="これから始める診断に使うフレームワークを選ぶ")
    framework_use.add_argument("code", help="フレームワークのコード")


def _who(parser: argparse.ArgumentParser, *, allow_blank: bool = False) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--learner", help="受講者番号")
    group.add_argument("--department", help="所属（部／課 または課名）")
    if allow_blank:
        group.add_argument("--blank", action="store_true", help="氏名欄が空の用紙を1枚")


def run(args: argparse.Namespace, db: Database) -> int:
    handlers = {
        ("diagnosis", "template"): _template,
        ("diagnosis", "import"): _import_answers,
        ("diagnosis", "print"): _print_results,
        ("diagnosis", "answer-sheets"): _answer_sheets,
        ("framework", "list"): _framework_list,
        ("framework", "import"): _framework_import,
        ("framework", "export"): _framework_export,
        ("framework", "use"): _framework_use,
    }
    from desktop.reports.pdf_common import PdfError

    try:
        return handlers[(args.command, args.action)](args, db)
    except ImportRejected as rejected:
        return print_rejected(rejected)
    except PdfError as exc:
        raise NotFound(str(exc)) from exc


class NotFound(UserFacingError):
    pass


def _organization_id(db: Database, name: str | None) -> int | None:
    from desktop.store.roster_service import RosterService

    if not name:
        return None
    for organization in RosterService(db).organizations():
        if organization.name == name:
            return organization.id
    raise NotFound(f"団体「{name}」は登録されていません。")


def _department_id(db: Database, name: str, organization_id: int | None) -> int:
    from desktop.store.roster_service import RosterService

    wanted = "".join(name.split())
    matches = [
        d
        for d in RosterService(db).departments()
        if (organization_id is None or d.organization_id == organization_id)
        and wanted in ("".join(d.path.split()), "".join(d.name.split()))
    ]
    if not matches:
        raise NotFound(f"所属「{name}」は登録されていません。")
    if len(matches) > 1:
        paths = "、".join(d.path for d in matches)
        raise NotFound(f"所属「{name}」が複数あります（{paths}）。部／課の形か --org で指定してください。")
    return matches[0].id


def learner_ids_for(db: Database, args: argparse.Namespace) -> list[int]:
    from desktop.store.diagnosis_service import DiagnosisService
    from desktop.store.roster_service import RosterService

    organization_id = _organization_id(db, getattr(args, "org", None))
    if getattr(args, "learner", None):
        found = [
            row.id
            for row in RosterService(db).roster_rows()
            if row.number == args.learner
            and (organization_id is None or row.organization_id == organization_id)
        ]
        if not found:
            raise NotFound(f"受講者番号「{args.learner}」は名簿にありません。")
        if len(found) > 1:
            raise NotFound(
                f"受講者番号「{args.learner}」が複数の団体にあります。--org で団体を指定してください。"
            )
        return found
    department_id = _department_id(db, args.department, organization_id) if args.department else None
    return DiagnosisService(db).learners_in(department_id, organization_id)


def _template(args: argparse.Namespace, db: Database) -> int:
    from desktop.domain.audit import AuditAction
    from desktop.exchange.diagnosis_file import TemplateLearner, write_answer_template
    from desktop.store.audit_log import recorded_output
    from desktop.store.diagnosis_service import DiagnosisService

    service = DiagnosisService(db)
    _framework_id, framework = service.frameworks.current()
    from desktop.store.diagnosis_service import learner_refs

    refs = learner_refs(db, learner_ids_for(db, args))
    learners = [TemplateLearner(r.organization, r.number, r.name, r.department) for r in refs.values()]
    with recorded_output(
        db, AuditAction.EXPORT, "スキル診断の一括回答シート", people=len(learners), target=str(args.out)
    ):
        write_answer_template(args.out, framework, learners, args.kind)
    print(
        f"{args.out.name}: {len(learners)}名分の一括回答用シートを書き出しました"
        f"（{framework.name} 第{framework.version}版、{len(framework.items)}問、{args.kind.label}）。"
    )
    return EXIT_OK


def _import_answers(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.diagnosis_import import DiagnosisImporter

    result = DiagnosisImporter(db).run(args.file, default_kind=args.kind, dry_run=args.dry_run)
    print(("（確認のみ・書き込みなし）" if args.dry_run else "") + result.summary())
    return EXIT_OK


def _print_results(args: argparse.Namespace, db: Database) -> int:
    from desktop.diagnosis_printing import latest_completed, result_sheets
    from desktop.domain.audit import AuditAction
    from desktop.reports.diagnosis_sheet import write_result_sheets
    from desktop.store.audit_log import recorded_output

    diagnosis_ids = latest_completed(db, learner_ids_for(db, args), args.kind)
    if not diagnosis_ids:
        raise NotFound("印刷できる完了した診断がありません。")
    with recorded_output(
        db, AuditAction.PRINT, "診断結果票", people=len(diagnosis_ids), target=str(args.out)
    ):
        write_result_sheets(args.out, result_sheets(db, diagnosis_ids), date.today())
    print(f"{args.out.name}: {len(diagnosis_ids)}名分の診断結果票を書き出しました。")
    return EXIT_OK


def _answer_sheets(args: argparse.Namespace, db: Database) -> int:
    from desktop.reports.answer_sheet import AnswerSheetLearner, write_answer_sheets
    from desktop.store.diagnosis_service import DiagnosisService, learner_refs

    _framework_id, framework = DiagnosisService(db).frameworks.current()
    learners = (
        []
        if args.blank
        else [
            AnswerSheetLearner(r.number, r.name, r.organization, r.department)
            for r in learner_refs(db, learner_ids_for(db, args)).values()
        ]
    )
    if learners:
        from desktop.domain.audit import AuditAction
        from desktop.store.audit_log import recorded_output

        with recorded_output(
            db, AuditAction.PRINT, "スキル診断の回答用紙", people=len(learners), target=str(args.out)
        ):
            write_answer_sheets(args.out, framework, learners, args.kind.label, date.today())
    else:
        write_answer_sheets(args.out, framework, learners, args.kind.label, date.today())
    print(
        f"{args.out.name}: {max(1, len(learners))}名分の回答用紙を書き出しました（{framework.name} 第{framework.version}版）。"
    )
    return EXIT_OK


def _framework_list(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.framework_service import FrameworkService

    service = FrameworkService(db)
    service.current()  # the bundled framework is stored on first use
    for info in service.frameworks():
        latest = "（使用中）" if info.in_use else "（最新）" if info.latest else ""
        print(
            f"{info.code}\t第{info.framework_version}版{latest}\t{info.name}\t診断 {info.diagnosis_count}件"
        )
    return EXIT_OK


def _framework_import(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.framework_service import FrameworkService

    service = FrameworkService(db)
    service.current()
    saved = service.import_file(args.file)
    print(f"{args.file.name}: {saved.message}")
    return EXIT_OK


def _framework_export(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.framework_service import FrameworkService

    service = FrameworkService(db)
    framework_id, framework = service.current(args.code)
    service.export_file(framework_id, args.file)
    print(f"{args.file.name}: {framework.name} 第{framework.version}版を書き出しました。")
    return EXIT_OK


def _framework_use(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.framework_service import FrameworkService

    service = FrameworkService(db)
    service.current()
    service.use(args.code)
    _id, framework = service.current()
    print(f"これから始める診断は {framework.name} 第{framework.version}版で行います。")
    return EXIT_OK
