"""`wfbrowse get`, `wfbrowse list` and `wfbrowse open`: the app's data for scripts and pipes.

`get` prints one run's JSON on stdout and nothing else; `list` prints a workflow's runs as a
table or as JSON lines; `open` browses a saved run in the app, without network or keys.
Keys are resolved as the app resolves them (DD_API_KEY and DD_APP_KEY first, then the
profile in the OS keyring) and are never printed.

Every failure is one line on stderr, starting with "wfbrowse: ", with an exit status from
EXIT_CODES below. Only the standard library and the pure core load at import: httpx, keyring
and Textual come in when a command really needs them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from wfbrowse.jsonload import MAX_NESTING, is_blank, json_kind, loads_exact
from wfbrowse.run_list import outcome_counts, run_line, total_runs
from wfbrowse.sites import (
    DEFAULT_SITE_DOMAIN,
    ApiUrlError,
    Site,
    SiteError,
    check_api_url,
    default_site,
    parse_site,
    require_supported,
)
from wfbrowse.subcommand import USAGE, Failure, profile_name
from wfbrowse.textsafe import (
    escape_controls,
    escape_unsafe,
    hide_keys,
    hide_on_screen,
    json_escape,
)

if TYPE_CHECKING:
    import argparse

    from wfbrowse.api import ApiResult, DatadogClient
    from wfbrowse.credentials import Credentials, Resolution
    from wfbrowse.errors import WfError
    from wfbrowse.keystore import KeyStore
    from wfbrowse.targets import Target

OK = 0
# USAGE (2) comes from wfbrowse.subcommand, shared with `keys`
AUTH = 3
NOT_FOUND = 4
RATE_LIMITED = 5
NETWORK = 6
HOLDS_KEY = 7
INTERRUPTED = 130

EXIT_CODES = """\
exit status:
  0    done
  2    usage: bad arguments, a bad ID or link, a file that cannot be opened (open)
  3    authentication or permission: no keys, keys rejected (HTTP 401/403)
  4    not found (HTTP 404): no such workflow or instance
  5    rate limited (HTTP 429)
  6    network or server error: timeout, connection, DNS, TLS, HTTP 5xx, a non-JSON answer
  7    not printed: the answer holds one of your Datadog keys (a step echoed it)
  130  interrupted
"""

# `open`: a saved instance bigger than this is refused before a byte of it is read (the
# same cap as a response the app fetches).
MAX_SAVED_BYTES = 64 * 1024 * 1024
# The deepest nesting the fast parser accepts; the standard library's stops about there too.

DEFAULT_LIMIT = 20
MAX_PAGE_SIZE = 100  # the API's documented maximum


# -- exit codes ------------------------------------------------------------------------------
def exit_code_for(error: WfError) -> int:
    """The exit status that tells a script what kind of failure this was."""
    from wfbrowse.errors import (
        BadRequest,
        Forbidden,
        MissingCredentials,
        NotFound,
        RateLimited,
        Unauthorized,
        UnsafeApiUrl,
    )

    if isinstance(error, (Unauthorized, Forbidden, MissingCredentials)):
        return AUTH  # MissingCredentials covers InvalidCredentials too
    if isinstance(error, NotFound):
        return NOT_FOUND
    if isinstance(error, RateLimited):
        return RATE_LIMITED
    if isinstance(error, (BadRequest, UnsafeApiUrl)):
        return USAGE
    return NETWORK


# -- where requests go, with which keys ------------------------------------------------------
def _target(text: str, instance: str | None) -> Target:
    from wfbrowse.targets import TargetError, parse_target, parse_uuid

    try:
        if instance is not None:
            from wfbrowse.targets import Target

            return Target(parse_uuid(text, "workflow ID"), parse_uuid(instance, "instance ID"))
        return parse_target(text)
    except TargetError as error:
        raise Failure(str(error), USAGE) from None


def _keys(args: argparse.Namespace, environ: Mapping[str, str], keystore: KeyStore) -> Resolution:
    """Environment keys first, then --profile's (or the default profile's) from the keyring."""
    from wfbrowse.credentials import resolve, unknown_profile
    from wfbrowse.settings import load_config

    explicit = profile_name(args.profile) if args.profile is not None else None
    config, warning = load_config()
    if warning:
        print(f"wfbrowse: {warning}", file=sys.stderr)
    resolution = resolve(environ, explicit, config, keystore)
    complaint = unknown_profile(explicit, config, resolution)
    if complaint:
        raise Failure(complaint, USAGE)
    if resolution.problem is not None:
        raise Failure(resolution.problem.one_line(), AUTH)
    if resolution.credentials is None:
        name = resolution.profile
        raise Failure(
            f"no Datadog keys for profile '{name}' — set DD_API_KEY and DD_APP_KEY, or store "
            f"them with `wfbrowse keys set --profile {name}`",
            AUTH,
        )
    return resolution


def _check_flags(args: argparse.Namespace) -> None:
    """--site and --api-url, checked before the keyring is asked for anything."""
    try:
        if args.api_url is not None:
            check_api_url(args.api_url)
        elif args.site is not None:
            require_supported(parse_site(args.site))
    except (SiteError, ApiUrlError) as error:
        raise Failure(str(error), USAGE) from None


def _base_url(
    args: argparse.Namespace, environ: Mapping[str, str], target: Target, resolution: Resolution
) -> str:
    """--api-url, else the site's API host. Site: --site, else a pasted link's site, else
    DD_SITE, else the profile's site, else datadoghq.com (as the app decides)."""
    try:
        if args.api_url is not None:
            return check_api_url(args.api_url)
        site: Site | None = parse_site(args.site) if args.site is not None else None
        site = site or target.site
        if site is None and environ.get("DD_SITE", "").strip():
            site = default_site(environ)
        site = site or resolution.site or parse_site(DEFAULT_SITE_DOMAIN)
        return require_supported(site).api_url
    except (SiteError, ApiUrlError) as error:
        raise Failure(str(error), USAGE) from None


def _client(base_url: str, credentials: Credentials, timeout: float) -> DatadogClient:
    from wfbrowse.api import DatadogClient

    return DatadogClient(base_url, credentials, deadline=timeout)


def _fail(error: WfError) -> Failure:
    return Failure(error.one_line(), exit_code_for(error))


# -- output ----------------------------------------------------------------------------------
def _write_text(text: str, *, raw: bool = False) -> None:
    """Text for stdout. On a terminal, characters that could act on it (escape sequences,
    bidi marks) are written as JSON escapes, which read back as the same characters. `raw`:
    the server's own text, whose whitespace between JSON tokens may hold tabs and CRLF line
    ends: those stay tabs and line breaks, for what is shown to read as JSON still (a lone
    carriage return, which could hide what came before it on the line, is escaped)."""
    out = sys.stdout
    if out.isatty():
        lines = (text.replace("\r\n", "\n") if raw else text).split("\n")
        escape = _escape_but_tab if raw else json_escape
        out.write("\n".join(escape_unsafe(line, escape) for line in lines))
        out.flush()
        return
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \\ud800 escape: keep it escaped
        data = text.encode("utf-8", "backslashreplace")
    _write_bytes(data)


def _escape_but_tab(char: str) -> str:
    return char if char == "\t" else json_escape(char)


def _write_bytes(data: bytes) -> None:
    out = sys.stdout
    out.flush()
    out.buffer.write(data)
    out.buffer.flush()


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_text(value: Any, *, pretty: bool) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False) if pretty else _compact(value)
    if not _encodable(text):
        # Lone surrogates cannot be written as UTF-8: let JSON escape every non-ASCII one.
        text = json.dumps(value, indent=2) if pretty else json.dumps(value, separators=(",", ":"))
    return text + "\n"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- wfbrowse get ----------------------------------------------------------------------------
async def _fetch_instance(client: DatadogClient, workflow_id: str, instance_id: str) -> ApiResult:
    async with client:
        return await client.get_instance(workflow_id, instance_id)


def cmd_get(args: argparse.Namespace, environ: Mapping[str, str], keystore: KeyStore) -> int:
    import asyncio

    from wfbrowse.errors import WfError

    target = _target(args.target, args.instance)
    if target.instance_id is None or target.workflow_id is None:
        raise Failure(
            "get needs an instance ID too: give WORKFLOW_ID INSTANCE_ID, or a link to a run",
            USAGE,
        )
    _check_flags(args)
    resolution = _keys(args, environ, keystore)
    base_url = _base_url(args, environ, target, resolution)
    assert resolution.credentials is not None
    client = _client(base_url, resolution.credentials, args.timeout)
    failure: Failure | None = None
    try:
        result = asyncio.run(_fetch_instance(client, target.workflow_id, target.instance_id))
    except WfError as error:
        failure = _fail(error)
    if failure is not None:
        raise failure
    keys = (resolution.credentials.api_key, resolution.credentials.app_key)
    if args.raw and not sys.stdout.isatty():
        _refuse_if_holding(result.raw.decode("utf-8", "replace"), keys, "run")
        _write_bytes(result.raw)
    else:
        # --raw on a terminal: the server's text as it came, with what could act on the
        # terminal written as JSON escapes, as everywhere else.
        if args.raw:
            text = result.raw.decode("utf-8", "replace")
        else:
            text = _json_text(result.data, pretty=sys.stdout.isatty())
        _refuse_if_holding(text, keys, "run")
        _write_text(text, raw=args.raw)
    return OK


def _refuse_if_holding(text: str, keys: Sequence[str], what: str) -> None:
    """Keys never reach the terminal, a file or a pipe: output holding one, or a long part of
    one (a step that logged its request headers), is not written at all."""
    from wfbrowse.key_runs import holds_part_of

    if holds_part_of(text, keys):
        raise Failure(
            f"not printed: the {what} holds one of your Datadog keys (echoed by a step?) — "
            "look at it in the app, which hides them",
            HOLDS_KEY,
        )


# -- wfbrowse list ---------------------------------------------------------------------------
async def _fetch_runs(
    client: DatadogClient, workflow_id: str, limit: int
) -> tuple[list[Any], dict[str, Any]]:
    """Up to `limit` list items, page after page, and the first page's `meta`."""
    import asyncio
    import time

    from wfbrowse.errors import RateLimited

    size = min(limit, MAX_PAGE_SIZE)
    items: list[Any] = []
    meta: dict[str, Any] = {}
    number = 0
    waited = False
    async with client:
        while len(items) < limit:
            try:
                result = await client.list_instances(
                    workflow_id, page_size=size, page_number=number
                )
            except RateLimited:
                # Between pages, the rate limit's reset is waited for once, when it comes
                # within the time one request may take (as Datadog's own clients do), rather
                # than throw away the pages already read. The first page, or a longer wait,
                # is the error.
                wait = client.gate.wait_needed(time.monotonic())
                if number == 0 or waited or not 0 < wait <= client.deadline:
                    raise
                waited = True
                await asyncio.sleep(wait)
                continue
            waited = False
            page = result.data.get("data")
            page = page if isinstance(page, list) else []
            if number == 0 and isinstance(result.data.get("meta"), dict):
                meta = result.data["meta"]
            items.extend(page[: limit - len(items)])
            total = total_runs(meta)
            if len(page) < size or (total is not None and (number + 1) * size >= total):
                break
            number += 1
    return items, meta


def _text(value: Any) -> str:
    return escape_controls(value) if isinstance(value, str) and value else "-"


def _row(item: Any) -> tuple[str, str, str, str, str]:
    line = run_line(item)
    return (
        _text(line.status),
        _text(line.instance_id),
        line.start.strftime("%Y-%m-%d %H:%M:%S") if line.start else "-",
        line.duration or "-",
        ",".join(escape_controls(kind) for kind in line.sources) or "-",
    )


def _counts_line(shown: int, meta: Mapping[str, Any]) -> str:
    total = total_runs(meta)
    head = f"{shown} of {total} runs" if total is not None else f"{shown} runs"
    outcomes = outcome_counts(meta)
    return f"{head} · {outcomes}" if outcomes else head


def runs_table(items: Sequence[Any], meta: Mapping[str, Any]) -> list[str]:
    """The header, one line per run, and the counts."""
    header = ("STATUS", "INSTANCE ID", "START (UTC)", "DURATION", "SOURCE")
    rows = [header, *(_row(item) for item in items)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return [*lines, _counts_line(len(items), meta)]


def _limit(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def cmd_list(args: argparse.Namespace, environ: Mapping[str, str], keystore: KeyStore) -> int:
    import asyncio

    from wfbrowse.errors import WfError

    target = _target(args.workflow, None)
    if target.workflow_id is None:  # pragma: no cover - parse_target always finds one
        raise Failure("list needs a workflow ID", USAGE)
    _check_flags(args)
    resolution = _keys(args, environ, keystore)
    base_url = _base_url(args, environ, target, resolution)
    assert resolution.credentials is not None
    client = _client(base_url, resolution.credentials, args.timeout)
    failure: Failure | None = None
    try:
        items, meta = asyncio.run(_fetch_runs(client, target.workflow_id, args.limit))
    except WfError as error:
        failure = _fail(error)
    if failure is not None:
        raise failure
    keys = (resolution.credentials.api_key, resolution.credentials.app_key)
    if args.json:
        text = "".join(_json_text(item, pretty=False) for item in items)
        _refuse_if_holding(text, keys, "list")
        _write_text(text)
    else:
        # The table is for reading: a key a run echoes is hidden there, as on screen.
        hide_on_screen(keys)
        _write_text("".join(hide_keys(line) + "\n" for line in runs_table(items, meta)))
    return OK


# -- wfbrowse open ---------------------------------------------------------------------------
class SavedFileError(Exception):
    """A file `open` cannot show: the one-line reason."""


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def load_saved_instance(
    path: str | os.PathLike[str], meanwhile: Callable[[], object] | None = None
) -> dict[str, Any]:
    """A saved instance (such as `wfbrowse get` output), read and checked.

    Raises SavedFileError with a one-line reason: the file is missing or unreadable, over
    MAX_SAVED_BYTES (checked before reading), not UTF-8 JSON, not an object, or nested
    deeper than MAX_NESTING levels. `meanwhile`: work to do while the loader checks what it
    parsed (see `loads_exact`).
    """
    name = escape_controls(os.fspath(path))
    try:
        size = os.stat(path).st_size
        if size > MAX_SAVED_BYTES:
            raise SavedFileError(
                f"{name} is too large: {_mib(size)} (limit {_mib(MAX_SAVED_BYTES)})"
            )
        with open(path, "rb") as file:
            data = file.read(MAX_SAVED_BYTES + 1)
    except OSError as error:
        reason = escape_controls(error.strerror or type(error).__name__)
        raise SavedFileError(f"cannot open {name}: {reason}") from None
    if len(data) > MAX_SAVED_BYTES:  # it grew since the size was checked
        raise SavedFileError(f"{name} is too large (limit {_mib(MAX_SAVED_BYTES)})")
    if is_blank(data):
        raise SavedFileError(f"{name} is empty, not a saved instance")
    try:
        document = loads_exact(data, meanwhile)
    except UnicodeDecodeError as error:
        raise SavedFileError(
            f"{name} is not valid JSON: not UTF-8 text (byte {error.start})"
        ) from None
    except RecursionError:
        raise SavedFileError(
            f"{name} is nested deeper than {MAX_NESTING} levels: too deep to show"
        ) from None
    except json.JSONDecodeError as error:
        raise SavedFileError(
            f"{name} is not valid JSON: {escape_controls(error.msg)} "
            f"at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(document, dict):
        raise SavedFileError(
            f"{name} holds {json_kind(document)}, not a JSON object like the instance "
            "`wfbrowse get` prints"
        )
    return document


def _open_site(environ: Mapping[str, str]) -> Site:
    try:
        return default_site(environ)
    except SiteError:
        return parse_site(DEFAULT_SITE_DOMAIN)  # nothing is fetched: the site hardly matters


def cmd_open(args: argparse.Namespace, environ: Mapping[str, str], keystore: KeyStore) -> int:
    # No collection walks the run while the app starts (28 ms of the first frame at 1 MB,
    # measured), whatever its size: `run_app` (and for the command line, `cli.main`) holds the
    # collector off until the app's first frame is drawn, which freezes the run with the rest.
    try:
        # The app's modules (Textual's among them, a fifth of a second) load while the
        # loader checks a big document in a child process.
        document = load_saved_instance(args.file, meanwhile=_load_the_app)
    except SavedFileError as error:
        raise Failure(str(error), USAGE) from None
    from wfbrowse.cli import run_app
    from wfbrowse.credentials import API_KEY_VARS, APP_KEY_VARS
    from wfbrowse.launch import LaunchOptions

    # No keys are used, but the user's own, when set, are still hidden in the run's text.
    hide_on_screen(environ.get(name, "") for name in (*API_KEY_VARS, *APP_KEY_VARS))
    options = LaunchOptions(site=_open_site(environ), credentials=None)
    return run_app(options, document=document)


def _load_the_app() -> None:
    """Import what `run_app` will need to show a saved run, so that it takes no time then."""
    import wfbrowse.tui.app
    import wfbrowse.tui.run_view  # noqa: F401 - the app's compose imports it for a saved run


def plain_open(argv: Sequence[str]) -> SimpleNamespace | None:
    """What the parser makes of `open FILE` alone, FILE not an option (a test holds the two
    together); None for anything else. `wfbrowse open FILE` is spared argparse's import and
    the parser's first making (which looks up translations and compiles patterns): 8 to 11 ms
    of its first frame, measured."""
    if len(argv) == 2 and argv[0] == "open" and not argv[1].startswith("-"):
        return SimpleNamespace(command="open", file=argv[1], handler=cmd_open)
    return None


def open_command(argv: Sequence[str]) -> int:
    """`wfbrowse open FILE ...`, argv without the word "open"."""
    return main(["open", *argv])


# -- the parser ------------------------------------------------------------------------------
def _add_connection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site",
        metavar="SITE",
        help="Datadog site: datadoghq.eu, EU1 ... (default: a link's site, else $DD_SITE, "
        "else the profile's, else datadoghq.com)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="use this keyring profile's keys and site (default: the default profile); "
        "DD_API_KEY and DD_APP_KEY win over any profile",
    )
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help="send requests to this base URL (loopback, or an https Datadog API host)",
    )
    from wfbrowse.cli import add_timeout_option

    add_timeout_option(parser)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from wfbrowse.one_line_parser import OneLineParser

    parser = OneLineParser(prog="wfbrowse", add_help=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)

    get_cmd = commands.add_parser(
        "get",
        description="Print a run's JSON on stdout and nothing else: indented on a terminal, "
        "one line when piped, or the exact bytes the API sent with --raw.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    get_cmd.add_argument(
        "target", metavar="TARGET", help="a link to a run, an API URL, or a workflow ID"
    )
    get_cmd.add_argument(
        "instance", nargs="?", metavar="INSTANCE_ID", help="the instance ID, after a workflow ID"
    )
    get_cmd.add_argument(
        "--raw",
        action="store_true",
        help="write the response body exactly as received (on a terminal, characters that "
        "could act on it are shown escaped)",
    )
    _add_connection(get_cmd)
    get_cmd.set_defaults(handler=cmd_get)

    list_cmd = commands.add_parser(
        "list",
        description="List a workflow's runs, newest first: a table, or one JSON object per "
        "line with --json.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    list_cmd.add_argument("workflow", metavar="WORKFLOW", help="a workflow ID or link")
    list_cmd.add_argument(
        "--limit",
        type=_limit,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N runs (default {DEFAULT_LIMIT})",
    )
    list_cmd.add_argument(
        "--json", action="store_true", help="one JSON object per run and line (as the API sent)"
    )
    _add_connection(list_cmd)
    list_cmd.set_defaults(handler=cmd_list)

    open_cmd = commands.add_parser(
        "open",
        description="Browse a saved instance (for example `wfbrowse get` output) with the "
        "same tree, summary, search and copy: no network, no keys.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    open_cmd.add_argument("file", metavar="FILE", help="a JSON file holding one instance")
    open_cmd.set_defaults(handler=cmd_open)
    return parser


def main(argv: Sequence[str], *, keystore: KeyStore | None = None) -> int:
    """`wfbrowse get|list|open ...`: argv starts with the command word."""
    from wfbrowse.keystore import KeyStore

    try:
        args = plain_open(argv) or build_parser().parse_args(list(argv))
        code: int = args.handler(args, dict(os.environ), keystore or KeyStore())
    except Failure as failure:
        print(f"wfbrowse: {failure}", file=sys.stderr)
        return failure.code
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        print("wfbrowse: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's exit-time flush of
        # stdout from complaining about the pipe too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return OK
    return code
