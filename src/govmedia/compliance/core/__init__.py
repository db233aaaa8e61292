"""The pure compliance core: no Django, no database; fast and deterministic."""

from .content import EMPTY_LEXICON, Lexicon, LexiconEntry
from .engine import check
from .findings import BLOCK, WARN, Finding, is_ok, report
from .post import MediaRef, Post, PostInputError, parse_post
from .profiles import DEFAULT_PROFILES, Profile

__all__ = [
    "BLOCK",
    "DEFAULT_PROFILES",
    "EMPTY_LEXICON",
    "WARN",
    "Finding",
    "Lexicon",
    "LexiconEntry",
    "MediaRef",
    "Post",
    "PostInputError",
    "Profile",
    "check",
    "is_ok",
    "parse_post",
    "report",
]
