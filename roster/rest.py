"""Reading a OneRoster REST endpoint: OAuth 2 client credentials (or OAuth 1.0a, which the
1.1 specification names), paged with limit and offset, into RosterData.

The client secret is decrypted only here, to sign in, and never logged or shown. Every
failure (no answer, a refusal, a page that is not OneRoster JSON) is a RosterProblem
with a message for the school; nothing is changed.

The server calls only addresses on the internet: before every request the host is looked
up and refused unless each of its addresses is public (not this server, its network or a
cloud's metadata service); redirects are never followed, and a server's "next page"
address must be on the same scheme, host and port as the REST address in the settings.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import secrets as random
import socket
import time
from urllib.parse import parse_qsl, quote, urljoin, urlsplit, urlunsplit

import requests

from esafety.params import parse_int

from .oneroster import RosterData, RosterProblem, add_classes_from_json, user_from_json

TIMEOUT_SECONDS = 30
PAGE_SIZE = 100  # the specification's default; some servers allow no more
MAX_PAGES = 2000  # 200,000 records: far beyond any school, a guard against a loop
MAX_BODY_BYTES = 20 * 1024 * 1024  # one page of 100 people is tens of kilobytes
ROSTER_SCOPE = {
    "1.1": "https://purl.imsglobal.org/spec/or/v1p1/scope/roster.readonly",
    "1.2": "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly",
}


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _public(text: str) -> bool:
    """Whether an address (as getaddrinfo gives it) is on the internet, including the
    IPv4 address inside an IPv6 one (mapped, 6to4, Teredo, NAT64)."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    inner = []
    if isinstance(address, ipaddress.IPv6Address):
        inner = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if address in NAT64:
            inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return all(
        a.is_global
        and not (
            a.is_loopback
            or a.is_link_local
            or a.is_private
            or a.is_reserved
            or a.is_multicast
            or a.is_unspecified
        )
        for a in [address, *(i for i in inner if i is not None)]
    )


def resolves_privately(host: str, port: int = 443) -> bool:
    """Whether `host` has an address that isn't on the internet (False if it can't be
    looked up at all: the settings page says nothing then, a sync says it wasn't found)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    return not all(_public(str(info[4][0])) for info in infos)


def check_address(url: str) -> None:
    """Refuse, before a request, an address that isn't https or whose host has any
    address off the internet."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or 443
    except ValueError:
        port = 0
    if parts.scheme != "https" or not host or not port:
        raise RosterProblem(
            "The MIS addresses in the sync settings must be https:// addresses on the "
            "internet. Nothing was changed."
        )
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        infos = []
    if not infos:
        raise RosterProblem(
            f"The MIS at {host} couldn't be found. Check the address in the sync settings; "
            "nothing was changed."
        )
    if not all(_public(str(info[4][0])) for info in infos):
        raise RosterProblem(
            f"The MIS address {host} leads to a private or local network, which the sync "
            "doesn't call. Give the MIS's address on the internet in the sync settings. "
            "Nothing was changed."
        )


def _same_origin(url: str, base: str) -> bool:
    a, b = urlsplit(url), urlsplit(base)
    try:
        ports = (a.port or 443, b.port or 443)
    except ValueError:
        return False
    return (
        a.scheme == b.scheme == "https"
        and (a.hostname or "") == (b.hostname or "")
        and ports[0] == ports[1]
    )


def _enc(text: str) -> str:
    return quote(text, safe="~-._")


def oauth1_header(method: str, url: str, params: dict, key: str, secret: str) -> str:
    """A two-legged OAuth 1.0a header signed with HMAC-SHA256 (OneRoster 1.1)."""
    parts = urlsplit(url)
    base_url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    oauth = {
        "oauth_consumer_key": key,
        "oauth_nonce": random.token_hex(16),
        "oauth_signature_method": "HMAC-SHA256",
        "oauth_timestamp": str(int(time.time())),
        "oauth_version": "1.0",
    }
    pairs = [*parse_qsl(parts.query), *((k, str(v)) for k, v in params.items()), *oauth.items()]
    normalised = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in pairs))
    base = "&".join((method.upper(), _enc(base_url), _enc(normalised)))
    digest = hmac.new(f"{_enc(secret)}&".encode(), base.encode(), hashlib.sha256).digest()
    oauth["oauth_signature"] = base64.b64encode(digest).decode()
    return "OAuth " + ", ".join(f'{k}="{_enc(v)}"' for k, v in oauth.items())


class RestClient:
    def __init__(self, source, *, session: requests.Session | None = None):
        self.source = source
        self.base = source.base_url.rstrip("/")
        self.session = session or requests.Session()
        self.token = ""
        self.host = urlsplit(source.base_url).netloc or source.base_url

    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        check_address(url)
        host = urlsplit(url).hostname or self.host
        try:
            response = self.session.request(
                method, url, timeout=TIMEOUT_SECONDS, allow_redirects=False, stream=True, **kwargs
            )
        except requests.Timeout:
            raise RosterProblem(
                f"The MIS at {host} didn't answer within {TIMEOUT_SECONDS} seconds. "
                "Nothing was changed; the next sync will try again."
            ) from None
        except requests.RequestException:
            raise RosterProblem(
                f"The MIS at {host} couldn't be reached. Check the address in the sync "
                "settings; nothing was changed."
            ) from None
        if 300 <= response.status_code < 400:
            response.close()
            raise RosterProblem(
                f"The MIS at {host} sent the sync on to another address (HTTP "
                f"{response.status_code}), which it doesn't follow. Check the address in the "
                "sync settings is exactly the one your MIS supplier gives. Nothing was changed."
            )
        return response

    def _json(self, response: requests.Response):
        """The answer's JSON, read as a stream of at most MAX_BODY_BYTES (unzipped)."""
        too_large = RosterProblem(
            f"The MIS at {self.host} sent an answer of more than "
            f"{MAX_BODY_BYTES // (1024 * 1024)} MB, far more than a page of a roster. "
            "Nothing was changed; if it happens again, ask your MIS supplier."
        )
        length = response.headers.get("Content-Length", "")
        declared = parse_int(length, high=2**62)
        if declared is not None and declared > MAX_BODY_BYTES:
            response.close()
            raise too_large
        body = bytearray()
        try:
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise too_large
        except requests.RequestException:
            raise RosterProblem(
                f"The MIS at {self.host} stopped part-way through an answer. Nothing was "
                "changed; the next sync will try again."
            ) from None
        finally:
            response.close()
        return json.loads(bytes(body))

    def _refused(self, response, what: str) -> RosterProblem:
        if response.status_code in (401, 403):
            return RosterProblem(
                f"The MIS refused the {what} (HTTP {response.status_code}). Check the client "
                "ID and secret in the sync settings, and that the MIS allows this product "
                "to read its roster. Nothing was changed."
            )
        return RosterProblem(
            f"The MIS answered HTTP {response.status_code} to the {what}. Nothing was "
            "changed; if it happens again, ask your MIS supplier."
        )

    def sign_in(self) -> None:
        if self.source.auth_method != "oauth2":
            return
        scope = self.source.scope or ROSTER_SCOPE.get(self.source.version, "")
        response = self._request(
            "POST",
            self.source.token_url,
            data={"grant_type": "client_credentials", "scope": scope},
            auth=(self.source.client_id, self.source.client_secret),
        )
        if response.status_code != 200:
            response.close()
            raise self._refused(response, "sign-in (client ID and secret)")
        try:
            self.token = str(self._json(response)["access_token"])
        except (ValueError, KeyError, TypeError):
            raise RosterProblem(
                "The MIS's sign-in address didn't give an access token. Check the token "
                "address in the sync settings."
            ) from None

    def _get(self, url: str, params: dict) -> requests.Response:
        if self.source.auth_method == "oauth1":
            auth = oauth1_header(
                "GET", url, params, self.source.client_id, self.source.client_secret
            )
        else:
            auth = f"Bearer {self.token}"
        return self._request(
            "GET", url, params=params, headers={"Authorization": auth, "Accept": "application/json"}
        )

    def collection(self, path: str, keys: tuple[str, ...]) -> list[dict]:
        """Every item of a collection, page by page: the `Link: rel="next"` address where
        the server gives one, else offset by offset until a short page or X-Total-Count."""
        items: list[dict] = []
        url, params = f"{self.base}/{path}", {"limit": PAGE_SIZE, "offset": 0}
        for _ in range(MAX_PAGES):
            response = self._get(url, params)
            if response.status_code != 200:
                response.close()
                raise self._refused(response, f"request for {path}")
            try:
                body = self._json(response)
                page = next(body[k] for k in keys if k in body)
                if not isinstance(page, list):
                    raise TypeError
            except (ValueError, StopIteration, TypeError):
                raise RosterProblem(
                    f"The MIS's answer for {path} isn't OneRoster data. Check the address "
                    "in the sync settings (it ends with /ims/oneroster/v1p1 or "
                    "/ims/oneroster/rostering/v1p2)."
                ) from None
            items.extend(page)
            following = response.links.get("next", {}).get("url")
            total = response.headers.get("X-Total-Count", "")
            if following:
                following = urljoin(url, following)
                if not _same_origin(following, self.base):
                    raise RosterProblem(
                        f"The MIS gave the next page of {path} at a different address from "
                        "the REST address in the sync settings, so the sync stopped there "
                        "without signing in to it. Nothing was changed; if it happens again, "
                        "ask your MIS supplier."
                    )
                url, params = following, {}
                continue
            if not params:  # followed the server's links to the last page
                return items
            offset = int(params.get("offset", 0)) + len(page)
            count = parse_int(total, high=2**62)  # the MIS's X-Total-Count, if it sends one
            if not page or (count is not None and offset >= count):
                return items
            if count is None and len(page) < int(params.get("limit", PAGE_SIZE)):
                return items
            params = {"limit": PAGE_SIZE, "offset": offset}
        raise RosterProblem(f"The MIS kept sending more pages of {path}; the sync stopped.")


def read_rest(source, *, today: datetime.date, session=None) -> RosterData:
    client = RestClient(source, session=session)
    client.sign_in()
    roster = RosterData(version=source.version, complete=True)
    users = client.collection("users", ("users",))
    roster.users = [
        user_from_json(u, n) for n, u in enumerate(users, start=1) if isinstance(u, dict)
    ]
    classes = client.collection("classes", ("classes",))
    enrollments = []
    if any(
        str(c.get("classType", "")).lower() == "homeroom" for c in classes if isinstance(c, dict)
    ):
        enrollments = client.collection("enrollments", ("enrollments",))
    add_classes_from_json(roster, classes, enrollments, today)
    if not roster.users:
        raise RosterProblem("The MIS sent no people, so nothing was changed.")
    return roster
