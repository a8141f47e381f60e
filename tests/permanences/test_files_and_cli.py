"""Permanences in convention files (errors with file and key path) and the calendar command."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from partenariat.cli import main
from partenariat.errors import ValidationError
from partenariat.io import dump_toml, load_convention

from ..conftest import examples_registry


def onet_without_permanences(onet_file: Path) -> str:
    text = onet_file.read_text(encoding="utf-8")
    return text[: text.index("[[permanences]]")]


def write(tmp_path: Path, onet_file: Path, permanences: str, name: str = "convention.toml") -> Path:
    path = tmp_path / name
    path.write_text(onet_without_permanences(onet_file) + permanences, encoding="utf-8")
    return path


PERMANENCE = """
[[permanences]]
id = "{id}"
partner = "ml-aveyron"
start = {start}
end = {end}
place = {{ name = "CCAS", room = "{room}" }}
rule = {{ frequency = "{frequency}", weekdays = [{weekdays}]{extra} }}
{more}
"""


def permanence(**values: str) -> str:
    fields = {
        "id": "p",
        "start": "09:00:00",
        "end": "12:00:00",
        "room": "bureau",
        "frequency": "monthly",
        "weekdays": '"1TU", "3TU"',
        "extra": "",
        "more": "",
    }
    fields.update(values)
    return PERMANENCE.format(**fields)


def errors_of(path: Path) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        load_convention(path, registry=examples_registry())
    assert all(e.source == str(path) for e in info.value.errors)
    return {e.key: e.describe() for e in info.value.errors}


def test_the_onet_file_defaults_come_from_the_convention(onet_file):
    convention = load_convention(onet_file, registry=examples_registry())
    [perm] = convention.permanences
    assert perm.convention == "onet-ml-2019"
    assert (perm.rule.start, perm.rule.until) == (date(2019, 9, 1), date(2019, 12, 31))
    assert perm.holidays.territory == "metropole"  # from the host's INSEE code 12176
    assert perm.time_zone == "Europe/Paris"


def test_permanences_survive_a_toml_round_trip(onet_file, tmp_path):
    convention = load_convention(onet_file, registry=examples_registry())
    again = tmp_path / "again.toml"
    again.write_text(dump_toml(convention), encoding="utf-8")
    assert load_convention(again, registry=examples_registry()) == convention


def test_a_host_in_moselle_gets_alsace_moselle_holidays(onet_file, tmp_path):
    text = onet_without_permanences(onet_file).replace('insee = "12176"', 'insee = "57463"')
    path = tmp_path / "metz.toml"
    path.write_text(text + permanence(), encoding="utf-8")
    assert (
        load_convention(path, registry=examples_registry()).permanences[0].holidays.territory
        == "alsace-moselle"
    )


def test_a_rule_can_be_written_as_a_french_phrase(onet_file, tmp_path):
    text = """
[[permanences]]
id = "phrase"
partner = "ml-aveyron"
place = { name = "CCAS" }
rule = "les 1er et 3e mardis du mois, de 9 h à midi"
"""
    [perm] = load_convention(
        write(tmp_path, onet_file, text), registry=examples_registry()
    ).permanences
    reference = load_convention(onet_file, registry=examples_registry()).permanences[0]
    assert perm.rule == reference.rule  # until: the convention's last day
    assert (perm.start, perm.end) == (reference.start, reference.end)


def test_a_phrase_that_is_not_understood_is_reported_with_its_key_path(onet_file, tmp_path):
    text = """
[[permanences]]
id = "phrase"
partner = "ml-aveyron"
start = 09:00:00
end = 12:00:00
place = { name = "CCAS" }
rule = "les 1er et 3e mardis à la piscine"
"""
    errors = errors_of(write(tmp_path, onet_file, text))
    assert "partie non comprise : « piscine »" in errors["permanences[0].rule"]


def test_a_phrase_with_two_time_ranges_is_refused_as_one_permanence(onet_file, tmp_path):
    text = """
[[permanences]]
id = "phrase"
partner = "ml-aveyron"
start = 09:00:00
end = 12:00:00
place = { name = "CCAS" }
rule = "le mardi de 9h à 12h et de 14h à 17h"
"""
    errors = errors_of(write(tmp_path, onet_file, text))
    assert "plusieurs plages horaires" in errors["permanences[0].rule"]


def test_a_phrase_including_public_holidays_sets_the_policy(onet_file, tmp_path):
    text = """
[[permanences]]
id = "phrase"
partner = "ml-aveyron"
place = { name = "CCAS" }
rule = "le mardi de 9h à 12h, y compris les jours fériés"
"""
    [perm] = load_convention(
        write(tmp_path, onet_file, text), registry=examples_registry()
    ).permanences
    assert perm.holidays.skip_holidays is False


def test_an_end_before_the_start_in_a_file_names_the_permanence(onet_file, tmp_path):
    path = write(tmp_path, onet_file, permanence(id="ml", start="12:00:00", end="09:00:00"))
    errors = errors_of(path)
    assert (
        "permanence « ml » : la fin (09:00) précède le début (12:00)"
        in errors["permanences[0].end"]
    )


def test_a_night_session_in_a_file_says_overnight(onet_file, tmp_path):
    text = permanence(start="22:00:00", end="06:00:00", more="overnight = true")
    [perm] = load_convention(
        write(tmp_path, onet_file, text), registry=examples_registry()
    ).permanences
    assert perm.overnight


def test_bad_weekdays_and_ranks_are_reported_with_their_key_paths(onet_file, tmp_path):
    path = write(tmp_path, onet_file, permanence(weekdays='"1TU", "0TU", "6WE", "-6FR", "XX"'))
    errors = errors_of(path)
    assert set(errors) == {f"permanences[0].rule.weekdays[{i}]" for i in (1, 2, 3, 4)}
    assert "rang du jour invalide" in errors["permanences[0].rule.weekdays[1]"]
    assert "trouvé « 0TU »" in errors["permanences[0].rule.weekdays[1]"]
    assert "jour de la semaine inconnu" in errors["permanences[0].rule.weekdays[4]"]
    assert str(path) in errors["permanences[0].rule.weekdays[4]"]


def test_end_before_start_is_reported(onet_file, tmp_path):
    path = write(tmp_path, onet_file, permanence(extra=", start = 2019-10-01, until = 2019-09-30"))
    assert "la fin précède le début" in errors_of(path)["permanences[0].rule.until"]


def test_a_rule_outside_the_convention_period_is_reported(onet_file, tmp_path):
    path = write(
        tmp_path,
        onet_file,
        permanence(extra=", until = 2020-01-31") + permanence(id="q", extra=", start = 2019-08-01"),
    )
    errors = errors_of(path)
    assert "dépasse la fin de la période" in errors["permanences[0].rule.until"]
    assert "au plus tard le 2019-12-31" in errors["permanences[0].rule.until"]
    assert "commence avant la période" in errors["permanences[1].rule.start"]


def test_an_unknown_time_zone_and_partner_are_reported_together(onet_file, tmp_path):
    text = permanence(more='time_zone = "Europe/Pariss"') + permanence(id="q").replace(
        '"ml-aveyron"', '"ml-aveyronn"'
    )
    errors = errors_of(write(tmp_path, onet_file, text))
    assert "fuseau horaire inconnu" in errors["permanences[0].time_zone"]
    assert "ne désigne aucune des parties" in errors["permanences[1].partner"]
    assert "trouvé « ml-aveyronn »" in errors["permanences[1].partner"]


def test_a_nonexistent_local_time_is_reported_from_the_file(onet_file, tmp_path):
    text = permanence(
        start="02:30:00",
        end="04:00:00",
        frequency="weekly",
        weekdays='"SU"',
        extra=", start = 2019-09-01, until = 2019-10-31",
    )
    errors = errors_of(write(tmp_path, onet_file, text))
    assert "existe deux fois le 27/10/2019" in errors["permanences[0].start"]


def test_a_time_skipped_by_the_spring_clock_change_is_reported_from_the_file(onet_file, tmp_path):
    text = permanence(
        start="02:30:00",
        end="04:00:00",
        frequency="weekly",
        weekdays='"SU"',
        extra=", start = 2020-03-01, until = 2020-04-30",
    )
    path = write(tmp_path, onet_file, text)
    content = path.read_text(encoding="utf-8").replace("end = 2019-12-31", "end = 2020-12-31")
    path.write_text(content, encoding="utf-8")
    errors = errors_of(path)
    assert "02:30 n'existe pas le 29/03/2020" in errors["permanences[0].start"]
    assert "passage à l'heure d'été" in errors["permanences[0].start"]


def test_moves_onto_a_holiday_or_another_session_are_reported(onet_file, tmp_path):
    more = """moves = [
  { on = 2019-09-03, to = 2019-11-11, reason = "formation" },
  { on = 2019-10-01, to = 2019-10-15 },
]"""
    errors = errors_of(write(tmp_path, onet_file, permanence(more=more)))
    assert "jour férié : Armistice" in errors["permanences[0].moves[0].to"]
    assert "chevauche une autre séance" in errors["permanences[0].moves[1].to"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_table_of_the_onet_convention(capsys, onet_file):
    code, out, _ = run(
        capsys, "calendrier", str(onet_file), "--du", "2019-09-01", "--au", "2019-12-31"
    )
    assert code == 0
    assert "mar. 03/09/2019" in out
    assert "mar. 17/12/2019" in out
    assert "8 séance(s) tenue(s)." in out


def test_cli_english_aliases_and_json(capsys, onet_file):
    code, out, _ = run(
        capsys,
        "--lang",
        "en",
        "calendar",
        str(onet_file),
        "--from",
        "2019-11-01",
        "--to",
        "2019-11-30",
        "--format",
        "json",
    )
    assert code == 0
    rows = json.loads(out)
    assert [r["start"] for r in rows] == ["2019-11-05T09:00:00+01:00", "2019-11-19T09:00:00+01:00"]


def test_cli_osm_and_ics(capsys, onet_file):
    assert (
        run(capsys, "calendrier", str(onet_file), "--format", "osm")[1]
        == "2019 Sep 01-2019 Dec 31 Tu[1,3] 09:00-12:00\n"
    )
    code, out, _ = run(capsys, "calendrier", str(onet_file), "--format", "ics")
    assert code == 0
    assert out.startswith("BEGIN:VCALENDAR")
    assert "RRULE:FREQ=MONTHLY" in out


def test_cli_shows_conflicts_between_files(capsys, onet_file, tmp_path):
    other = write(
        tmp_path,
        onet_file,
        permanence(
            id="autre",
            frequency="weekly",
            weekdays='"TU"',
            start="11:00:00",
            end="13:00:00",
            more='counsellors = ["Hugo Exemplaire"]',
        ),
    )
    text = other.read_text(encoding="utf-8").replace(
        'id = "onet-ml-2019"', 'id = "autre-convention"'
    )
    other.write_text(text, encoding="utf-8")
    code, out, _ = run(
        capsys, "calendrier", str(onet_file), str(other), "--du", "2019-09-01", "--au", "2019-09-30"
    )
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("conflit")]
    assert len(lines) == 2  # 3 and 17 September
    assert "même conseiller·ère « Hugo Exemplaire »" in lines[0]
    assert "« ml-au-ccas » le 03/09/2019 09:00-12:00" in lines[0]


def test_cli_reports_file_errors_without_a_traceback(capsys, onet_file, tmp_path):
    path = write(tmp_path, onet_file, permanence(weekdays='"0TU"'))
    code, _out, err = run(capsys, "calendrier", str(path))
    assert code == 1
    assert "Traceback" not in err
    assert "permanences[0].rule.weekdays[0]" in err


def test_cli_refuses_a_window_that_ends_before_it_starts(capsys, onet_file):
    code, _, err = run(
        capsys, "calendrier", str(onet_file), "--du", "2019-12-31", "--au", "2019-09-01"
    )
    assert code == 1
    assert "la fin (2019-09-01) précède le début (2019-12-31)" in err
