"""Played segments as plain numbers: checking what a player sent, merging, clamping, and capping new credit by
real time. No database, no Django: media.progress_services applies these under a row lock.

A segment is (start, end) in seconds of the lesson, start ≤ end. What a learner is credited with is the union
of every segment they played, clamped to [0, duration]: watching the same minute twice counts once, and
seeking past a part never counts it.
"""

import math
from collections.abc import Iterable, Sequence

Segment = tuple[float, float]

# Fastest speed the player offers (0.75–1.5): one real second can never play more than this much lesson.
MAX_SPEED = 1.5
# Slack on the real-time cap: network delay and the player's own timer granularity (seconds).
CAP_TOLERANCE_SECONDS = 5.0
# A playing player reports at least every 30 s (player.js HEARTBEAT_MS); a browser may slow the timers of a hidden
# tab to once a minute. Real time beyond this since a viewing's previous report was not spent playing.
MAX_REPORT_GAP_SECONDS = 120.0
# More segments than this in one report is not something a player produces (it merges as it goes).
MAX_SEGMENTS_PER_REPORT = 200
# Stored segments are kept merged; rounding to milliseconds keeps the stored list small and stable.
PRECISION = 3


class SegmentError(ValueError):
    """A played-segment list no honest player sends (negative, inverted, not a number, too many)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_segments(raw: Iterable) -> list[Segment]:
    """Check a reported list of [start, end] pairs; raise SegmentError for the first bad one."""
    try:
        items = list(raw)
    except TypeError:
        raise SegmentError("not_a_list") from None
    if len(items) > MAX_SEGMENTS_PER_REPORT:
        raise SegmentError("too_many")
    segments = []
    for item in items:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise SegmentError("not_a_pair")
        start, end = item
        if isinstance(start, bool) or isinstance(end, bool) or not all(isinstance(v, int | float) for v in item):
            raise SegmentError("not_a_number")
        if not (math.isfinite(start) and math.isfinite(end)):
            raise SegmentError("not_finite")
        if start < 0 or end < 0:
            raise SegmentError("negative")
        if end < start:
            raise SegmentError("inverted")
        segments.append((float(start), float(end)))
    return segments


def merge(segments: Iterable[Segment]) -> list[Segment]:
    """The union of `segments`, sorted, touching or overlapping ones joined, empty ones dropped."""
    merged: list[list[float]] = []
    for start, end in sorted(s for s in segments if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(round(s, PRECISION), round(e, PRECISION)) for s, e in merged]


def clamp(segments: Iterable[Segment], duration: float) -> list[Segment]:
    """Segments cut to [0, duration]; parts entirely outside are dropped."""
    return merge((max(0.0, s), min(duration, e)) for s, e in segments if s < duration)


def total(segments: Iterable[Segment]) -> float:
    """Seconds covered by already merged segments."""
    return round(sum(e - s for s, e in segments), PRECISION)


def subtract(segments: Sequence[Segment], known: Sequence[Segment]) -> list[Segment]:
    """The parts of merged `segments` not covered by merged `known`, in lesson order."""
    result: list[Segment] = []
    for start, end in segments:
        cursor = start
        for k_start, k_end in known:
            if k_end <= cursor or k_start >= end:
                continue
            if k_start > cursor:
                result.append((cursor, k_start))
            cursor = max(cursor, k_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def allowance(elapsed_seconds: float) -> float:
    """Most lesson seconds that real time `elapsed_seconds` can have played."""
    return max(0.0, elapsed_seconds) * MAX_SPEED + CAP_TOLERANCE_SECONDS


def take_new(known: Sequence[Segment], reported: Sequence[Segment], limit: float) -> list[Segment]:
    """The new parts of `reported` (not in `known`), earliest first, up to `limit` seconds in all.

    What is left over is not lost: the player reports its viewing's segments cumulatively, so a part cut here
    is offered again with the next report, when more real time has passed.
    """
    taken: list[Segment] = []
    left = limit
    for start, end in subtract(merge(reported), merge(known)):
        if left <= 0:
            break
        piece_end = min(end, start + left)
        taken.append((start, piece_end))
        left -= piece_end - start
    return taken


def as_lists(segments: Iterable[Segment]) -> list[list[float]]:
    """For JSON storage."""
    return [[s, e] for s, e in segments]


def xapi_segments(segments: Iterable[Segment]) -> str:
    """The xAPI Video Profile's played-segments string: "0[.]12.5[,]30[.]41"."""
    return "[,]".join(f"{_number(s)}[.]{_number(e)}" for s, e in segments)


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
