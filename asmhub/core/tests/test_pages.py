import pytest
from django.test import Client

from asmhub.directory.services import load_demo_directory


@pytest.fixture
def demo(db: None) -> None:
    load_demo_directory()


def test_home_tells_a_first_time_visitor_what_the_platform_holds(
    client: Client, demo: None
) -> None:
    body = client.get("/").content.decode()
    assert "open partnership platform for artisanal and small-scale mining" in body
    assert "69</strong> organizations" in body or "organizations" in body
    assert "Mercury and chemical exposure" in body
    assert "20 million people" in body  # the seed's own words, with the source


def test_about_quotes_the_mandate_with_sources(client: Client, db: None) -> None:
    body = client.get("/about/").content.decode()
    assert "Serve as a clearinghouse for information relevant to the sector" in body
    assert "FESS for CASM, World Bank, Washington DC, June 2005" in body


def test_about_links_what_exists_and_promises_nothing_else(client: Client, db: None) -> None:
    body = client.get("/about/").content.decode()
    assert '<a href="/strategy/">Strategy and reviews</a>' in body
    assert '<a href="/convenings/">Convenings</a>' in body
    assert '<a href="/briefs/">Briefs and marketing materials</a>' in body
    assert "Not on the platform yet." not in body


def test_pages_are_served_in_french(client: Client, db: None) -> None:
    body = client.get("/taxonomy/sdg/8/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'lang="fr"' in body
    assert "Promouvoir une croissance économique soutenue" in body


def test_security_headers_are_set(client: Client, db: None) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/", "/monitoring/", "/directory/organizations/", "/api/openapi.json", "/no/such/"]
)
def test_every_response_denies_the_browser_features_no_page_uses(
    client: Client, db: None, path: str
) -> None:
    policy = client.get(path).headers["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature
    assert features["fullscreen"] == "(self)"


def test_unknown_pages_answer_404_with_the_site_layout(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_healthz_answers_when_the_database_does(client: Client, db: None) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_api_documentation_page_loads_its_assets_locally(client: Client) -> None:
    body = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn." not in body


def test_nul_characters_in_parameters_are_refused_at_the_door(client: Client, db: None) -> None:
    response = client.get("/api/directory/organizations", {"q": "gold\x00"})
    assert response.status_code == 422
    assert response.json() == {"detail": "parameter 'q' contains a NUL character"}
    assert client.get("/directory/organizations/", {"q": "\x00"}).status_code == 400


def test_offsets_are_bounded(client: Client, db: None) -> None:
    response = client.get("/api/directory/organizations", {"offset": 10**30})
    assert response.status_code == 422
