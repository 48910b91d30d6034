"""Japanese text folding: search, name and reading normalisation, and 名簿 (gojūon) sort order."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from desktop.domain.text import (
    fold_for_search,
    hiragana_to_katakana,
    is_kana_reading,
    normalize_name,
    normalize_reading,
    reading_sort_key,
)

IDEOGRAPHIC_SPACE = "\u3000"
# Counterexamples worth pinning: a spacing voiced mark (゛, U+309B) and a hiragana plus
# combining voiced mark that only has a precomposed katakana form (わ゙ → ヷ).
SPACING_VOICED_MARK = "か\u309b"
WA_WITH_VOICED_MARK = "わ\u3099"

hiragana_block_text = st.text(
    alphabet=st.characters(min_codepoint=0x3040, max_codepoint=0x309F, exclude_categories=("Cn",))
)


def katakana_of(text: str) -> str:
    """Katakana by Unicode character name, independent of the code under test."""

    def twin(char: str) -> str:
        name = unicodedata.name(char, "")
        if not name.startswith("HIRAGANA "):
            return char
        try:
            return unicodedata.lookup("KATAKANA " + name.removeprefix("HIRAGANA "))
        except KeyError:  # ゟ (DIGRAPH YORI) has no katakana twin
            return char

    return "".join(map(twin, text))


# --- fold_for_search -----------------------------------------------------------------------


def test_reading_folds_the_same_in_every_kana_form() -> None:
    forms = ["ﾔﾏﾀﾞ ﾀﾛｳ", "やまだ たろう", "ヤマダ　タロウ", "ヤマダタロウ"]

    assert {fold_for_search(form) for form in forms} == {"ヤマダタロウ"}


def test_half_width_query_finds_full_width_reading() -> None:
    assert fold_for_search("ﾔﾏﾀﾞ") in fold_for_search("ヤマダ　タロウ")


def test_full_width_latin_folds_like_ascii_lower_case() -> None:
    assert (
        fold_for_search("ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ")
        == fold_for_search("taro@example.jp")
        == "taro@example.jp"
    )
    assert fold_for_search("Taro@Example.JP") == "taro@example.jp"


def test_spaces_of_every_width_are_removed() -> None:
    assert fold_for_search(" 山田 \u3000\t太郎\u00a0\n") == "山田太郎"


def test_full_and_half_width_digits_fold_together() -> None:
    assert fold_for_search("Ａ－０１２３") == fold_for_search("A-0123") == "a-0123"


# --- normalize_name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "髙橋　一郎",  # 髙 is a unified ideograph
        "山﨑　花子",  # 﨑 U+FA11 sits among the compatibility ideographs but NFKC keeps it
        "\uf929　浩",  # 朗 U+F929 is one NFKC would replace with U+6717
    ],
)
def test_name_keeps_its_kanji_exactly(name: str) -> None:
    assert normalize_name(name) == name


def test_nfkc_would_have_changed_the_compatibility_ideograph() -> None:
    assert unicodedata.normalize("NFKC", "\uf929") == "\u6717"  # so the test above is not vacuous
    assert normalize_name("\uf929") == "\uf929"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ＡＢＣ", "ABC"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"),
        ("Ｊｏｈｎ　Ｓｍｉｔｈ", "John　Smith"),
        ("山田 \u3000\t 太郎", "山田　太郎"),
        ("  山田\u3000太郎\u3000 ", "山田　太郎"),
        ("\t髙橋  \t﨑子\n", "髙橋　﨑子"),
    ],
)
def test_name_is_tidied(typed: str, stored: str) -> None:
    assert normalize_name(typed) == stored


# --- normalize_reading and is_kana_reading --------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("やまだ たろう", "ヤマダ　タロウ"),
        ("ﾔﾏﾀﾞ  ﾀﾛｳ", "ヤマダ　タロウ"),
        (" ヤマダ\u3000\u3000タロウ ", "ヤマダ　タロウ"),
        ("ゔぁいおれっと", "ヴァイオレット"),
        ("じょー", "ジョー"),
    ],
)
def test_reading_is_stored_as_full_width_katakana(typed: str, stored: str) -> None:
    assert normalize_reading(typed) == stored


@pytest.mark.parametrize(
    "reading", ["ヤマダ　タロウ", "ヴァイオレット", "ジョー", "ジョン・スミス", "ヤマダ"]
)
def test_katakana_reading_is_accepted(reading: str) -> None:
    assert is_kana_reading(reading)


@pytest.mark.parametrize("reading", ["山田　太郎", "Yamada", "ヤマダ1", "ヤマダ１", "", "やまだ", "ﾔﾏﾀﾞ"])
def test_non_katakana_reading_is_rejected(reading: str) -> None:
    assert not is_kana_reading(reading)


# --- reading_sort_key ----------------------------------------------------------------------


def test_readings_sort_in_dictionary_order() -> None:
    readings = [
        "ハシモト",
        "バシモト",
        "パシモト",
        "ハシモト　アキラ",
        "ハジメ",
        "アオキ",
        "アベ",
        "イトウ",
        "ア",
        "オオノ",
        "オーノ",
        "キョウコ",
        "キヨコ",
    ]

    assert sorted(readings, key=reading_sort_key) == [
        "ア",
        "アオキ",
        "アベ",  # ア・ヘ at the first level: オ < ヘ
        "イトウ",
        "オオノ",  # オーノ ties at the first level; code points then put the letter first
        "オーノ",
        "キョウコ",  # キ・ヨ・ウ at the first level: ウ < コ
        "キヨコ",
        "ハジメ",  # ハ・シ・メ: メ < モ, although ジ > シ by code point
        "ハシモト",
        "バシモト",
        "パシモト",
        "ハシモト　アキラ",
    ]


def test_voicing_ties_at_first_level_then_seion_dakuon_handakuon() -> None:
    plain, voiced, semi_voiced = (reading_sort_key(r) for r in ("ハシモト", "バシモト", "パシモト"))

    assert plain[0] == voiced[0] == semi_voiced[0]
    assert plain < voiced < semi_voiced


def test_small_kana_ties_with_large_at_first_level() -> None:
    assert reading_sort_key("キョウコ")[0] == reading_sort_key("キヨウコ")[0]
    assert reading_sort_key("ハットリ")[0] == reading_sort_key("ハツトリ")[0]


@pytest.mark.parametrize(
    ("long_mark", "spelled_out"),
    [
        ("オーノ", "オオノ"),
        ("ジョー", "ショオ"),
        ("サトー", "サトオ"),
        ("ルーシー", "ルウシイ"),
        ("ケーン", "ケエン"),
    ],
)
def test_long_vowel_mark_counts_as_the_vowel_before_it(long_mark: str, spelled_out: str) -> None:
    assert reading_sort_key(long_mark)[0] == reading_sort_key(spelled_out)[0]


def test_shorter_surname_sorts_before_a_longer_one() -> None:
    assert reading_sort_key("ヤマ　タロウ") < reading_sort_key("ヤマダ　アキラ")
    assert reading_sort_key("ヤマ　タロウ") < reading_sort_key("ヤマダ　タロウ")


def test_space_width_and_count_do_not_change_the_key() -> None:
    assert (
        reading_sort_key("ヤマ タロウ")
        == reading_sort_key("ヤマ　タロウ")
        == reading_sort_key(" ヤマ \u3000タロウ ")
    )


@pytest.mark.parametrize(
    ("hiragana", "katakana"),
    [
        ("やまだ　たろう", "ヤマダ　タロウ"),
        ("きょうこ", "キョウコ"),
        ("ぱしもと", "パシモト"),
        ("ゔぁい", "ヴァイ"),
    ],
)
def test_hiragana_gives_the_same_key_as_katakana(hiragana: str, katakana: str) -> None:
    assert reading_sort_key(hiragana) == reading_sort_key(katakana)


def test_middle_dot_is_ignored_at_first_level() -> None:
    assert reading_sort_key("ジョン・スミス")[0] == reading_sort_key("ジョンスミス")[0]


@pytest.mark.parametrize(("first", "second"), [("ガッコウ", "カワ"), ("ハジメ", "ハシモト")])
def test_reading_order_differs_from_code_point_order(first: str, second: str) -> None:
    assert second < first  # code points: カ < ガ, シ < ジ
    assert reading_sort_key(first) < reading_sort_key(second)  # readings: ツ < ワ, メ < モ


def test_sorting_by_reading_differs_from_sorting_by_kanji() -> None:
    people = {"阿部": "アベ", "青木": "アオキ"}

    assert sorted(people) == ["阿部", "青木"]  # U+963F < U+9752
    assert sorted(people, key=lambda name: reading_sort_key(people[name])) == ["青木", "阿部"]


# --- properties ----------------------------------------------------------------------------


@given(st.text())
@example(SPACING_VOICED_MARK)
@example(WA_WITH_VOICED_MARK)
def test_fold_for_search_is_idempotent(text: str) -> None:
    folded = fold_for_search(text)

    assert fold_for_search(folded) == folded


@given(st.text())
@example(WA_WITH_VOICED_MARK)
def test_fold_for_search_ignores_hiragana_versus_katakana(text: str) -> None:
    assert fold_for_search(hiragana_to_katakana(text)) == fold_for_search(text)


@given(hiragana_block_text)
@example(WA_WITH_VOICED_MARK)
def test_hiragana_folds_like_its_katakana(text: str) -> None:
    assert fold_for_search(text) == fold_for_search(katakana_of(text))


@given(st.text())
def test_reading_sort_key_is_total_and_deterministic(text: str) -> None:
    key = reading_sort_key(text)

    assert isinstance(key, tuple) and all(isinstance(part, str) for part in key)
    assert reading_sort_key(text) == key


@given(st.text())
@example(WA_WITH_VOICED_MARK)
def test_normalize_reading_is_idempotent(text: str) -> None:
    normalized = normalize_reading(text)

    assert normalize_reading(normalized) == normalized
