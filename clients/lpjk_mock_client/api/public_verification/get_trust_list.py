from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.trust_list import TrustList
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/public/trust-list",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ProblemDetails | TrustList:
    if response.status_code == 200:
        response_200 = TrustList.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    response_default = ProblemDetails.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ProblemDetails | TrustList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ProblemDetails | TrustList]:
    """The keys a verifier accepts: LPJK's (current and retired) and each LSP's PDF certificate (public)

     LPJK's Ed25519 keys (purposes qr, credential, status_list; a retired key still verifies
    what it signed) and each LSP's PDF-signing certificate (purpose pdf), with validity and status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ProblemDetails | TrustList]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> Any | ProblemDetails | TrustList | None:
    """The keys a verifier accepts: LPJK's (current and retired) and each LSP's PDF certificate (public)

     LPJK's Ed25519 keys (purposes qr, credential, status_list; a retired key still verifies
    what it signed) and each LSP's PDF-signing certificate (purpose pdf), with validity and status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ProblemDetails | TrustList
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ProblemDetails | TrustList]:
    """The keys a verifier accepts: LPJK's (current and retired) and each LSP's PDF certificate (public)

     LPJK's Ed25519 keys (purposes qr, credential, status_list; a retired key still verifies
    what it signed) and each LSP's PDF-signing certificate (purpose pdf), with validity and status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ProblemDetails | TrustList]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> Any | ProblemDetails | TrustList | None:
    """The keys a verifier accepts: LPJK's (current and retired) and each LSP's PDF certificate (public)

     LPJK's Ed25519 keys (purposes qr, credential, status_list; a retired key still verifies
    what it signed) and each LSP's PDF-signing certificate (purpose pdf), with validity and status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ProblemDetails | TrustList
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
