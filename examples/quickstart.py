from datetime import date

from partenariat import io
from partenariat.eligibility import PersonFacts, evaluate
from partenariat.examples import example_path
from partenariat.permanences import HolidayCalendar, expand
from partenariat.plugins import make_plugin_host

# The installed plugins give the names a file may use: partenariat-mission-locale, the partner
# kind "mission-locale", its follow-up path and the rule type "public_mission_locale".
registry = make_plugin_host().registry()
onet = io.load_convention(example_path("onet-le-chateau-mission-locale.toml"), registry=registry)
print(onet.in_force(date(2019, 10, 15)))
print(onet.renewal_deadline(date(2019, 10, 15)))  # the evaluation decides by then
print(onet.followup.lifecycle)  # the Mission Locale path, from the partner kind

# The 1st and 3rd Tuesdays, 9:00–12:00 local time, holidays skipped:
sessions = expand(onet.permanences[0], date(2019, 9, 1), date(2019, 12, 31), HolidayCalendar())
print(sessions[0].start, sessions[0].start.tzinfo)

# Eligible, not eligible, or unknown — and why:
if onet.target_public is not None:  # the file declares its target public
    decision = evaluate(onet.target_public, PersonFacts(commune="12176"), date(2019, 10, 1))
    print(decision.explain("fr"))
