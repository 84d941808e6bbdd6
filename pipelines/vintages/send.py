"""A release's digest through the failure alert's channels (pipelines/alerts.py: e-mail and/or a chat webhook).

Sent when ``VARDPULS_DIGEST_SEND`` is true and a channel is configured (``VARDPULS_ALERT_*``), once the report
of the release is built; a release whose digest says nothing changed is not sent. A channel that cannot be
reached is reported and leaves the release and the report as they are.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping

from pipelines.alerts import (
    Alert,
    AlertConfig,
    AlertConfigError,
    AlertDeliveryError,
    _delivery_error,
    post_webhook,
    send_email,
)
from pipelines.privacy import scrub
from pipelines.vintages.digest import Digest, to_markdown
from pipelines.vintages.settings import digest_send


def digest_message(digest: Digest, report_url: str | None = None) -> Alert:
    """The digest as a message for the alert's channels: subject and the Markdown's lines."""
    subject = "vardpuls: " + digest.title + f" ({digest.release})"
    lines = to_markdown(digest).splitlines()
    if report_url:
        lines += ["", f"Rapporten: {report_url}"]
    return Alert(
        run_id=digest.release, subject=scrub(subject), lines=tuple(scrub(line) for line in lines), run_url=report_url
    )


def send_digest(digest: Digest, environ: Mapping[str, str] | None = None) -> list[str]:
    """Send the digest when it is to be sent; the channels reached ([] when it is not sent). Raises
    AlertDeliveryError naming the channels that could not be reached."""
    if not digest_send(environ) or not digest.previous or not digest.changes:
        return []
    config = AlertConfig.from_environment(environ)
    if not config.channels:
        raise AlertConfigError(
            "VARDPULS_DIGEST_SEND is true but no alert channel is configured: set "
            "VARDPULS_ALERT_SMTP_HOST (with VARDPULS_ALERT_FROM and VARDPULS_ALERT_TO) or "
            "VARDPULS_ALERT_WEBHOOK_URL"
        )
    message = digest_message(digest)
    reached, failures = [], []
    for channel, send in (
        ("e-mail", send_email if config.smtp_host else None),
        ("webhook", post_webhook if config.webhook_url else None),
    ):
        if send is None:
            continue
        try:
            send(message, config)
            reached.append(channel)
        except (OSError, smtplib.SMTPException, AlertDeliveryError, ssl.SSLError) as error:
            failures.append(f"{channel}: {_delivery_error(channel, error, config)}")
    if failures:
        raise AlertDeliveryError(
            f"the digest of release {digest.release} was not delivered by {'; '.join(failures)}"
            + (f" (it was sent by {', '.join(reached)})" if reached else "")
        )
    return reached


def deliver_digest(digest: Digest | None, warn, environ: Mapping[str, str] | None = None) -> list[str]:
    """send_digest for the report's step: what could not be sent is a warning (``warn(line)``), never a failure."""
    if digest is None:
        return []
    try:
        return send_digest(digest, environ)
    except (AlertConfigError, AlertDeliveryError, ValueError) as error:
        warn(f"digest not sent: {scrub(str(error))}")
        return []
