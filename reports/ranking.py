"""The ranking of a city's districts (排名) by their progress, and the last ones marked (末位).

Rule (docs/reports.md, “Ranking and lagging”): districts are ordered by start rate, then completion
rate, then investment rate, then investment completed (yuan), highest first; a district without a
quota (no rates) comes after those with one. Equal figures share a rank and keep the region order.
The last district is marked 末位 — the last two when the city has more than six districts — and so
is any district tied with a marked one. A district without a quota is never marked: it has no rate
to be measured by; nor is a district ranked alone (a district's own view).
"""

from dataclasses import dataclass
from decimal import Decimal

# More districts than this: the last two are marked, not only the last one.
MARK_TWO_ABOVE = 6


@dataclass(frozen=True)
class RankedRow:
    """One district's place: its rank (1 is best), its figures, and whether it is marked 末位."""

    rank: int
    figures: object  # reports.progress.Figures
    last: bool

    @property
    def region_name(self):
        return self.figures.region_name


def _key(figures):
    def rate(value):
        return value if value is not None else Decimal(-1)

    return (
        figures.start_rate is not None,
        rate(figures.start_rate),
        rate(figures.completion_rate),
        rate(figures.investment_rate),
        figures.completed_investment,
    )


def marked_count(districts):
    """How many of the last districts are marked: one, or two when there are more than six."""
    return 2 if districts > MARK_TWO_ABOVE else 1


def district_ranking(progress):
    """[RankedRow] of ``progress.rows``, best first. sorted() is stable, with reverse=True too:
    ties keep the region order."""
    ordered = sorted(progress.rows, key=_key, reverse=True)
    ranks, previous = [], None
    for position, figures in enumerate(ordered, start=1):
        key = _key(figures)
        ranks.append(ranks[-1] if key == previous else position)
        previous = key
    rated = [f for f in ordered if f.start_rate is not None]
    # One district alone (a district's own view) has nobody to be behind.
    marked_keys = {_key(f) for f in rated[-marked_count(len(progress.rows)) :]} if len(rated) > 1 else set()
    return [
        RankedRow(
            rank=rank, figures=figures, last=figures.start_rate is not None and _key(figures) in marked_keys
        )
        for rank, figures in zip(ranks, ordered, strict=True)
    ]
