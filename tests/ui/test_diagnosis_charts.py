"""The diagnosis heatmap and effect tables, their colour key, and the radar chart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.framework import Framework, framework_from_data
from desktop.resources import resource_path
from desktop.store.diagnosis_service import LearnerRef
from desktop.store.diagnosis_views import Effect, EffectGroup, EffectRow, GroupMean, Heatmap, HeatRow
from desktop.ui.fonts import register_fonts
from desktop.ui.heatmap_model import (
    CHANGE_LEGEND,
    IMPROVED_COLOR,
    LEVEL_LEGEND,
    NONE_COLOR,
    SAME_COLOR,
    WORSE_COLOR,
    EffectModel,
    HeatmapModel,
    format_change,
    level_color,
    level_legend,
)
from desktop.ui.level_legend import LevelLegend
from desktop.ui.radar_chart import (
    BEFORE_COLOR,
    CURRENT_COLOR,
    TARGET_COLOR,
    RadarChart,
    RadarSeries,
    label_options,
    wrap_label,
)
from tests.domain.framework_data import small_framework

Display = Qt.ItemDataRole.DisplayRole
Background = Qt.ItemDataRole.BackgroundRole
ToolTip = Qt.ItemDataRole.ToolTipRole
FontRole = Qt.ItemDataRole.FontRole

# The small framework's categories, in column order after the text columns.
DATA, SEC, BPR = "data", "sec", "bpr"


@pytest.fixture(scope="module", autouse=True)
def app_font(qapp: QApplication) -> Iterator[None]:
    """The bundled Japanese font, as the app sets it: label widths depend on real glyphs."""
    before = QFont(qapp.font())
    register_fonts(qapp)
    yield
    qapp.setFont(before)


def learner(number: str, name: str, department: str) -> LearnerRef:
    return LearnerRef(int(number[1:]), number, name, "みどり市", department, "")


@pytest.fixture
def framework() -> Framework:
    return small_framework()


@pytest.fixture
def heatmap(framework: Framework) -> Heatmap:
    general, leader = framework.roles
    rows = [
        HeatRow(
            learner("A0001", "青木 一郎", "総務課"),
            1,
            date(2025, 6, 1),
            DiagnosisKind.PRE,
            general.name,
            {DATA: 2.0, SEC: 2.0, BPR: None},
            dict(general.targets),  # data 2, sec 3, bpr 2
        ),
        HeatRow(
            learner("A0002", "井上 花子", "市民課"),
            2,
            date(2025, 6, 2),
            DiagnosisKind.PRE,
            leader.name,
            {DATA: 3.6, SEC: 1.4, BPR: 4.0},
            dict(leader.targets),  # data 3, sec 3, bpr 4
        ),
    ]
    return Heatmap(
        framework,
        rows,
        [GroupMean("市民課", 1, rows[1].levels), GroupMean("総務課", 1, rows[0].levels)],
        [GroupMean(general.name, 1, rows[0].levels), GroupMean(leader.name, 1, rows[1].levels)],
        GroupMean("全体", 2, {DATA: 2.8, SEC: 1.7, BPR: 4.0}),
    )


@pytest.fixture
def effect(framework: Framework) -> Effect:
    rows = [
        EffectRow(
            learner("A0001", "青木 一郎", "総務課"),
            "一般職員",
            date(2025, 4, 10),
            date(2025, 10, 1),
            {DATA: 2.0, SEC: 3.0, BPR: None},
            {DATA: 3.0, SEC: 2.5, BPR: 2.0},
        ),
        EffectRow(
            learner("A0002", "井上 花子", "市民課"),
            "一般職員",
            date(2025, 4, 11),
            date(2025, 9, 30),
            {DATA: 1.5, SEC: 2.0, BPR: 2.0},
            {DATA: 1.5, SEC: 2.5, BPR: 3.0},
        ),
    ]
    return Effect(
        framework,
        rows,
        [
            EffectGroup("市民課", 1, rows[1].before, rows[1].after),
            EffectGroup("総務課", 1, rows[0].before, rows[0].after),
        ],
        EffectGroup("全体", 2, {DATA: 1.8, SEC: 2.5, BPR: 2.0}, {DATA: 2.3, SEC: 2.5, BPR: 2.5}),
    )


def cell(model: HeatmapModel | EffectModel, row: int, column: int, role: int = Display) -> object:
    return model.data(model.index(row, column), role)


def color_of(value: object) -> str:
    assert isinstance(value, QBrush)
    return value.color().name()


def headers(model: HeatmapModel | EffectModel) -> list[str]:
    return [
        model.headerData(c, Qt.Orientation.Horizontal, Display)
        for c in range(model.columnCount(QModelIndex()))
    ]


# --- the colour scale ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "band"),
    [
        *[(1.0, 0), (1.4, 0), (1.5, 1), (2.0, 1), (2.2, 1), (2.3, 2), (2.5, 2)],
        *[(2.7, 2), (2.8, 3), (3.0, 3), (3.4, 3), (3.5, 4), (4.0, 4)],
    ],
)
def test_level_colour_bands_on_a_one_to_four_scale(level: float, band: int) -> None:
    assert level_color(level).name() == LEVEL_LEGEND[band][1].name()


def test_unanswered_is_grey_and_the_legend_names_every_band() -> None:
    assert level_color(None).name() == NONE_COLOR.name()
    assert [text for text, _ in LEVEL_LEGEND] == [
        "1.0–1.4",
        "1.5–2.2",
        "2.3–2.7",
        "2.8–3.4",
        "3.5以上",
        "未回答",
    ]
    assert len({color.name() for _, color in LEVEL_LEGEND}) == len(LEVEL_LEGEND)


def test_a_five_level_scale_spreads_the_same_bands_over_its_range() -> None:
    legend = level_legend(1, 5)
    assert legend[0][0].startswith("1.0–") and legend[-2][0].endswith("以上")
    assert level_color(1.0, 1, 5).name() == legend[0][1].name()
    assert level_color(5.0, 1, 5).name() == legend[4][1].name()
    assert level_color(3.0, 1, 5).name() == legend[2][1].name()


def test_change_text_shows_the_sign_so_colour_is_not_needed() -> None:
    assert format_change(2.0, 3.0, 1.0) == "2.0→3.0（+1.0）"
    assert format_change(3.0, 2.5, -0.5) == "3.0→2.5（−0.5）"
    assert format_change(2.0, 2.0, 0.0) == "2.0→2.0（±0.0）"
    assert format_change(None, 2.0, None) == "—→2.0"
    assert format_change(None, None, None) == "—"


# --- the heatmap ---------------------------------------------------------------------------


def test_heatmap_by_learner(qtmodeltester: ModelTester, heatmap: Heatmap) -> None:
    model = HeatmapModel()
    model.set_heatmap(heatmap, "learners")
    qtmodeltester.check(model, force_py=True)

    assert headers(model) == ["受講者番号", "氏名", "所属", "育成区分", "データ", "セキュリティ", "業務改善"]
    assert model.headerData(4, Qt.Orientation.Horizontal, ToolTip) == "リテラシー：データ"
    assert model.headerData(6, Qt.Orientation.Horizontal, ToolTip) == "自治体業務：業務改善"
    assert model.rowCount(QModelIndex()) == 2
    assert [cell(model, 0, c) for c in range(7)] == [
        "A0001",
        "青木 一郎",
        "総務課",
        "一般職員",
        "2.0",
        "2.0",
        "—",
    ]
    assert color_of(cell(model, 0, 4, Background)) == level_color(2.0).name()
    assert color_of(cell(model, 0, 6, Background)) == NONE_COLOR.name()
    assert color_of(cell(model, 1, 4, Background)) == LEVEL_LEGEND[4][1].name()  # 3.6
    assert color_of(cell(model, 1, 5, Background)) == LEVEL_LEGEND[0][1].name()  # 1.4


def test_heatmap_learner_cells_tell_the_gap_to_the_target(heatmap: Heatmap) -> None:
    model = HeatmapModel()
    model.set_heatmap(heatmap, "learners")
    assert cell(model, 0, 4, ToolTip) == "目標 2・到達"
    assert cell(model, 0, 5, ToolTip) == "目標 3・差 1.0"
    assert cell(model, 0, 6, ToolTip) == "目標 2・未回答"
    assert cell(model, 1, 5, ToolTip) == "目標 3・差 1.6"


def test_heatmap_cells_below_target_are_bold_not_only_coloured(heatmap: Heatmap) -> None:
    model = HeatmapModel()
    model.set_heatmap(heatmap, "learners")

    def bold(row: int, column: int) -> bool:
        font = cell(model, row, column, FontRole)
        return isinstance(font, QFont) and font.bold()

    assert not bold(0, 4)  # 2.0 against 2: reached
    assert bold(0, 5)  # 2.0 against 3
    assert not bold(0, 6)  # unanswered: no gap to show
    assert [bold(1, c) for c in (4, 5, 6)] == [False, True, False]
    assert cell(model, 0, 5, Qt.ItemDataRole.ForegroundRole) is not None
    assert cell(model, 0, 4, Qt.ItemDataRole.ForegroundRole) is None


def test_heatmap_by_department_ends_with_the_whole(qtmodeltester: ModelTester, heatmap: Heatmap) -> None:
    model = HeatmapModel()
    model.set_heatmap(heatmap, "departments")
    qtmodeltester.check(model, force_py=True)

    assert headers(model) == ["所属", "人数", "データ", "セキュリティ", "業務改善"]
    assert [cell(model, r, 0) for r in range(3)] == ["市民課", "総務課", "全体"]
    assert [cell(model, 2, c) for c in range(5)] == ["全体", "2", "2.8", "1.7", "4.0"]
    total_font = cell(model, 2, 2, FontRole)
    assert isinstance(total_font, QFont) and total_font.bold()
    assert cell(model, 0, 2, FontRole) is None  # no targets for a group: nothing is bold
    assert color_of(cell(model, 2, 3, Background)) == level_color(1.7).name()


def test_heatmap_by_role(qtmodeltester: ModelTester, heatmap: Heatmap) -> None:
    model = HeatmapModel()
    model.set_heatmap(heatmap, "roles")
    qtmodeltester.check(model, force_py=True)
    assert headers(model)[:2] == ["育成区分", "人数"]
    assert [cell(model, r, 0) for r in range(3)] == ["一般職員", "DX推進リーダー", "全体"]


def test_heatmap_switching_modes_and_unknown_modes(heatmap: Heatmap) -> None:
    model = HeatmapModel()
    model.set_heatmap(heatmap, "departments")
    model.set_heatmap(heatmap, "learners")
    assert model.columnCount(QModelIndex()) == 7 and model.rowCount(QModelIndex()) == 2
    with pytest.raises(ValueError):
        model.set_heatmap(heatmap, "everyone")


def test_an_empty_heatmap_has_no_category_columns(qtmodeltester: ModelTester) -> None:
    model = HeatmapModel()
    model.set_heatmap(Heatmap(None, [], [], [], GroupMean("全体", 0, {})), "departments")
    qtmodeltester.check(model, force_py=True)
    assert headers(model) == ["所属", "人数"]
    assert [cell(model, 0, c) for c in range(2)] == ["全体", "0"]


# --- the effect view -----------------------------------------------------------------------


def test_effect_by_learner(qtmodeltester: ModelTester, effect: Effect) -> None:
    model = EffectModel()
    model.set_effect(effect, "learners")
    qtmodeltester.check(model, force_py=True)

    assert headers(model) == [
        "受講者番号",
        "氏名",
        "所属",
        "事前日",
        "事後日",
        "データ",
        "セキュリティ",
        "業務改善",
    ]
    assert [cell(model, 0, c) for c in range(8)] == [
        "A0001",
        "青木 一郎",
        "総務課",
        "2025/04/10",
        "2025/10/01",
        "2.0→3.0（+1.0）",
        "3.0→2.5（−0.5）",
        "—→2.0",
    ]
    assert color_of(cell(model, 0, 5, Background)) == IMPROVED_COLOR.name()
    assert color_of(cell(model, 0, 6, Background)) == WORSE_COLOR.name()
    assert color_of(cell(model, 0, 7, Background)) == NONE_COLOR.name()
    assert cell(model, 1, 5) == "1.5→1.5（±0.0）"
    assert color_of(cell(model, 1, 5, Background)) == SAME_COLOR.name()
    assert cell(model, 0, 6, ToolTip) == "事前 3.0 → 事後 2.5"


def test_effect_by_department_ends_with_the_whole(qtmodeltester: ModelTester, effect: Effect) -> None:
    model = EffectModel()
    model.set_effect(effect, "departments")
    qtmodeltester.check(model, force_py=True)

    assert headers(model) == ["所属", "人数", "データ", "セキュリティ", "業務改善"]
    assert [cell(model, r, 0) for r in range(3)] == ["市民課", "総務課", "全体"]
    assert [cell(model, 2, c) for c in range(5)] == [
        "全体",
        "2",
        "1.8→2.3（+0.5）",
        "2.5→2.5（±0.0）",
        "2.0→2.5（+0.5）",
    ]
    with pytest.raises(ValueError):
        model.set_effect(effect, "roles")


def test_change_legend_matches_the_cell_colours() -> None:
    assert [text for text, _ in CHANGE_LEGEND] == ["向上", "変化なし", "低下", "比較できない"]
    assert [color.name() for _, color in CHANGE_LEGEND] == [
        IMPROVED_COLOR.name(),
        SAME_COLOR.name(),
        WORSE_COLOR.name(),
        NONE_COLOR.name(),
    ]


def test_level_legend_shows_every_band(qtbot: QtBot) -> None:
    legend = LevelLegend()
    qtbot.addWidget(legend)
    texts = [label.text() for label in legend.findChildren(QLabel)]
    assert texts[0] == "レベル："
    assert texts[1:] == [text for text, _ in LEVEL_LEGEND]
    legend.set_entries(CHANGE_LEGEND)
    assert [label.text() for label in legend.findChildren(QLabel)][1:] == [t for t, _ in CHANGE_LEGEND]


# --- the radar chart -----------------------------------------------------------------------


def municipal_names() -> list[str]:
    data = json.loads(resource_path("frameworks", "municipal_dx.json").read_text(encoding="utf-8"))
    return [c.name for c in framework_from_data(data, "municipal_dx.json").categories]


def radar(qtbot: QtBot, names: list[str], *, filled: bool = True) -> RadarChart:
    count = len(names)
    chart = RadarChart()
    qtbot.addWidget(chart)
    current: list[float | None] = [4.0] * count
    current[1] = None
    chart.set_data(
        names,
        [
            RadarSeries("事前", [1.0 + (i % 3) for i in range(count)], BEFORE_COLOR),
            RadarSeries("目標（一般職員）", [2.0] * count, TARGET_COLOR, dashed=True),
            RadarSeries("現在", current, CURRENT_COLOR, filled=filled),
        ],
        1,
        4,
    )
    return chart


def render(chart: RadarChart, width: int, height: int) -> QImage:
    chart.resize(width, height)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    chart.render(image)
    return image


@pytest.mark.parametrize(("width", "height"), [(360, 320), (820, 640)])
def test_radar_labels_stay_inside_the_widget_and_apart(qtbot: QtBot, width: int, height: int) -> None:
    chart = radar(qtbot, municipal_names())
    image = render(chart, width, height)
    assert not image.isNull()
    rects = chart.label_rects()
    assert len(rects) == 11
    whole = QRectF(QRect(0, 0, width, height))
    for rect in rects:
        assert whole.contains(rect), rect
    for i, first in enumerate(rects):
        for second in rects[i + 1 :]:
            assert not first.intersects(second), (first, second)
    center, radius = chart.plot_geometry()
    assert radius > 60
    for rect in rects:  # no label sits on the rings
        assert not rect.contains(center)


def test_radar_scales_with_the_widget(qtbot: QtBot) -> None:
    chart = radar(qtbot, municipal_names())
    render(chart, 360, 320)
    small = chart.plot_geometry()[1]
    render(chart, 820, 640)
    assert chart.plot_geometry()[1] > 2 * small
    assert chart.minimumSizeHint().width() >= 360 and chart.minimumSizeHint().height() >= 320


def test_radar_big_enough_shows_every_name_whole(qtbot: QtBot) -> None:
    names = municipal_names()
    chart = radar(qtbot, names)
    render(chart, 900, 700)
    for name, label in zip(names, chart.axis_labels(), strict=True):
        assert not label.elided
        assert "".join(label.lines) == name


def test_radar_fills_the_current_series(qtbot: QtBot) -> None:
    names = ["データ", "セキュリティ", "業務改善", "調達", "生成AI"]
    for filled in (True, False):
        chart = radar(qtbot, names, filled=filled)
        image = render(chart, 480, 400)
        # Between rings 2 and 3, between the spokes of axes 2 and 3 (both at 4.0): inside the
        # current polygon, on no grid line and under no label.
        a, b = chart.point_for(2, 2.5), chart.point_for(3, 2.5)
        probe = QPointF((a.x() + b.x()) / 2, (a.y() + b.y()) / 2).toPoint()
        pixel = image.pixelColor(probe)
        tinted = pixel.blue() - pixel.red() > 30
        assert tinted is filled, (filled, pixel.name())


def test_radar_draws_unanswered_values_hollow_at_the_minimum(qtbot: QtBot) -> None:
    chart = radar(qtbot, ["データ", "セキュリティ", "業務改善", "調達", "生成AI"])
    image = render(chart, 480, 400)
    center, radius = chart.plot_geometry()
    point = chart.point_for(1, None)
    assert chart.point_for(1, 1.0) == point
    distance = ((point.x() - center.x()) ** 2 + (point.y() - center.y()) ** 2) ** 0.5
    assert distance == pytest.approx(radius / 4, abs=0.5)
    # The centre of a hollow point is the background colour, not the series colour.
    assert image.pixelColor(point.toPoint()).lightness() > 230
    filled_point = chart.point_for(0, 4.0).toPoint()
    assert image.pixelColor(filled_point).name() == CURRENT_COLOR.name()


def test_radar_hover_names_the_whole_category(qtbot: QtBot) -> None:
    names = municipal_names()
    chart = radar(qtbot, names)
    render(chart, 360, 320)
    label = chart.axis_labels()[5]
    text = chart.tooltip_at(label.rect.center())
    assert text is not None and text.splitlines()[0] == names[5]
    assert "現在: 4.0" in text and "目標（一般職員）: 2.0" in text
    assert chart.tooltip_at(chart.plot_geometry()[0]) is None


def test_radar_refuses_series_of_the_wrong_length(qtbot: QtBot) -> None:
    chart = RadarChart()
    qtbot.addWidget(chart)
    with pytest.raises(ValueError):
        chart.set_data(["a", "b", "c"], [RadarSeries("現在", [1.0, 2.0], CURRENT_COLOR)], 1, 4)
    with pytest.raises(ValueError):
        chart.set_data(["a", "b", "c"], [], 4, 4)


def test_an_empty_radar_paints(qtbot: QtBot) -> None:
    chart = RadarChart()
    qtbot.addWidget(chart)
    chart.set_data([], [], 1, 4)
    assert not render(chart, 360, 320).isNull()
    assert chart.label_rects() == []


def test_wrapping_breaks_japanese_names_where_they_read_well(qapp: QApplication) -> None:
    metrics = QFontMetricsF(qapp.font())
    em = metrics.horizontalAdvance("あ")
    wrapped = wrap_label("サービスデザイン・利用者視点", metrics, 10 * em)
    assert wrapped.lines == ["サービスデザイン・", "利用者視点"] and not wrapped.elided
    wrapped = wrap_label("業務改善・BPR", metrics, 6 * em)
    assert wrapped.lines == ["業務改善・", "BPR"]
    wrapped = wrap_label("留意点（セキュリティ・モラル・コンプライアンス）", metrics, 6 * em)
    assert wrapped.elided and len(wrapped.lines) == 2 and wrapped.lines[1].endswith("…")
    assert all(metrics.horizontalAdvance(line) <= 6 * em for line in wrapped.lines)
    assert wrap_label("データ", metrics, 10 * em).lines == ["データ"]
    # Never inside an English word, never with 「・」 starting a line.
    for option in label_options("業務改善・BPR", metrics):
        assert all(not line.startswith("・") for line in option.lines)
        assert "B" not in option.lines[0] or "BPR" in option.lines[0]
