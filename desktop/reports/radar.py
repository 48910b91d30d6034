"""The radar chart of a diagnosis (current level against the role's target), shared by the sheets.

The 診断結果票 prints it large with an earlier diagnosis for comparison; the
学習計画書 prints it small beside the plan. Both read the same scale, so the
two papers a learner holds side by side draw the same shape.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

from desktop.domain.diagnosis import CategoryScore
from desktop.domain.framework import ScaleLevel
from desktop.reports.pdf_common import FONT, INK, MUTED, RULE, new_drawing

CURRENT_COLOR = colors.HexColor("#1f5fbf")
TARGET_COLOR = colors.HexColor("#d9480f")
BEFORE_COLOR = colors.HexColor("#6b6b6b")

_NO_LINE_START = frozenset("・、。，．）)」』ー〜~")
_GOOD_BREAK_AFTER = frozenset("・、とのや")


def axis_of(categories: Sequence[CategoryScore], scale: Sequence[ScaleLevel] = ()) -> tuple[int, int]:
    """The chart's axis: the framework's scale, or without one a guess from the levels and targets."""
    if scale:
        return scale[0].level, scale[-1].level
    seen = [c.target for c in categories] + [math.ceil(c.level) for c in categories if c.level is not None]
    return 1, max([4, *seen])


def radar_chart(
    categories: Sequence[CategoryScore],
    scale: Sequence[ScaleLevel] = (),
    before: Sequence[float | None] | None = None,
    *,
    width: float = 336.0,
    height: float = 246.0,
    label_size: float = 7.5,
    label_width: float = 68.0,
) -> Drawing:
    """Current levels (filled) against the targets (dashed), and `before` (dotted) when given.

    `before` holds one earlier level per category, in the same order. Labels
    wrap to two lines of `label_width` points; the chart's radius is what the
    labels leave of `width` × `height`.
    """
    lead = label_size + 1.5
    radius = min(width / 2 - 8 - label_width, height / 2 - 10 - 2 * lead)
    cx, cy = width / 2, height / 2
    bottom, top = axis_of(categories, scale)
    count = len(categories)
    angles = [math.pi / 2 - 2 * math.pi * i / count for i in range(count)]
    cosines = [math.cos(a) for a in angles]
    sines = [math.sin(a) for a in angles]

    def point(index: int, level: float | None) -> tuple[float, float]:
        # Unanswered sits at the centre, and its label says so.
        share = 0.0 if level is None else (min(max(level, bottom), top) - bottom) / (top - bottom)
        return cx + radius * share * cosines[index], cy + radius * share * sines[index]

    def outline(levels: Sequence[float | None]) -> list[float]:
        return [coordinate for i, level in enumerate(levels) for coordinate in point(i, level)]

    drawing = new_drawing(width, height)
    for level in range(bottom + 1, top + 1):
        drawing.add(Polygon(outline([level] * count), fillColor=None, strokeColor=RULE, strokeWidth=0.4))
    for i in range(count):
        x, y = point(i, top)
        drawing.add(Line(cx, cy, x, y, strokeColor=RULE, strokeWidth=0.4))
    drawing.add(_closed(outline([c.target for c in categories]), TARGET_COLOR, dash=(3, 2), width=1.2))
    if before is not None:
        drawing.add(_closed(outline(before), BEFORE_COLOR, dash=(1.2, 1.6), width=1.1))
    current = outline([c.level for c in categories])
    drawing.add(
        Polygon(
            current, fillColor=CURRENT_COLOR, fillOpacity=0.18, strokeColor=CURRENT_COLOR, strokeWidth=1.4
        )
    )
    for i, category in enumerate(categories):
        if category.level is not None:
            x, y = point(i, category.level)
            drawing.add(Circle(x, y, 1.8, fillColor=CURRENT_COLOR, strokeColor=None))

    for i, category in enumerate(categories):
        lines = list(wrap_label(category.name, label_size, label_width))
        if category.level is None:
            lines.append("（未回答）")
        _add_label(drawing, lines, cx, cy, radius + 7, angles[i], lead, label_size)
    # The axis numbers go on top, on a white patch, so that no polygon hides them.
    for level in range(bottom, top + 1):
        _, y = point(0, level)
        drawing.add(Rect(cx + 1.5, y - 3, 5, 6.5, fillColor=colors.white, fillOpacity=0.85, strokeColor=None))
        drawing.add(
            String(
                cx + 4, y - 2.3, str(level), fontName=FONT, fontSize=6.5, fillColor=MUTED, textAnchor="middle"
            )
        )
    return drawing


def _closed(points: list[float], color: colors.Color, *, dash: tuple[float, float], width: float) -> PolyLine:
    return PolyLine(points + points[:2], strokeColor=color, strokeWidth=width, strokeDashArray=list(dash))


def _add_label(
    drawing: Drawing,
    lines: list[str],
    cx: float,
    cy: float,
    distance: float,
    angle: float,
    lead: float,
    size: float,
) -> None:
    x, y = cx + distance * math.cos(angle), cy + distance * math.sin(angle)
    cos, sin = math.cos(angle), math.sin(angle)
    anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
    block = lead * len(lines)
    if sin > 0.2:  # above the centre: the block ends just outside the chart
        first = y + block - lead + 1
    elif sin < -0.2:
        first = y - size
    else:
        first = y + block / 2 - size * 0.85
    for n, text in enumerate(lines):
        drawing.add(
            String(x, first - n * lead, text, fontName=FONT, fontSize=size, fillColor=INK, textAnchor=anchor)
        )


# A department's sheets repeat the same few category names thousands of times, and finding
# the best break measures every cut.
@lru_cache(maxsize=1024)
def wrap_label(name: str, size: float, width: float) -> tuple[str, ...]:
    """At most two lines for a chart label, broken where a reader would break it.

    The table beside the chart gives the full name, so a label too long even
    for two lines loses its bracketed aside first (「留意点（セキュリティ・…）」
    becomes 「留意点」) and is cut with 「…」 only as a last resort.
    """

    def fits(text: str) -> bool:
        return float(stringWidth(text, FONT, size)) <= width

    for text in dict.fromkeys((name, _without_brackets(name))):
        if fits(text):
            return (text,)
        best: tuple[float, tuple[str, str]] | None = None
        for cut in range(1, len(text)):
            head, tail = text[:cut], text[cut:]
            if tail[0] in _NO_LINE_START or (_alnum(head[-1]) and _alnum(tail[0])):
                continue
            if not (fits(head) and fits(tail)):
                continue
            widest = max(stringWidth(head, FONT, size), stringWidth(tail, FONT, size))
            natural = head[-1] in _GOOD_BREAK_AFTER or tail[0] in "（("
            score = widest - (0.4 * width if natural else 0)
            if best is None or score < best[0]:
                best = (score, (head, tail))
        if best is not None:
            return best[1]
    text = _without_brackets(name)
    head = text
    while not fits(head):
        head = head[:-1]
    tail = text[len(head) :]
    while not fits(tail + "…"):
        tail = tail[:-1]
    return (head, tail + "…")


def _alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _without_brackets(text: str) -> str:
    for opening, closing in (("（", "）"), ("(", ")")):
        start = text.find(opening)
        end = text.rfind(closing)
        if 0 < start < end:
            text = (text[:start] + text[end + 1 :]).strip()
    return text
