"""Logins for SPARQL servers: from ``user:pass@`` in the URL, from ``--user``, or from ``~/.netrc``.

A :class:`Login` never shows its password (not in ``repr``, not in any message), and URLs are
stripped of their user information before they are used or shown, so a password given in a URL
cannot reach an error line or a log. The HTTP side (Basic and Digest) is urllib's own handlers,
see :func:`graph.query.remote.send`.

Examples
--------
>>> url, login = login_for("https://ann:s3cret@example.org/sparql")
>>> url, login
('https://example.org/sparql', Login(user='ann', source='the URL'))
"""

from __future__ import annotations

import netrc
import os
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import EndpointError

__all__ = ["PASSWORD_VARIABLE", "Login", "check_http_url", "login_for", "netrc_path", "shown_url"]

PASSWORD_VARIABLE = "AIDGRAPH_PASSWORD"
"""The environment variable that holds the password for ``--user NAME``."""


@dataclass(frozen=True)
class Login:
    """A user name and password for one server; ``source`` says where they came from."""

    user: str
    password: str = field(repr=False)
    source: str = field(default="--user", compare=False)


def check_http_url(url: str, what: str = "URL") -> str:
    """``url`` if it is an http(s) URL with a host; otherwise an error that does not echo a password.

    Examples
    --------
    >>> check_http_url("file:///etc/passwd#", "--store-url")
    Traceback (most recent call last):
    ...
    graph.errors.EndpointError: --store-url must be an http(s) URL, not 'file:///etc/passwd'
    """
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.hostname:
        raise EndpointError(f"{what} must be an http(s) URL, not {shown_url(url)!r}")
    return url


def shown_url(url: str) -> str:
    """``url`` without user information (and so without a password), for messages.

    Examples
    --------
    >>> shown_url("http://ann:s3cret@127.0.0.1:8890/sparql?query=ASK%7B%7D")
    'http://127.0.0.1:8890/sparql'
    """
    parsed = urllib.parse.urlsplit(url)
    host = parsed.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parsed.scheme, host, parsed.path, "", ""))


def login_for(url: str, *, user: str | None = None, password: str | None = None) -> tuple[str, Login | None]:
    """The URL to use (user information removed) and the login for it, if any.

    The first of these wins: ``user`` (``--user NAME``; its password is ``password``, else
    ``$AIDGRAPH_PASSWORD``, else the ``~/.netrc`` entry for that user and host), the user and
    password written in the URL, the ``~/.netrc`` (or ``$NETRC``) entry for the URL's host.

    Raises
    ------
    EndpointError
        When a user is named but no password can be found, or ``~/.netrc`` cannot be read.
    """
    check_http_url(url)
    parsed = urllib.parse.urlsplit(url)
    clean = shown_url(url) + (f"?{parsed.query}" if parsed.query else "")
    host = parsed.hostname or ""
    if user is None and parsed.username is not None:
        user = urllib.parse.unquote(parsed.username)
        if parsed.password is not None:
            return clean, Login(user, urllib.parse.unquote(parsed.password), "the URL")
    if user is not None:
        password = password if password is not None else os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            entry = _netrc_entry(host)
            if entry is not None and entry[0] == user:
                return clean, Login(user, entry[1], str(netrc_path()))
            raise EndpointError(
                f"no password for user {user!r}: set {PASSWORD_VARIABLE}, add a ~/.netrc entry for {host}, "
                "or run in a terminal to be asked"
            )
        return clean, Login(user, password, "--user")
    entry = _netrc_entry(host)
    return clean, (Login(entry[0], entry[1], str(netrc_path())) if entry else None)


def netrc_path() -> Path:
    """The netrc file curl and requests read: ``$NETRC``, else ``~/.netrc``."""
    return Path(os.environ.get("NETRC") or Path.home() / ".netrc")


def _netrc_entry(host: str) -> tuple[str, str] | None:
    """(login, password) for ``host`` (or the ``default`` entry) in the netrc file, if any."""
    path = netrc_path()
    if not path.is_file():
        return None
    try:
        found = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as err:  # its message may quote a token: show the place only
        raise EndpointError(f"{err.filename}:{err.lineno}: cannot read this netrc file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise EndpointError(f"{path}: cannot read this netrc file ({type(err).__name__})") from None
    if not found or not found[0]:
        return None
    return found[0], found[2] or ""
