"""The password policy (OWASP ASVS 2.1): 12 to 128 characters as typed (the contract's bounds) and
after Unicode NFKC normalisation, not blank, no NUL, and not one of the 10,000 most common passwords
(app/common-passwords.txt), not even with digits or symbols appended ("password2024!").

Passwords are normalised (NFKC) before hashing and before checking, so that the same passphrase
typed with another keyboard or input method (full-width letters, ligatures, accents) still matches.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt")
# A common password followed by digits, punctuation or spaces is as easy to guess (attack rules
# append them first).
_SUFFIX = re.compile(r"[\W\d_]+$")
# Shorter list entries ("a", "12") would refuse too much as the start of a password.
MIN_BASE = 4


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


@lru_cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str) -> str | None:
    """Why `password` (already normalised) is refused, or None when it is acceptable."""
    if "\x00" in password:
        return "must not contain NUL characters"
    if not password.strip():
        return "must not be only whitespace"
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"must be {MIN_LENGTH} to {MAX_LENGTH} characters long"
    if is_common(password.casefold()):
        return "is too common: choose a longer passphrase of unrelated words"
    return None


def is_common(folded: str) -> bool:
    """`folded` is a common password, or one (of MIN_BASE characters or more) followed only by
    digits, symbols or spaces: "password2024!", "123456789012" ("123456789" + "012")."""
    common = common_passwords()
    if folded in common:
        return True
    run_start = len(_SUFFIX.sub("", folded))  # where the trailing digits and symbols begin
    return any(folded[:end] in common for end in range(max(run_start, MIN_BASE), len(folded)))


def checked_password(password: str) -> str:
    """The normalised password, or ValueError saying what is wrong (never echoing it). The policy
    holds for the password as typed too: NFKC lengthens some text ("ﬃ" is "ffi"), and the
    contract's length bounds are on what the client sends."""
    normalised = normalise(password)
    problem = password_problem(password) or password_problem(normalised)
    if problem:
        raise ValueError(problem)
    return normalised
