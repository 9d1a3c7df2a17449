"""The ``cuedesk`` command: serve, migrate, manage users, run the demo."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence

from app.config import Settings, get_settings


def _settings() -> Settings:
    try:
        return get_settings()
    except Exception as exc:  # a bad environment variable: say which, don't trace back
        raise SystemExit(f"cuedesk: invalid settings: {exc}") from None


def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        # Per-message deflate costs about four times the CPU of the plain socket; the feed
        # is many small frames, so it is not worth it.
        ws_per_message_deflate=False,
        # Consoles send only small control messages (docs/stream.md); anything this big is
        # refused by the protocol layer before it reaches the application.
        ws_max_size=64 * 1024,
        proxy_headers=True,
        log_level=os.environ.get("CUEDESK_LOG_LEVEL", "info").lower(),
    )


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings()
    if args.demo:
        return cmd_demo(args)
    _serve(settings, args.host, args.port)
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from app import migrate

    settings = _settings()
    if settings.database_url_resolved.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(migrate.upgrade(settings.database_url_resolved, args.revision))
    print(f"Database at revision {args.revision}.")
    return 0


def cmd_db_new_epochs(_args: argparse.Namespace) -> int:
    from app.db import Database
    from app.journal import service as journal

    async def run() -> int:
        db = Database(_settings().database_url_resolved)
        try:
            async with db.transaction() as session:
                return await journal.renew_epochs(session)
        finally:
            await db.dispose()

    count = asyncio.run(run())
    print(f"New journal epochs for {count} events: consoles reload instead of resuming.")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise SystemExit("cuedesk: the passwords differ; nothing was created.")
    return password


def cmd_accounts_rotate_key(_args: argparse.Namespace) -> int:
    """Re-encrypt every network account under CUEDESK_SECRET_KEY, reading the rows with it
    or any of CUEDESK_PREVIOUS_SECRET_KEYS."""
    from app.accounts import service as accounts
    from app.accounts.crypto import Vault
    from app.db import Database

    settings = _settings()

    async def run() -> tuple[int, list[int]]:
        db = Database(settings.database_url_resolved)
        try:
            async with db.transaction() as session:
                return await accounts.rotate_all(session, Vault.from_settings(settings))
        finally:
            await db.dispose()

    done, failed = asyncio.run(run())
    print(f"Re-encrypted {done} accounts under the current secret key.")
    if failed:
        print(
            f"Could not open accounts {failed}: add their old key to "
            "CUEDESK_PREVIOUS_SECRET_KEYS, or connect them again.",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    from app import migrate
    from app.auth import service as auth
    from app.common.errors import CuedeskError
    from app.db import Database

    settings = _settings()
    password = _read_password(args)

    async def run() -> None:
        await migrate.upgrade(settings.database_url_resolved)
        db = Database(settings.database_url_resolved)
        try:
            async with db.transaction() as session:
                await auth.create_user(
                    session,
                    username=args.name,
                    password=password,
                    role=args.role,
                    display_name=args.display_name or "",
                )
        finally:
            await db.dispose()

    if settings.database_url_resolved.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        asyncio.run(run())
    except CuedeskError as exc:
        print(f"cuedesk: {exc.message}", file=sys.stderr)
        return 1
    print(f"Created {args.role} {args.name!r}.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import prepare_demo

    settings = _settings()
    if settings.environment == "production":
        raise SystemExit("cuedesk: the demo creates a known login; it is refused in production.")
    info = asyncio.run(prepare_demo(settings, rate=args.rate))
    shown_host = "localhost" if args.host in ("0.0.0.0", "127.0.0.1", "::") else args.host
    print(
        "\n  Cuedesk demo is starting.\n"
        f"  Open   http://{shown_host}:{args.port}/events/{info.event_id}\n"
        f"  Login  {info.username} / {info.password}\n"
        f"  The simulator sends about {info.rate:g} mentions a second to "
        f"“{info.event_name}”.\n",
        flush=True,
    )
    _serve(settings, args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cuedesk", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="also set up the demo (see 'demo')")
    serve.add_argument("--rate", type=float, default=20.0, help="demo simulator rate (per second)")
    serve.set_defaults(func=cmd_serve)

    demo = commands.add_parser(
        "demo", help="create a demo event with the simulator running and a demo login, then serve"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--rate", type=float, default=20.0, help="simulator rate (per second)")
    demo.set_defaults(func=cmd_demo)

    db = commands.add_parser("db", help="database commands")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply migrations (creates the schema)")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(func=cmd_db_upgrade)
    new_epochs = db_commands.add_parser(
        "new-epochs",
        help="after restoring a backup: make every console reload rather than resume",
    )
    new_epochs.set_defaults(func=cmd_db_new_epochs)

    accounts = commands.add_parser("accounts", help="the networks' accounts")
    accounts_commands = accounts.add_subparsers(dest="accounts_command", required=True)
    rotate = accounts_commands.add_parser(
        "rotate-key",
        help="re-encrypt the credentials under CUEDESK_SECRET_KEY (old keys in "
        "CUEDESK_PREVIOUS_SECRET_KEYS)",
    )
    rotate.set_defaults(func=cmd_accounts_rotate_key)

    user = commands.add_parser("user", help="user commands")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="create a user")
    create.add_argument("name")
    create.add_argument(
        "--role", required=True, choices=["admin", "producer", "operator", "viewer"]
    )
    create.add_argument("--display-name", default="")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.set_defaults(func=cmd_user_create)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
