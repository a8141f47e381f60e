"""The referral sheet (fiche de liaison): what it says, what it hides, and what it refuses.

The HTML is read back with html5lib and the PDF with pypdf; the people come from CSV files read by
the same reader as ``partenariat eligibilite``.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from partenariat.conventions import Convention
from partenariat.eligibility.evaluation import Eligibility
from partenariat.eligibility.facts import PersonFacts
from partenariat.eligibility.people_csv import read_people_csv
from partenariat.errors import InputError, UnknownNameError
from partenariat.exporters import ExportContext
from partenariat.exporters.bilan_pdf import pdf_available
from partenariat.exporters.pseudonyms import PseudonymKeyError, pseudonymiser
from partenariat.exporters.referral_sheet import (
    ReferralRefusedError,
    ReferralSheet,
    build_referral_sheet,
    read_identity,
)
from partenariat.exporters.referral_sheet_html import to_html, to_pdf
from partenariat.followup.privacy import pseudonym
from partenariat.i18n import Text
from partenariat.io import load_convention
from partenariat.io.registry import Registry
from partenariat.organisations import PartnerKind
from partenariat.plugins import make_plugin_host

from .conftest import EXAMPLES, ONET, SIX_FOURS

COHORT = EXAMPLES / "cohorte-onet.csv"
KEY = b"cle de test, longue et secrete"
PARIS = ZoneInfo("Europe/Paris")

SIX_FOURS_PEOPLE = """\
id;nom;prenom;telephone;structures;freins
R001;<script>alert(1)</script>;=HYPERLINK("http://exemple.invalid");+33 6 00 00 00 00;residence-sociale;aucun
R002;<img src=x onerror=alert(1)>;@SOMME(A1);;aucun;housing:declared:2023-01-10|health:document:2023-02-01|debt:declared:2023-02-15
R003;;;;aucun;housing:declared:2022-01-10|health:document:2023-02-01|debt:declared:2023-02-15
R004;;;;aucun;housing:declared:2023-01-10|health:document:2023-02-01
R005;;;;aucun;housing:declared:2023-01-10
"""


@pytest.fixture(scope="module")
def registry() -> Registry:
    """The names of the installed plugins: partner kinds come from here, never from constants."""
    return make_plugin_host().registry()


@pytest.fixture(scope="module")
def onet(registry: Registry) -> Convention:
    return load_convention(ONET, registry=registry)


@pytest.fixture(scope="module")
def six_fours(registry: Registry) -> Convention:
    return load_convention(SIX_FOURS, registry=registry)


@pytest.fixture
def six_fours_people(tmp_path: Path) -> Path:
    path = tmp_path / "residents.csv"
    path.write_text(SIX_FOURS_PEOPLE, encoding="utf-8")
    return path


def person(path: Path, ident: str, convention: Convention, registry: Registry) -> PersonFacts:
    read = read_people_csv(path, convention.target_public, registry=registry.rules)
    return read.table.person(list(read.table.ids).index(ident))


def sheet_for(
    convention: Convention,
    registry: Registry,
    ident: str,
    on: date,
    people: Path = COHORT,
    **options: Any,
) -> ReferralSheet:
    facts = person(people, ident, convention, registry)
    return build_referral_sheet(convention, facts, on, registry=registry, **options)


def parse(text: str) -> Any:
    html5lib = pytest.importorskip("html5lib")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(text)


def words(document: Any) -> str:
    """All the text a reader sees, whitespace (and French thin spaces) made plain."""
    text = "".join(document.find("body").itertext())
    return re.sub(r"\s+", " ", text.replace("\u202f", " "))


def cells(document: Any) -> dict[str, str]:
    """The sheet's tables as ``{row heading: value}``."""
    return {
        "".join(row.find("th").itertext()): "".join(row.find("td").itertext())
        for row in document.iter("tr")
        if row.find("th") is not None
    }


def html_of(sheet: ReferralSheet, **context: Any) -> str:
    context.setdefault("pseudonym_key", KEY)
    return to_html(sheet, ExportContext(**context))


# -- the next permanence session ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2019, 9, 2), date(2019, 9, 3)),  # the 1st Tuesday of September
        (date(2019, 10, 2), date(2019, 10, 15)),  # 3rd Tuesday
        (date(2019, 10, 15), date(2019, 10, 15)),  # the sheet's own day counts
        (date(2019, 10, 16), date(2019, 11, 5)),  # next month's 1st Tuesday
        (date(2019, 12, 4), date(2019, 12, 17)),
    ],
)
def test_the_next_session_is_the_next_1st_or_3rd_tuesday_morning_in_paris(
    onet: Convention, registry: Registry, on: date, expected: date
) -> None:
    sheet = sheet_for(onet, registry, "J001", on)
    session = sheet.next_session
    assert session is not None
    assert session.start == datetime.combine(expected, time(9), PARIS)
    assert session.end == datetime.combine(expected, time(12), PARIS)
    assert (session.start.tzinfo, session.start.hour) == (PARIS, 9)  # local wall-clock time
    text = words(parse(html_of(sheet)))
    day = expected.day
    first = "1er" if day == 1 else str(day)
    months = {9: "septembre", 10: "octobre", 11: "novembre", 12: "décembre"}
    assert f"mardi {first} {months[expected.month]} 2019, de 9 h à 12 h" in text
    assert "CCAS d'Onet-le-Château, bureau de permanence" in text


def test_after_the_last_session_of_the_period_the_sheet_says_none_is_left(
    onet: Convention, registry: Registry
) -> None:
    sheet = sheet_for(onet, registry, "J001", date(2019, 12, 18))
    assert sheet.next_session is None
    text = words(parse(html_of(sheet)))
    assert "Aucune séance de permanence ne reste dans la période de la convention" in text
    assert "31 décembre 2019" in text


def test_a_public_holiday_is_skipped(registry: Registry, tmp_path: Path) -> None:
    # the same convention a few years later: 15 August 2023 (Assumption) is a 3rd Tuesday
    text = ONET.read_text(encoding="utf-8")
    for old, new in [
        ("signed_on = 2019-09-02", "signed_on = 2022-12-19"),
        ("start = 2019-09-01", "start = 2023-01-01"),
        ("end = 2019-12-31", "end = 2023-12-31"),
        ("until = 2019-12-31", "until = 2023-12-31"),
        ("decision_by = 2020-01-31", "decision_by = 2024-01-31"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "onet-2023.toml"
    path.write_text(text, encoding="utf-8")
    convention = load_convention(path, registry=registry)
    sheet = sheet_for(convention, registry, "J001", date(2023, 8, 2))
    assert sheet.next_session is not None
    assert sheet.next_session.start == datetime(2023, 9, 5, 9, tzinfo=PARIS)
    before = sheet_for(convention, registry, "J001", date(2023, 7, 5))
    assert before.next_session is not None
    assert before.next_session.start.date() == date(2023, 7, 18)  # not a holiday: held


def test_a_convention_without_permanence_says_so(
    six_fours: Convention, registry: Registry, six_fours_people: Path
) -> None:
    sheet = sheet_for(six_fours, registry, "R001", date(2023, 3, 1), six_fours_people)
    assert sheet.permanences == 0
    assert sheet.next_session is None
    assert "La convention ne prévoit pas de permanence de Pôle emploi" in words(
        parse(html_of(sheet))
    )


# -- who refers, to whom, under which name --------------------------------------------------------


def test_pole_emploi_before_2024_and_france_travail_after(
    six_fours: Convention, registry: Registry, six_fours_people: Path
) -> None:
    before = sheet_for(six_fours, registry, "R001", date(2023, 3, 1), six_fours_people)
    after = sheet_for(six_fours, registry, "R001", date(2024, 3, 1), six_fours_people)
    assert before.partner_label.fr == "Pôle emploi"
    assert after.partner_label.fr == "France Travail"
    text = words(parse(html_of(before)))
    assert "Orientation vers Pôle emploi, le 1er mars 2023" in text
    assert "France Travail" not in text
    assert "Orientation vers France Travail, le 1er mars 2024" in words(parse(html_of(after)))
    # the tacitly renewed period in force is the one shown
    assert "du 1er juillet 2023 au 30 juin 2024" in words(parse(html_of(after)))


def test_partner_kinds_come_from_the_registry_passed_in(
    onet: Convention, registry: Registry
) -> None:
    facts = person(COHORT, "J001", onet, registry)
    kinds = dict(registry.partner_kinds)
    kinds["mission-locale"] = PartnerKind(
        "mission-locale", Text("Mission Locale (extension)", "Mission Locale (plugin)")
    )
    sheet = build_referral_sheet(
        onet, facts, date(2019, 10, 2), registry=attrs.evolve(registry, partner_kinds=kinds)
    )
    assert "Mission Locale (extension)" in words(parse(html_of(sheet)))
    del kinds["mission-locale"]
    with pytest.raises(UnknownNameError, match="mission-locale"):
        build_referral_sheet(
            onet, facts, date(2019, 10, 2), registry=attrs.evolve(registry, partner_kinds=kinds)
        )


def test_the_referrer_is_a_role_never_a_name(
    six_fours: Convention, registry: Registry, six_fours_people: Path
) -> None:
    sheet = sheet_for(
        six_fours,
        registry,
        "R001",
        date(2023, 3, 1),
        six_fours_people,
        referent="travailleur-social",
    )
    text = words(parse(html_of(sheet)))
    assert "travailleur social du CCAS" in text
    assert "Centre communal d'action sociale de Six-Fours-les-Plages" in text
    for referent in six_fours.referents:
        assert referent.name not in text
    default = words(
        parse(html_of(sheet_for(six_fours, registry, "R001", date(2023, 3, 1), six_fours_people)))
    )
    assert "agent du CCAS" in default
    with pytest.raises(InputError, match="conseiller-dedie") as caught:
        sheet_for(
            six_fours,
            registry,
            "R001",
            date(2023, 3, 1),
            six_fours_people,
            referent="conseiller-dedie",  # Pôle emploi's, not the CCAS's
        )
    assert "travailleur-social" in caught.value.describe()


def test_a_referent_asked_of_a_host_that_names_none_says_to_give_the_role(
    onet: Convention, registry: Registry
) -> None:
    with pytest.raises(InputError, match="n'en nomme aucun"):
        sheet_for(onet, registry, "J001", date(2019, 10, 2), referent="accueil")
    sheet = sheet_for(onet, registry, "J001", date(2019, 10, 2), role="conseillère d'accueil")
    assert (
        cells(parse(html_of(sheet)))["Rôle de la personne qui oriente"] == "conseillère d'accueil"
    )


def test_with_several_partners_the_sheet_asks_which_one(registry: Registry, tmp_path: Path) -> None:
    text = ONET.read_text(encoding="utf-8").replace(
        "[[signatories]]",
        '[[parties]]\nid = "asso-exemple"\nkind = "association"\nname = "Association Exemple"\n\n'
        "[[signatories]]",
        1,
    )
    path = tmp_path / "deux-partenaires.toml"
    path.write_text(text, encoding="utf-8")
    convention = load_convention(path, registry=registry)
    with pytest.raises(InputError, match="partenaire") as caught:
        sheet_for(convention, registry, "J001", date(2019, 10, 2))
    assert "asso-exemple" in caught.value.describe() and "ml-aveyron" in caught.value.describe()
    chosen = sheet_for(convention, registry, "J001", date(2019, 10, 2), partner="ml-aveyron")
    assert chosen.partner.id == "ml-aveyron"
    assert chosen.next_session is not None  # the Mission Locale's permanence
    other = sheet_for(convention, registry, "J001", date(2019, 10, 2), partner="asso-exemple")
    assert other.permanences == 0 and other.next_session is None


def test_a_convention_not_in_force_on_the_day_gives_no_sheet(
    onet: Convention, registry: Registry
) -> None:
    with pytest.raises(InputError, match="n'est pas en vigueur") as caught:
        sheet_for(onet, registry, "J001", date(2020, 2, 4))
    assert "2020-02-04" in caught.value.describe()


# -- the person: pseudonymised by default -------------------------------------------------------


def test_the_person_appears_by_the_pseudonym_of_every_other_export(
    onet: Convention, registry: Registry
) -> None:
    sheet = sheet_for(onet, registry, "J001", date(2019, 10, 2))
    text = html_of(sheet)
    expected = pseudonym(KEY, "J001")
    assert expected == pseudonymiser(ExportContext(pseudonym_key=KEY))("J001")
    assert expected in words(parse(text))
    assert "J001" not in text
    # neither the birth date nor the geocoded address is quoted; the age in years is
    assert "15/06/2000" not in text
    assert "2000" not in text
    assert "44.36478" not in text
    assert "2.5974" not in text
    assert "(19 ans)" in words(parse(text))


def test_no_key_no_pseudonymised_sheet(onet: Convention, registry: Registry) -> None:
    sheet = sheet_for(onet, registry, "J001", date(2019, 10, 2))
    with pytest.raises(PseudonymKeyError, match="PARTENARIAT_PSEUDONYM_KEY"):
        to_html(sheet, ExportContext())


def test_a_nominative_sheet_shows_only_the_identity_the_input_holds(
    onet: Convention, six_fours: Convention, registry: Registry, six_fours_people: Path
) -> None:
    # the Onet cohort holds no name and no contact: the sheet shows the id and the birth date
    sheet = sheet_for(
        onet, registry, "J001", date(2019, 10, 2), identity=read_identity(COHORT, "J001")
    )
    document = parse(html_of(sheet, pseudonymise=False))
    table = cells(document)
    assert table["Identifiant"] == "J001"
    assert table["Date de naissance"] == "15 juin 2000"
    assert not {"Nom", "Prénom", "Téléphone", "Courriel", "Pseudonyme"} & set(table)
    assert "né·e le 15/06/2000" in words(document)  # the full sentences, on a nominative sheet
    # R003 has empty name cells: nothing is invented
    assert read_identity(six_fours_people, "R003") == ()
    assert read_identity(six_fours_people, "R001") == (
        ("first_name", '=HYPERLINK("http://exemple.invalid")'),
        ("last_name", "<script>alert(1)</script>"),
        ("phone", "+33 6 00 00 00 00"),
    )


@pytest.mark.parametrize("ident", ["R001", "R002"])
def test_hostile_values_are_shown_as_text(
    six_fours: Convention, registry: Registry, six_fours_people: Path, ident: str
) -> None:
    identity = read_identity(six_fours_people, ident)
    sheet = sheet_for(
        six_fours, registry, ident, date(2023, 3, 1), six_fours_people, identity=identity
    )
    document = parse(html_of(sheet, pseudonymise=False))
    assert document.find(".//script") is None
    assert document.find(".//img") is None
    assert document.find(".//a") is None
    table = cells(document)
    for field, value in identity:
        label = {"first_name": "Prénom", "last_name": "Nom", "phone": "Téléphone"}[field]
        assert table[label] == value  # as written, nothing run, nothing dropped
    # pseudonymised (the default), the same sheet shows none of them, nor the identifier
    hidden = html_of(sheet)
    for _, value in (*identity, ("id", ident)):
        assert value not in hidden
        assert html.escape(value) not in hidden


def test_hostile_values_in_the_convention_are_escaped(registry: Registry, tmp_path: Path) -> None:
    text = ONET.read_text(encoding="utf-8").replace(
        'name = "Mission Locale de l\'Aveyron"',
        'name = "Mission Locale <b onmouseover=alert(1)>de l\'Aveyron</b>"',
    )
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    convention = load_convention(path, registry=registry)
    document = parse(html_of(sheet_for(convention, registry, "J001", date(2019, 10, 2))))
    assert document.find(".//b") is None
    assert "Mission Locale <b onmouseover=alert(1)>de l'Aveyron</b>" in words(document)


# -- why: the explanation, masked and never upgraded ----------------------------------------------


def test_the_explanation_is_the_eligibility_sentences(onet: Convention, registry: Registry) -> None:
    sheet = sheet_for(onet, registry, "J001", date(2019, 10, 2))
    assert sheet.status is Eligibility.ELIGIBLE
    document = parse(html_of(sheet))
    text = words(document)
    assert "Éligible au 02/10/2019." in text
    assert "Habite la commune 12176, dans le territoire de la convention." in text
    why = document.find(".//section[@aria-labelledby='pourquoi']")
    tree = why.find("ul")  # the rule: all of two conditions, the two nested under it
    (top,) = tree.findall("li")
    assert "".join(top.itertext()).startswith("✓Toutes les conditions suivantes")
    conditions = top.findall("ul/li")
    assert len(conditions) == 2
    assert ["".join(c.itertext())[0] for c in conditions] == ["✓", "✓"]


def test_an_unknown_answer_stays_unknown_with_what_is_missing(
    onet: Convention, six_fours: Convention, registry: Registry, six_fours_people: Path
) -> None:
    sheet = sheet_for(onet, registry, "J009", date(2019, 10, 2))  # no birth date
    assert sheet.status is Eligibility.UNKNOWN
    document = parse(html_of(sheet))
    text = words(document)
    assert "Éligibilité indéterminée au 02/10/2019 : il manque la date de naissance." in text
    assert "Éligible au" not in text
    assert "L'éligibilité n'est pas établie" in text
    decision = [p for p in document.iter("p") if "decision" in (p.get("class") or "")]
    assert decision and "indetermine" in decision[0].get("class")
    stale = sheet_for(six_fours, registry, "R003", date(2023, 3, 1), six_fours_people)
    assert stale.status is Eligibility.UNKNOWN
    assert "il manque une preuve à jour du frein « logement »" in words(parse(html_of(stale)))


def test_the_sensitive_fact_is_masked_unless_asked_for(
    six_fours: Convention, registry: Registry, six_fours_people: Path
) -> None:
    sheet = sheet_for(six_fours, registry, "R002", date(2023, 3, 1), six_fours_people)
    assert sheet.status is Eligibility.ELIGIBLE
    masked = words(parse(html_of(sheet)))
    assert "Critère sensible vérifié." in masked
    assert "santé" not in masked.lower()
    assert "Frein « logement » constaté le 10/01/2023" in masked
    shown = words(parse(html_of(sheet, include_sensitive=True)))
    assert "Frein « santé » constaté le 01/02/2023" in shown
    assert "Critère sensible vérifié." not in shown


def test_a_person_who_is_not_eligible_gets_no_sheet(
    onet: Convention, six_fours: Convention, registry: Registry, six_fours_people: Path
) -> None:
    with pytest.raises(ReferralRefusedError, match="trop âgé") as caught:
        sheet_for(onet, registry, "J006", date(2019, 10, 2))
    assert caught.value.decision.status is Eligibility.NOT_ELIGIBLE
    assert "fiche de liaison refusée" in caught.value.describe()
    with pytest.raises(ReferralRefusedError, match="hors du territoire"):
        sheet_for(onet, registry, "J014", date(2019, 10, 2))
    # the sensitive criterion among the reasons is not named in the refusal either
    for ident in ("R004", "R005"):
        with pytest.raises(ReferralRefusedError) as refused:
            sheet_for(six_fours, registry, ident, date(2023, 3, 1), six_fours_people)
        message = refused.value.describe()
        assert "pas assez de critères" in message
        assert "santé" not in message
        assert "health" not in refused.value.describe("en")
    assert " ; critère sensible ; " in message  # R005: no health barrier, said masked
    assert "not in the target public" in refused.value.describe("en")


def test_english_on_request(onet: Convention, registry: Registry) -> None:
    sheet = sheet_for(onet, registry, "J001", date(2019, 10, 2))
    document = parse(html_of(sheet, lang="en"))
    assert document.get("lang") == "en"
    text = words(document)
    assert "Referral sheet" in text
    assert "Eligible on 2019-10-02." in text
    assert "Tuesday 15 October 2019, 09:00 to 12:00" in text


# -- PDF -----------------------------------------------------------------------------------------


@pytest.mark.skipif(not pdf_available(), reason="weasyprint is not installed")
def test_the_pdf_is_one_page_with_the_text(onet: Convention, registry: Registry) -> None:
    pypdf = pytest.importorskip("pypdf")
    sheet = sheet_for(onet, registry, "J001", date(2019, 10, 2))
    reader = pypdf.PdfReader(io.BytesIO(to_pdf(sheet, ExportContext(pseudonym_key=KEY))))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text().replace("\u202f", " "))
    assert "Fiche de liaison" in text
    assert pseudonym(KEY, "J001") in text
    assert "mardi 15 octobre 2019, de 9 h à 12 h" in text
    assert "Éligible au 02/10/2019." in text
    assert "J001" not in text
    assert reader.metadata.title == "Fiche de liaison — onet-ml-2019"


@pytest.mark.skipif(not pdf_available(), reason="weasyprint is not installed")
def test_the_longest_example_tree_still_fits_one_page(
    six_fours: Convention, registry: Registry, six_fours_people: Path
) -> None:
    pypdf = pytest.importorskip("pypdf")
    sheet = sheet_for(six_fours, registry, "R003", date(2023, 3, 1), six_fours_people)
    context = ExportContext(pseudonym_key=KEY, pseudonymise=False)
    reader = pypdf.PdfReader(io.BytesIO(to_pdf(sheet, context)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Pôle emploi" in text
    assert "Critère sensible vérifié." in text
