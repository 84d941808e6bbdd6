"""The polite HTTP client against a local server: retries on 429 and 5xx with the waits it says, a body cut
short or garbled retried then reported, other errors not retried, no network in one line, requests spaced."""

import logging
import socket

import pytest
from fetch_server import ApiServer

from pipelines.fetch.http import FetchError, PoliteClient

pytestmark = pytest.mark.unit

KPI = "/kolada/v3/kpi/N70845"


@pytest.fixture
def api():
    with ApiServer() as server:
        yield server


def client(waits: list, **options) -> PoliteClient:
    """Waits are recorded, not slept; jitter 0.5, so a backoff wait is exactly 3/4 of its ceiling."""
    return PoliteClient("kolada", sleep=waits.append, jitter=lambda: 0.5, **options)


def test_429_waits_what_retry_after_says_then_succeeds(api, caplog):
    api.fault("/kpi/N70845", status=429, headers={"Retry-After": "7"}, body=b'{"message": "slow down"}')
    waits = []
    with caplog.at_level(logging.INFO, logger="vardpuls"):
        response = client(waits).get(api.kolada_api + "/kpi/N70845")
    assert response.data["values"][0]["id"] == "N70845"
    assert response.attempts == 2 and waits == [7.0]
    assert len(api.made(KPI)) == 2
    lines = [r.getMessage() for r in caplog.records]
    assert lines.count(f"kolada GET {api.kolada_api}/kpi/N70845") == 2  # every request logged with its URL
    assert any("HTTP 429 Too Many Requests" in line and "waiting 7.0 s (Retry-After)" in line for line in lines)


def test_429_without_retry_after_backs_off_doubling_and_a_long_retry_after_is_capped(api):
    api.fault("/kpi/N70845", status=429, times=2)
    waits = []
    client(waits, backoff=2.0).get(api.kolada_api + "/kpi/N70845")
    assert waits == [1.5, 3.0]  # ceilings 2 and 4, jitter half of each
    api.fault("/kpi/N70845", status=429, headers={"Retry-After": "3600"})
    waits = []
    client(waits, max_wait=30.0).get(api.kolada_api + "/kpi/N70845")
    assert waits == [30.0]


def test_500_is_retried_with_backoff_and_after_the_last_attempt_reported_in_one_line(api):
    api.fault("/kpi/N70845", status=500, times=1)
    waits = []
    assert client(waits).get(api.kolada_api + "/kpi/N70845").status == 200
    assert waits == [0.75]
    api.fault("/kpi/N70845", status=503, times=10)
    waits = []
    with pytest.raises(FetchError) as failure:
        client(waits, attempts=4).get(api.kolada_api + "/kpi/N70845")
    assert str(failure.value) == (
        f"kolada: GET {api.kolada_api}/kpi/N70845 failed after 4 attempts: HTTP 503 Service Unavailable"
    )
    assert waits == [0.75, 1.5, 3.0]  # no wait after the last attempt
    assert len(api.made(KPI)) == 2 + 4


def test_a_body_cut_short_is_retried(api):
    api.fault("/kpi/N70845", kind="truncate")
    response = client([]).get(api.kolada_api + "/kpi/N70845")
    assert response.attempts == 2 and response.data["values"][0]["id"] == "N70845"
    api.fault("/kpi/N70845", kind="truncate", times=5)
    persistent = client([])
    with pytest.raises(FetchError, match=r"failed after 5 attempts: the body was cut short \(\d+ bytes of \d+\)"):
        persistent.get(api.kolada_api + "/kpi/N70845")
    assert [a.outcome for a in persistent.attempts] == ["retried"] * 4 + ["failed"]


def test_a_garbled_json_body_is_retried_then_reported_with_where_it_broke(api):
    api.fault("/kpi/N70845", kind="garbage", times=5)
    with pytest.raises(
        FetchError,
        match=r"failed after 5 attempts: the body is not valid JSON \(.* at character "
        r"[\d,]+; [\d,]+ bytes received\): cut short or garbled",
    ):
        client([]).get(api.kolada_api + "/kpi/N70845")


def test_a_client_error_is_not_retried_and_says_what_the_service_said(api):
    waits = []
    with pytest.raises(FetchError) as failure:
        client(waits).get(api.scb_api + "/tables/TAB0/metadata?lang=sv")
    assert failure.value.status == 404 and waits == []
    assert str(failure.value) == (
        f"kolada answered HTTP 404: Non-existent table for GET {api.scb_api}/tables/TAB0/metadata?lang=sv"
    )


def test_no_network_is_one_line_after_two_attempts():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    waits = []
    with pytest.raises(FetchError) as failure:
        client(waits).get(f"http://127.0.0.1:{port}/v3/kpi/N70845")
    message = str(failure.value)
    assert message.startswith(
        f"kolada: GET http://127.0.0.1:{port}/v3/kpi/N70845 failed after 2 attempts: cannot connect ("
    )
    assert "\n" not in message and len(waits) == 1


def test_requests_are_spaced_at_least_min_interval_apart(api):
    now = [100.0]
    waits = []

    def sleep(seconds):
        waits.append(round(seconds, 6))
        now[0] += seconds

    c = PoliteClient("scb", min_interval=0.34, sleep=sleep, clock=lambda: now[0])
    c.get(api.scb_api + "/config")
    now[0] += 0.1  # the caller worked 0.1 s in between
    c.get(api.scb_api + "/config")
    c.get(api.scb_api + "/config")
    assert waits == [0.24, 0.34]
