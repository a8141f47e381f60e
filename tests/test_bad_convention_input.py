"""The fuzzing reproducers for convention files: each is a located error, never a crash."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest

from partenariat import hookimpl
from partenariat.conventions import MAX_NOTICE_DAYS, MAX_RENEWALS
from partenariat.errors import PartenariatError
from partenariat.i18n import Text
from partenariat.io import convention_from_dict, dump_toml, load_convention
from partenariat.organisations import PartnerKind
from partenariat.plugins import make_plugin_host

from .test_convention_files import VALID as VALID_WITH_A_MISSION_LOCALE

# The core alone: the partner is an association (``mission-locale`` comes with its plugin).
VALID = VALID_WITH_A_MISSION_LOCALE.replace('kind = "mission-locale"', 'kind = "association"')

Write = Callable[[str, "str | bytes"], Path]

PERMANENCE = """
[[permanences]]
id = "p"
partner = "ml"
rule = { freq = "weekly", weekdays = ["TU"] }
start = "09:00"
end = "12:00"
place = { label = "CCAS" }
"""


def refusal(path: Path) -> str:
    """The French message of the error a file gets; it must name the file."""
    with pytest.raises(PartenariatError) as caught:
        load_convention(path)
    message = caught.value.describe("fr")
    assert path.name in message
    return message


def test_arrays_nested_thousands_deep(write: Write) -> None:
    path = write("deep.toml", VALID + "x = " + "[" * 3000 + "]" * 3000 + "\n")
    assert "imbrication trop profonde" in refusal(path)


def test_nesting_just_past_the_bound_names_the_key(write: Write) -> None:
    path = write("deep.toml", VALID + "x = " + "[" * 40 + "]" * 40 + "\n")
    message = refusal(path)
    assert "imbrication trop profonde" in message
    assert ".x[0][0][0]" in message  # the key path down to where it gets too deep


def test_an_integer_of_4301_digits(write: Write) -> None:
    path = write("long.toml", VALID + "x = " + "9" * 4301 + "\n")
    assert "nombre trop long" in refusal(path)


def test_a_party_id_given_as_a_table(write: Write) -> None:
    path = write("table-id.toml", VALID.replace('id = "ml"', "id = { a = 1 }"))
    assert "parties[1].id" in refusal(path)


def test_parties_not_a_list_beside_a_permanence(write: Write) -> None:
    text = VALID[: VALID.index("[[parties]]")] + "parties = 5\n" + PERMANENCE
    assert "parties" in refusal(write("parties.toml", text))


def test_a_date_before_the_bounds_with_a_permanence(write: Write) -> None:
    text = VALID.replace("start = 2025-01-01", "start = 0001-01-01") + PERMANENCE
    message = refusal(write("old.toml", text))
    assert "date hors des bornes" in message
    assert "period.start" in message


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ("max_renewals = 1000000000", "renewal.max_renewals"),
        ("notice_days = 2147483648", "renewal.notice_days"),
        ("renewal_months = 100000", "renewal.renewal_months"),
    ],
)
def test_renewal_numbers_have_bounds(write: Write, setting: str, key: str) -> None:
    renewal = (
        '\n[renewal]\nkind = "tacit"\nmax_renewals = 2\nnotice_days = 30\nrenewal_months = 12\n'
    )
    name = setting.split(" = ", maxsplit=1)[0]
    lines = [line for line in renewal.splitlines() if not line.startswith(name)]
    text = VALID + "\n".join([*lines, setting]) + "\n"
    assert key in refusal(write("renewal.toml", text))


def test_the_largest_allowed_renewal_settings_still_answer(write: Write) -> None:
    renewal = (
        f'\n[renewal]\nkind = "tacit"\nmax_renewals = {MAX_RENEWALS}\n'
        f"notice_days = {MAX_NOTICE_DAYS}\nrenewal_months = 12\n"
    )
    convention = load_convention(write("max.toml", VALID + renewal))
    deadline = date(2025, 12, 31) - timedelta(days=MAX_NOTICE_DAYS)
    assert convention.renewal_deadline(date(2025, 6, 1)) == deadline
    assert convention.in_force(date(2125, 1, 1))  # the hundredth yearly renewal
    assert not convention.in_force(date(2126, 1, 1))


def test_text_with_a_carriage_return_survives_the_toml_round_trip(write: Write) -> None:
    convention = load_convention(write("ok.toml", VALID))
    changed = attrs.evolve(convention, title="a\r\nb")
    again = convention_from_dict(tomllib.loads(dump_toml(changed)))
    assert again.title == "a\r\nb"
    assert again == changed


def test_a_kind_no_installed_plugin_provides_names_the_kind_and_the_plugins() -> None:
    class Invented:
        @hookimpl
        def partenariat_partner_kinds(self) -> list[PartnerKind]:
            return [PartnerKind("guichet-test", Text("guichet", "desk"))]

    host = make_plugin_host(entry_points=False, plugins=[("guichets", Invented())])
    data = {
        "id": "x",
        "title": "Convention",
        "period": {"start": "2025-01-01"},
        "parties": [
            {"id": "ccas", "kind": "ccas", "name": "CCAS"},
            {"id": "cap", "kind": "cap-emploi", "name": "Cap emploi"},
        ],
    }
    with pytest.raises(PartenariatError) as caught:
        convention_from_dict(data, registry=host.registry())
    message = str(caught.value)
    assert "cap-emploi" in message
    assert "« cap-emploi » inconnu : aucune extension installée ne le fournit" in message
    assert "(extensions installées : guichets)" in message
    assert caught.value.errors[0].key == "parties[1].kind"
