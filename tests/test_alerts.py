"""The failure alert (pipelines/alerts.py): a real failed run, the sensor evaluated on it, and the message received
by an SMTP server (aiosmtpd, with STARTTLS and a login against a certificate made here) and by an HTTP server,
both started by the test on 127.0.0.1.
"""

import datetime as dt
import email
import email.policy
import ipaddress
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from pipelines.alerts import (
    SENSOR_NAME,
    AlertConfig,
    AlertConfigError,
    AlertDeliveryError,
    build_failure_alert,
    compose,
    failed_run,
    one_line,
)

pytestmark = pytest.mark.integration

PERSONNUMMER = "19800101-1234"
REFUSED = (
    "…/population/folkmangd.csv, row 3, column 'ålder': 'tre år' is not understood: expected a single year "
    f"of age (file delivered by {PERSONNUMMER})"
)


@dg.asset
def raw_population():
    raise dg.Failure(description=REFUSED)


@dg.asset
def raw_staffing():
    raise ValueError("staffing.csv could not be read\nTraceback line that must not reach the message")


@dg.asset
def units():
    return 1


refresh = dg.define_asset_job("refresh", selection=[raw_population, raw_staffing, units])
definitions = dg.Definitions(
    assets=[raw_population, raw_staffing, units], jobs=[refresh], executor=dg.in_process_executor
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def failed(tmp_path):
    """A failed run of a job named refresh (two steps fail, one succeeds) and its failure sensor context."""
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = definitions.resolve_job_def("refresh").execute_in_process(
            instance=instance, raise_on_error=False, tags={"vardpuls/trigger": "new files"}
        )
        assert not result.success
        context = dg.build_run_status_sensor_context(
            sensor_name=SENSOR_NAME,
            dagster_event=result.get_run_failure_event(),
            dagster_instance=instance,
            dagster_run=result.dagster_run,
        ).for_run_failure()
        yield context


class Inbox:
    """What an aiosmtpd handler received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.authenticated))
        return "250 OK"


def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1 and its key (files), for the SMTP server's STARTTLS."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "smtp.crt", tmp_path / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def smtp_server(tmp_path, monkeypatch):
    """An SMTP server on 127.0.0.1 that requires STARTTLS and the login alerts/secret; yields (port, inbox)."""
    import ssl

    cert_path, key_path = certificate(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert_path, key_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))  # the client verifies the server against this certificate

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"alerts" and auth_data.password == b"secret"
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 235 or 535 itself

    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=tls,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.fixture
def web_server():
    """An HTTP server on 127.0.0.1 that records every POST; yields (url, received, set_status)."""
    received, status = [], {"code": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], json.loads(body.decode("utf-8"))))
            self.send_response(status["code"])
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/secret-token", received, status
    finally:
        server.shutdown()
        server.server_close()


def test_the_failed_run_is_described_by_its_steps_and_their_one_line_errors(failed):
    run = failed_run(failed)
    assert run.job == "refresh" and run.run_id == failed.dagster_run.run_id
    assert dict(run.steps) == {"raw_population": REFUSED, "raw_staffing": "ValueError: staffing.csv could not be read"}
    assert run.started and run.failed and run.started <= run.failed and str(run.failed.tzinfo) == "Europe/Stockholm"
    alert = compose(run, AlertConfig(ui_url="http://vardpuls.example:3000"))
    assert alert.subject == (
        f"vardpuls: refresh failed (run {run.run_id[:8]}), 2 steps failed: " + ", ".join(step for step, _ in run.steps)
    )
    assert PERSONNUMMER not in alert.body and "[personnummer]" in alert.body
    assert (
        "- raw_population: …/population/folkmangd.csv, row 3, column 'ålder': 'tre år' is not understood" in alert.body
    )
    assert (
        "- raw_staffing: ValueError: staffing.csv could not be read\n" in alert.body and "Traceback" not in alert.body
    )
    assert f"The run in the Dagster UI: http://vardpuls.example:3000/runs/{run.run_id}" in alert.lines
    assert "Started by: new files." in alert.lines


def test_an_email_is_sent_through_starttls_with_a_login(failed, smtp_server, tmp_path):
    port, inbox = smtp_server
    password = tmp_path / "smtp-password"
    password.write_text("secret\n", encoding="utf-8")
    environ = {
        "VARDPULS_ALERT_SMTP_HOST": "127.0.0.1",
        "VARDPULS_ALERT_SMTP_PORT": str(port),
        "VARDPULS_ALERT_SMTP_SECURITY": "starttls",
        "VARDPULS_ALERT_SMTP_USER": "alerts",
        "VARDPULS_ALERT_SMTP_PASSWORD_FILE": str(password),
        "VARDPULS_ALERT_FROM": "vardpuls@region.example",
        "VARDPULS_ALERT_TO": "drift@region.example, analys@region.example",
        "VARDPULS_UI_URL": "http://vardpuls.region.example:3000/",
    }
    sensor = build_failure_alert([refresh], environ=environ)
    assert sensor(failed) is None
    assert len(inbox.envelopes) == 1
    sender, recipients, content, authenticated = inbox.envelopes[0]
    assert sender == "vardpuls@region.example" and authenticated
    assert recipients == ["drift@region.example", "analys@region.example"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    run_id = failed.dagster_run.run_id
    assert (
        message["Subject"]
        == f"vardpuls: refresh failed (run {run_id[:8]}), 2 steps failed: raw_population, raw_staffing"
    )
    assert message["To"] == "drift@region.example, analys@region.example"
    body = message.get_content()
    assert body.splitlines()[0] == f"The Dagster run {run_id} of the job refresh failed."
    assert "Failed steps:" in body.splitlines()
    assert f"The run in the Dagster UI: http://vardpuls.region.example:3000/runs/{run_id}" in body.splitlines()
    assert PERSONNUMMER not in content.decode("utf-8", errors="replace") and "[personnummer]" in body


def test_a_wrong_password_is_a_failed_tick_that_says_so(failed, smtp_server, tmp_path):
    port, inbox = smtp_server
    password = tmp_path / "smtp-password"
    password.write_text("wrong", encoding="utf-8")
    environ = {
        "VARDPULS_ALERT_SMTP_HOST": "127.0.0.1",
        "VARDPULS_ALERT_SMTP_PORT": str(port),
        "VARDPULS_ALERT_SMTP_SECURITY": "starttls",
        "VARDPULS_ALERT_SMTP_USER": "alerts",
        "VARDPULS_ALERT_SMTP_PASSWORD_FILE": str(password),
        "VARDPULS_ALERT_FROM": "vardpuls@region.example",
        "VARDPULS_ALERT_TO": "drift@region.example",
    }
    with pytest.raises(AlertDeliveryError, match=rf"was not delivered by e-mail: 127\.0\.0\.1:{port}: .*535"):
        build_failure_alert([refresh], environ=environ)(failed)
    assert inbox.envelopes == []


@pytest.mark.parametrize("fmt", ["slack", "teams"])
def test_a_webhook_gets_the_json_its_chat_takes(failed, web_server, fmt):
    url, received, _ = web_server
    environ = {
        "VARDPULS_ALERT_WEBHOOK_URL": url,
        "VARDPULS_ALERT_WEBHOOK_FORMAT": fmt,
        "VARDPULS_UI_URL": "http://ui.example:3000",
    }
    assert build_failure_alert([refresh], environ=environ)(failed) is None
    assert len(received) == 1
    path, content_type, body = received[0]
    run_id = failed.dagster_run.run_id
    assert path == "/hooks/T000/secret-token" and content_type.startswith("application/json")
    if fmt == "slack":
        assert set(body) == {"text"}
        text = body["text"]
        assert text.startswith(
            f"*vardpuls: refresh failed (run {run_id[:8]}), 2 steps failed: raw_population, raw_staffing*\n"
        )
    else:
        assert body["type"] == "message" and len(body["attachments"]) == 1
        attachment = body["attachments"][0]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        card = attachment["content"]
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
        assert card["actions"] == [
            {"type": "Action.OpenUrl", "title": "Open the run", "url": f"http://ui.example:3000/runs/{run_id}"}
        ]
        text = "\n".join(block["text"] for block in card["body"])
        assert card["body"][0]["text"].startswith("vardpuls: refresh failed")
    assert "- raw_staffing: ValueError: staffing.csv could not be read" in text
    assert PERSONNUMMER not in json.dumps(body, ensure_ascii=False) and "[personnummer]" in text


def test_both_channels_are_tried_and_the_one_that_failed_is_named(failed, web_server, smtp_server, tmp_path):
    url, received, status = web_server
    port, inbox = smtp_server
    status["code"] = 500
    password = tmp_path / "smtp-password"
    password.write_text("secret", encoding="utf-8")
    environ = {
        "VARDPULS_ALERT_WEBHOOK_URL": url,
        "VARDPULS_ALERT_SMTP_HOST": "127.0.0.1",
        "VARDPULS_ALERT_SMTP_PORT": str(port),
        "VARDPULS_ALERT_SMTP_SECURITY": "starttls",
        "VARDPULS_ALERT_SMTP_USER": "alerts",
        "VARDPULS_ALERT_SMTP_PASSWORD_FILE": str(password),
        "VARDPULS_ALERT_FROM": "vardpuls@region.example",
        "VARDPULS_ALERT_TO": "drift@region.example",
    }
    with pytest.raises(AlertDeliveryError) as raised:
        build_failure_alert([refresh], environ=environ)(failed)
    message = str(raised.value)
    assert "webhook: 127.0.0.1:" in message and "answered HTTP 500" in message and "(it was sent by e-mail)" in message
    assert "secret-token" not in message  # the webhook's address is a secret: only its host is named
    assert len(inbox.envelopes) == 1 and len(received) == 1


def test_nothing_configured_is_a_skip_with_the_reason(failed):
    result = build_failure_alert([refresh], environ={})(failed)
    assert isinstance(result, dg.SkipReason)
    assert "no alert channel configured" in result.skip_message and "VARDPULS_ALERT_WEBHOOK_URL" in result.skip_message


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"VARDPULS_ALERT_SMTP_HOST": "smtp.example"}, "VARDPULS_ALERT_FROM and VARDPULS_ALERT_TO are not"),
        (
            {
                "VARDPULS_ALERT_SMTP_HOST": "smtp.example",
                "VARDPULS_ALERT_FROM": "a@b.example",
                "VARDPULS_ALERT_TO": "x",
            },
            "'x' is not an e-mail address",
        ),
        ({"VARDPULS_ALERT_TO": "a@b.example"}, "VARDPULS_ALERT_SMTP_HOST is not"),
        (
            {
                "VARDPULS_ALERT_SMTP_HOST": "h",
                "VARDPULS_ALERT_SMTP_PORT": "smtp",
                "VARDPULS_ALERT_FROM": "a@b.example",
                "VARDPULS_ALERT_TO": "c@d.example",
            },
            "expected a port number",
        ),
        (
            {
                "VARDPULS_ALERT_SMTP_HOST": "h",
                "VARDPULS_ALERT_FROM": "a@b.example",
                "VARDPULS_ALERT_TO": "c@d.example",
                "VARDPULS_ALERT_SMTP_SECURITY": "tls",
            },
            "expected one of none, starttls, ssl",
        ),
        (
            {
                "VARDPULS_ALERT_SMTP_HOST": "h",
                "VARDPULS_ALERT_FROM": "a@b.example",
                "VARDPULS_ALERT_TO": "c@d.example",
                "VARDPULS_ALERT_SMTP_USER": "u",
            },
            "go together",
        ),
        (
            {
                "VARDPULS_ALERT_SMTP_HOST": "h",
                "VARDPULS_ALERT_FROM": "a@b.example",
                "VARDPULS_ALERT_TO": "c@d.example",
                "VARDPULS_ALERT_SMTP_USER": "u",
                "VARDPULS_ALERT_SMTP_PASSWORD_FILE": "/nonexistent/pw",
            },
            "does not exist",
        ),
        ({"VARDPULS_ALERT_WEBHOOK_URL": "hooks.slack.com/x"}, "not an http"),
        (
            {"VARDPULS_ALERT_WEBHOOK_URL": "https://x.example/h", "VARDPULS_ALERT_WEBHOOK_FORMAT": "discord"},
            "expected teams or slack",
        ),
    ],
)
def test_settings_that_do_not_add_up_are_refused_with_the_variable_named(environ, message):
    with pytest.raises(AlertConfigError, match=message):
        AlertConfig.from_environment(environ)


def test_the_webhook_format_follows_the_host_unless_set():
    teams = "https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke"
    assert AlertConfig.from_environment({"VARDPULS_ALERT_WEBHOOK_URL": teams}).webhook_format == "teams"
    assert (
        AlertConfig.from_environment(
            {"VARDPULS_ALERT_WEBHOOK_URL": "https://region.webhook.office.com/webhookb2/x"}
        ).webhook_format
        == "teams"
    )
    assert (
        AlertConfig.from_environment(
            {"VARDPULS_ALERT_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/X"}
        ).webhook_format
        == "slack"
    )
    assert (
        AlertConfig.from_environment({"VARDPULS_ALERT_WEBHOOK_URL": "https://notoffice.com.example/x"}).webhook_format
        == "slack"
    )
    assert (
        AlertConfig.from_environment(
            {"VARDPULS_ALERT_WEBHOOK_URL": teams, "VARDPULS_ALERT_WEBHOOK_FORMAT": "slack"}
        ).webhook_format
        == "slack"
    )
    assert (
        AlertConfig.from_environment(
            {
                "VARDPULS_ALERT_SMTP_HOST": "h",
                "VARDPULS_ALERT_SMTP_SECURITY": "ssl",
                "VARDPULS_ALERT_FROM": "a@b.example",
                "VARDPULS_ALERT_TO": "c@d.example",
            }
        ).smtp_port
        == 465
    )


def test_one_line_keeps_the_first_line_and_cuts_a_long_one():
    assert one_line("\n  first line \nsecond") == "first line"
    assert one_line("x" * 1000) == "x" * 399 + "…"
    assert one_line("") == ""


def test_the_sensor_ticks_once_per_failed_run_of_the_jobs_it_watches(tmp_path, web_server):
    """Through Dagster's own tick: a failed run of another job is not alerted, a failed refresh once, never twice."""
    url, received, _ = web_server

    @dg.asset
    def other():
        raise ValueError("not watched")

    other_job = dg.define_asset_job("other", selection=[other])
    sensor = build_failure_alert([refresh], environ={"VARDPULS_ALERT_WEBHOOK_URL": url})
    defs = dg.Definitions(
        assets=[raw_population, raw_staffing, units, other],
        jobs=[refresh, other_job],
        sensors=[sensor],
        executor=dg.in_process_executor,
    )
    assert sensor.name == SENSOR_NAME and sensor.default_status == dg.DefaultSensorStatus.RUNNING
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:

        def tick(cursor):
            context = dg.build_sensor_context(
                instance=instance, cursor=cursor, definitions=defs, sensor_name=SENSOR_NAME
            )
            result = sensor.evaluate_tick(context)
            return result, context.cursor

        _, cursor = tick(None)  # the first tick only sets the cursor
        defs.resolve_job_def("other").execute_in_process(instance=instance, raise_on_error=False)
        failed_refresh = defs.resolve_job_def("refresh").execute_in_process(instance=instance, raise_on_error=False)
        _, cursor = tick(cursor)
        assert len(received) == 1 and failed_refresh.run_id[:8] in received[0][2]["text"]
        assert "other" not in received[0][2]["text"].split("\n")[0]
        result, cursor = tick(cursor)
        assert len(received) == 1  # the same failed run is not alerted again
