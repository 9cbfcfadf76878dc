"""`wfbrowse keys`: store, list, test and delete Datadog keys kept in the OS keyring.

Keys are never taken as arguments (they would end up in shell history and `ps`): `keys set`
prompts for them without echo on a terminal, and otherwise reads the API key and then the
application key, one per line, from stdin. Only masked forms ("…abcd") are ever printed.

Exit status: see EXIT_CODES below (`wfbrowse keys --help` prints it).

Every failure is one line on stderr, starting with "wfbrowse: ".
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from wfbrowse.credentials import (
    DEFAULT_PROFILE,
    Resolution,
    from_environment,
    masked,
    unknown_profile,
)
from wfbrowse.keystore import KeyringProblem, KeyStore, check_key
from wfbrowse.one_line_parser import OneLineParser
from wfbrowse.settings import Config, ProfileInfo, load_config, save_config
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

if TYPE_CHECKING:
    from wfbrowse.api import ApiResult
    from wfbrowse.credentials import Credentials
    from wfbrowse.errors import WfError

OK = 0
NOTHING = 1
# USAGE (2) comes from wfbrowse.subcommand, shared with the scripting commands
REJECTED = 3
KEYRING = 4
SETTINGS = 5
NETWORK = 6
INTERRUPTED = 130

EXIT_CODES = """\
exit status:
  0    done
  1    nothing there: no keys to test, nothing stored to delete
  2    usage: bad arguments, unknown profile, no key on stdin, a key with spaces in it
  3    the keys were rejected (HTTP 401/403 from /api/v1/validate)
  4    the OS keyring could not be used (missing, locked, refused, or too slow)
  5    the settings file could not be written (the keyring itself was updated)
  6    network or server error while testing the keys
  130  interrupted
"""

DESCRIPTION = """\
Keep Datadog keys in the OS keyring (macOS Keychain, Windows Credential Manager, Secret
Service on Linux) as named profiles, each with its site. DD_API_KEY and DD_APP_KEY in the
environment win over any profile. Keys are never taken as arguments: `keys set` prompts
for them, or reads the API key and then the application key, one per line, from stdin.
"""

EPILOG = f"""\
examples:
  wfbrowse keys set --profile work --site EU1
  printf '%s\\n%s\\n' "$API_KEY" "$APP_KEY" | wfbrowse keys set --profile ci
  wfbrowse keys list
  wfbrowse keys test --profile work
  wfbrowse keys delete --profile work

{EXIT_CODES}"""


@dataclass
class Context:
    """What a command reads and writes; the real process's by default."""

    environ: Mapping[str, str]
    stdin: TextIO | None
    stdout: TextIO
    stderr: TextIO
    keystore: KeyStore

    def say(self, line: str) -> None:
        print(line, file=self.stdout)

    def warn(self, line: str) -> None:
        print(f"wfbrowse: {line}", file=self.stderr)

    def load_config(self) -> Config:
        config, warning = load_config()
        if warning:
            self.warn(warning)
        return config


# -- keys set ----------------------------------------------------------------------------------
def _chosen_profile(explicit: str | None, config: Config) -> str:
    if explicit is not None:
        return profile_name(explicit)
    return config.default_profile or DEFAULT_PROFILE


def _site_for_new_keys(args: argparse.Namespace, config: Config, name: str, ctx: Context) -> Site:
    """--site, else the profile's current site, else $DD_SITE, else datadoghq.com."""
    try:
        if args.site is not None:
            site = parse_site(args.site)
        elif name in config.profiles:
            site = parse_site(config.profiles[name].site)
        else:
            site = default_site(ctx.environ)
        return require_supported(site)
    except SiteError as error:
        raise Failure(str(error), USAGE) from None


def _prompt_keys(ask: Callable[[str], str]) -> tuple[str, str]:
    api_key = ask("Datadog API key (input hidden): ").strip()
    if not api_key:
        raise Failure("no API key entered", USAGE)
    app_key = ask("Datadog application key (input hidden): ").strip()
    if not app_key:
        raise Failure("no application key entered", USAGE)
    return api_key, app_key


def _read_keys(stdin: TextIO | None) -> tuple[str, str]:
    """From a prompt without echo on a terminal, else two lines from stdin."""
    if stdin is not None and stdin.isatty():
        import getpass

        try:
            return _prompt_keys(getpass.getpass)
        except EOFError:
            raise Failure("no key entered", USAGE) from None
    api_key = stdin.readline().strip() if stdin is not None else ""
    if not api_key:
        raise Failure("no API key on stdin (give the API key, then the application key)", USAGE)
    app_key = stdin.readline().strip() if stdin is not None else ""
    if not app_key:
        raise Failure("no application key on stdin (its line comes after the API key)", USAGE)
    return api_key, app_key


def _checked_keys(api_key: str, app_key: str) -> None:
    try:
        check_key(api_key, "API key")
        check_key(app_key, "application key")
    except ValueError as error:
        raise Failure(str(error), USAGE) from None


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    config = ctx.load_config()
    name = _chosen_profile(args.profile, config)
    site = _site_for_new_keys(args, config, name, ctx)
    api_key, app_key = _read_keys(ctx.stdin)
    _checked_keys(api_key, app_key)
    try:
        ctx.keystore.save(name, api_key, app_key)
    except KeyringProblem as problem:
        raise Failure(problem.one_line(), KEYRING) from None
    backend = ctx.keystore.backend_name()
    updated = config.with_profile(ProfileInfo(name, site.domain), make_default=args.default)
    try:
        save_config(updated)
    except OSError as error:
        raise Failure(
            f"keys saved in {backend}, but the settings file could not be written "
            f"({type(error).__name__}: {error.strerror or 'error'})",
            SETTINGS,
        ) from None
    ctx.say(
        f"saved keys for profile '{name}' (site {site.name} {site.domain}) in {backend}: "
        f"API key {masked(api_key)}, application key {masked(app_key)}"
    )
    if from_environment(ctx.environ) is not None:
        ctx.warn("note: DD_API_KEY and DD_APP_KEY are set here, and they win over any profile")
    return OK


# -- keys list ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Row:
    profile: str
    site: str
    default: bool
    api_key: str | None
    app_key: str | None
    where: str


def _where(api_key: str | None, app_key: str | None) -> str:
    if api_key and app_key:
        return "keyring"
    if api_key:
        return "keyring: API key only"
    if app_key:
        return "keyring: application key only"
    return "not in keyring"


def _site_label(text: str) -> str:
    try:
        site = parse_site(text)
    except SiteError:
        return f"{text!r} (unknown)"
    return f"{site.name} {site.domain}"


def _rows(config: Config, keystore: KeyStore) -> tuple[list[_Row], KeyringProblem | None]:
    """One row per profile; after the first keyring failure the keyring is not asked again
    (each attempt could cost the whole time limit)."""
    names = list(config.profiles)
    if DEFAULT_PROFILE not in config.profiles:
        names.append(DEFAULT_PROFILE)  # keys stored without settings still get found
    rows: list[_Row] = []
    problem: KeyringProblem | None = None
    for name in names:
        api_key = app_key = None
        if problem is None:
            try:
                api_key, app_key = keystore.load_pair(name)
            except KeyringProblem as error:
                problem = error.with_traceback(None)
        info = config.profiles.get(name)
        if info is None and not (api_key or app_key):
            continue
        where = f"keyring unavailable ({problem.kind})" if problem else _where(api_key, app_key)
        site = _site_label(info.site) if info else f"{DEFAULT_SITE_DOMAIN} (no settings)"
        rows.append(_Row(name, site, name == config.default_profile, api_key, app_key, where))
    return rows, problem


def _table(rows: list[_Row]) -> list[str]:
    header = ("PROFILE", "SITE", "DEFAULT", "API KEY", "APP KEY", "WHERE")
    cells = [
        (
            row.profile,
            row.site,
            "*" if row.default else "",
            masked(row.api_key) if row.api_key else "-",
            masked(row.app_key) if row.app_key else "-",
            row.where,
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *cells]
    ]


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    config = ctx.load_config()
    rows, problem = _rows(config, ctx.keystore)
    if rows:
        for line in _table(rows):
            ctx.say(line)
    else:
        ctx.say("no profiles yet: store keys with `wfbrowse keys set [--profile NAME]`")
    env = from_environment(ctx.environ)
    if env is not None:
        ctx.say(
            f"environment: DD_API_KEY {masked(env.api_key)}, DD_APP_KEY {masked(env.app_key)}"
            " — these win over any profile"
        )
    if problem is not None:
        raise Failure(problem.one_line(), KEYRING)
    return OK


# -- keys delete -------------------------------------------------------------------------------
def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    config = ctx.load_config()
    name = _chosen_profile(args.profile, config)
    try:
        deleted = ctx.keystore.delete(name)
    except KeyringProblem as problem:
        raise Failure(problem.one_line(), KEYRING) from None
    if name not in config.profiles:
        if not deleted:
            raise Failure(f"nothing stored for profile '{name}'", NOTHING)
        ctx.say(f"deleted the keys of profile '{name}' from {ctx.keystore.backend_name()}")
        return OK
    updated = config.without_profile(name)
    try:
        save_config(updated)
    except OSError as error:
        raise Failure(
            f"the settings file could not be written ({type(error).__name__}: "
            f"{error.strerror or 'error'}); profile '{name}' is still listed there",
            SETTINGS,
        ) from None
    where = f"its keys removed from {ctx.keystore.backend_name()}" if deleted else "no keys"
    ctx.say(f"deleted profile '{name}' ({where})")
    if config.default_profile == name and updated.default_profile:
        ctx.say(f"the default profile is now '{updated.default_profile}'")
    return OK


# -- keys test ---------------------------------------------------------------------------------
def _test_site(args: argparse.Namespace, ctx: Context, resolution: Resolution) -> Site:
    """--site, else $DD_SITE, else the profile's site, else datadoghq.com: as the app does."""
    try:
        if args.site is not None:
            return parse_site(args.site)
        if ctx.environ.get("DD_SITE", "").strip():
            return default_site(ctx.environ)
    except SiteError as error:
        raise Failure(str(error), USAGE) from None
    return resolution.site or parse_site(DEFAULT_SITE_DOMAIN)


def _resolve_for_test(args: argparse.Namespace, ctx: Context) -> Resolution:
    from wfbrowse.credentials import resolve

    config = ctx.load_config()
    explicit = profile_name(args.profile) if args.profile is not None else None
    resolution = resolve(ctx.environ, explicit, config, ctx.keystore)
    complaint = unknown_profile(explicit, config, resolution)
    if complaint:
        raise Failure(complaint, USAGE)
    if resolution.problem is not None:
        raise Failure(resolution.problem.one_line(), KEYRING)
    if resolution.credentials is None:
        name = resolution.profile
        raise Failure(
            f"no keys for profile '{name}': store them with `wfbrowse keys set --profile "
            f"{name}`, or set DD_API_KEY and DD_APP_KEY",
            NOTHING,
        )
    return resolution


async def _validate(base_url: str, credentials: Credentials) -> ApiResult:
    from wfbrowse.api import DatadogClient

    async with DatadogClient(base_url, credentials, read_timeout=15.0) as client:
        return await client.validate()


def _test_failure(error: WfError, where: str) -> Failure:
    from wfbrowse.errors import Forbidden, InvalidCredentials, Unauthorized

    if isinstance(error, (Unauthorized, Forbidden)):
        # On /validate a 403 is about the API key, not the application key's permissions.
        return Failure(
            f"{error.message} — the API key was rejected: check it, and that {where} "
            "is its Datadog site",
            REJECTED,
        )
    if isinstance(error, InvalidCredentials):
        return Failure(error.one_line(), REJECTED)
    return Failure(error.one_line(), NETWORK)


def cmd_test(args: argparse.Namespace, ctx: Context) -> int:
    import asyncio

    from wfbrowse.errors import WfError

    try:
        api_url = check_api_url(args.api_url) if args.api_url is not None else None
    except ApiUrlError as error:
        raise Failure(str(error), USAGE) from None
    resolution = _resolve_for_test(args, ctx)
    credentials = resolution.credentials
    assert credentials is not None
    site = _test_site(args, ctx, resolution)
    where = api_url or f"{site.name} {site.domain}"
    if args.log:
        _start_log(args.log, credentials)
    failure: Failure | None = None
    try:
        result = asyncio.run(_validate(api_url or site.api_url, credentials))
    except WfError as error:
        failure = _test_failure(error, where)
    if failure is not None:
        raise failure
    if result.data.get("valid") is not True:
        raise Failure(f'{where} did not confirm the API key (no "valid": true)', REJECTED)
    ctx.say(
        f"API key valid for {where} (from {credentials.source}); "
        "the application key is checked on the first fetch"
    )
    return OK


def _start_log(path: str, credentials: Credentials) -> None:
    from pathlib import Path

    from wfbrowse import debuglog

    try:
        debuglog.setup(Path(path))
    except OSError as error:
        raise Failure(
            f"cannot open the log file {path!r}: {error.strerror or type(error).__name__}", USAGE
        ) from None
    debuglog.remember_secrets(credentials.api_key, credentials.app_key)


# -- the parser --------------------------------------------------------------------------------
def _add_profile(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help=f"{what} (default: the default profile, else '{DEFAULT_PROFILE}')",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="wfbrowse keys",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)

    set_cmd = commands.add_parser(
        "set",
        help="store a profile's keys (prompted, or two lines on stdin)",
        description="Store the API key and the application key of a profile in the OS "
        "keyring: prompted without echo on a terminal, else read from stdin, the API key on "
        "the first line and the application key on the second.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_profile(set_cmd, "the profile to store the keys under")
    set_cmd.add_argument(
        "--site",
        metavar="SITE",
        help="the keys' Datadog site, e.g. EU1 or datadoghq.eu "
        "(default: the profile's site, else $DD_SITE, else datadoghq.com)",
    )
    set_cmd.add_argument("--default", action="store_true", help="make it the default profile")
    set_cmd.set_defaults(handler=cmd_set)

    list_cmd = commands.add_parser(
        "list",
        help="show profiles, sites and masked keys",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    list_cmd.set_defaults(handler=cmd_list)

    test_cmd = commands.add_parser(
        "test",
        help="check the API key with GET /api/v1/validate",
        description="Check the keys the app would use (DD_API_KEY and DD_APP_KEY first, "
        "then the profile) with GET /api/v1/validate. That endpoint checks the API key only: "
        "the application key is checked on the first fetch.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_profile(test_cmd, "the profile to test")
    test_cmd.add_argument(
        "--site", metavar="SITE", help="the Datadog site (default: $DD_SITE, else the profile's)"
    )
    test_cmd.add_argument(
        "--api-url",
        metavar="URL",
        help="send the request to this base URL (loopback, or an https Datadog API host)",
    )
    test_cmd.add_argument(
        "--log", metavar="FILE", help="write a debug log of the request (keys redacted)"
    )
    test_cmd.set_defaults(handler=cmd_test)

    delete_cmd = commands.add_parser(
        "delete",
        help="remove a profile and its keys",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_profile(delete_cmd, "the profile to remove")
    delete_cmd.set_defaults(handler=cmd_delete)
    return parser


def main(argv: Sequence[str], *, keystore: KeyStore | None = None) -> int:
    ctx = Context(
        environ=dict(os.environ),
        stdin=sys.stdin,
        stdout=sys.stdout,
        stderr=sys.stderr,
        keystore=keystore or KeyStore(),
    )
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return USAGE
        code: int = args.handler(args, ctx)
    except Failure as failure:
        ctx.warn(str(failure))
        return failure.code
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        ctx.warn("interrupted")
        return INTERRUPTED
    return code
