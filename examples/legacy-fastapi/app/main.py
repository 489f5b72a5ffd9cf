from fastapi import FastAPI, Header, HTTPException, WebSocket
from fastapi.middleware.cors import CORSMiddleware

from app.auth import check_login, create_access_token, user_id_from_token
from app.config import settings
from app.db import connect, find_user, user_by_id

# rule: missing-security-headers, missing-rate-limit (no headers middleware, no limiter on this app)
app = FastAPI(title="legacy shop")

app.add_middleware(
    CORSMiddleware,
    # rule: cors-wildcard (every web site may call this API)
    allow_origins=["*"],
    allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type"],
)


@app.post("/login")
def login(email: str, password: str):
    user = find_user(connect(), email)
    if user is None or not check_login(email, password, user["password_hash"]):
        raise HTTPException(status_code=401, detail="invalid credentials")
    return {"access_token": create_access_token(user["id"])}


@app.get("/me")
def me(authorization: str = Header()):
    user = user_by_id(connect(), user_id_from_token(authorization.removeprefix("Bearer ")))
    return {"id": user["id"], "email": user["email"]}


@app.websocket("/ws")
async def chat(websocket: WebSocket):
    # rule: ws-unauthenticated (anyone may connect: no token is checked before accept)
    await websocket.accept()
    while True:
        message = await websocket.receive_text()
        await websocket.send_text(f"echo: {message}")
