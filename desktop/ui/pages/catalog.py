"""The pages of the main window, in navigation order, and what unbuilt ones will hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop.store.database import Database

# Builds a finished page once the database is open. Each builder imports its page
# when called: importing every page up front would slow the first window.
PageBuilder = Callable[["Database", "QWidget"], "QWidget"]


class PageSpec(NamedTuple):
    key: str
    title: str
    summary: str
    upcoming: tuple[str, ...] = ()
    build: PageBuilder | None = None  # None: a placeholder saying what the page will hold


def _home_page(db: Database, parent: QWidget) -> QWidget:
    from desktop.ui.pages.home_page import HomePage

    return HomePage.for_database(db, parent)


def _diagnosis_page(db: Database, parent: QWidget) -> QWidget:
    from desktop.ui.pages.diagnosis_page import DiagnosisPage

    return DiagnosisPage.for_database(db, parent)


def _plans_page(db: Database, parent: QWidget) -> QWidget:
    from desktop.ui.pages.plans_page import PlansPage

    return PlansPage.for_database(db, parent)


def _grants_page(db: Database, parent: QWidget) -> QWidget:
    from desktop.ui.pages.grants_page import GrantsPage

    return GrantsPage.for_database(db, parent)


def _exports_page(db: Database, parent: QWidget) -> QWidget:
    from desktop.ui.pages.exports_page import ExportsPage

    return ExportsPage.for_database(db, parent)


def _settings_page(db: Database, parent: QWidget) -> QWidget:
    from desktop.ui.pages.settings_page import SettingsPage

    return SettingsPage.for_database(db, parent)


def _records_page(db: Database, parent: QWidget) -> QWidget:
    from desktop.ui.pages.records_page import RecordsPage

    return RecordsPage.for_database(db, parent)


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "home",
        "ホーム",
        "事業の流れ（名簿 → スキル診断（事前） → 学習計画 → 学習 → スキル診断（事後） → 効果検証・提出）の案内と、年度ごとの進み具合をまとめて表示します。",
        build=_home_page,
    ),
    PageSpec("roster", "名簿", "受講者の名簿を管理します。"),
    PageSpec(
        "diagnosis",
        "スキル診断",
        "DXスキル診断で、受講者一人ひとりの現在のスキルと、育成区分の目標との差を見えるようにします。",
        build=_diagnosis_page,
    ),
    PageSpec(
        "plans",
        "学習計画",
        "診断結果と育成区分の学習パスから学習計画書の案を作り、編集・承認・印刷します。",
        build=_plans_page,
    ),
    PageSpec(
        "records",
        "受講記録",
        "研修の受講実績を記録し、学習の進み具合を確認します。",
        build=_records_page,
    ),
    PageSpec(
        "grants",
        "助成金",
        "人材開発支援助成金（事業展開等リスキリング支援コース）の見込額・期限を計算し、申請用の記入シートを印刷します。",
        build=_grants_page,
    ),
    PageSpec(
        "exports",
        "提出用出力",
        "都道府県や本庁へ提出する Excel を作ります。",
        build=_exports_page,
    ),
    PageSpec(
        "settings",
        "設定",
        "データベースの接続先、バックアップと復元、利用者と権限を設定します。",
        build=_settings_page,
    ),
)
