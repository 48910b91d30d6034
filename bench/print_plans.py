"""学習計画書 printing: 1,000 plans to one PDF, ours beside the bare-ReportLab floor, same run.

    .venv/bin/python bench/print_plans.py [--learners 1000] [--runs 2] [--keep DIR] [--profile]

Makes --learners plans (8–12 courses each from the bundled catalogue, a 事前
diagnosis on the bundled framework, a goal, a ラーニングパートナー; fixed seed)
and writes them to one combined PDF twice, each run in a fresh process so its
peak memory is its own:
  - ours:  desktop.reports.plan_sheet.write_plan_sheets (page furniture that counts
           pages per learner, the radar with wrapped labels, the .part write);
  - floor: plain ReportLab — SimpleDocTemplate, platypus Tables and Paragraphs in
           the same embedded font, drawing the same text, tables and chart shapes
           for the same plans, with a footer that numbers the pages of the file.
Each runs --runs times; the fastest counts. Target: ours within 2× the floor.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.domain.dates import fiscal_year_wareki, to_wareki, wareki_year  # noqa: E402
from desktop.domain.diagnosis import score_answers  # noqa: E402
from desktop.domain.framework import framework_from_data  # noqa: E402
from desktop.reports.plan_sheet import (  # noqa: E402
    PlanDiagnosis,
    PlanSheet,
    PlanSheetLine,
    write_plan_sheets,
)

TARGET_RATIO = 2.0
SEED = 2026
MADE_ON = date(2026, 4, 20)
FAMILY = ["髙橋", "佐藤", "鈴木", "田中", "渡邉", "伊藤", "山本", "中村", "小林", "加藤", "吉田", "山﨑"]
GIVEN = ["花子", "太郎", "一郎", "美咲", "健太", "陽菜", "翔", "さくら", "大輔", "由美"]
KANA_FAMILY = ["タカハシ", "サトウ", "スズキ", "タナカ", "ワタナベ", "イトウ", "ヤマモト", "ナカムラ", "コバヤシ",
               "カトウ", "ヨシダ", "ヤマザキ"]  # fmt: skip
KANA_GIVEN = [
    "ハナコ",
    "タロウ",
    "イチロウ",
    "ミサキ",
    "ケンタ",
    "ヒナ",
    "ショウ",
    "サクラ",
    "ダイスケ",
    "ユミ",
]
DEPARTMENTS = [
    "総務部 デジタル推進課",
    "市民部 市民課",
    "福祉部 介護保険課",
    "建設部 道路課",
    "教育委員会 学校教育課",
]
JOBS = ["主事", "主任", "主査", "係長", "課長補佐"]
WHY = {
    "必修": "{role}の育成区分で全員が受講する講座です。",
    "差を埋める": "「{category}」の到達目標との差（あと{gap}）を埋めるため、業務で使う場面を想定した演習のある講座を選びました。",
    "推奨": "所属のラーニングパスで推奨されている講座です。",
    "追加": "所属長と相談のうえ、本人の希望で追加しました。次年度の業務改善プロジェクトに備えます。",
}
GOALS = [
    "窓口業務の申請手続きをオンライン化する検討に、データと利用者の視点から参加できるようになる。",
    "担当業務の集計を表計算とBIツールで自動化し、月次報告の作成時間を半分にする。",
    "生成AIを安全に使う庁内ルールを理解し、文書作成の下書きに活用できるようになる。",
]


# -- the plans -------------------------------------------------------------------------


def make_sheets(count: int) -> list[PlanSheet]:
    """Deterministic plans that look like a department's: 8–12 courses, a diagnosis each."""
    framework = framework_from_data(
        json.loads((ROOT / "resources" / "frameworks" / "municipal_dx.json").read_text(encoding="utf-8")),
        "municipal_dx.json",
    )
    courses = json.loads(
        (ROOT / "resources" / "catalogs" / "default_catalog.json").read_text(encoding="utf-8")
    )["courses"]
    rnd = random.Random(SEED)
    sheets = []
    for n in range(count):
        role = framework.roles[n % len(framework.roles)]
        answers = {item.id: rnd.randint(1, 4) for item in framework.items}
        score = score_answers(framework, role, answers)
        lines = []
        size = rnd.randint(8, 12)
        for k, course in enumerate(rnd.sample(courses, size)):
            reason = rnd.choice(list(WHY))
            category = rnd.choice(score.categories)
            month = 5 + k * 11 // size
            lines.append(
                PlanSheetLine(
                    month=date(2026 + (month > 12), (month - 1) % 12 + 1, 1),
                    course_code=course["code"],
                    course_title=course["title"],
                    method=course["method"],
                    provider=course["provider"],
                    hours=Decimal(str(course["hours"])),
                    reason=reason,
                    why=WHY[reason].format(role=role.name, category=category.name, gap=category.gap or 1.0),
                )
            )
        family, given = rnd.randrange(len(FAMILY)), rnd.randrange(len(GIVEN))
        sheets.append(
            PlanSheet(
                organization="みどり市",
                fiscal_year=2026,
                learner_number=f"M{n + 1:05d}",
                learner_name=f"{FAMILY[family]} {GIVEN[given]}",
                learner_kana=f"{KANA_FAMILY[family]} {KANA_GIVEN[given]}",
                department=rnd.choice(DEPARTMENTS),
                job_title=rnd.choice(JOBS),
                role_name=role.name,
                status_label=rnd.choice(["下書き", "承認済"]),
                revision=rnd.randint(1, 3),
                period_start=date(2026, 5, 1),
                period_end=date(2027, 3, 31),
                hours_budget=Decimal(40),
                goal=rnd.choice(GOALS),
                mentor=f"{rnd.choice(FAMILY)} {rnd.choice(GIVEN)}",
                diagnosis=PlanDiagnosis(date(2026, 4, 14), "事前", framework.name, score, framework.scale),
                lines=tuple(lines),
            )
        )
    return sheets


# -- the floor: the same page in bare ReportLab ------------------------------------------


def floor_write(path: Path, sheets: list[PlanSheet]) -> None:
    """What a developer would write with ReportLab alone: no shared helpers, no per-learner
    page counts, labels on one line, a footer numbering the file's pages."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    fonts = ROOT / "resources" / "fonts"
    pdfmetrics.registerFont(TTFont("F", str(fonts / "BIZUDGothic-Regular.ttf")))
    pdfmetrics.registerFont(TTFont("FB", str(fonts / "BIZUDGothic-Bold.ttf")))
    pdfmetrics.registerFontFamily("F", normal="F", bold="FB", italic="F", boldItalic="FB")

    def ps(name: str, size: float, leading: float, font: str = "F", **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **extra)

    title, sub = ps("t", 20, 24, "FB"), ps("s", 10.5, 14)
    value, name_style, goal_style = ps("v", 9, 11.5), ps("n", 11.5, 14), ps("g", 9.5, 13.5)
    label, heading, category = ps("l", 8, 10), ps("h", 10, 13, "FB"), ps("c", 7.5, 9)
    month, course, method = ps("m", 8.5, 9, alignment=TA_CENTER), ps("co", 8.5, 9.8), ps("me", 8, 9)
    why, box_title = ps("w", 7.5, 9), ps("b", 7.5, 9, alignment=TA_CENTER)
    small = '<font size="6.5" color="#5a5a5a">'
    grid = colors.HexColor("#9a9a9a")
    shade = colors.HexColor("#eef1f5")
    blue, orange = colors.HexColor("#1f5fbf"), colors.HexColor("#d9480f")
    width = A4[0] - 30 * mm

    def base(extra: list[tuple[Any, ...]]) -> TableStyle:
        return TableStyle(
            [("FONTNAME", (0, 0), (-1, -1), "F"), ("GRID", (0, 0), (-1, -1), 0.5, grid), *extra]
        )

    def pad(top: float, bottom: float) -> list[tuple[Any, ...]]:
        return [("TOPPADDING", (0, 0), (-1, -1), top), ("BOTTOMPADDING", (0, 0), (-1, -1), bottom)]

    def radar(plan: PlanDiagnosis) -> Drawing:
        w, h, radius = 236.0, 156.0, 53.0
        cx, cy = w / 2, h / 2
        cats = plan.score.categories
        count = len(cats)
        angles = [math.pi / 2 - 2 * math.pi * i / count for i in range(count)]

        def outline(levels: list[float | None]) -> list[float]:
            points = []
            for i, level in enumerate(levels):
                share = 0.0 if level is None else (min(max(level, 1), 4) - 1) / 3
                points += [
                    cx + radius * share * math.cos(angles[i]),
                    cy + radius * share * math.sin(angles[i]),
                ]
            return points

        drawing = Drawing(w, h, initialFontName="F", initialFontSize=8)
        for level in (2, 3, 4):
            drawing.add(Polygon(outline([level] * count), fillColor=None, strokeColor=grid, strokeWidth=0.4))
        for angle in angles:
            drawing.add(
                Line(cx, cy, cx + radius * math.cos(angle), cy + radius * math.sin(angle), strokeColor=grid)
            )
        target = outline([c.target for c in cats])
        drawing.add(
            PolyLine(target + target[:2], strokeColor=orange, strokeWidth=1.2, strokeDashArray=[3, 2])
        )
        current = outline([c.level for c in cats])
        drawing.add(Polygon(current, fillColor=blue, fillOpacity=0.18, strokeColor=blue, strokeWidth=1.4))
        for i in range(count):
            drawing.add(Circle(current[2 * i], current[2 * i + 1], 1.8, fillColor=blue, strokeColor=None))
        for angle, cat in zip(angles, cats, strict=True):
            x, y = cx + (radius + 7) * math.cos(angle), cy + (radius + 7) * math.sin(angle)
            anchor = "middle" if abs(math.cos(angle)) < 0.2 else ("start" if math.cos(angle) > 0 else "end")
            drawing.add(String(x, y, cat.name, fontName="F", fontSize=6, textAnchor=anchor))
        for level in (1, 2, 3, 4):
            y = cy + radius * (level - 1) / 3
            drawing.add(Rect(cx + 1.5, y - 3, 5, 6.5, fillColor=colors.white, strokeColor=None))
            drawing.add(String(cx + 4, y - 2.3, str(level), fontName="F", fontSize=6.5, textAnchor="middle"))
        return drawing

    def legend() -> Drawing:
        drawing = Drawing(236, 12, initialFontName="F", initialFontSize=8)
        drawing.add(Rect(48, 2, 14, 6, fillColor=blue, fillOpacity=0.18, strokeColor=blue))
        drawing.add(String(66, 2.5, "現在のレベル", fontName="F", fontSize=7))
        drawing.add(Line(128, 5, 142, 5, strokeColor=orange, strokeWidth=1.2, strokeDashArray=[3, 2]))
        drawing.add(String(146, 2.5, "到達目標", fontName="F", fontSize=7))
        return drawing

    def hours(value: Decimal) -> str:
        return format(value.normalize(), "f")

    story: list[Any] = []
    for number, plan in enumerate(sheets):
        if number:
            story.append(PageBreak())
        header = Table(
            [[[Paragraph("学習計画書", title), Paragraph(escape(f"{fiscal_year_wareki(plan.fiscal_year)}　{plan.organization}"), sub)],
              f"{plan.status_label}\n第{plan.revision}版"]],
            [width - 90, 90],
        )  # fmt: skip
        header.setStyle(
            TableStyle([("FONTNAME", (0, 0), (-1, -1), "FB"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
        )
        kana = f"{small}{escape(plan.learner_kana)}</font><br/>" if plan.learner_kana else ""
        period = f"{to_wareki(plan.period_start)}～{to_wareki(plan.period_end)}"
        learner = Table(
            [
                ["受講者番号", Paragraph(escape(plan.learner_number), value), "育成区分", Paragraph(escape(plan.role_name), value)],
                [Paragraph(f"{small}フリガナ</font><br/>氏名", label), Paragraph(kana + escape(plan.learner_name), name_style),
                 "計画期間", Paragraph(period, value)],
                ["所属", Paragraph(escape(plan.department), value), "時間の上限", Paragraph(f"{hours(plan.hours_budget)}時間", value)],
                ["職名", Paragraph(escape(plan.job_title), value), "ラーニングパートナー", Paragraph(escape(plan.mentor), value)],
            ],
            [62, 180, 94, width - 336],
        )  # fmt: skip
        learner.setStyle(
            base([("FONTSIZE", (0, 0), (-1, -1), 8), ("BACKGROUND", (0, 0), (0, -1), shade), *pad(3, 4)])
        )
        goal = Table([["到達目標", Paragraph(escape(plan.goal), goal_style)]], [62, width - 62])
        goal.setStyle(
            base([("FONTSIZE", (0, 0), (-1, -1), 8), ("BACKGROUND", (0, 0), (0, -1), shade), *pad(4, 6)])
        )
        story += [header, Spacer(0, 6), learner, Spacer(0, 6), goal, Spacer(0, 8)]
        if plan.diagnosis is not None:
            diagnosis = plan.diagnosis
            rows: list[list[Any]] = [["分類", "レベル", "目標", "差"]]
            for cat in diagnosis.score.categories:
                gap = "—" if cat.gap is None else ("達成" if cat.gap == 0 else f"{cat.gap:.1f}")
                level = "未回答" if cat.level is None else f"{cat.level:.1f}"
                rows.append([Paragraph(escape(cat.name), category), level, str(cat.target), gap])
            categories = Table(rows, [width - 242 - 108, 36, 36, 36])
            categories.setStyle(
                base([("FONTSIZE", (0, 0), (-1, -1), 7.5), ("LEADING", (0, 0), (-1, -1), 9), *pad(1, 2)])
            )
            about = (
                f"{diagnosis.kind_label}（{to_wareki(diagnosis.diagnosed_on)}）・{diagnosis.framework_name}"
            )
            story += [
                Paragraph(f"スキル診断の結果　<font size='8'>{escape(about)}</font>", heading),
                Table([[[radar(diagnosis), legend()], categories]], [242, width - 242], style=pad(0, 0)),
                Spacer(0, 8),
            ]
        rows = [["月", "講座", "実施方法", "時間", "選定理由"]]
        for line in plan.lines:
            era, year = wareki_year(line.month)
            rows.append(
                [
                    Paragraph(f"{small}{era}{year}年</font><br/>{line.month.month}月", month),
                    Paragraph(
                        f"{small}{escape(line.course_code)}</font><br/>{escape(line.course_title)}", course
                    ),
                    Paragraph(f"{escape(line.method)}<br/>{small}{escape(line.provider)}</font>", method),
                    hours(line.hours),
                    Paragraph(f"<b>{escape(line.reason)}</b>　{escape(line.why)}", why),
                ]
            )
        total = sum((line.hours for line in plan.lines), Decimal(0))
        rows.append(
            [f"合計　{len(plan.lines)}講座", "", "", hours(total), f"上限 {hours(plan.hours_budget)}時間"]
        )
        lines_table = Table(rows, [42, 164, 68, 34, width - 308], repeatRows=1)
        lines_table.setStyle(
            base(
                [
                    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                    ("ALIGN", (3, 1), (3, -1), "RIGHT"),
                    ("SPAN", (0, -1), (2, -1)),
                    *pad(1.5, 3),
                ]
            )
        )
        seals = Table([[Paragraph(t, box_title) for t in plan.approvals], [""] * len(plan.approvals)],
                      [81] * len(plan.approvals), rowHeights=[None, 22 * mm], hAlign="RIGHT")  # fmt: skip
        seals.setStyle(base([]))
        date_line = Table([["承認日　　　　年　　月　　日"]], [130], hAlign="RIGHT")
        date_line.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "F")]))
        story += [lines_table, Spacer(0, 8), date_line, seals]

    footer_left = f"まなび台帳　作成日 {to_wareki(MADE_ON)}"

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("F", 7.5)
        canvas.drawString(15 * mm, 8 * mm, footer_left)
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=13 * mm, bottomMargin=16 * mm,
        initialFontName="F",
    )  # fmt: skip
    doc.build(story, onFirstPage=footer, onLaterPages=footer)


def ours_write(path: Path, sheets: list[PlanSheet]) -> None:
    write_plan_sheets(path, sheets, MADE_ON)


WRITERS: dict[str, Callable[[Path, list[PlanSheet]], None]] = {"ours": ours_write, "floor": floor_write}


# -- measuring ---------------------------------------------------------------------------


def peak_mb() -> float:
    """This process's peak resident memory in MB (VmHWM: ru_maxrss would carry the parent's over)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, learners: int, out: Path, profile: Path | None) -> int:
    """In its own process: make the plans (untimed), then time one write; prints one JSON line."""
    sheets = make_sheets(learners)
    base = peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    if profile is not None:
        import cProfile

        cProfile.runctx("WRITERS[kind](out, sheets)", globals(), locals(), str(profile))
    else:
        WRITERS[kind](out, sheets)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    result = {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), "base_mb": base, "pages": _pages(out)}
    print(json.dumps(result))
    return 0


def _pages(path: Path) -> int | None:
    if shutil.which("pdfinfo") is None:
        return None
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return next((int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:")), None)


def measure(kind: str, learners: int, out: Path, profile: Path | None = None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--learners", str(learners), "--out", str(out)]
    if profile is not None:
        command += ["--profile-to", str(profile)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]), size_mb=out.stat().st_size / 2**20)


def fastest(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest run (noise only ever adds), with the highest peak memory seen."""
    best = min(results, key=lambda r: r["seconds"])
    return {**best, "cpu": min(r["cpu"] for r in results), "peak_mb": max(r["peak_mb"] for r in results)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument(
        "--runs", type=int, default=2, help="runs of each, ours and the floor; the fastest counts"
    )
    parser.add_argument("--keep", type=Path, help="keep both PDFs in this folder")
    parser.add_argument("--profile", action="store_true", help="also profile ours (cProfile; a separate run)")
    parser.add_argument("--child", choices=sorted(WRITERS), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.learners, args.out, args.profile_to)

    print(
        f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} {platform.release()};"
        f" Python {platform.python_version()}; load average {os.getloadavg()[0]:.2f} at start"
    )
    folder = args.keep or Path(tempfile.mkdtemp(prefix="manabi-plan-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    # Taking turns, so that load from elsewhere on the machine falls on both alike.
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "floor": []}
    for _ in range(max(1, args.runs)):
        for kind, results in runs.items():
            results.append(measure(kind, args.learners, folder / f"{kind}.pdf"))
    ours, floor = fastest(runs["ours"]), fastest(runs["floor"])
    ratio = ours["seconds"] / floor["seconds"]
    print(f"\n{args.learners:,} plans (8–12 courses each, with diagnosis) to one PDF")
    print(f"{'':8} {'seconds':>8} {'CPU s':>8} {'plans/s':>8} {'pages':>7} {'file MB':>8} {'peak MB':>8}")
    for name, result in (("ours", ours), ("floor", floor)):
        print(
            f"{name:8} {result['seconds']:8.2f} {result['cpu']:8.2f} {args.learners / result['seconds']:8.0f}"
            f" {result['pages'] or '?':>7} {result['size_mb']:8.1f} {result['peak_mb']:8.0f}"
        )
    verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
    print(
        f"ratio    {ratio:.2f}× wall, {ours['cpu'] / floor['cpu']:.2f}× CPU"
        f"  (target ≤ {TARGET_RATIO:g}× wall: {verdict})"
    )
    print(
        f"\nfastest of {max(1, args.runs)} runs each, taking turns, each in a fresh process; load average"
        f" {os.getloadavg()[0]:.2f} at the end. peak MB is the process's peak resident memory (VmHWM),"
        f" {ours['base_mb']:.0f} MB of it (ours) before writing began."
    )
    if args.profile:
        out = folder / "ours.prof"
        measure("ours", args.learners, folder / "profiled.pdf", out)
        import pstats

        print("\n-- profile: ours (cumulative, top 30; cProfile inflates the seconds) --")
        pstats.Stats(str(out), stream=sys.stdout).sort_stats("cumulative").print_stats(30)
    if not args.keep:
        shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
