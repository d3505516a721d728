"""The words behind a match: each part of a score explained for the rows shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asmhub.funding.index import DonorEntry
from asmhub.funding.models import DonorProfile, Instrument, Opportunity
from asmhub.funding.scoring import (
    PARTS,
    Facts,
    Match,
    Part,
    Ranking,
    instrument_fit,
    money,
    weighted_score,
)


def _sentence(text: str) -> str:
    """Capitalize the first letter only (names inside keep their case), end with a stop."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _day(value: dt.date) -> str:
    return date_format(value, "j M Y")


def _term_name(facts: Facts, key: tuple[str, int]) -> str:
    return facts.names["issue" if key[0] == "issue" else "goal"][key[1]]


def _priorities_reason(ranking: Ranking, entry: DonorEntry) -> str:
    stated = {t: entry.priorities[t] for t in ranking.terms if t in entry.priorities}
    if not stated:
        return _("No stated priority on the concept's lever issues or SDG goals.")
    listed = ", ".join(
        f"{_term_name(ranking.f, k)} ({w:.1f})"
        for k, w in sorted(stated.items(), key=lambda kv: -kv[1])
    )
    text = _("Stated priorities: %(listed)s") % {"listed": listed}
    if len(ranking.terms) > len(stated):
        text += _("; none on %(n)d of the concept's %(total)d issues and goals") % {
            "n": len(ranking.terms) - len(stated),
            "total": len(ranking.terms),
        }
    return _sentence(text)


def _geography_reason(ranking: Ranking, entry: DonorEntry) -> str:
    facts = ranking.f
    if not facts.countries:
        return _("The concept names no country.")
    if not (entry.focus or entry.regions):
        return _("The profile states no geographic focus.")
    focus = sorted(facts.names["country"][c] for c in facts.countries & entry.focus)
    regional = sorted(
        facts.names["country"][c]
        for c in facts.countries - entry.focus
        if facts.country_regions[c] & entry.regions
    )
    parts = []
    if focus:
        parts.append(_("focus country: %(names)s") % {"names": ", ".join(focus)})
    if regional:
        parts.append(_("in a focus region: %(names)s") % {"names": ", ".join(regional)})
    if not parts:
        return _("None of the concept's countries is in its focus.")
    return _sentence("; ".join(parts))


def _history_reason(ranking: Ranking, entry: DonorEntry) -> str:
    on_issue, other, amount = ranking.history.get(entry.org, (0.0, 0.0, 0.0))
    if not on_issue and not other:
        return _("No ASM activity of its own in these countries in IATI.")
    where = ", ".join(sorted(ranking.f.names["country"].values()))
    return _(
        "IATI: %(n)d ASM activities in %(where)s (%(on)d on the concept's issues), "
        "%(amount)s budgeted."
    ) % {
        "n": int(on_issue + other),
        "where": where,
        "on": int(on_issue),
        "amount": money(amount, entry.currency),
    }


def _fit_reason(
    facts: Facts, size_min: Any, size_max: Any, currency: str, instruments: Sequence[str]
) -> str:
    bits = []
    if facts.instrument and instruments:
        label = Instrument(facts.instrument).label
        bits.append(
            _("offers %(i)s") % {"i": label}
            if facts.instrument in instruments
            else _("does not offer %(i)s") % {"i": label}
        )
    if facts.budget is not None and (size_min is not None or size_max is not None):
        bits.append(
            _("budget %(b)s against a typical %(lo)s to %(hi)s")
            % {
                "b": money(facts.budget, facts.currency),
                "lo": money(size_min, currency),
                "hi": money(size_max, currency) if size_max is not None else "…",
            }
        )
    return _sentence("; ".join(bits)) if bits else _("Instrument and size not stated.")


def _eligibility_reason(ranking: Ranking, entry: DonorEntry) -> str:
    if not ranking.f.types:
        return _("The concept names no proposing organization.")
    if not entry.types:
        return _("The profile does not say who may apply.")
    if ranking.f.types & entry.types:
        return _("The proposers are of a type it funds.")
    return _("The proposers are not of a type it funds.")


def explain(
    ranking: Ranking,
    entry: DonorEntry,
    profile: DonorProfile,
    w: Mapping[str, float],
    score: float,
    opportunities: Mapping[int, Opportunity],
) -> Match:
    """One ranked donor with each part's value, weight and reason, and its next date."""
    facts = ranking.f
    values = dict(zip(PARTS, ranking.parts(entry), strict=True))
    deadline: dt.date | None = None
    what, opportunity = "", None
    found = ranking.index.first_deadline(entry.org, facts.today, facts.until)
    if found is not None and found[1] in opportunities:
        opportunity = opportunities[found[1]]
        deadline, what = found[0], opportunity.title
        timing = _("“%(t)s” closes %(d)s.") % {"t": what, "d": _day(deadline)}
    elif (cycle := ranking.cycle_date(entry)) is not None:
        deadline, what = cycle
        timing = _("%(t)s on %(d)s.") % {"t": what, "d": _day(deadline)}
    else:
        timing = _("No deadline or funding-cycle date before %(d)s.") % {"d": _day(facts.until)}
    reasons = {
        "priorities": _priorities_reason(ranking, entry),
        "geography": _geography_reason(ranking, entry),
        "history": _history_reason(ranking, entry),
        "fit": _fit_reason(
            facts, entry.size_min, entry.size_max, entry.currency, entry.instruments
        ),
        "eligibility": _eligibility_reason(ranking, entry),
        "timing": timing,
    }
    return Match(
        profile=profile,
        score=score,
        parts=[Part(k, values[k], w[k], reasons[k]) for k in PARTS],
        opportunity=opportunity,
        deadline=deadline,
        deadline_what=what,
    )


def explain_opportunity(
    ranking: Ranking,
    opportunity: Opportunity,
    donors: Mapping[int, DonorProfile],
    w: Mapping[str, float],
) -> Match:
    """Score one opportunity for the concept: its own issues, countries, size and dates."""
    facts = ranking.f
    unknown = ranking.unknown
    issues = {i.pk for i in opportunity.lever_issues.all()}
    goals = {g.pk for g in opportunity.sdg_goals.all()}
    countries = {c.code for c in opportunity.countries.all()}
    types = {t.pk for t in opportunity.eligible_types.all()}
    terms = len(facts.issues) + len(facts.goals)
    shared_issues = facts.issues & issues
    shared_goals = facts.goals & goals
    priorities = (len(shared_issues) + len(shared_goals)) / terms if terms else unknown
    if not countries or not facts.countries:
        geography = unknown
    else:
        geography = len(facts.countries & countries) / len(facts.countries)
    history = 0.0
    if opportunity.donor_id in ranking.history:
        on_issue, other, _amount = ranking.history[opportunity.donor_id]
        history = min(1.0, (on_issue + other / 2) / ranking.saturation)
    fit = instrument_fit(
        facts.instrument,
        float(facts.budget) if facts.budget is not None else None,
        opportunity.award_floor,
        opportunity.award_ceiling,
        [opportunity.instrument],
        unknown,
        ranking.tolerance,
    )
    eligibility = unknown if not types or not facts.types else float(bool(types & facts.types))
    closes = opportunity.closes_on
    timing = 1.0 if closes and closes <= facts.until else (unknown if not closes else 0.0)
    values = {
        "priorities": priorities,
        "geography": geography,
        "history": history,
        "fit": fit,
        "eligibility": eligibility,
        "timing": timing,
    }
    names = [facts.names["issue"][i] for i in shared_issues] + [
        facts.names["goal"][g] for g in shared_goals
    ]
    shared_countries = sorted(facts.names["country"][c] for c in facts.countries & countries)
    reasons = {
        "priorities": (_("Shares %(names)s.") % {"names": ", ".join(names)})
        if names
        else _("Shares none of the concept's issues or goals."),
        "geography": (_("Open to %(names)s.") % {"names": ", ".join(shared_countries)})
        if shared_countries
        else (
            _("Names no country.") if not countries else _("Not open to the concept's countries.")
        ),
        "history": _("Its donor already funds ASM there (IATI).")
        if history
        else _("No IATI record of its donor there."),
        "fit": _fit_reason(
            facts,
            opportunity.award_floor,
            opportunity.award_ceiling,
            opportunity.currency,
            [opportunity.instrument],
        ),
        "eligibility": _("The proposers may apply.")
        if eligibility == 1.0
        else (
            _("The proposers are not among the eligible applicants.")
            if eligibility == 0
            else _("Eligibility not stated.")
        ),
        "timing": (_("Closes %(d)s.") % {"d": _day(closes)})
        if closes
        else _("No closing date yet."),
    }
    return Match(
        profile=donors.get(opportunity.donor_id),
        score=weighted_score(values, w),
        parts=[Part(k, values[k], w[k], reasons[k]) for k in PARTS],
        opportunity=opportunity,
        deadline=closes,
        deadline_what=opportunity.title,
    )
