"""Played segments as numbers (media.progress): checking, merging, clamping, and the real-time cap."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from media import progress as segs


def test_merge_joins_overlapping_and_touching_and_drops_empty():
    assert segs.merge([(10, 20), (0, 5), (5, 7), (15, 30), (40, 40)]) == [(0, 7), (10, 30)]


def test_clamp_cuts_to_the_lesson():
    assert segs.clamp([(-0.0, 5), (90, 130), (200, 300)], 120) == [(0, 5), (90, 120)]


def test_watching_the_same_minute_twice_counts_once():
    assert segs.total(segs.merge([(0, 60), (0, 60), (30, 90)])) == 90


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ([[-1, 5]], "negative"),
        ([[10, 5]], "inverted"),
        ([[0, math.inf]], "not_finite"),
        ([[math.nan, 3]], "not_finite"),
        ([[0, 1, 2]], "not_a_pair"),
        ([["0", 1]], "not_a_number"),
        ([[True, 1]], "not_a_number"),
        ([[0, 1]] * (segs.MAX_SEGMENTS_PER_REPORT + 1), "too_many"),
        (5, "not_a_list"),
    ],
)
def test_forged_lists_are_refused(raw, code):
    with pytest.raises(segs.SegmentError) as refused:
        segs.parse_segments(raw)
    assert refused.value.code == code


def test_new_credit_is_capped_by_real_time_earliest_first():
    # 10 real seconds allow 10 × 1.5 + 5 = 20 lesson seconds: a claim of a whole hour earns 20.
    taken = segs.take_new([(0, 30)], [(0, 3600)], segs.allowance(10))
    assert taken == [(30, 50)]
    # What was already credited costs nothing: rewatching 0–30 and 10 new seconds fit in 5 real seconds.
    assert segs.take_new([(0, 30)], [(0, 40)], segs.allowance(5)) == [(30, 40)]


def test_a_paused_tab_or_a_seek_earns_nothing_by_itself():
    assert segs.take_new([(0, 30)], [(0, 30)], segs.allowance(600)) == []


def test_xapi_played_segments_string():
    assert segs.xapi_segments([(0, 12.5), (30, 41.25)]) == "0[.]12.5[,]30[.]41.25"


segment = st.tuples(st.floats(0, 500), st.floats(0, 500)).map(lambda p: (min(p), max(p)))


@settings(max_examples=30, deadline=None)
@given(st.lists(segment, max_size=30), st.lists(segment, max_size=30), st.floats(0, 1000))
def test_properties_of_merging_and_capping(known, reported, elapsed):
    known = segs.merge(known)
    merged = segs.merge(known + reported)
    # Merged segments are sorted, disjoint, and never cover more than the parts do.
    assert all(a[1] < b[0] for a, b in zip(merged, merged[1:], strict=False))
    # (stored to the millisecond: each segment may round up by half of one)
    slack = 0.001 * (len(known) + len(reported) + 1)
    assert segs.total(merged) <= segs.total(known) + sum(e - s for s, e in reported) + slack
    # New credit never exceeds the allowance, and never re-counts what was known.
    taken = segs.take_new(known, reported, segs.allowance(elapsed))
    assert sum(e - s for s, e in taken) <= segs.allowance(elapsed) + slack
    assert segs.subtract(segs.merge(taken), known) == segs.merge(taken) or not taken
