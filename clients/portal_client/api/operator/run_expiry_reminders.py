from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.reminder_sweep_out import ReminderSweepOut
from ...models.reminder_sweep_request import ReminderSweepRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: None | ReminderSweepRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/operator/expiry-reminders",
    }

    if isinstance(body, ReminderSweepRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | ReminderSweepOut:
    if response.status_code == 200:
        response_200 = ReminderSweepOut.from_dict(response.json())

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
) -> Response[ProblemDetails | ReminderSweepOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: None | ReminderSweepRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ProblemDetails | ReminderSweepOut]:
    """Run Expiry Reminders

     Email (and notify) every holder whose SKK reaches an expiry threshold (``SKK_EXPIRY_REMINDER_DAYS``)
    today, each reminder once; ``as_of`` (dev mode only, else 422) sweeps that day instead.

    Args:
        idempotency_key (str | Unset):
        body (None | ReminderSweepRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ReminderSweepOut]
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
    body: None | ReminderSweepRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ProblemDetails | ReminderSweepOut | None:
    """Run Expiry Reminders

     Email (and notify) every holder whose SKK reaches an expiry threshold (``SKK_EXPIRY_REMINDER_DAYS``)
    today, each reminder once; ``as_of`` (dev mode only, else 422) sweeps that day instead.

    Args:
        idempotency_key (str | Unset):
        body (None | ReminderSweepRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ReminderSweepOut
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: None | ReminderSweepRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ProblemDetails | ReminderSweepOut]:
    """Run Expiry Reminders

     Email (and notify) every holder whose SKK reaches an expiry threshold (``SKK_EXPIRY_REMINDER_DAYS``)
    today, each reminder once; ``as_of`` (dev mode only, else 422) sweeps that day instead.

    Args:
        idempotency_key (str | Unset):
        body (None | ReminderSweepRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ReminderSweepOut]
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
    body: None | ReminderSweepRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ProblemDetails | ReminderSweepOut | None:
    """Run Expiry Reminders

     Email (and notify) every holder whose SKK reaches an expiry threshold (``SKK_EXPIRY_REMINDER_DAYS``)
    today, each reminder once; ``as_of`` (dev mode only, else 422) sweeps that day instead.

    Args:
        idempotency_key (str | Unset):
        body (None | ReminderSweepRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ReminderSweepOut
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
