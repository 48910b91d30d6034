"""The 助成金 page's detail pane: one plan's estimate with every limiting rule, as rich text.

A clerk asked by a firm "why only this much?" must find the answer here: each
trainee's figures name the rule that cut them, the plan's total shows the
establishment's 年度 total against its cap, and the rule set is named.
"""

from __future__ import annotations

from html import escape

from desktop.domain.dates import fiscal_year, to_wareki
from desktop.domain.grant import ESTIMATE_NOTICE, hours_text, yen
from desktop.domain.grant_plan import AlertLevel
from desktop.domain.registration_numbers import format_insured_number
from desktop.store.grant_views import GrantPlanView

_STYLE = """
<style>
 h3 { margin: 0 0 4px 0; }
 table.t { border-collapse: collapse; margin: 4px 0 8px 0; }
 table.t th { background: #eef1f5; padding: 2px 6px; border: 1px solid #c4c8cf; font-weight: normal; }
 table.t td { padding: 2px 6px; border: 1px solid #c4c8cf; }
 td.n { text-align: right; }
 .muted { color: #6b6b6b; }
 .cut { color: #b3261e; }
 .warn { color: #8a5a00; }
</style>
"""


def plan_detail_html(view: GrantPlanView) -> str:
    parts = [_STYLE, f"<h3>{escape(view.title)}</h3>"]
    parts.append(
        f"<div>{escape(view.establishment)}（{escape(view.size.label if view.size else '企業規模未設定')}）"
        f"　{escape(view.method.label)}　{escape(to_wareki(view.start))}〜{escape(to_wareki(view.end))}"
        f"　{escape(hours_text(view.hours))}　受講料 {escape(_fee(view))}</div>"
    )
    parts.append(_deadlines(view))
    if view.estimate is None:
        parts.append(f"<p class='cut'>見込額を計算できません: {escape(view.problem or '')}</p>")
        parts.append(_trainees_only(view))
        return "".join(parts)
    estimate = view.estimate
    parts.append(_trainee_table(view))
    year = fiscal_year(view.start)
    cap_note = (
        f"<span class='cut'>年度上限により {yen(estimate.subtotal - estimate.total)} 減額</span>"
        if estimate.cap_reached
        else ""
    )
    parts.append(
        "<table class='t'>"
        f"<tr><th>この計画の見込額</th><td class='n'><b>{yen(estimate.total)}</b></td><td>{cap_note}</td></tr>"
        f"<tr><th>同じ{year}年度の他の計画</th><td class='n'>{yen(estimate.used_before)}</td><td></td></tr>"
        f"<tr><th>事業所の{year}年度の合計</th><td class='n'>{yen(estimate.running_total)}</td>"
        f"<td class='muted'>年度上限 {yen(estimate.annual_cap)}（残り "
        f"{yen(max(estimate.annual_cap - estimate.running_total, 0))}）</td></tr>"
        "</table>"
    )
    notes = _notes(view)
    if notes:
        parts.append("<div class='warn'>" + "<br>".join(escape(note) for note in notes) + "</div>")
    rule = estimate.rule_set
    parts.append(
        f"<p class='muted'>適用ルール: {escape(rule.name)}（{escape(rule.id)}）<br>出典: {escape(rule.source)}"
        f"<br>{escape(ESTIMATE_NOTICE)}</p>"
    )
    return "".join(parts)


def _fee(view: GrantPlanView) -> str:
    from desktop.domain.grant_rules import TrainingMethod

    return f"月額 {yen(view.fee)}" if view.method is TrainingMethod.SUBSCRIPTION else yen(view.fee)


def _deadlines(view: GrantPlanView) -> str:
    notice = f"計画届の提出期間: {view.notice.text}"
    if view.notice_submitted_on:
        notice += f"（{to_wareki(view.notice_submitted_on)} 提出済）"
    claim = f"支給申請の期間: {view.claim.text}"
    if view.claim_submitted_on:
        claim += f"（{to_wareki(view.claim_submitted_on)} 提出済）"
    lines = [escape(notice), escape(claim)]
    if view.alert is not None:
        css = {AlertLevel.OVERDUE: "cut", AlertLevel.WARNING: "warn", AlertLevel.INFO: "muted"}[
            view.alert.level
        ]
        lines.append(f"<span class='{css}'>{escape(view.alert.text)}</span>")
    return "<p>" + "<br>".join(lines) + "</p>"


def _trainees_only(view: GrantPlanView) -> str:
    rows = "".join(
        f"<tr><td>{n}</td><td>{escape(t.name)}</td><td>{escape(format_insured_number(t.insured_number))}</td>"
        f"<td>{escape(t.employment.label)}</td></tr>"
        for n, t in enumerate(view.trainees, start=1)
    )
    return (
        "<table class='t'><tr><th>No</th><th>氏名</th><th>雇用保険被保険者番号</th><th>雇用形態</th></tr>"
        f"{rows}</table>"
    )


def _trainee_table(view: GrantPlanView) -> str:
    assert view.estimate is not None
    head = (
        "<tr><th>No</th><th>氏名</th><th>経費助成</th><th>賃金助成</th><th>小計</th>"
        "<th>見込額</th><th>制限したルール</th></tr>"
    )
    rows = []
    for number, (share, trainee) in enumerate(zip(view.estimate.shares, view.trainees, strict=True), 1):
        estimate = share.estimate
        limits = [rule for rule in (estimate.expense_limited_by, estimate.wage_limited_by) if rule]
        if share.cut_by_cap:
            limits.append(f"事業所の年度上限（{yen(share.cut_by_cap)} 減額）")
        if not estimate.eligible:
            limits = [estimate.reason or "対象外"]
        wage = yen(estimate.wage)
        if estimate.wage:
            wage += f"<br><span class='muted'>{escape(hours_text(estimate.wage_hours))}</span>"
        missing = "" if trainee.insured_number else " <span class='cut'>（被保険者番号 未入力）</span>"
        rows.append(
            f"<tr><td class='n'>{number}</td><td>{escape(trainee.name)}{missing}</td>"
            f"<td class='n'>{yen(estimate.expense)}</td><td class='n'>{wage}</td>"
            f"<td class='n'>{yen(estimate.total)}</td><td class='n'><b>{yen(share.payable)}</b></td>"
            f"<td>{'<br>'.join(escape(limit) for limit in limits)}</td></tr>"
        )
    if not rows:
        rows.append("<tr><td colspan='7' class='muted'>受講者がまだいません。</td></tr>")
    return f"<table class='t'>{head}{''.join(rows)}</table>"


def _notes(view: GrantPlanView) -> list[str]:
    assert view.estimate is not None
    seen: list[str] = list(view.estimate.notes)
    for share in view.estimate.shares:
        for note in share.estimate.notes:
            # A note about one trainee says whom; a note about the training is said once.
            text = f"{share.trainee.label}さん: {note}" if "この受講者" in note else note
            if text not in seen:
                seen.append(text)
    return seen
