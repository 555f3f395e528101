"""Text folding for search fields and the Swedish sort key."""

import unicodedata

# Letters NFKD does not decompose into a base letter plus marks.
_SPECIAL_FOLDS = str.maketrans(
    {"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L"}
)

# Swedish alphabetical order puts å, ä, ö after z, in that order; '{', '|', '}' are the three
# ASCII characters right after 'z', and Meilisearch compares sort strings character by
# character after its own normalisation, which leaves ASCII alone.
_SWEDISH_LAST_LETTERS = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


def fold(text: str) -> str:
    """ASCII-fold: 'Österåker' -> 'Osteraker', 'Café' -> 'Cafe'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_FOLDS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def swedish_sort_key(text: str) -> str:
    """A lowercase key that sorts in Swedish order: a < z < å < ä < ö; é with e, ü with y."""
    lowered = unicodedata.normalize("NFC", text.strip().lower()).replace("ü", "y")
    return fold(lowered.translate(_SWEDISH_LAST_LETTERS))
