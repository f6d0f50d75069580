"""Checking the name someone types to sign against the name the school holds for them."""

import unicodedata


def normalise_name(name: str) -> str:
    """Lower case, no accents, one space between words: "  Zoë  O’Brien" -> "zoe o'brien"."""
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def names_match(typed: str, held: str) -> bool:
    """The same first and last name; middle names may be left out or added."""
    typed_words, held_words = normalise_name(typed).split(), normalise_name(held).split()
    if len(held_words) < 2 or len(typed_words) < 2:
        return bool(held_words) and typed_words == held_words
    return typed_words[0] == held_words[0] and typed_words[-1] == held_words[-1]
