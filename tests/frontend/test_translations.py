"""English is the second language: every catalogued string is translated and the committed .mo matches the .po."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$')


def po_entries():
    entries, current, key = [], None, None
    for line in (LOCALE / "django.po").read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            current = {"flags": line}
            entries.append(current)
            continue
        match = ENTRY.match(line)
        if match:
            # A new entry starts at its context, or at its msgid unless a context just started it.
            name = match.group(1)
            if (name == "msgctxt" and (current is None or "msgid" in current)) or (
                name == "msgid" and (current is None or "msgid" in current)
            ):
                current = {}
                entries.append(current)
            key = match.group(1)
            current[key] = match.group(2)
        elif line.startswith('"') and current is not None and key:
            current[key] += line[1:-1]
    return [e for e in entries if e.get("msgid")]


def test_every_string_has_an_english_translation():
    entries = po_entries()
    assert len(entries) > 400
    untranslated = [e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_matches_the_po():
    with open(LOCALE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in po_entries():
        if "msgid_plural" in entry:
            continue
        msgid = entry["msgid"].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        context = entry.get("msgctxt")
        translated = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        assert translated != msgid or msgid == "English", f"not compiled: {msgid}"


def test_pages_render_in_english(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})  # the language switch (a phone's Accept-Language is ignored)
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en"' in page
    for text in ("Elder mode", "Skip to main content", "Text size", "Mobile number", "Log in"):
        assert text in page
    with translation.override("zh-hans"):
        assert "长辈版" in Client().get("/accounts/login/").content.decode()
