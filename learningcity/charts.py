"""Small horizontal bar charts drawn on the server as SVG: no JavaScript, a few hundred bytes a bar.

Readable without colour: every bar carries its label and its number as text, a target is a dashed line with
its own label, and bars that reach the target are hatched (a pattern) as well as coloured. The same numbers are
always in a table beside the chart, which is what screen readers are pointed to (the SVG is role="img" with a
title naming the table).
"""

from dataclasses import dataclass
from decimal import Decimal

LABEL_WIDTH = 96  # room for a town's name (5–6 characters at 14 px)
BAR_AREA = 220
VALUE_WIDTH = 64
BAR_HEIGHT = 18
GAP = 8
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: int
    text_y: int
    meets_target: bool


@dataclass(frozen=True)
class BarChart:
    title: str
    table_id: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    value_x: int
    target_x: int | None
    target_text: str


def bar_chart(
    *,
    title: str,
    table_id: str,
    items: list[tuple[str, Decimal | int | None]],
    unit: str = "",
    target: Decimal | None = None,
    target_text: str = "",
) -> BarChart:
    """Bars for (label, value) pairs; a value of None (no denominator) is drawn as no bar and "—"."""
    values = [Decimal(value) for _label, value in items if value is not None]
    top = max([*values, target or Decimal(0), Decimal(1)])
    bars = []
    for index, (label, value) in enumerate(items):
        y = TOP + index * (BAR_HEIGHT + GAP)
        width = 0 if value is None else int(Decimal(value) / top * BAR_AREA)
        bars.append(
            Bar(
                label=label,
                value_text="—" if value is None else f"{_number(value)}{unit}",
                y=y,
                width=max(width, 1) if value else 0,
                text_y=y + BAR_HEIGHT - 4,
                meets_target=target is not None and value is not None and Decimal(value) >= target,
            )
        )
    return BarChart(
        title=title,
        table_id=table_id,
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=TOP * 2 + len(items) * (BAR_HEIGHT + GAP) + (16 if target is not None else 0),
        label_width=LABEL_WIDTH,
        value_x=LABEL_WIDTH + BAR_AREA + 4,
        target_x=None if target is None else LABEL_WIDTH + int(target / top * BAR_AREA),
        target_text=target_text,
    )


def _number(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)
