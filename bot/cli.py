"""The `coe-bot` command: serve, list, nudge, digest."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from dotenv import load_dotenv
from sqlmodel import Session

from bot.runtime import Runtime, make_slack_client
from bot.settings import Settings, SettingsError, load_settings
from storage import coes
from storage.db import make_engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coe-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)")
    sub.add_parser("list", help="print one COE per line: id, status, channel, problem")
    args = parser.parse_args(argv)
    load_dotenv(override=False)
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings(
            os.environ, need_slack=args.command != "list", serving=args.command == "serve"
        )
    except SettingsError as error:
        print(f"coe-bot: {error}", file=sys.stderr)
        return 2
    return COMMANDS[args.command](settings)


def _serve(settings: Settings) -> int:
    from bot.jobs import build_scheduler
    from bot.server import serve
    from bot.slack.app import build_app

    rt = _runtime(settings)
    app = build_app(rt)
    scheduler = build_scheduler(rt)
    scheduler.start()
    serve(app, rt, on_stop=lambda: scheduler.shutdown(wait=False))
    return 0


def _list(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        for coe in coes.list_coes(session=session):
            problem = " ".join(coe.problem.split())
            print(f"COE-{coe.id}\t{coe.status}\t{coe.channel_id}\t{problem}")
    return 0


def _runtime(settings: Settings) -> Runtime:
    return Runtime(
        settings=settings,
        engine=make_engine(settings.database_url),
        slack=make_slack_client(settings),
    )


COMMANDS = {"serve": _serve, "list": _list}

if __name__ == "__main__":
    sys.exit(main())
