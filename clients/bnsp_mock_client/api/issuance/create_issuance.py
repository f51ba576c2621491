from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.issuance_request import IssuanceRequest
from ...models.issuance_response import IssuanceResponse
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: IssuanceRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/issuances",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> IssuanceResponse | ProblemDetails:
    if response.status_code == 200:
        response_200 = IssuanceResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = IssuanceResponse.from_dict(response.json())

        return response_201

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

    if response.status_code == 413:
        response_413 = ProblemDetails.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ProblemDetails.from_dict(response.json())

        return response_422

    response_default = ProblemDetails.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[IssuanceResponse | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: IssuanceRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[IssuanceResponse | ProblemDetails]:
    """Issue the SKK number and BNSP registration number (idempotent per LSP and application)

     201 with fresh numbers; 200 with the same numbers for a repeat of the same plan; 409 if
    a repeat changes its facts; 403 if the caller is not that LSP or the LSP is not licensed
    for the jabatan kerja; 422 for an inconsistent plan.

    Args:
        idempotency_key (str | Unset):
        body (IssuanceRequest): BNSP ``create_issuance``: idempotent per (``lsp_code``,
            ``application_id``).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IssuanceResponse | ProblemDetails]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: IssuanceRequest,
    idempotency_key: str | Unset = UNSET,
) -> IssuanceResponse | ProblemDetails | None:
    """Issue the SKK number and BNSP registration number (idempotent per LSP and application)

     201 with fresh numbers; 200 with the same numbers for a repeat of the same plan; 409 if
    a repeat changes its facts; 403 if the caller is not that LSP or the LSP is not licensed
    for the jabatan kerja; 422 for an inconsistent plan.

    Args:
        idempotency_key (str | Unset):
        body (IssuanceRequest): BNSP ``create_issuance``: idempotent per (``lsp_code``,
            ``application_id``).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IssuanceResponse | ProblemDetails
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: IssuanceRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[IssuanceResponse | ProblemDetails]:
    """Issue the SKK number and BNSP registration number (idempotent per LSP and application)

     201 with fresh numbers; 200 with the same numbers for a repeat of the same plan; 409 if
    a repeat changes its facts; 403 if the caller is not that LSP or the LSP is not licensed
    for the jabatan kerja; 422 for an inconsistent plan.

    Args:
        idempotency_key (str | Unset):
        body (IssuanceRequest): BNSP ``create_issuance``: idempotent per (``lsp_code``,
            ``application_id``).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IssuanceResponse | ProblemDetails]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: IssuanceRequest,
    idempotency_key: str | Unset = UNSET,
) -> IssuanceResponse | ProblemDetails | None:
    """Issue the SKK number and BNSP registration number (idempotent per LSP and application)

     201 with fresh numbers; 200 with the same numbers for a repeat of the same plan; 409 if
    a repeat changes its facts; 403 if the caller is not that LSP or the LSP is not licensed
    for the jabatan kerja; 422 for an inconsistent plan.

    Args:
        idempotency_key (str | Unset):
        body (IssuanceRequest): BNSP ``create_issuance``: idempotent per (``lsp_code``,
            ``application_id``).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IssuanceResponse | ProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
