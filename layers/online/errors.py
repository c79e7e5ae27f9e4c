"""Errors of the online fetchers; Dutch text for the user, like every :class:`LayerError`."""

from __future__ import annotations

from layers.errors import LayerError

__all__ = ["AreaError", "FetchError", "OfflineError", "ServiceError", "ServiceLimitError"]


class FetchError(LayerError):
    """Something went wrong while fetching; ``service`` names the service (for the UI)."""

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        service: str = "",
        url: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, path=url)
        self.service = service
        self.url = url


class OfflineError(FetchError):
    """No network (DNS failure, refused connection, timeout): cached data is still usable."""


class ServiceError(FetchError):
    """The service answered, but not with what we need (HTTP error, malformed response)."""

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        service: str = "",
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, hint=hint, service=service, url=url)
        self.status = status


class ServiceLimitError(FetchError):
    """The request is larger than we fetch in one go (area, features, tiles)."""


class AreaError(FetchError):
    """The area cannot be used: unknown gemeente, a bbox outside the Netherlands or too large."""
