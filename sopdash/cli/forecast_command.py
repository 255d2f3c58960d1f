"""`sopdash forecast`: which open tickets breach in the next hour or by the end of the business day, and which
will likely breach anyway at the team's pace, explained per ticket."""

from __future__ import annotations

import argparse

from sopdash.cli.context import open_desk
from sopdash.cli.options import command_parent
from sopdash.core.documents import json_text
from sopdash.core.forecast import forecast_document, forecast_lines
from sopdash.desk.forecast import desk_forecast


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `forecast` to the command line."""
    parser = subparsers.add_parser(
        "forecast",
        parents=[command_parent()],
        help="tickets that breach in the next hour or by the end of the business day",
        description="Open tickets whose clock falls due in the next hour or by the end of the business day if nothing "
        "is done; which of them will likely breach anyway at the team's pace over the last 4 weeks (business time from "
        "acknowledgement to resolution per priority); who on shift (the roster and open dashboards) has the least on "
        "their plate. Each ticket says why.",
    )
    parser.add_argument("--json", action="store_true", help="print the forecast as JSON, for scripts")
    parser.set_defaults(handler=print_forecast)


def print_forecast(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    result = desk_forecast(desk)
    print(json_text(forecast_document(result)) if args.json else "\n".join(forecast_lines(result, desk.policy.calendar.tz)))
    return 0
