"""Directory API: organizations and people. Contact details have their own,
permission-checked endpoint; no other schema carries an e-mail or phone field."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from asmhub.accounts.auth import PUBLIC, SIGNED_IN
from asmhub.core import permissions
from asmhub.core.actions import ChangeStatus
from asmhub.core.api_schemas import (
    FacetOut,
    Ref,
    answers,
    contribute,
    facets_out,
    filter_params,
    ref,
)
from asmhub.core.pagination import Pagination
from asmhub.directory import search, services
from asmhub.directory.models import Organization, Person
from asmhub.taxonomy.models import Country, LeverIssue, StakeholderType

router = Router(tags=["directory"], auth=PUBLIC)


class MembershipOut(Schema):
    network: str
    network_name: str
    since: int | None
    state: str


class OrganizationOut(Schema):
    slug: str
    name: str
    acronym: str
    status: str
    stakeholder_type: Ref
    hq_country: Ref | None
    countries: list[Ref]
    website: str
    description: str
    lever_issues: list[Ref]
    parent: str | None = Field(None, description="Slug of the parent organization")
    networks: list[MembershipOut]
    url: str

    @staticmethod
    def resolve_stakeholder_type(obj: Organization) -> dict[str, str]:
        return ref(obj.stakeholder_type)

    @staticmethod
    def resolve_hq_country(obj: Organization) -> dict[str, str] | None:
        return ref(obj.hq_country, "code") if obj.hq_country else None

    @staticmethod
    def resolve_countries(obj: Organization) -> list[dict[str, str]]:
        return [ref(c, "code") for c in obj.countries.all()]

    @staticmethod
    def resolve_lever_issues(obj: Organization) -> list[dict[str, str]]:
        return [ref(i) for i in obj.lever_issues.all()]

    @staticmethod
    def resolve_parent(obj: Organization, context: Any) -> str | None:
        parent = permissions.if_visible(context["request"].user, obj.parent)
        return parent.slug if parent else None

    @staticmethod
    def resolve_networks(obj: Organization) -> list[dict[str, Any]]:
        return [
            {
                "network": m.network.slug,
                "network_name": m.network.name,
                "since": m.since,
                "state": m.state,
            }
            for m in obj.memberships.all()  # lists prefetch them with their networks
        ]

    @staticmethod
    def resolve_url(obj: Organization) -> str:
        return obj.get_absolute_url()


class OrganizationIn(Schema):
    name: str = Field(..., min_length=1, max_length=250)
    acronym: str = Field("", max_length=40)
    stakeholder_type: str = Field(
        ..., description="Stakeholder type slug, see /api/taxonomy/stakeholder-types"
    )
    hq_country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes")
    website: str = ""
    description: str = ""
    lever_issues: list[str] = Field(default_factory=list, description="Lever issue slugs")
    parent: str | None = Field(None, description="Slug of the parent organization")


class OrganizationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=250)
    acronym: str | None = Field(None, max_length=40)
    stakeholder_type: str | None = None
    hq_country: str | None = None
    countries: list[str] | None = None
    website: str | None = None
    description: str | None = None
    lever_issues: list[str] | None = None
    parent: str | None = None


class AffiliationOut(Schema):
    organization: str
    organization_name: str
    title: str
    primary: bool


class PersonOut(Schema):
    slug: str
    name: str
    honorific: str
    status: str
    expertise: str
    affiliations: list[AffiliationOut]
    lever_issues: list[Ref]
    countries: list[Ref]
    is_champion: bool
    champion_of: str
    url: str

    @staticmethod
    def resolve_affiliations(obj: Person) -> list[dict[str, Any]]:
        return [
            {
                "organization": a.organization.slug,
                "organization_name": a.organization.name,
                "title": a.title,
                "primary": a.is_primary,
            }
            for a in obj.affiliations.all()
        ]

    @staticmethod
    def resolve_lever_issues(obj: Person) -> list[dict[str, str]]:
        return [ref(i) for i in obj.lever_issues.all()]

    @staticmethod
    def resolve_countries(obj: Person) -> list[dict[str, str]]:
        return [ref(c, "code") for c in obj.countries.all()]

    @staticmethod
    def resolve_url(obj: Person) -> str:
        return obj.get_absolute_url()


class ContactOut(Schema):
    person: str
    email: str
    phone: str


class StatusIn(Schema):
    status: str = Field(..., description="draft, submitted, published or archived")


class OrganizationFilters(Schema):
    q: str = Field("", description="Words that must appear in the name, acronym or description")
    type: list[str] = Field(default_factory=list, description="Stakeholder type slugs")
    country: list[str] = Field(
        default_factory=list, description="ISO alpha-2 codes of countries of operation"
    )
    issue: list[str] = Field(default_factory=list, description="Lever issue slugs")
    network: list[str] = Field(
        default_factory=list, description="Slugs of networks the organization belongs to"
    )


class PeopleFilters(Schema):
    q: str = Field("", description="Words that must appear in the name, expertise or affiliations")
    type: list[str] = Field(
        default_factory=list, description="Stakeholder type slugs of their organizations"
    )
    country: list[str] = Field(default_factory=list, description="ISO alpha-2 codes")
    issue: list[str] = Field(default_factory=list, description="Lever issue slugs")
    organization: list[str] = Field(default_factory=list, description="Organization slugs")
    champion: bool | None = Field(None, description="Only champions")


def _visible_org(request: HttpRequest, slug: str) -> Organization:
    org = Organization.objects.filter(slug=slug).first()
    if org is None or not permissions.can_view(request.user, org):
        raise Http404
    return org


@router.get("/organizations", response=answers(list[OrganizationOut]), summary="List organizations")
@paginate(Pagination)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> Any:
    organizations, _ = search.organizations_for(request.user, filter_params(filters), count=False)
    return organizations.prefetch_related("countries", "memberships__network")


@router.get(
    "/organizations/facets",
    response=answers(list[FacetOut]),
    summary="Facet counts for an organization search",
)
def organization_facets(request: HttpRequest, filters: Query[OrganizationFilters]) -> Any:
    return facets_out(search.organizations_for(request.user, filter_params(filters))[1])


@router.get(
    "/organizations/{slug}",
    response=answers(OrganizationOut, 404),
    summary="One organization",
)
def get_organization(request: HttpRequest, slug: str) -> Any:
    return _visible_org(request, slug)


def _resolve(user: Any, payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Turn slugs and codes into records; unknown ones raise ValueError naming the field.

    A parent the user may not see (a draft of another organization) is unknown too."""
    plain: dict[str, Any] = {}
    relations: dict[str, Any] = {}
    for key, value in payload.items():
        if key == "stakeholder_type":
            found = StakeholderType.objects.filter(slug=value).first()
            if found is None:
                raise ValueError(f"stakeholder_type: unknown slug {value!r}")
            plain[key] = found
        elif key in ("hq_country", "parent"):
            target: Country | Organization | None = None
            if value and key == "hq_country":
                target = Country.objects.filter(code=value.upper()).first()
            elif value:
                target = permissions.find_visible(user, Organization.objects.all(), slug=value)
            if value and target is None:
                raise ValueError(f"{key}: unknown value {value!r}")
            plain[key] = target
        elif key in ("countries", "lever_issues"):
            field = "code" if key == "countries" else "slug"
            values = [v.upper() for v in value] if key == "countries" else value
            found_all: list[Any] = (
                list(Country.objects.filter(code__in=values))
                if key == "countries"
                else list(LeverIssue.objects.filter(slug__in=values))
            )
            missing = sorted(set(values) - {getattr(f, field) for f in found_all})
            if missing:
                raise ValueError(f"{key}: unknown values {missing}")
            relations[key] = found_all
        else:
            plain[key] = value
    return plain, relations


def _save(request: HttpRequest, org: Organization, payload: dict[str, Any]) -> Any:
    return contribute(request.user, org, lambda: _resolve(request.user, payload))


@router.post(
    "/organizations",
    auth=SIGNED_IN,
    response=answers(OrganizationOut, 400, 403),
    summary="Contribute an organization (a draft until an editor publishes it)",
)
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Any:
    return _save(request, Organization(), payload.dict())


@router.patch(
    "/organizations/{slug}",
    auth=SIGNED_IN,
    response=answers(OrganizationOut, 400, 403, 404),
    summary="Change an organization your organization contributed (editors: any)",
)
def update_organization(request: HttpRequest, slug: str, payload: OrganizationPatch) -> Any:
    org = _visible_org(request, slug)
    return _save(request, org, payload.dict(exclude_unset=True))


@router.post(
    "/organizations/{slug}/status",
    auth=SIGNED_IN,
    response=answers(OrganizationOut, 400, 403, 404),
    summary="Submit for review, publish, return to draft or archive",
)
def organization_status(request: HttpRequest, slug: str, payload: StatusIn) -> Any:
    org = _visible_org(request, slug)
    try:
        return Status(200, ChangeStatus(request.user, org, payload.status).execute())
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "Forbidden"})


@router.get(
    "/people", response=answers(list[PersonOut]), summary="List people (no contact details)"
)
@paginate(Pagination)
def list_people(request: HttpRequest, filters: Query[PeopleFilters]) -> Any:
    people, _ = search.people_for(request.user, filter_params(filters))
    return people.prefetch_related("countries")


@router.get(
    "/people/facets", response=answers(list[FacetOut]), summary="Facet counts for a people search"
)
def people_facets(request: HttpRequest, filters: Query[PeopleFilters]) -> Any:
    return facets_out(search.people_for(request.user, filter_params(filters))[1])


@router.get(
    "/people/{slug}",
    response=answers(PersonOut, 404),
    summary="One person (no contact details)",
)
def get_person(request: HttpRequest, slug: str) -> Any:
    person = get_object_or_404(Person, slug=slug)
    if not permissions.can_view(request.user, person):
        raise Http404
    return person


@router.get(
    "/people/{slug}/contact",
    auth=SIGNED_IN,
    response=answers(ContactOut, 403, 404),
    summary="A person's e-mail and phone (needs the view_contact_details permission)",
)
def get_person_contact(request: HttpRequest, slug: str) -> Any:
    person = get_object_or_404(Person, slug=slug)
    if not permissions.can_view(request.user, person):
        raise Http404
    if not permissions.can_view_contact_details(request.user):
        return Status(403, {"detail": "You do not have permission to see contact details."})
    contact = services.contact_details_for(request.user, person)
    return Status(
        200,
        {
            "person": person.slug,
            "email": contact.email if contact else "",
            "phone": contact.phone if contact else "",
        },
    )
