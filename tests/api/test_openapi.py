"""The OpenAPI document declares what clients and fuzzers need: the search's query parameters and every refusal."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_search_declares_its_query_parameters(openapi):
    parameters = {p["name"]: p for p in openapi["paths"]["/api/v1/courses/"]["get"]["parameters"]}
    expected = {"q", "category", "audience", "form", "provider", "town", "free", "starts_within", "open_seats"}
    assert expected | {"sort", "page"} <= parameters.keys()
    assert all(p["in"] == "query" and not p.get("required") and p.get("description") for p in parameters.values())


def test_every_operation_declares_its_refusals_in_one_shape(openapi):
    error = openapi["components"]["schemas"]["ApiErrorOut"]
    assert set(error["required"]) == {"detail", "code"}
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"400", "422", "429"} <= statuses, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            for status in ("400", "422", "429"):
                content = operation["responses"][status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ApiErrorOut"}, (method, path, status)


def test_a_refusal_matches_the_declared_shape(client):
    body = client.get("/api/v1/classes/not-a-number").json()
    assert body["code"] == "invalid" and body["detail"] and isinstance(body["errors"], list)
