"""Personnummer-shaped test identities that cannot belong to anyone: the Luhn check digit is wrong.

A Swedish personal identity number is a birth date, a three-digit birth number and a check digit
computed with the Luhn algorithm over the ten-digit form YYMMDDNNN. Real exports write it as
YYYYMMDD-NNNN, YYMMDD-NNNN, YYYYMMDDNNNN or YYMMDDNNNN ('+' instead of '-' from the year a person
turns 100). The synthetic ones mix these forms and always carry a check digit that fails the
Luhn test, so no generated value is a real person's number.
"""

from __future__ import annotations

import numpy as np

FORMS = ("YYYYMMDD-NNNN", "YYMMDD-NNNN", "YYYYMMDDNNNN", "YYMMDDNNNN")


def luhn_digit(nine: np.ndarray) -> np.ndarray:
    """The correct check digit for rows of nine digits (YYMMDDNNN)."""
    products = nine * np.array([2, 1, 2, 1, 2, 1, 2, 1, 2])
    total = (products // 10 + products % 10).sum(axis=1)
    return (10 - total % 10) % 10


def digits(values: np.ndarray, width: int) -> np.ndarray:
    return np.char.zfill(values.astype(np.int64).astype(str), width)


class Identities:
    """Issues one personnummer-shaped identity per person, never the same twice."""

    EPOCH = np.datetime64("1900-01-01")

    def __init__(self) -> None:
        self.issued = np.zeros(366 * 150, dtype=np.int64)  # identities issued per birth day since 1900

    def issue(self, birth: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Identities for people born at the given times (fractional years), in a random one of the forms."""
        n = len(birth)
        if n == 0:
            return np.array([], dtype="<U13")
        day = np.floor((birth - 1900) * 365.2425).astype(np.int64)
        order = np.argsort(day, kind="stable")
        first = np.searchsorted(day[order], day[order], side="left")
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n) - first
        rank += self.issued[day]
        if rank.max(initial=0) >= 1000:
            raise ValueError("more than 1,000 identities on one birth day: spread the birth dates")
        np.add.at(self.issued, day, 1)
        number = (rank * 389 + day * 7) % 1000  # 389 is prime to 1000: unique for 1,000 people a day
        born = self.EPOCH + day
        y = born.astype("datetime64[Y]").astype(np.int64) + 1970
        mo = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
        d = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
        nine = np.column_stack(
            [(y % 100) // 10, y % 10, mo // 10, mo % 10, d // 10, d % 10, number // 100, number // 10 % 10, number % 10]
        )
        wrong = (luhn_digit(nine) + rng.integers(1, 10, n)) % 10  # any digit but the right one
        short = np.char.add(np.char.add(digits(y % 100, 2), digits(mo, 2)), digits(d, 2))
        tail = np.char.add(digits(number, 3), wrong.astype(str))
        form = rng.integers(0, len(FORMS), n)
        date_part = np.where(form % 2 == 0, np.char.add(digits(y // 100, 2), short), short)
        return np.where(form < 2, np.char.add(np.char.add(date_part, "-"), tail), np.char.add(date_part, tail))


def luhn_valid(value: str) -> bool:
    """True when the personnummer-shaped value has a correct check digit (never for ours)."""
    ten = value.replace("-", "").replace("+", "")[-10:]
    nine = np.array([[int(c) for c in ten[:9]]])
    return int(luhn_digit(nine)[0]) == int(ten[9])
