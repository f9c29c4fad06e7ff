from flask.testing import FlaskClient


def test_live(client: FlaskClient) -> None:
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_checks_the_database(client: FlaskClient) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_responses_carry_a_request_id(client: FlaskClient) -> None:
    assert client.get("/health/live").headers["X-Request-ID"]


def test_method_not_allowed_lists_every_method_of_the_path(client: FlaskClient) -> None:
    response = client.put("/api/v1/auth/register")
    assert response.status_code == 405
    allowed = {method.strip() for method in response.headers["Allow"].split(",")}
    assert allowed == {"POST", "OPTIONS"}
