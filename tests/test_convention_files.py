"""Convention files: the examples load, and every kind of bad input gets a clear, located error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from partenariat.errors import InputError, ValidationError
from partenariat.io import load_convention
from partenariat.plugins import PluginHost

from .conftest import ONET, SIX_FOURS, make_partners_host

Write = Callable[[str, "str | bytes"], Path]

VALID = """\
id = "test"
title = "Convention de test"

[period]
start = 2025-01-01
end = 2025-12-31

[[parties]]
id = "ccas"
kind = "ccas"
name = "CCAS de Trifouilly"
insee = "12176"

[[parties]]
id = "ml"
kind = "mission-locale"
name = "Mission Locale"

[[signatories]]
name = "Anne Exemple"
role = "présidente"
party = "ccas"
"""


@pytest.fixture
def host() -> PluginHost:
    """The core and the partner plugins: the files here name ``mission-locale``, ``pole-emploi``."""
    return make_partners_host()


def errors_of(path: Path, host: PluginHost) -> list[InputError]:
    with pytest.raises(ValidationError) as caught:
        load_convention(path, registry=host.registry())
    assert all(e.source == str(path) for e in caught.value.errors)
    return list(caught.value.errors)


def only_error(path: Path, host: PluginHost) -> InputError:
    errors = errors_of(path, host)
    assert len(errors) == 1, [e.describe() for e in errors]
    return errors[0]


@pytest.mark.parametrize("path", [ONET, SIX_FOURS], ids=["onet", "six-fours"])
def test_examples_are_valid(path: Path, host: PluginHost) -> None:
    assert load_convention(path, registry=host.registry()).id


def test_a_valid_minimal_file(write: Write, host: PluginHost) -> None:
    convention = load_convention(write("ok.toml", VALID), registry=host.registry())
    assert convention.host_party.id == "ccas"


def test_missing_file(tmp_path: Path, host: PluginHost) -> None:
    with pytest.raises(InputError) as caught:
        load_convention(tmp_path / "absent.toml", registry=host.registry())
    assert caught.value.source == str(tmp_path / "absent.toml")
    assert "fichier introuvable" in str(caught.value)


def test_a_folder_is_not_a_file(tmp_path: Path, host: PluginHost) -> None:
    with pytest.raises(InputError, match="dossier"):
        load_convention(tmp_path, registry=host.registry())


def test_not_utf8_names_line_and_column(write: Write, host: PluginHost) -> None:
    path = write(
        "latin1.toml", VALID.replace("Trifouilly", "Trifouilly-lès-Oies").encode("latin-1")
    )
    with pytest.raises(InputError) as caught:
        load_convention(path, registry=host.registry())
    error = caught.value
    assert (error.line, error.column) == (11, 29)  # name = "CCAS de Trifouilly-l|è
    assert "UTF-8" in error.describe()
    assert error.describe().startswith(f"{path}:11:29 : ")


def test_invalid_toml_names_line_and_column(write: Write, host: PluginHost) -> None:
    path = write("syntax.toml", VALID.replace('title = "Convention de test"', "title = "))
    with pytest.raises(InputError) as caught:
        load_convention(path, registry=host.registry())
    assert (caught.value.line, caught.value.column) == (2, 9)
    assert "TOML invalide" in str(caught.value)


def test_wrong_types(write: Write, host: PluginHost) -> None:
    text = VALID.replace('title = "Convention de test"', "title = 12").replace(
        "start = 2025-01-01", 'start = "demain"'
    )
    errors = errors_of(write("types.toml", text), host)
    by_key = {e.key: e for e in errors}
    assert by_key["title"].found == 12
    assert by_key["title"].expected is not None and by_key["title"].expected.fr == "du texte"
    assert by_key["period.start"].found == "demain"
    assert "AAAA-MM-JJ" in by_key["period.start"].describe()


def test_impossible_date(write: Write, host: PluginHost) -> None:
    text = VALID.replace('id = "test"', 'id = "test"\nsigned_on = "2025-02-30"')
    error = only_error(write("date.toml", text), host)
    assert error.key == "signed_on"
    assert error.found == "2025-02-30"


def test_a_list_where_a_table_is_expected_and_vice_versa(write: Write, host: PluginHost) -> None:
    text = VALID.replace("[period]\nstart = 2025-01-01\nend = 2025-12-31\n", "").replace(
        'id = "test"', 'id = "test"\nperiod = "2025"\nobjectives = "un seul"'
    )
    keys = {e.key for e in errors_of(write("shape.toml", text), host)}
    assert keys == {"period", "objectives"}


def test_end_before_start(write: Write, host: PluginHost) -> None:
    error = only_error(
        write("end.toml", VALID.replace("end = 2025-12-31", "end = 2024-12-31")), host
    )
    assert error.key == "period.end"
    assert "la fin est avant le début" in error.describe()


def test_signatory_of_no_party(write: Write, host: PluginHost) -> None:
    error = only_error(write("sig.toml", VALID.replace('party = "ccas"', 'party = "mairie"')), host)
    assert error.key == "signatories[0].party"
    assert error.found == "mairie"
    assert error.expected is not None and "ccas, ml" in error.expected.fr


def test_duplicate_identifiers(write: Write, host: PluginHost) -> None:
    error = only_error(write("dup.toml", VALID.replace('id = "ml"', 'id = "ccas"')), host)
    assert error.key == "parties[1].id"
    assert "en double" in error.describe()


def test_insee_code_of_the_wrong_shape(write: Write, host: PluginHost) -> None:
    error = only_error(write("insee.toml", VALID.replace('"12176"', '"1217"')), host)
    assert error.key == "parties[0].insee"
    assert error.found == "1217"


def test_siret_with_a_bad_checksum(write: Write, host: PluginHost) -> None:
    text = VALID.replace('insee = "12176"', 'insee = "12176"\nsiret = "12345678901234"')
    error = only_error(write("siret.toml", text), host)
    assert error.key == "parties[0].siret"
    assert "Luhn" in error.describe()


def test_unknown_organisation_kind_with_suggestion(write: Write, host: PluginHost) -> None:
    error = only_error(
        write("kind.toml", VALID.replace('"mission-locale"', '"mision-locale"')), host
    )
    assert error.key == "parties[1].kind"
    assert "vouliez-vous dire « mission-locale »" in error.describe()
    assert "did you mean 'mission-locale'" in error.describe("en")


def test_unknown_key_with_suggestion(write: Write, host: PluginHost) -> None:
    path = write("key.toml", VALID.replace("[[signatories]]\nname", "[[signatories]]\nnom"))
    errors = {e.key: e for e in errors_of(path, host)}
    # A French key name gets the English key it stands for; the key it replaces is then missing.
    assert set(errors) == {"signatories[0].nom", "signatories[0].name"}
    assert "vouliez-vous dire « name »" in errors["signatories[0].nom"].describe()
    assert "clé obligatoire manquante" in errors["signatories[0].name"].describe()


def test_unknown_top_level_key_suggests_the_close_one(write: Write, host: PluginHost) -> None:
    error = only_error(write("typo.toml", VALID.replace("title =", "tittle = 'x'\ntitle =")), host)
    assert error.key == "tittle"
    assert "vouliez-vous dire « title »" in error.describe()


def test_missing_required_key(write: Write, host: PluginHost) -> None:
    error = only_error(write("req.toml", VALID.replace('name = "Mission Locale"\n', "")), host)
    assert error.key == "parties[1].name"
    assert "clé obligatoire manquante" in error.describe()


def test_pole_emploi_is_refused_after_2024(write: Write, host: PluginHost) -> None:
    text = VALID.replace('"mission-locale"', '"pole-emploi"').replace("2025-01-01", "2024-03-01")
    error = only_error(write("pe.toml", text), host)
    assert error.key == "parties[1].kind"
    assert "france-travail" in error.describe()


def test_every_problem_of_a_broken_file_is_reported_in_one_run(
    write: Write, host: PluginHost
) -> None:
    text = (
        VALID.replace('"12176"', '"1217"')
        .replace('"mission-locale"', '"mision-locale"')
        .replace('party = "ccas"', 'party = "mairie"')
        .replace("end = 2025-12-31", "end = 2024-12-31")
        .replace('id = "test"', 'id = "Test !"\ncolour = "bleu"')
    )
    keys = sorted(e.key or "" for e in errors_of(write("all.toml", text), host))
    assert keys == [
        "colour",
        "id",
        "parties[0].insee",
        "parties[1].kind",
        "period.end",
        "signatories[0].party",
    ]


def test_english_messages(write: Write, host: PluginHost) -> None:
    error = only_error(write("en.toml", VALID.replace('"12176"', '"1217"')), host)
    assert error.describe("en") == (
        f"{error.source}, key parties[0].insee: invalid INSEE commune code "
        "(found '1217', expected: 5 characters: département then commune (e.g. 12176, 2A004, 97411))"
    )


def test_bad_renewal_numbers_are_all_reported(write: Write, host: PluginHost) -> None:
    text = VALID.replace(
        "[[parties]]",
        '[renewal]\nkind = "tacit"\nmax_renewals = 0\nnotice_days = -5\nrenewal_months = 0\n\n[[parties]]',
        1,
    )
    keys = sorted(e.key or "" for e in errors_of(write("renewal.toml", text), host))
    assert keys == ["renewal.max_renewals", "renewal.notice_days", "renewal.renewal_months"]
