"""A suite of three rules over a tiny staffing table (fte, form), for the tests of the audit and of Great Expectations'
own process."""

from pipelines.quality.suites import parse_suite


def tiny_suite(max_fte: float = 1.5, severity: str = "blocking"):
    """fte_in_range (0 to max_fte), form_known (tillsvidare or visstid; a warning), form_given (not null; a warning)."""
    return parse_suite(
        {
            "suite": "tiny",
            "table": "staging.tiny",
            "title": "A tiny suite",
            "rules": [
                {
                    "rule": "fte_in_range",
                    "title": "fte in range",
                    "severity": severity,
                    "type": "ExpectColumnValuesToBeBetween",
                    "kwargs": {"column": "fte", "min_value": 0, "max_value": max_fte},
                    "shown_column": "sysselsättningsgrad",
                    "value_column": "fte",
                },
                {
                    "rule": "form_known",
                    "title": "a known employment form",
                    "severity": "warning",
                    "type": "ExpectColumnValuesToBeInSet",
                    "kwargs": {"column": "form", "value_set": ["tillsvidare", "visstid"]},
                    "shown_column": "anställningsform",
                    "value_column": "form",
                },
                {
                    "rule": "form_given",
                    "title": "an employment form",
                    "severity": "warning",
                    "type": "ExpectColumnValuesToNotBeNull",
                    "kwargs": {"column": "form"},
                    "shown_column": "anställningsform",
                    "value_column": "form",
                },
            ],
        },
        headers={"sysselsättningsgrad", "anställningsform"},
    )
