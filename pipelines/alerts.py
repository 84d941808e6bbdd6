"""An alert to people when a refresh or publish run fails: e-mail through an SMTP server and/or a chat webhook.

``build_failure_alert(jobs)`` is a run-failure sensor (open-source Dagster; the daemon runs it) that
sends one message per failed run of those jobs: the run id and job, when it started and failed
(Europe/Stockholm), each failed step with its error in one line, and a link to the run in the UI.
Everything that could hold a personnummer is masked first (``pipelines.privacy.scrub``).

Configured by environment variables (nothing configured: the sensor skips, saying so):

- e-mail: ``VARDPULS_ALERT_SMTP_HOST`` and ``VARDPULS_ALERT_SMTP_PORT`` (default 25, 465 with ssl),
  ``VARDPULS_ALERT_FROM``, ``VARDPULS_ALERT_TO`` (addresses separated by commas),
  ``VARDPULS_ALERT_SMTP_SECURITY`` (``none``, ``starttls`` or ``ssl``; the server's certificate is
  verified against the system's trust store, or ``SSL_CERT_FILE``), and for a server that wants a
  login ``VARDPULS_ALERT_SMTP_USER`` with ``VARDPULS_ALERT_SMTP_PASSWORD_FILE`` (a file holding the
  password, never the password itself in the environment);
- a webhook: ``VARDPULS_ALERT_WEBHOOK_URL``, posted JSON in the shape its chat expects
  (``VARDPULS_ALERT_WEBHOOK_FORMAT``: ``teams``, an Adaptive Card in a message, as Teams' Workflows
  webhooks take it; ``slack``, ``{"text": ...}``, which Slack's incoming webhooks, Mattermost and
  Rocket.Chat take; by default ``teams`` for Microsoft's webhook hosts and ``slack`` otherwise);
- ``VARDPULS_UI_URL``: the Dagster UI as the recipients reach it, for the link to the run.

A channel that cannot be reached fails the sensor's tick with the reason (the UI shows it on the
sensor and in the failed run's log); the other channel is still tried. Dagster does not evaluate
the same failed run twice, so a message is never sent twice.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.privacy import scrub

TIMEZONE = ZoneInfo("Europe/Stockholm")
SENSOR_NAME = "alert_on_failed_run"
SECURITY = ("none", "starttls", "ssl")
FORMATS = ("teams", "slack")
# hosts of Microsoft's incoming webhooks (Teams Workflows / Power Automate, the retired Office 365 connectors)
TEAMS_HOSTS = ("webhook.office.com", "logic.azure.com", "powerplatform.com", "powerautomate.com")
TIMEOUT_SECONDS = 20
# an error longer than this is cut in the message (the whole error is in the run's log)
ERROR_CHARACTERS = 400


class AlertConfigError(ValueError):
    """The alert settings are incomplete or wrong."""


class AlertDeliveryError(RuntimeError):
    """A configured channel could not be reached."""


@dataclass(frozen=True)
class AlertConfig:
    smtp_host: str | None = None
    smtp_port: int = 25
    security: str = "none"
    smtp_user: str | None = None
    smtp_password_file: Path | None = None
    sender: str | None = None
    recipients: tuple[str, ...] = ()
    webhook_url: str | None = None
    webhook_format: str = "slack"
    ui_url: str | None = None

    @property
    def channels(self) -> list[str]:
        return [name for name, on in (("e-mail", self.smtp_host), ("webhook", self.webhook_url)) if on]

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "AlertConfig":
        """The settings from ``VARDPULS_ALERT_*`` and ``VARDPULS_UI_URL``; a clear error when they do not add up."""
        env = os.environ if environ is None else environ
        value = lambda name: (env.get(name) or "").strip() or None  # noqa: E731
        host, webhook = value("VARDPULS_ALERT_SMTP_HOST"), value("VARDPULS_ALERT_WEBHOOK_URL")
        security = (value("VARDPULS_ALERT_SMTP_SECURITY") or "none").lower()
        if security not in SECURITY:
            raise AlertConfigError(
                f"VARDPULS_ALERT_SMTP_SECURITY is {security!r}: expected one of {', '.join(SECURITY)}"
            )
        port_text = value("VARDPULS_ALERT_SMTP_PORT") or ("465" if security == "ssl" else "25")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise AlertConfigError(f"VARDPULS_ALERT_SMTP_PORT is {port_text!r}: expected a port number (1-65535)")
        recipients = tuple(a.strip() for a in (value("VARDPULS_ALERT_TO") or "").split(",") if a.strip())
        sender, user = value("VARDPULS_ALERT_FROM"), value("VARDPULS_ALERT_SMTP_USER")
        password_file = value("VARDPULS_ALERT_SMTP_PASSWORD_FILE")
        if host:
            missing = [
                name for name, v in (("VARDPULS_ALERT_FROM", sender), ("VARDPULS_ALERT_TO", recipients)) if not v
            ]
            if missing:
                raise AlertConfigError(
                    f"VARDPULS_ALERT_SMTP_HOST is set but {' and '.join(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} not: e-mail alerts need a sender and "
                    "at least one recipient"
                )
            for address in (sender, *recipients):
                if "@" not in address or any(c.isspace() for c in address):
                    raise AlertConfigError(
                        f"{address!r} is not an e-mail address (VARDPULS_ALERT_FROM, VARDPULS_ALERT_TO)"
                    )
            if bool(user) != bool(password_file):
                raise AlertConfigError(
                    "VARDPULS_ALERT_SMTP_USER and VARDPULS_ALERT_SMTP_PASSWORD_FILE go together: "
                    "set both for a server that wants a login, or neither"
                )
            if password_file and not Path(password_file).is_file():
                raise AlertConfigError(f"VARDPULS_ALERT_SMTP_PASSWORD_FILE names {password_file}, which does not exist")
        elif recipients or sender:
            raise AlertConfigError(
                "VARDPULS_ALERT_TO or VARDPULS_ALERT_FROM is set but VARDPULS_ALERT_SMTP_HOST is not: "
                "e-mail alerts need the SMTP server to send through"
            )
        webhook_format = (value("VARDPULS_ALERT_WEBHOOK_FORMAT") or "").lower()
        if webhook:
            parsed = urllib.parse.urlsplit(webhook)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise AlertConfigError("VARDPULS_ALERT_WEBHOOK_URL is not an http(s) address")
            if webhook_format and webhook_format not in FORMATS:
                raise AlertConfigError(
                    f"VARDPULS_ALERT_WEBHOOK_FORMAT is {webhook_format!r}: expected {' or '.join(FORMATS)}"
                )
            host_name = (parsed.hostname or "").lower()
            webhook_format = webhook_format or (
                "teams" if any(host_name == h or host_name.endswith("." + h) for h in TEAMS_HOSTS) else "slack"
            )
        return cls(
            smtp_host=host,
            smtp_port=int(port_text),
            security=security,
            smtp_user=user,
            smtp_password_file=Path(password_file) if password_file else None,
            sender=sender,
            recipients=recipients,
            webhook_url=webhook,
            webhook_format=webhook_format or "slack",
            ui_url=(value("VARDPULS_UI_URL") or "").rstrip("/") or None,
        )


@dataclass(frozen=True)
class FailedRun:
    """What the message says about a failed run."""

    run_id: str
    job: str
    started: dt.datetime | None
    failed: dt.datetime | None
    steps: tuple[tuple[str, str], ...]  # (step, error in one line)
    run_error: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Alert:
    run_id: str
    subject: str
    lines: tuple[str, ...]
    run_url: str | None

    @property
    def body(self) -> str:
        return "\n".join(self.lines) + "\n"


def failed_run(context: dg.RunFailureSensorContext) -> FailedRun:
    """The failed run, its times and its failed steps with their errors, from the run's event log."""
    run = context.dagster_run
    record = context.instance.get_run_record_by_id(run.run_id)
    started = _local(record.start_time) if record and record.start_time else None
    failed = _local(record.end_time) if record and record.end_time else None
    steps = []
    for event in context.get_step_failure_events():
        data = event.step_failure_data
        if data.user_failure_data and data.user_failure_data.description:  # a dg.Failure: the asset's own words
            error = data.user_failure_data.description
        elif data.error:  # an exception: the one raised in the step, not Dagster's wrapper around it
            cause = data.error
            while cause.cause is not None:
                cause = cause.cause
            error = cause.message
        else:
            error = event.message or ""
        steps.append((event.step_key or "?", one_line(error)))
    run_error = "" if steps else one_line(context.failure_event.message or "")
    return FailedRun(
        run_id=run.run_id,
        job=run.job_name,
        started=started,
        failed=failed,
        steps=tuple(steps),
        run_error=run_error,
        tags=dict(run.tags),
    )


def compose(run: FailedRun, config: AlertConfig) -> Alert:
    """The message: a subject and body lines, scrubbed of anything shaped like a personnummer."""
    url = f"{config.ui_url}/runs/{run.run_id}" if config.ui_url else None
    what = (
        f"{len(run.steps)} step{'s' if len(run.steps) != 1 else ''} failed: {', '.join(s for s, _ in run.steps)}"
        if run.steps
        else "the run failed"
    )
    subject = f"vardpuls: {run.job} failed (run {run.run_id[:8]}), {what}"
    lines = [f"The Dagster run {run.run_id} of the job {run.job} failed."]
    if run.started or run.failed:
        lines.append(
            "Started "
            + (_when(run.started) if run.started else "?")
            + ", failed "
            + (_when(run.failed) if run.failed else "?")
            + " (Europe/Stockholm)."
        )
    trigger = (
        run.tags.get("vardpuls/trigger") or run.tags.get("dagster/schedule_name") or run.tags.get("dagster/sensor_name")
    )
    if trigger:
        lines.append(f"Started by: {trigger}.")
    if run.steps:
        lines.append("")
        lines.append("Failed steps:")
        lines.extend(f"- {step}: {error}" for step, error in run.steps)
    if run.run_error:
        lines.append("")
        lines.append(f"Error: {run.run_error}")
    lines.append("")
    lines.append(
        f"The run in the Dagster UI: {url}"
        if url
        else "The run is in the Dagster UI under Runs (set VARDPULS_UI_URL to link it here)."
    )
    return Alert(run_id=run.run_id, subject=scrub(subject), lines=tuple(scrub(line) for line in lines), run_url=url)


def send_email(alert: Alert, config: AlertConfig) -> None:
    """The alert as a plain-text e-mail through the configured SMTP server."""
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = config.sender
    message["To"] = ", ".join(config.recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=config.sender.split("@")[-1])
    message.set_content(alert.body)
    tls = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if config.security == "ssl" else smtplib.SMTP
    extra = {"context": tls} if config.security == "ssl" else {}
    with smtp_class(config.smtp_host, config.smtp_port, timeout=TIMEOUT_SECONDS, **extra) as smtp:
        if config.security == "starttls":
            smtp.starttls(context=tls)
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password_file.read_text(encoding="utf-8").strip())
        smtp.send_message(message)


def webhook_body(alert: Alert, config: AlertConfig) -> dict:
    """The JSON the configured chat's incoming webhook takes."""
    if config.webhook_format == "teams":
        body = [{"type": "TextBlock", "text": alert.subject, "weight": "Bolder", "size": "Medium", "wrap": True}]
        body += [{"type": "TextBlock", "text": line, "wrap": True, "spacing": "None"} for line in alert.lines if line]
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
        }
        if alert.run_url:
            card["actions"] = [{"type": "Action.OpenUrl", "title": "Open the run", "url": alert.run_url}]
        return {
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
            ],
        }
    return {"text": "*" + alert.subject + "*\n" + alert.body}


def post_webhook(alert: Alert, config: AlertConfig) -> None:
    """POST the alert to the configured webhook; an answer other than 2xx is an error."""
    request = urllib.request.Request(
        config.webhook_url,
        data=json.dumps(webhook_body(alert, config)).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "vardpuls-alert"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        if not 200 <= response.status < 300:
            raise AlertDeliveryError(f"the webhook answered HTTP {response.status}")


def deliver(alert: Alert, config: AlertConfig) -> list[str]:
    """Send through every configured channel; the channels reached. Raises naming the ones that failed."""
    reached, failures = [], []
    for channel, send in (
        ("e-mail", send_email if config.smtp_host else None),
        ("webhook", post_webhook if config.webhook_url else None),
    ):
        if send is None:
            continue
        try:
            send(alert, config)
            reached.append(channel)
        except (OSError, smtplib.SMTPException, AlertDeliveryError, ssl.SSLError) as error:
            failures.append(f"{channel}: {_delivery_error(channel, error, config)}")
    if failures:
        raise AlertDeliveryError(
            f"the alert for the failed run {alert.run_id} was not delivered by "
            f"{'; '.join(failures)}" + (f" (it was sent by {', '.join(reached)})" if reached else "")
        )
    return reached


def build_failure_alert(jobs: Sequence, environ: Mapping[str, str] | None = None) -> dg.SensorDefinition:
    """The run-failure sensor over ``jobs`` (the refresh and publish jobs) that sends the alerts."""

    @dg.run_failure_sensor(
        name=SENSOR_NAME,
        monitored_jobs=list(jobs),
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Sends an e-mail and/or a chat message (VARDPULS_ALERT_*) for every failed "
        "refresh or publish run, with its failed steps and a link to it.",
    )
    def alert_on_failed_run(context: dg.RunFailureSensorContext):
        config = AlertConfig.from_environment(environ)
        if not config.channels:
            return dg.SkipReason(
                "no alert channel configured: set VARDPULS_ALERT_SMTP_HOST (with "
                "VARDPULS_ALERT_FROM and VARDPULS_ALERT_TO) or VARDPULS_ALERT_WEBHOOK_URL"
            )
        alert = compose(failed_run(context), config)
        reached = deliver(alert, config)
        context.log.info(f"alert for run {context.dagster_run.run_id} sent by {', '.join(reached)}")
        return None  # the next failed run is looked at in the same tick

    return alert_on_failed_run


def one_line(text: str) -> str:
    """The first non-empty line of an error, cut to ERROR_CHARACTERS."""
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    return line if len(line) <= ERROR_CHARACTERS else line[: ERROR_CHARACTERS - 1] + "…"


def _delivery_error(channel: str, error: Exception, config: AlertConfig) -> str:
    where = (
        f"{config.smtp_host}:{config.smtp_port}"
        if channel == "e-mail"
        else urllib.parse.urlsplit(config.webhook_url).netloc
    )
    if isinstance(error, urllib.error.HTTPError):
        return f"{where} answered HTTP {error.code} {error.reason}"
    return f"{where}: {scrub(str(error)) or type(error).__name__}"


def _local(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=TIMEZONE)


def _when(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"
