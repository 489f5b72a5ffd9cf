import hashlib
import logging
from datetime import datetime, timedelta, timezone

import jwt
from jose import jwt as jose_jwt

from app.config import ACCESS_TOKEN_EXPIRE_MINUTES, SECRET_KEY

logger = logging.getLogger("shop.auth")


def hash_password(password: str) -> str:
    # rule: weak-password-hash (md5 is fast to brute-force; use bcrypt or argon2id)
    return hashlib.md5(password.encode()).hexdigest()


def check_login(email: str, password: str, stored_hash: str) -> bool:
    # rule: log-secret (the password goes to the log)
    logger.info(f"login attempt for {email} with password {password}")
    return hash_password(password) == stored_hash


def create_access_token(user_id: int) -> str:
    expire = datetime.now(timezone.utc) + timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES)
    return jwt.encode({"sub": str(user_id), "exp": expire}, SECRET_KEY, algorithm="HS256")


def user_id_from_token(token: str) -> int:
    # rule: jwt-algorithm (the token's header chooses the algorithm)
    payload = jwt.decode(token, SECRET_KEY)
    return int(payload["sub"])


def user_id_from_mobile_token(token: str) -> int:
    # rule: jwt-unverified (the claims are trusted without checking the signature)
    claims = jose_jwt.get_unverified_claims(token)
    return int(claims["sub"])
