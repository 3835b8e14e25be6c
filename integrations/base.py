"""What a wire client needs to know about its credential: the token to send now, and how to get
a new one once the platform refuses it. The app that owns the credential builds the object
(reloading, refreshing and storing tokens are app work); the wire client only asks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from core.http import UpstreamClient


class Credentials(Protocol):
    """An object may also offer ``secrets() -> tuple[str, ...]`` (a refresh token, a client
    secret): ``CredentialedClient`` masks those in every message too."""

    @property
    def access_token(self) -> str:
        """The token to send with the next request ("" for none)."""
        ...

    def renew(self, failed_token: str) -> str | None:
        """A working token after the platform refused ``failed_token``: another worker's
        newer token, or a refreshed one. None when it can't be renewed (the user has to
        re-authorize). Runs under the client's credential lock."""
        ...


class StaticCredentials:
    """A token that can't be renewed by us (a Business API long-lived token, an Events API
    token, a bot token). ``on_refused(failed_token)`` lets the owner record that it died."""

    def __init__(self, access_token: str = "", *, on_refused: Callable[[str], None] | None = None):
        self._access_token = access_token
        self.on_refused = on_refused

    @property
    def access_token(self) -> str:
        return self._access_token

    def renew(self, failed_token: str) -> str | None:
        if self.on_refused is not None:
            self.on_refused(failed_token)
        return None


class CredentialedClient(UpstreamClient):
    """An ``UpstreamClient`` whose token comes from a ``Credentials`` object: a refused token
    is renewed through it once (under the credential's lock), then the call goes again."""

    def __init__(self, *, credentials: Credentials, **kwargs: Any):
        self.credentials = credentials
        super().__init__(**kwargs)

    @property
    def access_token(self) -> str:
        return self.credentials.access_token

    def refresh_credentials(self) -> bool:
        failed = self.credentials.access_token
        renewed = self.credentials.renew(failed)
        return bool(renewed) and renewed != failed

    def sensitive_values(self) -> Iterable[str]:
        extra = getattr(self.credentials, "secrets", None)
        return (*super().sensitive_values(), self.credentials.access_token, *(extra() if callable(extra) else ()))
