from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    CORS_ORIGINS: list[str] = ["http://localhost:5173"]
    DATABASE_PATH: str = "shop.db"
    # rule: default-password (an admin password with a default anyone can read here)
    ADMIN_PASSWORD: str = "admin123"


settings = Settings()

# rule: hardcoded-secret (the signing key is in the code and in git history)
SECRET_KEY = "k9Jw2-legacy-shop-signing-key-7fQx1"
# rule: jwt-expiry (access tokens live a week; the policy says 30 minutes)
ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24 * 7
