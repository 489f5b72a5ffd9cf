import sqlite3

from app.config import settings


def connect() -> sqlite3.Connection:
    conn = sqlite3.connect(settings.DATABASE_PATH)
    conn.row_factory = sqlite3.Row
    return conn


def find_user(conn: sqlite3.Connection, email: str):
    # rule: sql-injection (the email is written into the SQL text)
    return conn.execute(f"SELECT id, email, password_hash FROM users WHERE email = '{email}'").fetchone()


def user_by_id(conn: sqlite3.Connection, user_id: int):
    return conn.execute("SELECT id, email FROM users WHERE id = ?", (user_id,)).fetchone()
