"""The `wfbrowse` command line.

Only the standard library and the pure core are imported here: `--help` and `--version` must
answer at once, so Textual, httpx, keyring and platformdirs load only once the app really
starts. `wfbrowse keys ...` is handed to keys_cli.py; `get`, `list` and `open` to
scripting.py.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from wfbrowse import __version__
from wfbrowse.collector import hold_until_first_frame
from wfbrowse.launch import DEFAULT_TIMEOUT, DemoEntry, LaunchOptions
from wfbrowse.sites import (
    DEFAULT_SITE_DOMAIN,
    ApiUrlError,
    Site,
    SiteError,
    check_api_url,
    default_site,
    parse_site,
)

if TYPE_CHECKING:
    import argparse
    from typing import TypeAlias

    from wfbrowse.credentials import Credentials
    from wfbrowse.targets import Target

    # What the parser made of the command line, or NO_ARGUMENTS.
    Arguments: TypeAlias = argparse.Namespace | SimpleNamespace

DESCRIPTION = """\
Browse Datadog Workflow Automation runs: fetch a workflow instance and fold through its JSON.

TARGET is a workflow ID, a Datadog link to a run
(https://app.datadoghq.eu/workflow/<workflow>?instance=<instance>) or an API URL
(https://api.datadoghq.com/api/v2/workflows/<workflow>/instances/<instance>).
Give a workflow ID and an instance ID as two arguments to fetch that run at once.
"""

EPILOG = """\
keys:
  Keys come from DD_API_KEY and DD_APP_KEY when both are set, else from a profile in the OS
  keyring (--profile, else the default profile). They are never taken as arguments.
  wfbrowse keys set|list|test|delete   manage profiles (see `wfbrowse keys --help`)

scripting (each has --help, with its exit codes):
  wfbrowse get TARGET [--raw]          print a run's JSON
  wfbrowse list WORKFLOW [--limit N] [--json]   a workflow's runs, newest first
  wfbrowse open FILE                   browse a saved run (e.g. the output of get)

themes:
  wfbrowse themes                      list the colour themes and where theme files go
  wfbrowse --theme NAME                use one for this run (the palette's choice is saved)

install (from a checkout of wfbrowse):
  uv tool install .                    or: pipx install .

environment:
  DD_API_KEY, DD_APP_KEY  the Datadog API and application keys; they win over any profile
  DD_SITE                 the default site, e.g. datadoghq.eu
  NO_COLOR                turn colours off (when set and not empty)
"""


class UsageError(Exception):
    """Bad arguments: reported as one line on stderr with exit status 2."""


# What the parser makes of no arguments at all (a test holds the two together). `wfbrowse`
# alone is the usual start, the app then kept open in a pane: it is spared argparse's import
# and the parser's making, about 2.5 ms of its start-up.
NO_ARGUMENTS = SimpleNamespace(
    target=None,
    instance=None,
    site=None,
    api_url=None,
    demo=False,
    profile=None,
    timeout=DEFAULT_TIMEOUT,
    theme=None,
    log=None,
)


def build_parser() -> argparse.ArgumentParser:
    import argparse

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
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="use this keyring profile's keys and site (default: the default profile)",
    )
    add_timeout_option(parser)
    parser.add_argument(
        "--theme",
        metavar="NAME",
        help="colour theme for this run (`wfbrowse themes` lists them; the one chosen in the "
        "app's palette is saved as the default)",
    )
    parser.add_argument(
        "--log",
        metavar="FILE",
        help="append a debug log of every request to FILE (keys redacted)",
    )
    return parser


def seconds_value(text: str) -> float:
    """--timeout's value: seconds, 1 to 3600 (argparse reports anything else)."""
    from argparse import ArgumentTypeError

    try:
        value = float(text)
    except ValueError:
        raise ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 1 <= value <= 3600:
        raise ArgumentTypeError("give between 1 and 3600 seconds")
    return value


def add_timeout_option(parser: argparse.ArgumentParser) -> None:
    """--timeout, for the app and for get and list alike."""
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=seconds_value,
        default=DEFAULT_TIMEOUT,
        help="give up on a request that has not fully arrived after SECONDS "
        f"(default {DEFAULT_TIMEOUT:g}); "
        "waits for the first byte and between bytes are cut at 30 s",
    )


def resolve_target(target: str | None, instance: str | None) -> Target | None:
    """The run named on the command line; None when there is none. Raises UsageError.

    Without one (the app's usual start, kept open in a pane) `wfbrowse.targets` is not
    loaded before the first frame: its patterns are compiled at import, a millisecond.
    """
    if target is None:
        return None
    from wfbrowse.targets import Target, TargetError, parse_target, parse_uuid

    try:
        if instance is not None:
            return Target(parse_uuid(target, "workflow ID"), parse_uuid(instance, "instance ID"))
        return parse_target(target)
    except TargetError as error:
        raise UsageError(str(error)) from None


def launch_options(args: Arguments, environ: dict[str, str]) -> LaunchOptions:
    """Turn parsed arguments into what the app needs; raises UsageError on bad input.

    Keys: DD_API_KEY and DD_APP_KEY, else the profile's keys, which the app reads from the
    OS keyring once it is up (`read_keyring`). Site: --site, else a pasted link's site, else
    DD_SITE, else the profile's site, else datadoghq.com.
    """
    try:
        flag_site = parse_site(args.site) if args.site is not None else None
        env_site = default_site(environ) if environ.get("DD_SITE", "").strip() else None
        target = resolve_target(args.target, args.instance)
        api_url = check_api_url(args.api_url) if args.api_url is not None else None
    except (SiteError, ApiUrlError) as error:
        raise UsageError(str(error)) from None
    if args.theme is not None:
        from wfbrowse.themes_cli import check_theme

        complaint = check_theme(args.theme)
        if complaint:
            raise UsageError(complaint)
    if target is None:
        link_site, workflow_id, instance_id = None, None, None
    else:
        link_site, workflow_id, instance_id = target.site, target.workflow_id, target.instance_id
    site = flag_site or link_site or env_site  # a pasted link knows its site best
    if args.demo:  # demo keys: the keyring and the settings are not touched
        return LaunchOptions(
            site=site or parse_site(DEFAULT_SITE_DOMAIN),
            credentials=None,
            api_url=api_url,
            workflow_id=workflow_id,
            instance_id=instance_id,
            theme=args.theme,
            timeout=args.timeout,
        )
    return _with_keys(args, environ, site, api_url, (workflow_id, instance_id))


def _with_keys(
    args: Arguments,
    environ: dict[str, str],
    site: Site | None,
    api_url: str | None,
    ids: tuple[str | None, str | None],
) -> LaunchOptions:
    from wfbrowse.credentials import DEFAULT_PROFILE, resolve, unknown_profile
    from wfbrowse.settings import check_profile_name, load_config

    try:
        explicit = check_profile_name(args.profile) if args.profile is not None else None
    except ValueError as error:
        raise UsageError(str(error)) from None
    config, warning = load_config()
    if warning:
        print(f"wfbrowse: {warning}", file=sys.stderr)
    resolution = resolve(environ, explicit, config, None)  # the keyring is read by the app
    complaint = unknown_profile(explicit, config, resolution)
    if complaint:
        raise UsageError(complaint)
    return LaunchOptions(
        site=site or resolution.site or parse_site(DEFAULT_SITE_DOMAIN),
        credentials=resolution.credentials,
        api_url=api_url,
        workflow_id=ids[0],
        instance_id=ids[1],
        profile=resolution.profile or explicit or config.default_profile or DEFAULT_PROFILE,
        read_keyring=resolution.credentials is None,
        theme=args.theme,
        timeout=args.timeout,
        saved_theme=saved if isinstance(saved := config.extra.get("theme"), str) else None,
    )


def start_log(path: str, credentials: Credentials | None) -> None:
    """--log: raises UsageError when the file cannot be opened."""
    from pathlib import Path

    from wfbrowse import debuglog

    try:
        debuglog.setup(Path(path))
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(f"cannot open the log file {path!r}: {reason}") from None
    if credentials is not None:
        debuglog.remember_secrets(credentials.api_key, credentials.app_key)


def run_app(options: LaunchOptions, document: dict[str, Any] | None = None) -> int:
    """Run the app; `document` is a saved instance to show at once (`wfbrowse open`)."""
    hold_until_first_frame()  # the app lets it go after its first frame (held already by `main`)
    from wfbrowse.tui.app import WfBrowseApp

    WfBrowseApp(options, document=document).run()
    return 0


def demo_options(options: LaunchOptions, server_url: str) -> LaunchOptions:
    """The options pointed at a demo server, with its keys and the runs it offers."""
    from wfbrowse.credentials import Credentials
    from wfbrowse.demo.catalog import DEMO_RUNS

    return options._replace(
        api_url=server_url,
        credentials=Credentials("demo-api-key", "demo-app-key", "demo"),
        demo_runs=tuple(
            DemoEntry(run.label, run.workflow_id, run.instance_id, run.description)
            for run in DEMO_RUNS
        ),
    )


def run_demo(options: LaunchOptions) -> int:
    """Start the demo server in this process, point the app at it, stop it afterwards."""
    from wfbrowse.demo.catalog import start_demo_server

    server = start_demo_server()
    try:
        return run_app(demo_options(options, server.url))
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # A subcommand word where TARGET goes: no workflow ID or link is ever one of these words.
    if arguments[:1] == ["keys"]:
        from wfbrowse.keys_cli import main as keys_main

        return keys_main(arguments[1:])
    if arguments[:1] == ["themes"]:
        from wfbrowse.themes_cli import main as themes_main

        return themes_main(arguments[1:])
    if arguments[:1] not in (["get"], ["list"]):
        # What is left starts the app (or prints help and ends): no collection until its first
        # frame, from here on, the modules' import included (see collector.py).
        hold_until_first_frame()
    if arguments[:1] in (["get"], ["list"], ["open"]):
        from wfbrowse.scripting import main as scripting_main

        return scripting_main(arguments)
    args = build_parser().parse_args(arguments) if arguments else NO_ARGUMENTS
    try:
        options = launch_options(args, dict(os.environ))
        if args.log:
            start_log(args.log, options.credentials)
    except UsageError as error:
        print(f"wfbrowse: {error}", file=sys.stderr)
        return 2
    return run_demo(options) if args.demo else run_app(options)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
