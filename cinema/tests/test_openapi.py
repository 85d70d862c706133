"""The OpenAPI schema as a contract: fixed operation ids, honest security,
every error in the envelope, typed answers; and the server doing what the
schema says for tokens on public operations, ``?format=`` and the QR images."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from booking.services import ticket_hold
from cinema.api.schema import API_PATH_PREFIX, OPERATION_IDS
from conftest import pay_booking

ERROR = "#/components/schemas/Error"
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_every_operation_has_a_fixed_operation_id(schema):
    found = {(method, path.removeprefix(API_PATH_PREFIX)): op["operationId"] for method, path, op in operations(schema)}
    missing = {key: found[key] for key in found.keys() - OPERATION_IDS.keys()}
    assert not missing, f"give each new operation a row in cinema.api.schema.OPERATION_IDS: {missing}"
    assert found.keys() == OPERATION_IDS.keys(), "rows of operations that are gone"
    assert len(set(found.values())) == len(found)


def test_public_operations_declare_no_authentication_as_an_alternative(schema):
    for method, path, op in operations(schema):
        public = op["x-roles"] == "anyone"
        assert ({} in op["security"]) == public, (method, path, op["security"])


def test_every_error_answer_is_the_envelope_and_every_answer_is_typed(schema):
    for method, path, op in operations(schema):
        for status, response in op["responses"].items():
            assert "X-Request-ID" in response["headers"], (method, path, status)
            content = response.get("content", {})
            if status.startswith("4"):
                assert content["application/json"]["schema"] == {"$ref": ERROR}, (method, path, status)
            for media in content.values():
                assert media["schema"] != {"type": "object"}, (method, path, status)  # untyped
                assert media["schema"].get("additionalProperties") is not True, (method, path, status)
        assert "rate limits" not in op.get("description", ""), (method, path)  # a mixin's docstring


def test_limits_enforced_by_the_server_are_declared(schema):
    components = schema["components"]["schemas"]
    assert components["HoldRequest"]["properties"]["seats"]["minItems"] == 1
    search = schema["paths"]["/api/v1/movies/search/"]["get"]
    (q,) = [p for p in search["parameters"] if p["name"] == "q"]
    assert (q["schema"]["minLength"], q["schema"]["maxLength"]) == (2, 100)
    pay = schema["paths"]["/api/v1/tickets/{id}/pay/"]["post"]
    (key,) = [p for p in pay["parameters"] if p["name"] == "Idempotency-Key"]
    assert (key["schema"]["minLength"], key["schema"]["maxLength"]) == (1, 255)
    assert "Idempotent-Replayed" in pay["responses"]["201"]["headers"]


def test_a_bad_token_is_ignored_on_public_operations_and_refused_on_private_ones(anon_client, movie):
    anon_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.forged")
    assert anon_client.get("/api/v1/movies/").status_code == 200
    assert anon_client.get(f"/api/v1/reviews/movie/{movie.pk}/").status_code == 200
    refused = anon_client.get("/api/v1/tickets/")
    assert refused.status_code == 401 and refused.json()["code"] == "token_not_valid"
    assert anon_client.post("/api/v1/reviews/", {}, format="json").status_code == 401


def test_format_is_the_sessions_film_format_filter_not_a_renderer_switch(anon_client, session):
    assert anon_client.get("/api/v1/sessions/?format=2d").json()["count"] == 1
    assert anon_client.get("/api/v1/sessions/?format=imax").json()["count"] == 0


@pytest.fixture
def paid_ticket(customer, session):
    booking = ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    pay_booking(customer, booking)
    return booking.tickets.get()


@pytest.mark.parametrize("accept", [None, "application/json", "text/html"])
def test_the_qr_comes_as_png_and_as_svg_whatever_accept_says(customer_client, paid_ticket, accept):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    png = customer_client.get(f"/api/v1/tickets/{paid_ticket.pk}/qr/", **headers)
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = customer_client.get(f"/api/v1/tickets/{paid_ticket.pk}/qr/svg/", **headers)
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_qr_errors_are_json_whatever_accept_says(customer_client, customer, session):
    held = ticket_hold(user=customer, session_id=session.pk, seats=[(2, 3)]).tickets.get()
    response = customer_client.get(f"/api/v1/tickets/{held.pk}/qr/svg/", HTTP_ACCEPT="image/svg+xml")
    assert response.status_code == 409 and response.json()["code"] == "ticket_not_usable"
