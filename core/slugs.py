from django.utils.text import slugify
from pypinyin import lazy_pinyin


def pinyin_slug(text: str, max_length: int = 80) -> str:
    """罗庄子镇 -> luozhuangzi-zhen: readable ASCII slugs for Chinese names in URLs and filters."""
    return slugify("-".join(lazy_pinyin(text, errors="ignore")) or text)[:max_length] or "item"
