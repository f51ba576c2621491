from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.record_answer import RecordAnswer
from ...models.revoke_request import RevokeRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    recording_number: str,
    *,
    body: RevokeRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/records/{recording_number}/revoke".format(
            recording_number=quote(str(recording_number), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetails | RecordAnswer:
    if response.status_code == 200:
        response_200 = RecordAnswer.from_dict(response.json())

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
) -> Response[ProblemDetails | RecordAnswer]:
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
    body: RevokeRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ProblemDetails | RecordAnswer]:
    """Revoke a recorded SKK (LPJK operators, role records); verification answers revoked from then on

     404 for an unknown recording number; revoking again keeps the first revocation.

    Args:
        recording_number (str):
        idempotency_key (str | Unset):
        body (RevokeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | RecordAnswer]
    """

    kwargs = _get_kwargs(
        recording_number=recording_number,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
    body: RevokeRequest,
    idempotency_key: str | Unset = UNSET,
) -> ProblemDetails | RecordAnswer | None:
    """Revoke a recorded SKK (LPJK operators, role records); verification answers revoked from then on

     404 for an unknown recording number; revoking again keeps the first revocation.

    Args:
        recording_number (str):
        idempotency_key (str | Unset):
        body (RevokeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | RecordAnswer
    """

    return sync_detailed(
        recording_number=recording_number,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
    body: RevokeRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ProblemDetails | RecordAnswer]:
    """Revoke a recorded SKK (LPJK operators, role records); verification answers revoked from then on

     404 for an unknown recording number; revoking again keeps the first revocation.

    Args:
        recording_number (str):
        idempotency_key (str | Unset):
        body (RevokeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | RecordAnswer]
    """

    kwargs = _get_kwargs(
        recording_number=recording_number,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
    body: RevokeRequest,
    idempotency_key: str | Unset = UNSET,
) -> ProblemDetails | RecordAnswer | None:
    """Revoke a recorded SKK (LPJK operators, role records); verification answers revoked from then on

     404 for an unknown recording number; revoking again keeps the first revocation.

    Args:
        recording_number (str):
        idempotency_key (str | Unset):
        body (RevokeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | RecordAnswer
    """

    return (
        await asyncio_detailed(
            recording_number=recording_number,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
