"""Records a gender brief is drafted from: a library resource with a fact, a success
story, a donor that weights gender, a champion, a project, a concept, and a monitoring
programme whose six Nord-Kivu sites saw women at four."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from asmhub.conftest import make_org, make_person
from asmhub.core.models import Status
from asmhub.funding.models import Concept, DonorProfile, Priority, Project
from asmhub.library.models import Fact, Resource, SuccessStory
from asmhub.monitoring import snapshot, writer
from asmhub.monitoring.models import AdminUnit, Programme, Site, Visit
from asmhub.monitoring.observations import flags_of
from asmhub.taxonomy.models import Country, LeverIssue

REPORT = (
    "The Millennium Development Goals and Small-Scale Mining: A Conference for Forging "
    "Partnerships for Action. Workshop Report"
)


def make_sites(country: Country) -> Programme:
    programme = Programme.objects.create(name="Kivu survey", country=country)
    province = AdminUnit.objects.create(
        country=country, level=1, name="Nord-Kivu", key="cd/nord-kivu", slug="cd-nord-kivu"
    )
    sites = []
    for n in range(6):
        site = Site.objects.create(
            programme=programme,
            pcode=f"cd{n}",
            name=f"Site {n}",
            country=country,
            province=province,
            latitude=-1.5,
            longitude=28.5,
        )
        fields = {"women": n < 4, "mercury": n < 3}
        known, present = flags_of(fields)
        Visit.objects.create(
            site=site,
            key=f"k{n}",
            date=dt.date(2020, 6, 1),
            known=known,
            present=present,
            **fields,
        )
        sites.append(site)
    writer.refresh_sites([s.pk for s in sites])
    snapshot.bump()
    return programme


@pytest.fixture
def gender(db: Any) -> dict[str, Any]:
    issue = LeverIssue.objects.get(slug="gender")
    country = Country.objects.get(code="CD")
    resource = Resource.objects.create(title=REPORT, year=2005, status=Status.PUBLISHED)
    fact = Fact.objects.create(
        statement="Women make up approximately 30 percent of the ASM labour force.",
        value=30,
        unit="percent",
        year=2005,
        resource=resource,
        page=12,
        quote="approximately thirty percent of the total labor force",
        status=Status.PUBLISHED,
    )
    fact.lever_issues.add(issue)
    hidden = Fact.objects.create(
        statement="A draft fact nobody may cite yet.",
        quote="x",
        resource=resource,
        status=Status.DRAFT,
    )
    hidden.lever_issues.add(issue)
    story = SuccessStory.objects.create(
        title="Women's savings groups in Santa Filomena",
        results="Women's profits rose.",
        stage="documented",
        status=Status.PUBLISHED,
    )
    story.lever_issues.add(issue)
    donor_org = make_org("World Bank", type_slug="multilateral", acronym="WB")
    profile = DonorProfile.objects.create(organization=donor_org, status=Status.PUBLISHED)
    Priority.objects.create(profile=profile, lever_issue=issue, weight=0.8)
    champion = make_person("Mayra Buvinic", is_champion=True, champion_of="Women in mining")
    champion.lever_issues.add(issue)
    project = Project.objects.create(
        title="Women in artisanal gold", description="Pay equity.", status=Status.PUBLISHED
    )
    project.lever_issues.add(issue)
    concept = Concept.objects.create(
        title="Leadership of women in cooperatives",
        summary="Training and credit.",
        budget=250000,
        status=Status.PUBLISHED,
    )
    concept.lever_issues.add(issue)
    programme = make_sites(country)
    return {
        "issue": issue,
        "resource": resource,
        "fact": fact,
        "hidden": hidden,
        "story": story,
        "profile": profile,
        "champion": champion,
        "project": project,
        "concept": concept,
        "programme": programme,
    }
