"""Highlighted snippets: show residents why a course matched, whichever engine found it."""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.analysis import (
    RUN_TERMS_CACHE,
    ParsedQuery,
    chinese_runs,
    dictionary_generation,
    is_cjk,
    normalize,
    spelled_run,
)

SNIPPET_CHARS = 90


# Tags become nothing, as django.utils.html.strip_tags does: rich text from the editor is well formed, and a
# regular expression costs a fraction of an HTML parser's time (a third of highlighting 20 hits went to the
# parser). Whatever is left is escaped before it is shown.
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def plain_text(html: str) -> str:
    return _SPACES.sub(" ", _TAG.sub("", html or "").replace("&nbsp;", " ")).strip()


@lru_cache(maxsize=RUN_TERMS_CACHE)
def _chinese_words(run: str, dictionary: int) -> tuple[tuple[str, str, str], ...]:
    """The words of a run that pinyin can mark (Chinese, two characters or more), with their pinyin."""
    return tuple(spelled for spelled in spelled_run(run, dictionary) if len(spelled[0]) > 1 and is_cjk(spelled[0]))


# A course's text is normalised each time it is a hit: the same popular courses come up search after search.
_normalized = lru_cache(maxsize=512)(normalize)


def _marks(parsed: ParsedQuery, text: str) -> list[str]:
    """The strings of `text` (normalised) to mark: query words and synonyms, and words whose pinyin was typed."""
    wanted = {w for w in parsed.highlight_words if is_cjk(w) or len(w) > 1}
    latin = [w for w in wanted if not is_cjk(w)]
    if latin:
        # Each run is cut and spelled once per process (spelled_run): a pinyin query needs it for every hit.
        dictionary = dictionary_generation()
        for run in chinese_runs(text):
            for word, full, initials in _chinese_words(run, dictionary):
                if any(full.startswith(t) or (len(t) > 1 and initials == t) for t in latin):
                    wanted.add(word)
    return sorted(wanted, key=len, reverse=True)


def highlight(parsed: ParsedQuery, *, title: str, summary: str, body_html: str) -> SafeString:
    """A short, escaped snippet with <mark> around matches; the summary when nothing is marked."""
    text = plain_text(f"{summary} {plain_text(body_html)}")
    if not parsed or not text:
        return mark_safe(escape(text[:SNIPPET_CHARS]))  # noqa: S308 — escaped just above
    normalized = _normalized(text)
    marks = _marks(parsed, _normalized(title) + " " + normalized)
    if not marks:
        return mark_safe(escape(text[:SNIPPET_CHARS]))  # noqa: S308
    pattern = re.compile("|".join(re.escape(m) for m in marks), re.IGNORECASE)
    # Normalisation (full-width, traditional) keeps lengths, so positions in `normalized` match `text`.
    if len(normalized) != len(text):
        normalized = text
    first = pattern.search(normalized)
    start = max(0, (first.start() if first else 0) - 20)
    end = min(len(text), start + SNIPPET_CHARS)
    parts, position = [], start
    for match in pattern.finditer(normalized, start, end):
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        position = match.end()
    parts.append(escape(text[position:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)  # noqa: S308 — every piece was escaped
