from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.backdated_issuance import BackdatedIssuance
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: BackdatedIssuance,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/dev/backdated-issuances",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BackdatedIssuance | ProblemDetails:
    if response.status_code == 200:
        response_200 = BackdatedIssuance.from_dict(response.json())

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
) -> Response[BackdatedIssuance | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BackdatedIssuance,
    idempotency_key: str | Unset = UNSET,
) -> Response[BackdatedIssuance | ProblemDetails]:
    """Dev mode: issue an application not yet issued as of a past instant (BNSP operators, role admin)

     200 once set; 422 naming ``issued_at`` for an instant not in the past; 409 naming
    ``application_id`` if BNSP issued it already.

    Args:
        idempotency_key (str | Unset):
        body (BackdatedIssuance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BackdatedIssuance | ProblemDetails]
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
    body: BackdatedIssuance,
    idempotency_key: str | Unset = UNSET,
) -> BackdatedIssuance | ProblemDetails | None:
    """Dev mode: issue an application not yet issued as of a past instant (BNSP operators, role admin)

     200 once set; 422 naming ``issued_at`` for an instant not in the past; 409 naming
    ``application_id`` if BNSP issued it already.

    Args:
        idempotency_key (str | Unset):
        body (BackdatedIssuance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BackdatedIssuance | ProblemDetails
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BackdatedIssuance,
    idempotency_key: str | Unset = UNSET,
) -> Response[BackdatedIssuance | ProblemDetails]:
    """Dev mode: issue an application not yet issued as of a past instant (BNSP operators, role admin)

     200 once set; 422 naming ``issued_at`` for an instant not in the past; 409 naming
    ``application_id`` if BNSP issued it already.

    Args:
        idempotency_key (str | Unset):
        body (BackdatedIssuance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BackdatedIssuance | ProblemDetails]
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
    body: BackdatedIssuance,
    idempotency_key: str | Unset = UNSET,
) -> BackdatedIssuance | ProblemDetails | None:
    """Dev mode: issue an application not yet issued as of a past instant (BNSP operators, role admin)

     200 once set; 422 naming ``issued_at`` for an instant not in the past; 409 naming
    ``application_id`` if BNSP issued it already.

    Args:
        idempotency_key (str | Unset):
        body (BackdatedIssuance):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BackdatedIssuance | ProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
