"""Text analysis shared by every engine: Chinese words (jieba), pinyin, synonyms, numerals, query parsing.

Neither SQLite FTS5 nor PostgreSQL segments Chinese, so words are cut here in Python and stored
space-separated; the databases only split on spaces. Each word is indexed with its full pinyin and
initials (梨树 → 梨树 lishu ls), plus its single characters so a one-character query (梨) finds 梨树.

Synonyms are the thesaurus shipped in data/synonyms.txt merged with the groups staff add (the Synonym
snippet). Chinese numerals are indexed and searched with their digits too (二十四式 ↔ 24式); full-width
digits become ASCII in normalize().

jieba's dictionary takes about a second to load: it is loaded lazily, once per process, on the first
analysis, never at import time.
"""

import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache

from search.documents import Document
from search.models import DictionaryWord, Synonym
from search.registry import registered_source

logger = logging.getLogger(__name__)

DOMAIN_DICTIONARY = Path(__file__).parent / "data" / "domain_dict.txt"
THESAURUS = Path(__file__).parent / "data" / "synonyms.txt"
DICTIONARY_VERSION_KEY = "course_search:dictionary-version"
SYNONYMS_VERSION_KEY = "course_search:synonyms-version"
VERSION_CHECK_SECONDS = 10
MAX_QUERY_CHARS = 100
MAX_QUERY_GROUPS = 12
# Distinct runs of Chinese text whose analysis is kept (a few hundred bytes each): a province's catalogue.
RUN_TERMS_CACHE = 200_000
# Words residents add around what they want ("我想学书法的课程"): dropped from queries unless nothing else is left.
QUERY_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "我",
        "我们",
        "想",
        "想要",
        "要",
        "学",
        "学习",
        "学学",
        "怎么",
        "如何",
        "一下",
        "哪里",
        "有",
        "有没有",
        "吗",
        "呢",
        "啊",
        "课",
        "课程",
        "培训",
        "班",
        "在",
    ]
)

# A "run" is either Chinese characters or ASCII letters/digits; everything else separates terms.
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_NUMERAL_CHARS = "零〇一二三四五六七八九十百千万两"
# A Chinese number in running text: two numeral characters or more (二十四, 四十二), or one after 第 (第三期).
_NUMERAL_RUN = re.compile(f"[{_NUMERAL_CHARS}]{{2,}}|(?<=第)[{_NUMERAL_CHARS}]")
_SYNONYM_SEPARATORS = re.compile(r"[\s,，、=;；]+")

_lock = threading.Lock()
_state: dict = {
    "tokenizer": None,
    "version": None,
    "generation": 0,
    "checked": 0.0,
    "synonyms": None,
    "synonyms_version": None,
}


def is_cjk(term: str) -> bool:
    return bool(_CJK.match(term))


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # loads its conversion tables: only when traditional text first needs converting

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _cn2an():
    import cn2an  # takes most of a second to import: only when the first number is read

    return cn2an


def normalize(text: str) -> str:
    """Full-width → half-width, traditional → simplified, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        text = _t2s().convert(text)
    return text.lower()


def _extra_words() -> list[str]:
    """Words staff added (DictionaryWord) and the names the source keeps whole (towns, schools, categories…)."""
    words = list(DictionaryWord.objects.values_list("word", flat=True))
    words += list(registered_source().dictionary_words())
    return words


def _version(key: str) -> str:
    return str(cache.get(key) or "0")


def bump_dictionary_version() -> None:
    cache.set(DICTIONARY_VERSION_KEY, str(time.time()), None)
    _state["checked"] = 0.0


def bump_synonyms_version() -> None:
    cache.set(SYNONYMS_VERSION_KEY, str(time.time()), None)
    _state["checked"] = 0.0


def _refresh_due() -> bool:
    now = time.monotonic()
    if now - _state["checked"] < VERSION_CHECK_SECONDS:
        return False
    _state["checked"] = now
    return True


def tokenizer():
    """The process-wide jieba tokenizer with the domain dictionary, reloaded when staff change words."""
    with _lock:
        if _state["tokenizer"] is not None and not _refresh_due():
            return _state["tokenizer"]
        version = _version(DICTIONARY_VERSION_KEY)
        if _state["tokenizer"] is not None and version == _state["version"]:
            return _state["tokenizer"]
        import jieba  # its dictionary takes about a second to load: only on the first analysis

        jieba.setLogLevel(logging.WARNING)
        tok = _state["tokenizer"] or jieba.Tokenizer()
        tok.initialize()
        if _state["tokenizer"] is None:
            tok.load_userdict(str(DOMAIN_DICTIONARY))
        try:
            for word in _extra_words():
                word = normalize(word).strip()
                if word and " " not in word:
                    tok.add_word(word, freq=30000)
        except Exception:  # noqa: BLE001 — the database may not be migrated yet (first migrate, checks)
            logger.warning("search dictionary: could not read extra words from the database", exc_info=True)
        _state["tokenizer"], _state["version"] = tok, version
        _state["generation"] += 1  # cuts cached with the previous dictionary are not reused (spelled_run)
        return tok


def dictionary_generation() -> int:
    """Counts up whenever the dictionary is loaded or reloaded (loading it first, when due): a cache of cut
    text keys on it, so no cut made with an older dictionary is reused."""
    tokenizer()
    return _state["generation"]


def synonym_group(terms: str) -> set[str]:
    """The normalised words of one group as written ("电脑 计算机", "电脑，计算机")."""
    return {w for w in (normalize(t).strip() for t in _SYNONYM_SEPARATORS.split(terms)) if w}


@lru_cache(maxsize=1)
def thesaurus_groups() -> tuple[frozenset[str], ...]:
    """The groups of the shipped thesaurus (data/synonyms.txt), read once per process."""
    groups = []
    for line in THESAURUS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            groups.append(frozenset(synonym_group(line)))
    return tuple(g for g in groups if len(g) > 1)


def synonyms() -> dict[str, frozenset[str]]:
    """word → every word of its synonym groups (including itself): the shipped thesaurus merged with the
    groups staff added (Synonym snippet). Cached per process, rebuilt when staff change a group (the
    version in the shared cache, see bump_synonyms_version)."""
    version = _version(SYNONYMS_VERSION_KEY)
    if _state["synonyms"] is not None and version == _state["synonyms_version"]:
        return _state["synonyms"]
    mapping: dict[str, set[str]] = {}
    staff_groups = [synonym_group(terms) for terms in Synonym.objects.values_list("terms", flat=True)]
    for group in [*thesaurus_groups(), *staff_groups]:
        for word in group:
            mapping.setdefault(word, set()).update(group)
    _state["synonyms"] = {word: frozenset(group) for word, group in mapping.items()}
    _state["synonyms_version"] = version
    return _state["synonyms"]


def digits_of(numeral: str) -> str | None:
    """二十四 → "24", 两百 → "200"; None for what is not a number (一一, 万一 read as a number are rare
    enough in course text to index harmlessly)."""
    if not numeral or any(ch not in _NUMERAL_CHARS for ch in numeral):
        return None
    try:
        return str(int(_cn2an().cn2an(numeral, "smart")))
    except (ValueError, TypeError, KeyError):  # cn2an refuses malformed numerals with ValueError
        return None


def numeral_terms(text: str) -> list[str]:
    """The digits of the Chinese numbers in `text` (normalised): indexed beside the words, so that 24式 finds
    二十四式 (and 二十四式 finds 24式: queries ask for both forms)."""
    return [digits for digits in (digits_of(run) for run in _NUMERAL_RUN.findall(text)) if digits]


@lru_cache(maxsize=50_000)
def pinyin_forms(word: str) -> tuple[str, str]:
    """梨树 → ("lishu", "ls")."""
    from pypinyin import lazy_pinyin  # its tables are large: loaded on the first word

    syllables = lazy_pinyin(word, errors="ignore")
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def _runs(text: str) -> list[str]:
    return _RUN.findall(text)


def words(text: str, *, search_mode: bool = True) -> list[str]:
    """Chinese words and latin/digit runs of `text` (normalised). Search mode adds the sub-words."""
    tok = tokenizer()
    out: list[str] = []
    for run in _runs(normalize(text)):
        if not is_cjk(run):
            out.append(run)
            continue
        pieces = tok.cut_for_search(run) if search_mode else tok.cut(run)
        out.extend(piece for piece in pieces if piece.strip())
    return out


@lru_cache(maxsize=RUN_TERMS_CACHE)
def spelled_run(run: str, dictionary: int) -> tuple[tuple[str, str, str], ...]:
    """The search-mode words of one run of Chinese characters, each with its pinyin and initials ("" for a word
    that is not Chinese). Course text repeats its phrases (a school's courses, a town's name, 课程简介…), and
    cutting and spelling a run is most of what indexing and pinyin highlighting cost, so a run is analysed once
    per process and dictionary: `dictionary` is dictionary_generation(), counted up whenever staff's words
    reload the tokenizer, so a cached cut never outlives the dictionary it was made with."""
    # The tokenizer is loaded: the caller has asked dictionary_generation(), which loads it.
    return tuple(
        (word, *(pinyin_forms(word) if is_cjk(word) else ("", "")))
        for word in _state["tokenizer"].cut_for_search(run)
        if word.strip()
    )


def chinese_runs(text: str) -> list[str]:
    """The runs of Chinese characters in `text` (normalised), as spelled_run() takes them."""
    return [run for run in _runs(normalize(text)) if is_cjk(run)]


def _run_terms(run: str, dictionary: int) -> list[str]:
    """The index terms of one run of Chinese characters: its search-mode words, each with its pinyin, its
    initials and its single characters."""
    terms: list[str] = []
    for word, full, initials in spelled_run(run, dictionary):
        terms.append(word)
        if is_cjk(word):
            if full:
                terms.append(full)
            if len(word) > 1:
                if len(initials) > 1:
                    terms.append(initials)
                terms.extend(word)
    return terms


def index_terms(text: str) -> str:
    """The space-separated terms stored for `text`: words, their pinyin and initials, single characters,
    and the digits of Chinese numbers."""
    normalized = normalize(text)
    terms: list[str] = numeral_terms(normalized)
    dictionary = dictionary_generation()
    for run in _runs(normalized):
        if is_cjk(run):
            terms.extend(_run_terms(run, dictionary))
        else:
            terms.append(run)
    return " ".join(terms)


def document_terms(document: Document) -> dict[str, str]:
    """A document's analysed text per field, weighted title ≫ keywords > summary > body; the same for every
    engine."""
    return {
        "title_terms": index_terms(document.title),
        "keyword_terms": index_terms(document.keywords),
        "summary_terms": index_terms(document.summary),
        "body_terms": index_terms(document.body),
    }


# --- Queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


# An alternative is a conjunction of terms; a group is a disjunction of alternatives; a query is a
# conjunction of groups. Every engine renders this one structure in its own syntax.
Alternative = tuple[Term, ...]


@dataclass(frozen=True)
class Group:
    source: str
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    groups: tuple[Group, ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def highlight_words(self) -> set[str]:
        return {t.text for g in self.groups for alt in g.alternatives for t in alt}


def _phrase(word: str) -> Alternative:
    """A synonym of several words (微信聊天) must match all of them."""
    pieces = [p for p in words(word, search_mode=False)] or [word]
    return tuple(Term(p) for p in pieces)


def parse_query(text: str, *, relaxed: bool = False) -> ParsedQuery:
    """Turn what a resident typed into groups of alternatives.

    Strict: each Chinese word or its synonyms; latin runs are pinyin (or English words) matched as
    prefixes, several typed with spaces are joined (`li shu` = `lishu`).
    Relaxed (used when strict finds nothing): a Chinese word also matches by its pinyin (homophone
    typos such as 果数 → 果树) or by all of its characters, and spaced latin words one by one.
    """
    normalized = normalize(text)[:MAX_QUERY_CHARS]
    syn = synonyms()
    groups: list[Group] = []
    latin: list[str] = []

    def flush_latin():
        if not latin:
            return
        # Prefixes (typing "zhin" finds 智能) from three letters on; shorter ones are initials
        # or single syllables, matched exactly (a 2-letter prefix matches half the index).
        joined = "".join(latin)
        alternatives: list[Alternative] = [(Term(joined, prefix=len(joined) >= 3),)]
        if relaxed and len(latin) > 1:
            alternatives.append(tuple(Term(w, prefix=len(w) >= 3) for w in latin))
        groups.append(Group(" ".join(latin), tuple(alternatives)))
        latin.clear()

    for word in words(normalized, search_mode=False):
        if not is_cjk(word):
            # Letters typed with spaces are joined (li shu); numbers stand on their own.
            if word.isdigit() or (latin and latin[-1].isdigit()):
                flush_latin()
            latin.append(word)
            continue
        flush_latin()
        alternatives: list[Alternative] = [(Term(word),)]
        digits = digits_of(word)
        if digits:
            alternatives.append((Term(digits),))
        for other in sorted(syn.get(word, ())):
            # 整形修剪 adds nothing to 修剪 but would score its courses twice.
            if word not in other:
                alternatives.append(_phrase(other))
        if relaxed and len(word) > 1:
            alternatives.append((Term(pinyin_forms(word)[0]),))
            alternatives.append(tuple(Term(ch) for ch in word))
        groups.append(Group(word, tuple(dict.fromkeys(alternatives))))
    flush_latin()
    meaningful = [g for g in groups if g.source not in QUERY_STOPWORDS]
    groups = meaningful or groups
    # Drop repeated words and keep the query bounded, whatever was pasted in.
    unique = list({g.source: g for g in groups}.values())[:MAX_QUERY_GROUPS]
    return ParsedQuery(text=normalized, groups=tuple(unique))
