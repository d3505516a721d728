import pytest
from django.test import Client

from asmhub.conftest import make_org
from asmhub.core.models import Status
from asmhub.taxonomy.models import LeverIssue


@pytest.mark.parametrize(
    "url",
    [
        "/taxonomy/",
        "/taxonomy/sdg/3/",
        "/taxonomy/sdg/targets/",
        "/taxonomy/mdg/7/",
        "/taxonomy/lever-issues/mercury-chemicals/",
        "/taxonomy/minerals/gold/",
        "/taxonomy/countries/",
        "/taxonomy/countries/CD/",
        "/taxonomy/codelists/Sector/",
    ],
)
def test_taxonomy_pages_answer(client: Client, db: None, url: str) -> None:
    assert client.get(url).status_code == 200


def test_unknown_terms_answer_404(client: Client, db: None) -> None:
    assert client.get("/taxonomy/sdg/18/").status_code == 404
    assert client.get("/taxonomy/lever-issues/no-such-issue/").status_code == 404


def test_a_lever_issue_page_lists_published_organizations_tagged_with_it(
    client: Client, db: None
) -> None:
    mercury = LeverIssue.objects.get(slug="mercury-chemicals")
    make_org("Artisanal Gold Council").lever_issues.add(mercury)
    make_org("Secret Draft", status=Status.DRAFT).lever_issues.add(mercury)
    body = client.get("/taxonomy/lever-issues/mercury-chemicals/").content.decode()
    assert "Artisanal Gold Council" in body
    assert "Secret Draft" not in body
    assert "3.9" in body  # an SDG target the issue carries


def test_the_sdg_page_shows_its_lever_issues_and_mdg(client: Client, db: None) -> None:
    body = client.get("/taxonomy/sdg/5/").content.decode()
    assert "Gender equality and women in mining" in body
    assert "MDG 3" in body
