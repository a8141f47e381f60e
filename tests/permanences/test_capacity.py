"""Slot length and capacity of a permanence, in Python and in convention files."""

from __future__ import annotations

from datetime import date

import pytest

from partenariat.errors import InputError
from partenariat.io import dump_toml, load_convention
from partenariat.permanences import Recurrence

from ..conftest import examples_registry
from .test_files_and_cli import errors_of, permanence, write

RULE = Recurrence.monthly(date(2019, 9, 1), "1TU", until=date(2019, 12, 31))


@pytest.mark.parametrize(
    ("counsellors", "capacity", "seats"),
    [((), None, 1), (("A",), None, 1), (("A", "B"), None, 2), (("A", "B"), 1, 1), ((), 3, 3)],
)
def test_capacity_defaults_to_the_number_of_counsellors(build, counsellors, capacity, seats):
    perm = build(RULE, counsellors=counsellors, capacity=capacity, slot_minutes=30)
    assert perm.seats == seats


@pytest.mark.parametrize("value", [0, -1, 101, True, 1.5])
def test_a_capacity_must_be_a_small_positive_whole_number(build, value):
    with pytest.raises(InputError, match="capacité invalide") as info:
        build(RULE, capacity=value)
    assert info.value.key == "capacity"


@pytest.mark.parametrize("value", [0, -30, 1441, False])
def test_a_slot_length_must_be_positive_minutes(build, value):
    with pytest.raises(InputError, match="durée de créneau invalide") as info:
        build(RULE, slot_minutes=value)
    assert info.value.key == "slot_minutes"


def test_slot_length_and_capacity_are_read_from_a_file_and_written_back(onet_file, tmp_path):
    path = write(tmp_path, onet_file, permanence(more="slot_minutes = 20\ncapacity = 2"))
    convention = load_convention(path, registry=examples_registry())
    [perm] = convention.permanences
    assert (perm.slot_minutes, perm.capacity, perm.seats) == (20, 2, 2)
    again = tmp_path / "again.toml"
    again.write_text(dump_toml(convention), encoding="utf-8")
    assert load_convention(again, registry=examples_registry()) == convention


def test_bad_slot_length_and_capacity_in_a_file_are_located(onet_file, tmp_path):
    path = write(tmp_path, onet_file, permanence(more="slot_minutes = 0"))
    assert "trouvé 0" in errors_of(path)["permanences[0].slot_minutes"]
    path = write(tmp_path, onet_file, permanence(more="capacity = 0"))
    assert "capacité invalide" in errors_of(path)["permanences[0].capacity"]
    path = write(tmp_path, onet_file, permanence(more='capacity = "deux"'))
    assert "permanences[0].capacity" in errors_of(path)


def test_a_substitution_is_read_from_a_file_and_must_fall_on_a_held_session(onet_file, tmp_path):
    swap = 'substitutions = [{ on = 2019-09-03, replaced = "A", by = "B", reason = "congé" }]'
    path = write(tmp_path, onet_file, permanence(more=f'counsellors = ["A"]\n{swap}'))
    [perm] = load_convention(path, registry=examples_registry()).permanences
    assert perm.substitutions[0].by == "B"
    wrong = swap.replace("2019-09-03", "2019-09-04")  # a Wednesday: no session
    path = write(tmp_path, onet_file, permanence(more=f'counsellors = ["A"]\n{wrong}'))
    assert "aucune séance tenue ce jour-là" in errors_of(path)["permanences[0].substitutions[0].on"]
    path = write(tmp_path, onet_file, permanence(more=f'counsellors = ["C"]\n{swap}'))
    assert "ne tient pas" in errors_of(path)["permanences[0].substitutions[0].replaced"]
