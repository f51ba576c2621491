from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...types import Response


def _get_kwargs(
    recording_number: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/public/credentials/{recording_number}".format(
            recording_number=quote(str(recording_number), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ProblemDetails:
    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 404:
        response_404 = ProblemDetails.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ProblemDetails.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ProblemDetails.from_dict(response.json())

        return response_429

    response_default = ProblemDetails.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ProblemDetails]:
    """A certificate as a signed W3C Verifiable Credential 2.0 (public)

     Issuer LPJK; the holder with masked name and NIK; the achievement; ``credentialStatus``
    pointing into both status lists. 404 naming ``recording_number`` for an unknown number.
    Throttled per address together with ``verify_certificate``.

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ProblemDetails]
    """

    kwargs = _get_kwargs(
        recording_number=recording_number,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ProblemDetails | None:
    """A certificate as a signed W3C Verifiable Credential 2.0 (public)

     Issuer LPJK; the holder with masked name and NIK; the achievement; ``credentialStatus``
    pointing into both status lists. 404 naming ``recording_number`` for an unknown number.
    Throttled per address together with ``verify_certificate``.

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ProblemDetails
    """

    return sync_detailed(
        recording_number=recording_number,
        client=client,
    ).parsed


async def asyncio_detailed(
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ProblemDetails]:
    """A certificate as a signed W3C Verifiable Credential 2.0 (public)

     Issuer LPJK; the holder with masked name and NIK; the achievement; ``credentialStatus``
    pointing into both status lists. 404 naming ``recording_number`` for an unknown number.
    Throttled per address together with ``verify_certificate``.

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ProblemDetails]
    """

    kwargs = _get_kwargs(
        recording_number=recording_number,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ProblemDetails | None:
    """A certificate as a signed W3C Verifiable Credential 2.0 (public)

     Issuer LPJK; the holder with masked name and NIK; the achievement; ``credentialStatus``
    pointing into both status lists. 404 naming ``recording_number`` for an unknown number.
    Throttled per address together with ``verify_certificate``.

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ProblemDetails
    """

    return (
        await asyncio_detailed(
            recording_number=recording_number,
            client=client,
        )
    ).parsed
