"""A believable demo roster, generated deterministically from a seed.

Pure data: no Qt, no database, no I/O. The same ``(count, seed)`` always gives
the same roster, so screenshots, manuals and benchmarks can rely on it. Every
name and e-mail domain is fictional; e-mail addresses use the reserved
``example`` domains.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from desktop.domain.registration_numbers import corporate_number_check_digit
from desktop.domain.roster import DEFAULT_ROLES, LearnerKind, LearnerStatus, OrganizationKind, SizeClass


@dataclass(frozen=True)
class DemoDepartment:
    name: str
    parent: str | None  # the parent department in the same organization (部 → 課)


@dataclass(frozen=True)
class DemoOrganization:
    name: str
    kind: OrganizationKind
    size_class: SizeClass | None
    employment_office_number: str | None  # 雇用保険適用事業所番号, "1234-567890-1"
    corporate_number: str | None  # 法人番号, 13 digits with its check digit
    departments: tuple[DemoDepartment, ...]


@dataclass(frozen=True, slots=True)
class DemoLearner:
    organization: str
    department: str | None
    number: str
    name: str
    furigana: str
    email: str
    job_title: str
    kind: LearnerKind
    role: str
    status: LearnerStatus
    birth_date: date | None
    insured_number: str | None


@dataclass(frozen=True)
class DemoRoster:
    organizations: tuple[DemoOrganization, ...]
    learners: tuple[DemoLearner, ...]


# fmt: off
# (kanji, reading). 髙 and 﨑 (U+FA11) are the variant forms people insist on.
SURNAMES: tuple[tuple[str, str], ...] = (
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("髙橋", "タカハシ"),
    ("田中", "タナカ"), ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("渡邉", "ワタナベ"),
    ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"),
    ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"),
    ("斎藤", "サイトウ"), ("清水", "シミズ"), ("山崎", "ヤマザキ"), ("山\ufa11", "ヤマザキ"),
    ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"),
    ("石川", "イシカワ"), ("山下", "ヤマシタ"), ("中島", "ナカジマ"), ("石井", "イシイ"),
    ("小川", "オガワ"), ("前田", "マエダ"), ("岡田", "オカダ"), ("長谷川", "ハセガワ"),
    ("藤田", "フジタ"), ("後藤", "ゴトウ"), ("近藤", "コンドウ"), ("村上", "ムラカミ"),
    ("遠藤", "エンドウ"), ("青木", "アオキ"), ("坂本", "サカモト"), ("福田", "フクダ"),
    ("太田", "オオタ"), ("西村", "ニシムラ"), ("藤井", "フジイ"), ("金子", "カネコ"),
    ("岡本", "オカモト"), ("藤原", "フジワラ"), ("中野", "ナカノ"), ("三浦", "ミウラ"),
    ("原田", "ハラダ"), ("中川", "ナカガワ"), ("松田", "マツダ"), ("竹内", "タケウチ"),
    ("小野", "オノ"), ("田村", "タムラ"), ("和田", "ワダ"), ("上田", "ウエダ"),
    ("柴田", "シバタ"), ("酒井", "サカイ"), ("工藤", "クドウ"), ("宮\ufa11", "ミヤザキ"),
    ("大野", "オオノ"), ("菅原", "スガワラ"), ("千葉", "チバ"), ("野口", "ノグチ"),
    ("菊地", "キクチ"), ("庄司", "ショウジ"), ("東海林", "ショウジ"), ("今野", "コンノ"),
    ("小野寺", "オノデラ"), ("新井", "アライ"), ("丸山", "マルヤマ"),
)

GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("翔太", "ショウタ"), ("大輔", "ダイスケ"), ("健太", "ケンタ"), ("拓也", "タクヤ"),
    ("直樹", "ナオキ"), ("和也", "カズヤ"), ("達也", "タツヤ"), ("誠", "マコト"),
    ("浩二", "コウジ"), ("健一", "ケンイチ"), ("亮", "リョウ"), ("隆", "タカシ"),
    ("勇気", "ユウキ"), ("蓮", "レン"), ("悠真", "ユウマ"), ("陽翔", "ハルト"),
    ("湊", "ミナト"), ("譲二", "ジョウジ"), ("修", "オサム"), ("博之", "ヒロユキ"),
    ("秀樹", "ヒデキ"), ("聡", "サトシ"), ("剛", "ツヨシ"), ("純一", "ジュンイチ"),
    ("哲也", "テツヤ"), ("俊介", "シュンスケ"), ("優斗", "ユウト"), ("陸", "リク"),
    ("匠", "タクミ"), ("慎吾", "シンゴ"), ("龍之介", "リュウノスケ"), ("恭平", "キョウヘイ"),
    ("陽菜", "ヒナ"), ("結衣", "ユイ"), ("美咲", "ミサキ"), ("由美子", "ユミコ"),
    ("恭子", "キョウコ"), ("裕子", "ユウコ"), ("真由美", "マユミ"), ("久美子", "クミコ"),
    ("智子", "トモコ"), ("直美", "ナオミ"), ("恵", "メグミ"), ("彩", "アヤ"),
    ("愛", "アイ"), ("明美", "アケミ"), ("陽子", "ヨウコ"), ("千尋", "チヒロ"),
    ("美穂", "ミホ"), ("沙織", "サオリ"), ("麻衣", "マイ"), ("葵", "アオイ"),
    ("凛", "リン"), ("芽依", "メイ"), ("結菜", "ユイナ"), ("遥", "ハルカ"),
    ("菜々子", "ナナコ"), ("彩花", "アヤカ"), ("順子", "ジュンコ"), ("涼子", "リョウコ"),
    ("美紀", "ミキ"), ("理恵", "リエ"), ("香織", "カオリ"), ("奈緒", "ナオ"),
    ("京子", "キョウコ"),
)

MUNICIPALITY_NAME = "みなと市"
MUNICIPALITY_DOMAIN = "city.minato.example.lg.jp"
COMPANY_NAME = "株式会社さくら精機"
COMPANY_DOMAIN = "sakura-seiki.example.co.jp"
JOB_SEEKER_DOMAIN = "mail.example.co.jp"

# (部, its 課 with how many learners each draws, relatively)
MUNICIPAL_DIVISIONS: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = (
    ("総務部", (("総務課", 1.0), ("デジタル推進課", 0.8))),
    ("市民生活部", (("市民課", 1.5), ("税務課", 1.2))),
    ("健康福祉部", (("福祉課", 1.3), ("子育て支援課", 1.0))),
)
COMPANY_DEPARTMENTS: tuple[tuple[str, float], ...] = (("総務部", 0.2), ("製造部", 0.5), ("営業部", 0.3))

# (minimum age, the titles a person of that age plausibly holds; repeats weight the draw)
MUNICIPAL_TITLES: tuple[tuple[int, tuple[str, ...]], ...] = (
    (20, ("主事",)), (30, ("主事", "主事", "主任")), (38, ("主事", "主任", "主任", "係長")),
    (46, ("主任", "係長", "係長", "課長補佐")), (52, ("主任", "係長", "係長", "課長補佐", "課長補佐", "課長")),
)
COMPANY_TITLES: tuple[tuple[int, tuple[str, ...]], ...] = (
    (20, ("社員",)), (30, ("社員", "社員", "主任")), (38, ("社員", "主任", "係長")),
    (46, ("主任", "係長", "係長", "課長")),
)
# fmt: on
ROLE_WEIGHTS: tuple[float, ...] = (0.70, 0.12, 0.13, 0.05)  # aligned with DEFAULT_ROLES

REFERENCE_DATE = date(2026, 4, 1)
_OLDEST = date(1961, 4, 2).toordinal()  # 64 on the reference date
_YOUNGEST = date(2006, 4, 1).toordinal()  # 20 on the reference date
COMPANY_SHARE = 0.2
JOB_SEEKER_RATE = 0.03
ON_LEAVE_RATE = 0.03
RETIRED_RATE = 0.04
NO_BIRTH_DATE_RATE = 0.06
INSURED_NUMBER_RATE = 0.92  # the rest have not handed in their 被保険者証 yet

_KANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポ"
)
_ROMAJI = (
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho "
    "ma mi mu me mo ya yu yo ra ri ru re ro wa o n ga gi gu ge go za ji zu ze zo da ji zu de do "
    "ba bi bu be bo pa pi pu pe po"
)
_ROMAJI_OF = dict(zip(_KANA, _ROMAJI.split(), strict=True))
_VOWELS = tuple("アイウエオ")
_LONG_AFTER = {"ウ": "ou", "オ": "o"}  # the vowels this kana lengthens


def _romanize(reading: str) -> str:
    """Passport-style Hepburn, enough for an e-mail local part (long vowels dropped)."""
    out = ""
    geminate = False
    for index, char in enumerate(reading):
        following = reading[index + 1 : index + 2]
        if char == "ッ":
            geminate = True
        elif char in "ャュョ":
            stem, vowel = out[:-1], "auo"["ャュョ".index(char)]
            out = stem + vowel if stem.endswith(("sh", "ch", "j")) else stem + "y" + vowel
        elif char == "ー" or (out and out[-1] in _LONG_AFTER.get(char, "") and following not in _VOWELS):
            continue  # オウ, ウウ, オオ as a long vowel: INOUE keeps its U, SATO loses it
        else:
            syllable = _ROMAJI_OF[char]
            out += syllable[0] + syllable if geminate else syllable
            geminate = False
    return out


def _pick_title(titles: tuple[tuple[int, tuple[str, ...]], ...], age: int, rng: random.Random) -> str:
    candidates = titles[0][1]
    for minimum, choices in titles:
        if age >= minimum:
            candidates = choices
    return rng.choice(candidates)


def _age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((birth.month, birth.day) > (on.month, on.day))


def _make_organizations(rng: random.Random) -> tuple[DemoOrganization, DemoOrganization]:
    municipal = tuple(
        department
        for bu, kas in MUNICIPAL_DIVISIONS
        for department in (DemoDepartment(bu, None), *(DemoDepartment(ka, bu) for ka, _ in kas))
    )
    base12 = f"{rng.randrange(10**11, 10**12):012d}"
    office_number = f"{rng.randrange(1000, 10000)}-{rng.randrange(10**6):06d}-{rng.randrange(10)}"
    company = DemoOrganization(
        name=COMPANY_NAME,
        kind=OrganizationKind.COMPANY,
        size_class=SizeClass.SME,
        employment_office_number=office_number,
        corporate_number=f"{corporate_number_check_digit(base12)}{base12}",
        departments=tuple(DemoDepartment(name, None) for name, _ in COMPANY_DEPARTMENTS),
    )
    city = DemoOrganization(MUNICIPALITY_NAME, OrganizationKind.MUNICIPALITY, None, None, None, municipal)
    return city, company


def generate_demo_roster(count: int = 300, seed: int = 2026) -> DemoRoster:
    """``count`` learners, about 80% in the municipality and 20% in the company."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    city, company = _make_organizations(rng)
    surnames = [(kanji, kana, _romanize(kana)) for kanji, kana in SURNAMES]
    given = [(kanji, kana, _romanize(kana)[0]) for kanji, kana in GIVEN_NAMES]
    city_sections = [ka for _, kas in MUNICIPAL_DIVISIONS for ka in kas]
    city_cum = list(accumulate(weight for _, weight in city_sections))
    company_names = [name for name, _ in COMPANY_DEPARTMENTS]
    company_cum = list(accumulate(weight for _, weight in COMPANY_DEPARTMENTS))
    role_cum = list(accumulate(ROLE_WEIGHTS))
    number_width = max(6, len(str(count)))
    office_area = rng.randrange(1000, 10000)
    company_count = round(count * COMPANY_SHARE)

    learners: list[DemoLearner] = []
    for index in range(count):
        in_company = index >= count - company_count
        serial = index - (count - company_count) + 1 if in_company else index + 1
        family, family_kana, family_romaji = rng.choice(surnames)
        first, first_kana, initial = rng.choice(given)
        birth = date.fromordinal(rng.randint(_OLDEST, _YOUNGEST))
        age = _age_on(birth, REFERENCE_DATE)
        local = f"{initial}.{family_romaji}{serial:0{number_width}d}"
        draw = rng.random()
        status = LearnerStatus.ACTIVE
        if draw < ON_LEAVE_RATE:
            status = LearnerStatus.ON_LEAVE
        elif draw < ON_LEAVE_RATE + RETIRED_RATE:
            status = LearnerStatus.RETIRED
        role = DEFAULT_ROLES[bisect(role_cum, rng.random() * role_cum[-1])]
        insured: str | None = None
        if in_company:
            organization, kind, email = company.name, LearnerKind.EMPLOYEE, f"{local}@{COMPANY_DOMAIN}"
            department: str | None = company_names[bisect(company_cum, rng.random() * company_cum[-1])]
            number = f"S{serial:0{number_width}d}"
            job_title = _pick_title(COMPANY_TITLES, age, rng)
            if rng.random() < INSURED_NUMBER_RATE:
                insured = f"{office_area}{serial % 10**6:06d}{rng.randrange(10)}"
        elif rng.random() < JOB_SEEKER_RATE:
            organization, kind, email = city.name, LearnerKind.JOB_SEEKER, f"{local}@{JOB_SEEKER_DOMAIN}"
            department, job_title, role = None, "", DEFAULT_ROLES[0]
            number = f"J{serial:0{number_width}d}"
        else:
            organization, kind, email = city.name, LearnerKind.STAFF, f"{local}@{MUNICIPALITY_DOMAIN}"
            department = city_sections[bisect(city_cum, rng.random() * city_cum[-1])][0]
            number = f"M{serial:0{number_width}d}"
            job_title = _pick_title(MUNICIPAL_TITLES, age, rng)
        learners.append(
            DemoLearner(
                organization=organization,
                department=department,
                number=number,
                name=f"{family}\u3000{first}",
                furigana=f"{family_kana}\u3000{first_kana}",
                email=email,
                job_title=job_title,
                kind=kind,
                role=role,
                status=status,
                birth_date=None if rng.random() < NO_BIRTH_DATE_RATE else birth,
                insured_number=insured,
            )
        )
    return DemoRoster(organizations=(city, company), learners=tuple(learners))
