from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.certificate_status_answer import CertificateStatusAnswer
from ...models.problem_details import ProblemDetails
from ...models.status_change_request import StatusChangeRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    recording_number: str,
    *,
    body: StatusChangeRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/records/{recording_number}/reinstatement".format(
            recording_number=quote(str(recording_number), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CertificateStatusAnswer | ProblemDetails:
    if response.status_code == 200:
        response_200 = CertificateStatusAnswer.from_dict(response.json())

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
) -> Response[CertificateStatusAnswer | ProblemDetails]:
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
    body: StatusChangeRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[CertificateStatusAnswer | ProblemDetails]:
    """Reinstate a suspended certificate (LPJK operators, role records): it is active again

     Only a suspended certificate can be reinstated (an active one answers as a repeat). Audited; commits
    with its ``certificate.status_changed`` event (SIKI and the portal follow it). A repeat (the
    certificate already stands so) changes nothing and answers ``changed: false``. 404 for an unknown
    recording number, 409 for a change its standing does not allow (``field``: ``status``), 422 for a
    missing or too long ``reason``.

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4
        idempotency_key (str | Unset):
        body (StatusChangeRequest): An operator's suspension, reinstatement or revocation of a
            certificate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CertificateStatusAnswer | ProblemDetails]
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
    body: StatusChangeRequest,
    idempotency_key: str | Unset = UNSET,
) -> CertificateStatusAnswer | ProblemDetails | None:
    """Reinstate a suspended certificate (LPJK operators, role records): it is active again

     Only a suspended certificate can be reinstated (an active one answers as a repeat). Audited; commits
    with its ``certificate.status_changed`` event (SIKI and the portal follow it). A repeat (the
    certificate already stands so) changes nothing and answers ``changed: false``. 404 for an unknown
    recording number, 409 for a change its standing does not allow (``field``: ``status``), 422 for a
    missing or too long ``reason``.

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4
        idempotency_key (str | Unset):
        body (StatusChangeRequest): An operator's suspension, reinstatement or revocation of a
            certificate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CertificateStatusAnswer | ProblemDetails
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
    body: StatusChangeRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[CertificateStatusAnswer | ProblemDetails]:
    """Reinstate a suspended certificate (LPJK operators, role records): it is active again

     Only a suspended certificate can be reinstated (an active one answers as a repeat). Audited; commits
    with its ``certificate.status_changed`` event (SIKI and the portal follow it). A repeat (the
    certificate already stands so) changes nothing and answers ``changed: false``. 404 for an unknown
    recording number, 409 for a change its standing does not allow (``field``: ``status``), 422 for a
    missing or too long ``reason``.

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4
        idempotency_key (str | Unset):
        body (StatusChangeRequest): An operator's suspension, reinstatement or revocation of a
            certificate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CertificateStatusAnswer | ProblemDetails]
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
    body: StatusChangeRequest,
    idempotency_key: str | Unset = UNSET,
) -> CertificateStatusAnswer | ProblemDetails | None:
    """Reinstate a suspended certificate (LPJK operators, role records): it is active again

     Only a suspended certificate can be reinstated (an active one answers as a repeat). Audited; commits
    with its ``certificate.status_changed`` event (SIKI and the portal follow it). A repeat (the
    certificate already stands so) changes nothing and answers ``changed: false``. 404 for an unknown
    recording number, 409 for a change its standing does not allow (``field``: ``status``), 422 for a
    missing or too long ``reason``.

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4
        idempotency_key (str | Unset):
        body (StatusChangeRequest): An operator's suspension, reinstatement or revocation of a
            certificate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CertificateStatusAnswer | ProblemDetails
    """

    return (
        await asyncio_detailed(
            recording_number=recording_number,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
