"""The journal: commands checked against the folded state, every refusal a clear error."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from followup_helpers import PARIS, TERMS, at, followed_file, open_file

from partenariat.errors import InputError, UnknownNameError
from partenariat.followup.appointments import AppointmentStatus, SlotRef
from partenariat.followup.journal import ConflictError, Journal, fold
from partenariat.followup.referrals import EligibilitySnapshot, ReferralStatus
from partenariat.followup.sqlite import SqliteStore


def unchanged(journal: Journal, file_id: str, version: int) -> None:
    """The refused command left nothing behind."""
    assert journal.file(file_id).version == version
    assert journal.store.verify() == []  # type: ignore[attr-defined]


def test_a_full_path_is_recorded_with_time_actor_and_reason(journal: Journal) -> None:
    followed_file(journal)
    journal.transition(
        "D1", "suspendre", at=at(2019, 10, 1), actor="c", reason="stage hors département"
    )
    journal.transition("D1", "reprendre", at=at(2019, 11, 4), actor="c")
    state = journal.transition("D1", "clore", at=at(2019, 12, 2), actor="c", outcome="alternance")
    assert state.state == "clos"
    assert state.outcome == "alternance"
    names = [t.name for t in state.transitions]
    assert names == ["planifier-premier-rdv", "demarrer-suivi", "suspendre", "reprendre", "clore"]
    suspended = state.transitions[2]
    assert (suspended.at, suspended.actor, suspended.reason) == (
        at(2019, 10, 1),
        "c",
        "stage hors département",
    )
    # the stored state is exactly the fold of the stored events
    assert fold(journal.history("D1")) == state
    assert state.version == len(journal.history("D1"))


def test_reopen_goes_back_to_referred_and_forgets_the_outcome(journal: Journal) -> None:
    followed_file(journal)
    journal.transition("D1", "clore", at=at(2019, 10, 1), actor="c", outcome="injoignable")
    state = journal.transition("D1", "rouvrir", at=at(2019, 10, 20), actor="c", reason="revenu")
    assert (state.state, state.outcome) == ("oriente", None)
    state = journal.transition("D1", "demarrer-suivi", at=at(2019, 10, 21), actor="c")
    assert state.state == "en-suivi"


def test_the_eligibility_decision_is_kept_with_the_referral(journal: Journal) -> None:
    snapshot = EligibilitySnapshot(
        "eligible", "18 ans révolus, réside à Onet", ("age-16-25", "qpv"), date(2019, 9, 10), True
    )
    open_file(journal, qpv=None, eligibility=snapshot)
    state = journal.file("D1")
    assert state.referral.eligibility == snapshot
    assert state.qpv is True  # QPV as decided at entry
    assert state.age_band == "18-21"


def test_the_journal_keeps_the_age_band_not_the_birth_date(journal: Journal) -> None:
    open_file(journal)
    (event,) = journal.history("D1")
    assert "2001-04-02" not in str(event.data)
    assert event.data["age_band"] == "18-21"


# -- bad input: each one a clear error, the journal untouched ---------------------------------


def test_unknown_transition(journal: Journal) -> None:
    followed_file(journal)
    version = journal.file("D1").version
    with pytest.raises(InputError) as err:
        journal.transition("D1", "archiver", at=at(2019, 10, 1), actor="c")
    message = str(err.value)
    assert "transition inconnue" in message
    assert "« archiver »" in message
    assert "demarrer-suivi" in message  # lists the known transitions
    assert "unknown transition" in err.value.describe("en")
    unchanged(journal, "D1", version)


def test_transition_from_the_wrong_state(journal: Journal) -> None:
    followed_file(journal)
    version = journal.file("D1").version
    with pytest.raises(InputError) as err:
        journal.transition("D1", "reprendre", at=at(2019, 10, 1), actor="c")
    assert "impossible depuis l'état « en-suivi »" in str(err.value)
    assert "suspendre" in str(err.value)  # what is possible from there
    unchanged(journal, "D1", version)


def test_follow_up_needs_a_first_attended_appointment(journal: Journal) -> None:
    open_file(journal)
    with pytest.raises(InputError, match="premier rendez-vous honoré"):
        journal.transition("D1", "demarrer-suivi", at=at(2019, 9, 20), actor="c")


def test_closing_needs_an_outcome(journal: Journal) -> None:
    followed_file(journal)
    with pytest.raises(InputError, match="la clôture exige une issue"):
        journal.transition("D1", "clore", at=at(2019, 10, 1), actor="c")


def test_an_outcome_outside_the_taxonomy(journal: Journal) -> None:
    followed_file(journal)
    version = journal.file("D1").version
    with pytest.raises(InputError) as err:
        journal.transition("D1", "clore", at=at(2019, 10, 1), actor="c", outcome="loto")
    assert "issue hors de la nomenclature « defaut »" in str(err.value)
    assert "cdi" in str(err.value)
    unchanged(journal, "D1", version)


def test_an_outcome_only_goes_with_a_closing(journal: Journal) -> None:
    followed_file(journal)
    with pytest.raises(InputError, match="une issue ne se donne qu'à une clôture"):
        journal.transition("D1", "suspendre", at=at(2019, 10, 1), actor="c", outcome="cdi")


def test_a_transition_dated_before_the_previous_one(journal: Journal) -> None:
    followed_file(journal)
    with pytest.raises(InputError) as err:
        journal.transition("D1", "suspendre", at=at(2019, 9, 16), actor="c")
    assert "date antérieure à la transition précédente" in str(err.value)
    assert "17/09/2019 12:00" in str(err.value)


def test_an_event_dated_before_the_referral(journal: Journal) -> None:
    open_file(journal)
    with pytest.raises(InputError) as err:
        journal.decide_referral("D1", "acceptee", at=at(2019, 9, 9), actor="c")
    assert "date antérieure à l'orientation" in str(err.value)
    with pytest.raises(InputError, match="antérieure à l'orientation"):
        journal.plan_appointment("D1", "R1", when=at(2019, 9, 3), at=at(2019, 9, 11), actor="c")
    unchanged(journal, "D1", 1)


def test_an_appointment_in_a_cancelled_occurrence(journal: Journal) -> None:
    open_file(journal)
    slot = SlotRef("perm-onet", datetime(2019, 10, 15, 9))  # cancelled in the calendar
    with pytest.raises(InputError) as err:
        journal.plan_appointment(
            "D1", "R1", when=at(2019, 10, 15, 9), slot=slot, at=at(2019, 9, 11), actor="c"
        )
    assert "cette permanence est annulée" in str(err.value)
    assert "la séance du mardi 15/10/2019 de 09:00 à 12:00" in str(err.value)
    unchanged(journal, "D1", 1)


def test_an_appointment_in_an_occurrence_that_does_not_exist(journal: Journal) -> None:
    open_file(journal)
    slot = SlotRef("perm-onet", datetime(2019, 10, 8, 9))  # 2nd Tuesday: no permanence
    with pytest.raises(InputError, match="aucune permanence à cette date"):
        journal.plan_appointment(
            "D1", "R1", when=at(2019, 10, 8, 9), slot=slot, at=at(2019, 9, 11), actor="c"
        )


def test_an_appointment_in_an_existing_occurrence(journal: Journal) -> None:
    open_file(journal)
    slot = SlotRef("perm-onet", datetime(2019, 10, 1, 9))
    state = journal.plan_appointment(
        "D1", "R1", when=at(2019, 10, 1, 9, 30), slot=slot, at=at(2019, 9, 11), actor="c"
    )
    assert state.appointment("R1").slot == slot


def test_an_appointment_outside_the_convention_period(journal: Journal) -> None:
    open_file(journal)
    with pytest.raises(InputError) as err:
        journal.plan_appointment("D1", "R1", when=at(2020, 1, 7), at=at(2019, 9, 11), actor="c")
    assert "rendez-vous hors de la période de la convention" in str(err.value)
    assert "du 01/09/2019 au 31/12/2019" in str(err.value)


def test_a_referral_outside_the_convention_period(journal: Journal) -> None:
    with pytest.raises(InputError, match="orientation hors de la période"):
        open_file(journal, at=at(2019, 8, 30))


def test_a_future_appointment_cannot_be_attended(journal: Journal) -> None:
    open_file(journal)
    journal.plan_appointment("D1", "R1", when=at(2019, 9, 17, 9), at=at(2019, 9, 11), actor="c")
    for status in ("honore", "absent"):
        with pytest.raises(InputError, match="un rendez-vous futur ne peut pas"):
            journal.record_attendance("D1", "R1", status, at=at(2019, 9, 16), actor="c")
    # excused or cancelled ahead of time is normal
    state = journal.record_attendance("D1", "R1", "excuse", at=at(2019, 9, 16), actor="c")
    assert state.appointment("R1").status is AppointmentStatus.EXCUSED


def test_unknown_appointment_status_and_modality(journal: Journal) -> None:
    open_file(journal)
    with pytest.raises(InputError, match="modalité de rendez-vous inconnue"):
        journal.plan_appointment(
            "D1", "R1", when=at(2019, 9, 17), modality="pigeon", at=at(2019, 9, 11), actor="c"
        )
    journal.plan_appointment("D1", "R1", when=at(2019, 9, 17), at=at(2019, 9, 11), actor="c")
    with pytest.raises(InputError, match="statut de rendez-vous inconnu"):
        journal.record_attendance("D1", "R1", "venu", at=at(2019, 9, 18), actor="c")
    with pytest.raises(InputError, match="rendez-vous inconnu"):
        journal.record_attendance("D1", "R9", "honore", at=at(2019, 9, 18), actor="c")
    with pytest.raises(InputError, match="déjà utilisé"):
        journal.plan_appointment("D1", "R1", when=at(2019, 9, 17), at=at(2019, 9, 11), actor="c")


def test_a_naive_appointment_time_is_refused(journal: Journal) -> None:
    open_file(journal)
    with pytest.raises(InputError, match="sans fuseau horaire"):
        journal.plan_appointment(
            "D1", "R1", when=datetime(2019, 9, 17, 9), at=at(2019, 9, 11), actor="c"
        )


def test_referral_answers(journal: Journal) -> None:
    open_file(journal)
    with pytest.raises(InputError, match="un refus d'orientation doit être motivé"):
        journal.decide_referral("D1", "refusee", at=at(2019, 9, 11), actor="c")
    with pytest.raises(InputError, match="n'a pas encore expiré"):
        journal.decide_referral("D1", "expiree", at=at(2019, 10, 10), actor="c")
    with pytest.raises(InputError, match="réponse trop tardive"):
        journal.decide_referral("D1", "acceptee", at=at(2019, 10, 11), actor="c")
    with pytest.raises(InputError, match="décision d'orientation invalide"):
        journal.decide_referral("D1", "peut-etre", at=at(2019, 9, 11), actor="c")
    state = journal.decide_referral("D1", "refusee", at=at(2019, 9, 11), actor="c", reason="27 ans")
    assert (state.referral.status, state.referral.reason) == (ReferralStatus.REFUSED, "27 ans")
    with pytest.raises(InputError, match="déjà reçu une réponse"):
        journal.decide_referral("D1", "acceptee", at=at(2019, 9, 12), actor="c")
    with pytest.raises(InputError, match="l'orientation a été refusée"):
        journal.transition("D1", "demarrer-suivi", at=at(2019, 9, 12), actor="c")


def test_unanswered_referrals_expire_after_the_convention_delay(journal: Journal) -> None:
    open_file(journal)
    open_file(journal, "D2", person="J2")
    journal.decide_referral("D2", "acceptee", at=at(2019, 9, 11), actor="c")
    assert journal.file("D1").referral.status_on(date(2019, 10, 10)) is ReferralStatus.SENT
    assert journal.file("D1").referral.status_on(date(2019, 10, 11)) is ReferralStatus.EXPIRED
    expired = journal.expire_referrals(today=date(2019, 10, 11), at=at(2019, 10, 11), actor="sys")
    assert expired == ["D1"]
    assert journal.file("D1").referral.status is ReferralStatus.EXPIRED
    assert journal.expire_referrals(today=date(2019, 10, 12), at=at(2019, 10, 12), actor="s") == []


def test_unknown_file_and_duplicate_file(journal: Journal) -> None:
    with pytest.raises(InputError, match="dossier inconnu"):
        journal.file("D9")
    open_file(journal)
    with pytest.raises(InputError, match="ce dossier existe déjà"):
        open_file(journal)


def test_a_stale_writer_gets_a_conflict_and_nothing_is_lost(journal: Journal) -> None:
    followed_file(journal)
    seen = journal.file("D1").version
    journal.transition("D1", "suspendre", at=at(2019, 10, 1), actor="agent-a")
    with pytest.raises(ConflictError) as err:
        journal.transition(
            "D1",
            "clore",
            at=at(2019, 10, 2),
            actor="agent-b",
            outcome="cdi",
            expected_version=seen,
        )
    assert f"version {seen} attendue, {seen + 1} trouvée" in str(err.value)
    assert journal.file("D1").state == "suspendu"


def test_a_file_whose_lifecycle_is_no_longer_registered(store: SqliteStore) -> None:
    journal = Journal(store)
    followed_file(journal)
    without = Journal(store, lifecycles={})
    with pytest.raises(UnknownNameError, match="cycle de vie inconnu"):
        without.transition("D1", "suspendre", at=at(2019, 10, 1), actor="c")


def test_times_are_read_back_in_the_journal_zone(journal: Journal) -> None:
    open_file(journal, at=datetime(2019, 9, 10, 8, tzinfo=PARIS).astimezone(TERMS_UTC))
    (event,) = journal.history("D1")
    assert event.at.tzinfo == PARIS
    assert event.at == datetime(2019, 9, 10, 8, tzinfo=PARIS)


TERMS_UTC = __import__("datetime").UTC
assert TERMS.followup.referral_expiry_days == 30
