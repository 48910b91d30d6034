"""Password hashes: scrypt (hashlib, RFC 7914) with a random salt, in one self-describing string.

The cost parameters are stored in each hash, so they can be raised later
without locking out anybody whose hash was made with the old ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cache

SCHEME = "scrypt"
# 16 MiB of memory and about 50 ms on the office PCs we measured: slow for a
# guesser with a stolen file, unnoticeable at sign-in.
COST_N = 2**14
BLOCK_R = 8
PARALLEL_P = 1
KEY_LENGTH = 32
SALT_LENGTH = 16


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * 1024 * 1024
    )


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_LENGTH)
    key = _derive(password, salt, COST_N, BLOCK_R, PARALLEL_P, KEY_LENGTH)
    return f"{SCHEME}${COST_N}${BLOCK_R}${PARALLEL_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` made `stored`; False for a wrong one or a hash we cannot read."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(key, validate=True)
        derived = _derive(
            password, base64.b64decode(salt, validate=True), int(n), int(r), int(p), len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(derived, expected)


@cache
def dummy_hash() -> str:
    """Checked against when the login is unknown, so a wrong name takes as long as a wrong password."""
    return hash_password(secrets.token_hex(16))
