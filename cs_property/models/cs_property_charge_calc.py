"""Exact service-charge arithmetic (no model here).

A line's amount is area × Σ(rate × days ÷ days in the month) over the days it
covers, computed in exact fractions and rounded once, to the cent. The terms
("segments") travel from the schedule to the invoice as text ``rate:days/dim``
separated by ``;`` so that the calculation can be shown and redone by hand.
"""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def _exact(value):
    return Fraction(Decimal(repr(float(value))))


def dump_segments(segments):
    """[(rate, days, dim), …] → ``"2.5:22/31;3.0:9/31"``."""
    return ";".join(f"{float(rate)!r}:{days}/{dim}" for rate, days, dim in segments)


def load_segments(text):
    segments = []
    for part in (text or "").split(";"):
        if not part:
            continue
        rate, frac = part.split(":")
        days, dim = frac.split("/")
        segments.append((float(rate), int(days), int(dim)))
    return segments


def rate_factor(segments):
    """Σ rate × days ÷ days in month, exact."""
    return sum((_exact(rate) * days / dim for rate, days, dim in segments), Fraction(0))


def exact_amount(quantity, segments, rounding=0.01):
    """quantity × Σ rate × days ÷ dim, rounded once (half up) to ``rounding``."""
    value = _exact(quantity) * rate_factor(segments)
    step = Decimal(repr(rounding))
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return float((decimal / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)


def is_simple(segments):
    """One rate over whole months: quantity × (rate × months) is exact already."""
    return len({rate for rate, _d, _m in segments}) <= 1 and all(d == m for _r, d, m in segments)


def _num(value, digits):
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def explain(quantity, basis_label, segments, symbol, rate_digits, days_label, months_label):
    """``89.57 m² × ¥3.00 × 18/31 天`` (terms summed in brackets when several)."""
    terms = []
    for (rate, days, dim), count in Counter(segments).items():
        term = f"{symbol}{rate:.{rate_digits}f}"
        if days != dim:
            term += f" × {days}/{dim} {days_label}"
        if count > 1:
            term += f" × {count}" if days != dim else f" × {count} {months_label}"
        terms.append(term)
    body = terms[0] if len(terms) == 1 else "(" + " + ".join(terms) + ")"
    if basis_label:
        return f"{_num(quantity, 4)} {basis_label} × {body}"
    return body
