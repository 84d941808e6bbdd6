"""The settings of a release's anomaly checks and of sending its digest, from the environment.

- ``VARDPULS_ANOMALY_REVISION_SHARE``: a revised value moving by more than this share of its value is a warning
  (default 0.30; written ``0.3``, ``30%`` or ``30 %``);
- ``VARDPULS_ANOMALY_SERIES_Z``: a new value whose change from its series' last value lies more than this many
  robust standard deviations from the series' usual change is a warning (default 4);
- ``VARDPULS_DIGEST_SEND``: ``true`` sends each release's digest through the failure alert's channels
  (``VARDPULS_ALERT_*``, pipelines/alerts.py) when one is configured (default ``false``).

A setting that cannot be read stops the release before anything is written, naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_REVISION_SHARE = 0.30
DEFAULT_SERIES_Z = 4.0
# the series check: the last changes judged, the fewest it judges by, and the smallest move it reports (a share of
# the series' last value: a flat series' rounding is not a warning)
SERIES_CHANGES = 12
MIN_CHANGES = 4
SERIES_FLOOR = 0.01
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


class VintageSettingError(ValueError):
    """A setting of the release checks or the digest that cannot be used."""


@dataclass(frozen=True)
class AnomalySettings:
    revision_share: float = DEFAULT_REVISION_SHARE
    series_z: float = DEFAULT_SERIES_Z
    series_changes: int = SERIES_CHANGES
    min_changes: int = MIN_CHANGES
    series_floor: float = SERIES_FLOOR

    def as_parameters(self) -> dict:
        return {
            "revision_share": self.revision_share,
            "series_z": self.series_z,
            "series_changes": self.series_changes,
            "min_changes": self.min_changes,
            "series_floor": self.series_floor,
        }


def anomaly_settings(environ: Mapping[str, str] | None = None) -> AnomalySettings:
    env = os.environ if environ is None else environ
    share = _number(env, "VARDPULS_ANOMALY_REVISION_SHARE", DEFAULT_REVISION_SHARE, percent=True)
    z = _number(env, "VARDPULS_ANOMALY_SERIES_Z", DEFAULT_SERIES_Z)
    return AnomalySettings(revision_share=share, series_z=z)


def digest_send(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    text = (env.get("VARDPULS_DIGEST_SEND") or "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise VintageSettingError(f"VARDPULS_DIGEST_SEND is {text!r}: expected true or false")


def check_settings(environ: Mapping[str, str] | None = None) -> None:
    """Raise VintageSettingError naming the first setting that cannot be used."""
    anomaly_settings(environ)
    digest_send(environ)


def _number(env: Mapping[str, str], name: str, default: float, percent: bool = False) -> float:
    text = (env.get(name) or "").strip()
    if not text:
        return default
    raw = text.replace(" ", "").replace("\u00a0", "")
    is_percent = percent and raw.endswith("%")
    try:
        value = float(raw.rstrip("%").replace(",", ".")) if (is_percent or "%" not in raw) else None
    except ValueError:
        value = None
    if value is None or value != value or value <= 0:
        example = "0.3, 30% or 30 %" if percent else "4"
        raise VintageSettingError(f"{name} is {text!r}: expected a number above 0, e.g. {example}")
    return value / 100 if is_percent else value
