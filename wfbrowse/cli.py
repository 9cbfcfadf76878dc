"""The `wfbrowse` command line.

Only the standard library and the pure core are imported here: `--help` and `--version` must
answer at once, so Textual, httpx and keyring load only once the app really starts.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wfbrowse import __version__
from wfbrowse.launch import DemoEntry, LaunchOptions
from wfbrowse.sites import ApiUrlError, SiteError, check_api_url, default_site, parse_site

if TYPE_CHECKING:
    from wfbrowse.targets import Target

DESCRIPTION = """\
Browse Datadog Workflow Automation runs: fetch a workflow instance and fold through its JSON.

TARGET is a workflow ID, a Datadog link to a run
(https://app.datadoghq.eu/workflow/<workflow>?instance=<instance>) or an API URL
(https://api.datadoghq.com/api/v2/workflows/<workflow>/instances/<instance>).
Give a workflow ID and an instance ID as two arguments to fetch that run at once.
"""

EPILOG = """\
environment:
  DD_API_KEY, DD_APP_KEY  the Datadog API and application keys (never taken as arguments)
  DD_SITE                 the default site, e.g. datadoghq.eu
  NO_COLOR                turn colours off
"""


class UsageError(Exception):
    """Bad arguments: reported as one line on stderr with exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wfbrowse",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"wfbrowse {__version__}")
    parser.add_argument(
        "target", nargs="?", metavar="TARGET", help="workflow ID, run link or API URL"
    )
    parser.add_argument("instance", nargs="?", metavar="INSTANCE_ID", help="instance ID")
    parser.add_argument(
        "--site",
        metavar="SITE",
        help="Datadog site: datadoghq.eu, app.datadoghq.eu, EU1 ... "
        "(default: $DD_SITE, else datadoghq.com)",
    )
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help="send requests to this base URL instead of the site's API host "
        "(loopback, or an https Datadog API host only: keys go nowhere else)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run against a built-in demo server on 127.0.0.1 (no keys, no network)",
    )
    return parser


def resolve_target(target: str | None, instance: str | None) -> Target:
    from wfbrowse.targets import Target, parse_target, parse_uuid

    if target is None:
        return Target(None, None)
    if instance is not None:
        return Target(parse_uuid(target, "workflow ID"), parse_uuid(instance, "instance ID"))
    return parse_target(target)


def launch_options(args: argparse.Namespace, environ: dict[str, str]) -> LaunchOptions:
    """Turn parsed arguments into what the app needs; raises UsageError on bad input."""
    from wfbrowse.targets import TargetError

    try:
        site = parse_site(args.site) if args.site else default_site(environ)
        target = resolve_target(args.target, args.instance)
        api_url = check_api_url(args.api_url) if args.api_url else None
    except (SiteError, TargetError, ApiUrlError) as error:
        raise UsageError(str(error)) from None
    if target.site is not None:
        site = target.site  # a pasted link knows its site better than the default does
    from wfbrowse.credentials import from_environment

    return LaunchOptions(
        site=site,
        credentials=from_environment(environ),
        api_url=api_url,
        workflow_id=target.workflow_id,
        instance_id=target.instance_id,
    )


def run_app(options: LaunchOptions) -> int:
    from wfbrowse.tui.app import WfBrowseApp

    WfBrowseApp(options).run()
    return 0


def run_demo(options: LaunchOptions) -> int:
    """Start the demo server in this process, point the app at it, stop it afterwards."""
    from dataclasses import replace

    from wfbrowse.credentials import Credentials
    from wfbrowse.demo.catalog import DEMO_RUNS, start_demo_server

    server = start_demo_server()
    try:
        demo = replace(
            options,
            api_url=server.url,
            credentials=Credentials("demo-api-key", "demo-app-key", "demo"),
            demo_runs=tuple(
                DemoEntry(run.label, run.workflow_id, run.instance_id, run.description)
                for run in DEMO_RUNS
            ),
        )
        return run_app(demo)
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        options = launch_options(args, dict(os.environ))
    except UsageError as error:
        print(f"wfbrowse: {error}", file=sys.stderr)
        return 2
    return run_demo(options) if args.demo else run_app(options)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
