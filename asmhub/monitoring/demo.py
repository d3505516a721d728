"""The demo monitoring programme: synthetic eastern DRC sites, visits, incidents, plans.

Everything here is generated (``synthetic.py``) and the programme says so
(``is_synthetic``): about 3,000 sites and 10,000 visits imported through the IPIS
importer as any file would be, then incidents at flagged sites, corrective action
plans owned by directory organizations, socioeconomic indicator values and observed
taxes checked against the tax schedule. Loading again changes nothing: the import
is recognised by its content, and every other record by its key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from asmhub.directory.models import Organization
from asmhub.monitoring import importers, snapshot, synthetic, writer
from asmhub.monitoring.models import (
    ArmedActor,
    CorrectiveAction,
    CorrectivePlan,
    ImportBatch,
    Incident,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammeGrant,
    Site,
    Visit,
)
from asmhub.monitoring.reference import load_indicators
from asmhub.monitoring.tax_models import LevyingBody, ObservedTax, TaxBase
from asmhub.taxonomy.models import Country, RiskCategory

NAME = "Eastern DRC mine site monitoring (synthetic)"
DESCRIPTION = (
    "Synthetic data, generated for demonstration: {sites:,} artisanal mine sites and "
    "{visits:,} visits over {first}–{last} in six eastern DRC provinces (North Kivu, "
    "South Kivu, Ituri, Maniema, Tanganyika, Haut-Uélé). Provinces, territories and some "
    "collectivités are real and coordinates approximate; site names, villages, visits, "
    "armed actors, incidents, corrective actions and taxes are invented. The visits use "
    "the layout of IPIS's open data and shares that resemble its public reports, but "
    "they are not IPIS data and no figure describes a real site."
)
FILENAME = "eastern-drc-synthetic.csv"
OWNER = "ipis"
SYNTHETIC = "synthetic data"

FIRST_YEAR, LAST_YEAR = 2009, 2024

# What each risk category's incidents say, and who answers them.
CATEGORIES: dict[str, dict[str, Any]] = {
    "non-state-armed-groups": {
        "title": "Armed group at the site",
        "text": "{actor} seen at the site during the visit of {date}, {doing}.",
        "severity": ("high", "critical"),
        "owners": ("itsci", "icglr", "ipis"),
        "actions": (
            "Suspend purchases from the site until the armed group no longer controls it",
            "Report the armed group's presence to the provincial mining division",
            "Revisit the site with the joint monitoring team to verify the group has left",
        ),
    },
    "security-forces": {
        "title": "Security forces taxing miners",
        "text": "{actor} seen at the site during the visit of {date}, {doing}.",
        "severity": ("medium", "high"),
        "owners": ("icglr", "pact", "ipis"),
        "actions": (
            "Raise the taxation of miners with the provincial military and police command",
            "Train the police posted at the site on the Voluntary Principles",
            "Verify at the next visit that the barrier at the site entrance is gone",
        ),
    },
    "serious-abuses": {
        "title": "Children under 15 at work",
        "text": "Children under 15 seen working at the site ({work}) during the visit of {date}.",
        "severity": ("high",),
        "owners": ("ilo", "pact"),
        "actions": (
            "Remove the children under 15 from work at the site and enrol them in school",
            "Set up a child protection committee with the site's cooperative",
            "Verify at the next visit that no child under 15 works at the site",
        ),
    },
    "bribery-misrepresentation": {
        "title": "Risk of misrepresented origin",
        "text": "The site was qualified red on {date}; minerals from it risk being sold under the tags of another site.",
        "severity": ("medium", "high"),
        "owners": ("itsci", "icglr", "responsible-minerals-initiative"),
        "actions": (
            "Audit the tags issued in the area against the production of the qualified sites",
            "Report the lots of doubtful origin to the provincial mining division",
        ),
    },
    "taxes-fees-royalties": {
        "title": "Taxes collected without receipts",
        "text": "Miners report fees collected without receipts during the visit of {date}.",
        "severity": ("low", "medium"),
        "owners": ("eiti", "pact"),
        "actions": (
            "Post the legal taxes and fees at the site entrance",
            "Reconcile the fees collected at the site with the receipts issued",
            "Agree with the chefferie how the fees collected return to the community",
        ),
    },
}
EVIDENCE = (
    "Checked at the follow-up visit of {date}; the monitoring team's report and photos are on file.",
    "Confirmed on {date} by the provincial mining division and the site's cooperative.",
    "Verified on {date} from the minutes of the local monitoring committee.",
)
SOURCES = ("Monitoring visit", "Community alert line", "Civil society report", "Trader report")
ACTIVITY_TEXT = {
    "entry-taxation": "taxing miners at the entrance",
    "production-taxation": "taxing production",
    "commercial-taxation": "taxing trade",
    "buying": "buying minerals",
    "digging": "digging",
    "forced-labour": "forcing miners to work",
    "monopoly": "holding a monopoly on trade",
    "pillaging": "pillaging",
    "pit-ownership": "owning pits",
}
USES = ("Access road repairs", "Primary school", "Health centre", "Water well", "Bridge")


def _programme(sites: int, visits: int) -> Programme:
    country = Country.objects.filter(code="CD").first()
    if country is None:
        raise ValueError("load the taxonomy first (asmhub load-taxonomy)")
    values = {
        "description": DESCRIPTION.format(
            sites=sites, visits=visits, first=FIRST_YEAR, last=LAST_YEAR
        ),
        "country": country,
        "is_synthetic": True,
        "owner_organization": Organization.objects.filter(slug=OWNER).first(),
    }
    programme = Programme.objects.filter(name=NAME).first()
    if programme is None:
        return Programme.objects.create(name=NAME, **values)
    if any(getattr(programme, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(programme, key, value)
        programme.save()
    return programme


def _import(programme: Programme, sites: int, visits: int, seed: int) -> bool:
    """Import the generated file unless this programme committed the same one already."""
    rows = synthetic.ipis_rows(sites, visits, seed, FIRST_YEAR, LAST_YEAR)
    content = synthetic.ipis_csv(rows)
    done = ImportBatch.objects.filter(
        programme=programme, sha256=hashlib.sha256(content).hexdigest(), committed_at__isnull=False
    )
    if done.exists():
        return False
    batch = importers.upload(None, programme, ImportBatch.Format.IPIS, FILENAME, content)
    importers.commit(None, batch)
    return True


def _visits_of(site_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    by_pk: dict[int, dict[str, Any]] = {}
    for start in range(0, len(site_ids), 500):
        chunk = site_ids[start : start + 500]
        for values in (
            Visit.objects.filter(site_id__in=chunk)
            .order_by("site_id", "date", "pk")
            .values(
                "pk",
                "site_id",
                "date",
                "onsite",
                "armed_presence",
                "children_under_15",
                "children_under_15_work",
                "qualification",
                "state_services",
            )
        ):
            visit: dict[str, Any] = {**values, "actors": []}
            found[visit["site_id"]].append(visit)
            by_pk[visit["pk"]] = visit
        for visit_id, name, kind, activities in ArmedActor.objects.filter(
            visit__site_id__in=chunk
        ).values_list("visit_id", "name", "kind", "activities"):
            by_pk[visit_id]["actors"].append({"name": name, "kind": kind, "activities": activities})
    return found


def _cause(visits: list[dict[str, Any]]) -> tuple[str, dict[str, Any], dict[str, str]]:
    """The risk a flagged site's visits show most plainly, the visit, and its words."""
    onsite = [v for v in visits if v["onsite"]] or visits
    for visit in reversed(onsite):
        for actor in visit["actors"]:
            doing = [ACTIVITY_TEXT[a] for a in actor["activities"] if a in ACTIVITY_TEXT]
            if actor["kind"] == "non-state" or (doing and actor["kind"] in ("army", "police")):
                slug = (
                    "non-state-armed-groups" if actor["kind"] == "non-state" else "security-forces"
                )
                words = {"actor": actor["name"] or "An armed group", "doing": ", ".join(doing)}
                words["doing"] = words["doing"] or "without interfering in the work"
                return slug, visit, words
    for visit in reversed(onsite):
        if visit["children_under_15"]:
            work = ", ".join(visit["children_under_15_work"]) or "work not recorded"
            return "serious-abuses", visit, {"work": work}
    for visit in reversed(visits):
        if visit["qualification"] == Site.Qualification.RED:
            return "bribery-misrepresentation", visit, {}
    return "taxes-fees-royalties", onsite[-1], {}


def _state(rng: random.Random, year: int) -> str:
    states = [s.value for s in Incident.State]  # open, under-action, resolved, closed
    if year >= 2023:
        weights = (45, 45, 10, 0)
    elif year >= 2019:
        weights = (15, 35, 40, 10)
    else:
        weights = (5, 5, 65, 25)
    return rng.choices(states, weights)[0]


def _incidents(programme: Programme, seed: int, wanted: int) -> list[Incident]:
    """About ``wanted`` incidents at flagged sites, keyed by site, date and category."""
    rng = random.Random(f"{seed}/incidents")  # noqa: S311 - not for security
    flagged = list(
        Site.objects.filter(programme=programme, flagged=True)
        .order_by("pcode")
        .values_list("pk", flat=True)
    )
    chosen = sorted(rng.sample(flagged, min(wanted, len(flagged))))
    categories = {c.slug: c for c in RiskCategory.objects.filter(slug__in=list(CATEGORIES))}
    visits = _visits_of(chosen)
    existing = set(
        Incident.objects.filter(site__programme=programme).values_list(
            "site_id", "date", "risk_category__slug"
        )
    )
    new: list[Incident] = []
    for site_id in chosen:
        if not visits.get(site_id):
            continue
        slug, visit, words = _cause(visits[site_id])
        day = min(visit["date"] + dt.timedelta(days=rng.randint(0, 20)), dt.date(LAST_YEAR, 12, 31))
        spec = CATEGORIES[slug]
        severity = rng.choice(spec["severity"])
        state = _state(rng, day.year)
        source = f"{rng.choice(SOURCES)} ({SYNTHETIC})"
        if (site_id, day, slug) in existing or slug not in categories:
            continue
        text = spec["text"].format(date=visit["date"].isoformat(), **words)
        new.append(
            Incident(
                site_id=site_id,
                date=day,
                risk_category=categories[slug],
                description=text,
                severity=severity,
                source=source,
                state=state,
            )
        )
    Incident.objects.bulk_create(new)
    return new


def _plans(programme: Programme, seed: int, wanted: int) -> int:
    """Corrective action plans for the incidents under action, resolved or open."""
    rng = random.Random(f"{seed}/plans")  # noqa: S311 - not for security
    orgs = {o.slug: o for o in Organization.objects.filter(slug__in=_owner_slugs())}
    if not orgs:
        raise ValueError("load the demo directory first: corrective actions need owners")
    incidents = list(
        Incident.objects.filter(site__programme=programme)
        .select_related("site", "risk_category")
        .order_by("site__pcode", "date", "risk_category__slug")
    )
    order = {"under-action": 0, "resolved": 1, "open": 2, "closed": 3}
    incidents.sort(key=lambda i: (order[i.state], rng.random()))
    titles = set(CorrectivePlan.objects.filter(programme=programme).values_list("title", flat=True))
    plans = 0
    for incident in incidents[:wanted]:
        spec = CATEGORIES[incident.risk_category.slug]
        title = f"{spec['title']}: {incident.site.name} ({incident.site.pcode})"
        if title in titles:
            continue
        titles.add(title)
        plan = CorrectivePlan.objects.create(programme=programme, title=title)
        plan.incidents.add(incident)
        owners = [orgs[s] for s in spec["owners"] if s in orgs] or list(orgs.values())
        steps = spec["actions"][: rng.randint(1, len(spec["actions"]))]
        made = [
            _action(plan, incident, text, owners[n % len(owners)], n, rng)
            for n, text in enumerate(steps)
        ]
        if incident.state == Incident.State.UNDER_ACTION and not any(
            a.state in (CorrectiveAction.State.IN_PROGRESS, CorrectiveAction.State.DONE)
            for a in made
        ):
            made[0].state = CorrectiveAction.State.IN_PROGRESS
        CorrectiveAction.objects.bulk_create(made)
        plans += 1
    return plans


def _owner_slugs() -> list[str]:
    return sorted({s for spec in CATEGORIES.values() for s in spec["owners"]} | {OWNER})


def _action(
    plan: CorrectivePlan,
    incident: Incident,
    text: str,
    owner: Organization,
    n: int,
    rng: random.Random,
) -> CorrectiveAction:
    due = incident.date + dt.timedelta(days=30 * (n + 1) + rng.randint(0, 120))
    action = CorrectiveAction(plan=plan, description=text, owner=owner, due_on=due)
    State = CorrectiveAction.State
    if incident.state == Incident.State.RESOLVED:
        action.state = State.VERIFIED
        action.verified_on = due - dt.timedelta(days=rng.randint(0, 25))
        action.evidence = rng.choice(EVIDENCE).format(date=action.verified_on.isoformat())
    elif incident.state == Incident.State.CLOSED:
        action.state = State.DROPPED
    elif incident.state == Incident.State.UNDER_ACTION:
        action.state = rng.choice((State.PLANNED, State.IN_PROGRESS, State.IN_PROGRESS, State.DONE))
    return action


def _indicator_values(programme: Programme, seed: int) -> int:
    """Socioeconomic indicator values at about a third of the on-site visits since 2019."""
    indicators = {
        i.slug: i for i in Indicator.objects.filter(programme=None, slug__in=_INDICATOR_SLUGS)
    }
    if len(indicators) < len(_INDICATOR_SLUGS):
        return 0
    new: list[IndicatorValue] = []
    visits = (
        Visit.objects.filter(site__programme=programme, onsite=True, date__gte=dt.date(2019, 1, 1))
        .order_by("site__pcode", "key")
        .values_list("pk", "key", "site__pcode")
    )
    for pk, key, pcode in visits.iterator(chunk_size=5000):
        rng = random.Random(f"{seed}/indicators/{pcode}/{key}")  # noqa: S311 - not for security
        if rng.random() >= 0.33:
            continue
        paid = rng.random() < 0.6
        returned = rng.choices(("none", "some", "most"), (55, 35, 10))[0] if paid else "none"
        values: dict[str, Any] = {
            "taxes-paid": paid,
            "taxes-returned-to-community": returned,
            "miner-income": round(min(1000.0, rng.lognormvariate(1.6, 0.6)), 2),
            "school-attendance": round(rng.uniform(30, 95)),
        }
        if returned != "none":
            values["taxes-returned-use"] = rng.choice(USES)
        new += [
            IndicatorValue(visit_id=pk, indicator=indicators[slug], value=value)
            for slug, value in values.items()
        ]
    before = IndicatorValue.objects.filter(visit__site__programme=programme).count()
    IndicatorValue.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return IndicatorValue.objects.filter(visit__site__programme=programme).count() - before


_INDICATOR_SLUGS = (
    "taxes-paid",
    "taxes-returned-to-community",
    "taxes-returned-use",
    "miner-income",
    "school-attendance",
)

# Observed payments: who took them, on what, and how much (amount, currency).
STATE_PAYMENTS = (
    ("division-des-mines", "Division des Mines", TaxBase.PER_PERSON_YEAR, (10, 10, 25), "USD"),
    ("saemape", "SAEMAPE", TaxBase.PER_QUANTITY, (5000, 5000, 10000), "CDF"),
    ("cooperative", "Coopérative minière", TaxBase.PER_PERSON_YEAR, (12, 12, 20), "USD"),
    ("chefferie", "Chefferie", TaxBase.PER_PIT, (1000, 2000), "CDF"),
)
ARMED_PAYMENTS = {
    "entry-taxation": (TaxBase.PER_ENTRY, (500, 1000, 2000), "CDF"),
    "production-taxation": (TaxBase.PER_QUANTITY, (1, 2, 5), "USD"),
    "commercial-taxation": (TaxBase.PER_TRANSPORT, (1000, 5000), "CDF"),
}
ARMED_BODIES = {"army": "fardc", "police": "pnc", "non-state": "groupe-arme"}


def _observed_taxes(programme: Programme, seed: int, wanted: int) -> int | None:
    """Payments reported at visits, checked against the schedule; None without the schedule."""
    try:
        from asmhub.monitoring import taxes
    except ImportError:
        return None
    if ObservedTax.objects.filter(site__programme=programme).exists():
        return 0
    taxes.load_tax_schedule()
    bodies = {b.slug: b for b in LevyingBody.objects.all()}
    finder = taxes.TaxFinder()
    rng = random.Random(f"{seed}/taxes")  # noqa: S311 - not for security
    sites = list(
        Site.objects.filter(programme=programme)
        .exclude(last_visit_on__lt=dt.date(2012, 1, 1))
        .order_by("pcode")
        .values_list("pk", flat=True)
    )
    chosen = sorted(rng.sample(sites, min(len(sites), wanted)))
    made: list[ObservedTax] = []
    for site_id, visits in sorted(_visits_of(chosen).items()):
        for visit in [v for v in visits if v["onsite"] and v["date"].year >= 2012][-2:]:
            made += _payments(site_id, visit, rng, bodies)
    made = made[:wanted]
    for observed in made:
        taxes.assess(observed, finder)
    ObservedTax.objects.bulk_create(made)
    return len(made)


def _payments(
    site_id: int, visit: dict[str, Any], rng: random.Random, bodies: dict[str, LevyingBody]
) -> list[ObservedTax]:
    found = []
    source = f"Interview with miners at the site ({SYNTHETIC})"
    for actor in visit["actors"]:
        for activity in actor["activities"]:
            if activity in ARMED_PAYMENTS:
                base, amounts, currency = ARMED_PAYMENTS[activity]
                body = bodies.get(ARMED_BODIES.get(actor["kind"], "groupe-arme"))
                found.append((body, actor["name"], base, rng.choice(amounts), currency))
                break
    if visit["state_services"] and rng.random() < 0.8:
        slug, written, base, amounts, currency = rng.choice(STATE_PAYMENTS)
        found.append((bodies.get(slug), written, base, rng.choice(amounts), currency))
    return [
        ObservedTax(
            site_id=site_id,
            visit_id=visit["pk"],
            date=visit["date"],
            levying_body=body,
            body_as_recorded=written,
            base=base,
            amount=Decimal(amount),
            currency=currency,
            source=source,
        )
        for body, written, base, amount, currency in found
    ]


def _grant(programme: Programme) -> int:
    if programme.owner_organization is None:
        return 0
    _, created = ProgrammeGrant.objects.get_or_create(
        programme=programme,
        organization=programme.owner_organization,
        defaults={"level": ProgrammeGrant.Level.MANAGER},
    )
    return int(created)


@transaction.atomic
def load_demo_monitoring(
    sites: int = synthetic.DEMO_SITES,
    visits: int = synthetic.DEMO_VISITS,
    seed: int = synthetic.DEMO_SEED,
    incidents: int = 150,
    plans: int = 60,
    taxes: int = 300,
) -> dict[str, int]:
    """Create or complete the synthetic demo programme; loading it again changes nothing."""
    programme = _programme(sites, visits)
    load_indicators()
    imported = _import(programme, sites, visits, seed)
    made = _incidents(programme, seed, incidents)
    plans_made = _plans(programme, seed, plans)
    values = _indicator_values(programme, seed)
    observed = _observed_taxes(programme, seed, taxes)
    grants = _grant(programme)
    if made:
        writer.refresh_sites({i.site_id for i in made})
    if imported or made or plans_made or values or observed or grants:
        snapshot.bump()
    counts = dict(
        Site.objects.filter(programme=programme).aggregate(
            sites=Count("pk", distinct=True), visits=Count("visits", distinct=True)
        )
    )
    counts["incidents"] = Incident.objects.filter(site__programme=programme).count()
    counts["corrective plans"] = CorrectivePlan.objects.filter(programme=programme).count()
    counts["corrective actions"] = CorrectiveAction.objects.filter(
        plan__programme=programme
    ).count()
    counts["indicator values"] = IndicatorValue.objects.filter(
        visit__site__programme=programme
    ).count()
    if observed is not None:
        counts["observed taxes"] = ObservedTax.objects.filter(site__programme=programme).count()
    return counts


def home_stats(user: Any) -> list[Any]:
    """The monitoring figures on the home page: sites and areas for all, open incidents
    in total for those who read a programme's restricted fields."""
    from django.utils.translation import gettext_lazy as _

    from asmhub.core.services import HomeStat
    from asmhub.monitoring.access import access_for

    url = reverse("monitoring:map")
    stats = [
        HomeStat(Site.objects.count(), _("monitored mine sites"), url),
        HomeStat(
            Site.objects.exclude(territory=None).values("territory").distinct().count(),
            _("territories with monitored sites"),
            url,
        ),
    ]
    access = access_for(user)
    if access.any_restricted:
        open_incidents = Incident.objects.filter(
            site__programme_id__in=access.restricted, state__in=Incident.OPEN_STATES
        ).count()
        stats.append(HomeStat(open_incidents, _("open incidents in your programmes"), url))
    return stats
