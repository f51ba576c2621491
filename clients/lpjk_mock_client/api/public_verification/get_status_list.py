from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...types import Response


def _get_kwargs(
    purpose: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/public/status-lists/{purpose}".format(
            purpose=quote(str(purpose), safe=""),
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
    purpose: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ProblemDetails]:
    """LPJK's signed status list of revoked or suspended certificates (public, cacheable)

     Bit ``status_list_index`` of a certificate is set when it is revoked (``revocation``) or
    suspended now (``suspension``); 131,072 entries, indexes drawn at random. Valid one day;
    cached for 5 minutes. 404 naming ``purpose`` for another purpose.

    Args:
        purpose (str): revocation or suspension

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ProblemDetails]
    """

    kwargs = _get_kwargs(
        purpose=purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    purpose: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ProblemDetails | None:
    """LPJK's signed status list of revoked or suspended certificates (public, cacheable)

     Bit ``status_list_index`` of a certificate is set when it is revoked (``revocation``) or
    suspended now (``suspension``); 131,072 entries, indexes drawn at random. Valid one day;
    cached for 5 minutes. 404 naming ``purpose`` for another purpose.

    Args:
        purpose (str): revocation or suspension

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ProblemDetails
    """

    return sync_detailed(
        purpose=purpose,
        client=client,
    ).parsed


async def asyncio_detailed(
    purpose: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ProblemDetails]:
    """LPJK's signed status list of revoked or suspended certificates (public, cacheable)

     Bit ``status_list_index`` of a certificate is set when it is revoked (``revocation``) or
    suspended now (``suspension``); 131,072 entries, indexes drawn at random. Valid one day;
    cached for 5 minutes. 404 naming ``purpose`` for another purpose.

    Args:
        purpose (str): revocation or suspension

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ProblemDetails]
    """

    kwargs = _get_kwargs(
        purpose=purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    purpose: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ProblemDetails | None:
    """LPJK's signed status list of revoked or suspended certificates (public, cacheable)

     Bit ``status_list_index`` of a certificate is set when it is revoked (``revocation``) or
    suspended now (``suspension``); 131,072 entries, indexes drawn at random. Valid one day;
    cached for 5 minutes. 404 naming ``purpose`` for another purpose.

    Args:
        purpose (str): revocation or suspension

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ProblemDetails
    """

    return (
        await asyncio_detailed(
            purpose=purpose,
            client=client,
        )
    ).parsed
