"""/metrics: with METRICS_TOKEN only for its bearer, without it only for this machine."""

import pytest
from django.test import Client, override_settings


def _metrics(remote_addr="127.0.0.1", **headers):
    return Client().get("/metrics", REMOTE_ADDR=remote_addr, **headers)


@pytest.mark.parametrize("remote_addr", ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"])
def test_without_a_token_the_same_machine_reads_metrics(remote_addr):
    response = _metrics(remote_addr)
    assert response.status_code == 200 and b"django_http_requests" in response.content


@pytest.mark.parametrize(
    "remote_addr, headers",
    [
        ("10.0.0.5", {}),
        ("172.18.0.3", {"HTTP_X_FORWARDED_FOR": "127.0.0.1"}),  # a header anyone can write
        ("10.0.0.5", {"HTTP_X_REAL_IP": "::1"}),
        ("", {}),
        ("not an address", {}),
        ("10.0.0.5", {"HTTP_AUTHORIZATION": "Bearer anything"}),  # no token configured: none accepted
    ],
)
def test_without_a_token_others_are_refused(remote_addr, headers):
    response = _metrics(remote_addr, **headers)
    assert response.status_code == 403 and b"django_http" not in response.content


@override_settings(METRICS_TOKEN="s3cret-token")
@pytest.mark.parametrize(
    "remote_addr, authorization, status",
    [
        ("10.0.0.5", "Bearer s3cret-token", 200),
        ("10.0.0.5", "bearer s3cret-token", 200),
        ("127.0.0.1", "Bearer s3cret-token", 200),
        ("127.0.0.1", None, 403),  # a token is set: loopback needs it too
        ("10.0.0.5", None, 403),
        ("10.0.0.5", "Bearer s3cret-tokeN", 403),
        ("10.0.0.5", "Bearer s3cret", 403),
        ("10.0.0.5", "Bearer ", 403),
        ("10.0.0.5", "s3cret-token", 403),
        ("10.0.0.5", "Basic czNjcmV0LXRva2Vu", 403),
        ("10.0.0.5", "Bearer sécret", 403),  # not ASCII: refused, not a 500
    ],
)
def test_with_a_token_only_its_bearer_reads_metrics(remote_addr, authorization, status):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    response = _metrics(remote_addr, **headers)
    assert response.status_code == status
    assert (b"django_http_requests" in response.content) == (status == 200)


def test_metrics_answers_get_only():
    assert Client().post("/metrics").status_code == 405
