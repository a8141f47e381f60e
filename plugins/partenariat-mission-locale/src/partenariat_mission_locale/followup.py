"""The Mission Locale's follow-up path and its exit reasons.

The path follows how a Mission Locale works with a young person referred by the CCAS: a first
welcome (*accueil*), a diagnosis, entry into a scheme (CEJ or PACEA), the follow-up itself, then an
exit (*sortie*) with an outcome. The guards are the core's (:data:`partenariat.followup.lifecycle.GUARDS`):
no step on a refused referral, the diagnosis only after an attended appointment, an exit only with
an outcome.

The exit reasons are the Mission Locale's own words, each mapped to one of the national outcome
categories the core's default taxonomy uses (lasting job, qualifying training, transition,
administrative, negative), so that indicators add up across partners.
"""

from __future__ import annotations

from typing import Final

from partenariat.followup.lifecycle import Lifecycle, State, Transition
from partenariat.followup.outcomes import DEFAULT_TAXONOMY, Outcome, OutcomeTaxonomy
from partenariat.i18n import Text


def _t(fr: str, en: str) -> Text:
    return Text(fr, en)


_ACTIVE = ("accueil", "diagnostic", "entree-cej", "entree-pacea", "accompagnement")

LIFECYCLE: Final = Lifecycle(
    name="mission-locale",
    label=_t("Parcours en Mission Locale", "Mission Locale path"),
    states=(
        State("accueil", _t("accueil", "welcome")),
        State("diagnostic", _t("diagnostic", "diagnosis")),
        State("entree-cej", _t("entrée en CEJ", "entered a CEJ")),
        State("entree-pacea", _t("entrée en PACEA", "entered a PACEA")),
        State("accompagnement", _t("accompagnement", "follow-up")),
        State("sortie", _t("sorti", "exited"), final=True),
    ),
    initial="accueil",
    transitions=(
        Transition(
            "realiser-diagnostic",
            _t("réaliser le diagnostic", "carry out the diagnosis"),
            ("accueil",),
            "diagnostic",
            ("orientation-non-refusee", "rdv-honore"),
        ),
        Transition(
            "entrer-en-cej",
            _t("signer le contrat d'engagement jeune", "sign the youth commitment contract"),
            ("diagnostic", "entree-pacea"),
            "entree-cej",
            ("orientation-non-refusee", "rdv-honore"),
        ),
        Transition(
            "entrer-en-pacea",
            _t("entrer en PACEA", "enter a PACEA"),
            ("diagnostic",),
            "entree-pacea",
            ("orientation-non-refusee", "rdv-honore"),
        ),
        Transition(
            "demarrer-accompagnement",
            _t("démarrer l'accompagnement", "start the follow-up"),
            ("entree-cej", "entree-pacea"),
            "accompagnement",
            ("rdv-planifie",),
        ),
        Transition(
            "sortir",
            _t("sortir du dispositif avec une issue", "exit the scheme with an outcome"),
            _ACTIVE,
            "sortie",
            ("issue-requise",),
        ),
        Transition("rouvrir", _t("rouvrir", "reopen"), ("sortie",), "accueil"),
    ),
)
"""accueil → diagnostic → entrée en CEJ ou PACEA (PACEA → CEJ possible) → accompagnement → sortie."""


TAXONOMY: Final = OutcomeTaxonomy(
    name="mission-locale",
    label=_t("Motifs de sortie Mission Locale", "Mission Locale exit reasons"),
    # the national categories, so that counts add up with the core's default taxonomy
    categories=DEFAULT_TAXONOMY.categories,
    outcomes=(
        Outcome("cdi", _t("CDI", "permanent contract"), "emploi-durable"),
        Outcome(
            "cdd-6-mois-et-plus",
            _t("CDD de 6 mois ou plus", "fixed-term contract of 6 months or more"),
            "emploi-durable",
        ),
        Outcome(
            "contrat-apprentissage",
            _t("contrat d'apprentissage", "apprenticeship"),
            "emploi-durable",
        ),
        Outcome(
            "contrat-professionnalisation",
            _t("contrat de professionnalisation", "professionalisation contract"),
            "emploi-durable",
        ),
        Outcome(
            "creation-activite",
            _t("création d'activité", "business creation"),
            "emploi-durable",
        ),
        Outcome(
            "formation-qualifiante",
            _t("formation qualifiante ou certifiante", "qualifying or certifying training"),
            "formation-qualifiante",
        ),
        Outcome(
            "retour-scolarite",
            _t("retour en formation initiale", "back to school"),
            "formation-qualifiante",
        ),
        Outcome(
            "emploi-court",
            _t("emploi de moins de 6 mois, intérim", "job under 6 months, temp work"),
            "transition",
        ),
        Outcome(
            "immersion",
            _t("immersion en entreprise (PMSMP)", "work immersion (PMSMP)"),
            "transition",
        ),
        Outcome("service-civique", _t("service civique", "civic service"), "transition"),
        Outcome(
            "fin-cej-sans-solution",
            _t(
                "fin de CEJ (12 mois) sans solution durable",
                "CEJ ended (12 months) with no lasting solution",
            ),
            "transition",
        ),
        Outcome(
            "demenagement", _t("déménagement hors du territoire", "moved away"), "administrative"
        ),
        Outcome("limite-age", _t("limite d'âge atteinte", "age limit reached"), "administrative"),
        Outcome(
            "reorientation",
            _t("réorientation vers un autre accompagnement", "referred to another follow-up"),
            "administrative",
        ),
        Outcome("abandon", _t("abandon du jeune", "dropped out"), "negative"),
        Outcome("injoignable", _t("jeune injoignable", "unreachable"), "negative"),
        Outcome(
            "exclusion",
            _t("fin pour manquements répétés", "ended for repeated failures to attend"),
            "negative",
        ),
    ),
)
"""The Mission Locale's exit reasons, each in a national outcome category."""

__all__ = ["LIFECYCLE", "TAXONOMY"]
