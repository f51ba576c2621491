from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.lsp_with_credentials import LspWithCredentials
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    code: str,
    *,
    grace_seconds: int | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    json_grace_seconds: int | None | Unset
    if isinstance(grace_seconds, Unset):
        json_grace_seconds = UNSET
    else:
        json_grace_seconds = grace_seconds
    params["grace_seconds"] = json_grace_seconds

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/lsps/{code}/rotate-secret".format(
            code=quote(str(code), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> LspWithCredentials | ProblemDetails:
    if response.status_code == 200:
        response_200 = LspWithCredentials.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ProblemDetails.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ProblemDetails.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ProblemDetails.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = ProblemDetails.from_dict(response.json())

        return response_422

    response_default = ProblemDetails.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[LspWithCredentials | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    code: str,
    *,
    client: AuthenticatedClient | Client,
    grace_seconds: int | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[LspWithCredentials | ProblemDetails]:
    """Rotate Lsp Secret

     A new webhook secret and api key. The old api key stops working at once; SIKI signs with
    the old webhook secret too for ``grace_seconds`` (default ``SKK_WEBHOOK_SECRET_GRACE_SECONDS``;
    0 for a leaked secret).

    Args:
        code (str):
        grace_seconds (int | None | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LspWithCredentials | ProblemDetails]
    """

    kwargs = _get_kwargs(
        code=code,
        grace_seconds=grace_seconds,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    code: str,
    *,
    client: AuthenticatedClient | Client,
    grace_seconds: int | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> LspWithCredentials | ProblemDetails | None:
    """Rotate Lsp Secret

     A new webhook secret and api key. The old api key stops working at once; SIKI signs with
    the old webhook secret too for ``grace_seconds`` (default ``SKK_WEBHOOK_SECRET_GRACE_SECONDS``;
    0 for a leaked secret).

    Args:
        code (str):
        grace_seconds (int | None | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LspWithCredentials | ProblemDetails
    """

    return sync_detailed(
        code=code,
        client=client,
        grace_seconds=grace_seconds,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    code: str,
    *,
    client: AuthenticatedClient | Client,
    grace_seconds: int | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[LspWithCredentials | ProblemDetails]:
    """Rotate Lsp Secret

     A new webhook secret and api key. The old api key stops working at once; SIKI signs with
    the old webhook secret too for ``grace_seconds`` (default ``SKK_WEBHOOK_SECRET_GRACE_SECONDS``;
    0 for a leaked secret).

    Args:
        code (str):
        grace_seconds (int | None | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LspWithCredentials | ProblemDetails]
    """

    kwargs = _get_kwargs(
        code=code,
        grace_seconds=grace_seconds,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    code: str,
    *,
    client: AuthenticatedClient | Client,
    grace_seconds: int | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> LspWithCredentials | ProblemDetails | None:
    """Rotate Lsp Secret

     A new webhook secret and api key. The old api key stops working at once; SIKI signs with
    the old webhook secret too for ``grace_seconds`` (default ``SKK_WEBHOOK_SECRET_GRACE_SECONDS``;
    0 for a leaked secret).

    Args:
        code (str):
        grace_seconds (int | None | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LspWithCredentials | ProblemDetails
    """

    return (
        await asyncio_detailed(
            code=code,
            client=client,
            grace_seconds=grace_seconds,
            idempotency_key=idempotency_key,
        )
    ).parsed
