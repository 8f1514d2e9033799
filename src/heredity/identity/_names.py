"""When two written names are the same identity: Unicode NFKC, case and whitespace folded.

``"Dana  Smith"``, ``"Dana\\u00a0Smith"``, ``"ＤＡＮＡ Smith"`` and ``"dana smith"`` are one person
for segregation of duties, and the registry refuses a second actor whose name folds to the
same identity as a recorded one.
"""

from __future__ import annotations

import unicodedata

from heredity.errors import BadInput

MAX_NAME = 100
"""The longest actor name accepted (characters)."""


def identity_key(text: str) -> str:
    """The folded form two names are compared by: NFKC, casefold, invisible format characters
    (zero-width spaces and joiners) dropped, and every run of whitespace one space."""
    folded = unicodedata.normalize("NFKC", text)
    folded = unicodedata.normalize("NFKC", folded.casefold())
    folded = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return " ".join(folded.split())


def check_actor_name(name: str, *, param: str = "name") -> str:
    """``name`` stripped, if it can name an actor (BadInput naming ``param`` otherwise)."""
    if not isinstance(name, str):
        raise BadInput(f"{param}: must be text", param=param)
    cleaned = name.strip()
    if not identity_key(cleaned):
        raise BadInput(f"{param}: required (the actor's name)", param=param)
    if len(cleaned) > MAX_NAME:
        raise BadInput(
            f"{param}: {len(cleaned)} characters; an actor's name has at most {MAX_NAME}",
            param=param,
        )
    bad = next((c for c in cleaned if unicodedata.category(c) in ("Cc", "Cs", "Co")), None)
    if bad is not None:
        raise BadInput(
            f"{param}: contains the control character U+{ord(bad):04X}; give a plain name",
            param=param,
        )
    return cleaned
