from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.qr_verify_request import QrVerifyRequest
from ...models.verification_result import VerificationResult
from ...types import Response


def _get_kwargs(
    *,
    body: QrVerifyRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/public/qr/verify",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | VerificationResult:
    if response.status_code == 200:
        response_200 = VerificationResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ProblemDetails.from_dict(response.json())

        return response_400

    if response.status_code == 413:
        response_413 = ProblemDetails.from_dict(response.json())

        return response_413

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
) -> Response[ProblemDetails | VerificationResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: QrVerifyRequest,
) -> Response[ProblemDetails | VerificationResult]:
    """Verify a QR payload's LPJK signature offline (public)

     The signature is checked against LPJK's public key named by the payload's ``kid``; the
    certificate's fields come from the signed claims. ``valid`` is false (with ``reason``) for a
    bad signature, an unknown key id, an expired certificate, or one LPJK has since revoked.
    Throttled per address together with ``verify_certificate``.

    Args:
        body (QrVerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | VerificationResult]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: QrVerifyRequest,
) -> ProblemDetails | VerificationResult | None:
    """Verify a QR payload's LPJK signature offline (public)

     The signature is checked against LPJK's public key named by the payload's ``kid``; the
    certificate's fields come from the signed claims. ``valid`` is false (with ``reason``) for a
    bad signature, an unknown key id, an expired certificate, or one LPJK has since revoked.
    Throttled per address together with ``verify_certificate``.

    Args:
        body (QrVerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | VerificationResult
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: QrVerifyRequest,
) -> Response[ProblemDetails | VerificationResult]:
    """Verify a QR payload's LPJK signature offline (public)

     The signature is checked against LPJK's public key named by the payload's ``kid``; the
    certificate's fields come from the signed claims. ``valid`` is false (with ``reason``) for a
    bad signature, an unknown key id, an expired certificate, or one LPJK has since revoked.
    Throttled per address together with ``verify_certificate``.

    Args:
        body (QrVerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | VerificationResult]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: QrVerifyRequest,
) -> ProblemDetails | VerificationResult | None:
    """Verify a QR payload's LPJK signature offline (public)

     The signature is checked against LPJK's public key named by the payload's ``kid``; the
    certificate's fields come from the signed claims. ``valid`` is false (with ``reason``) for a
    bad signature, an unknown key id, an expired certificate, or one LPJK has since revoked.
    Throttled per address together with ``verify_certificate``.

    Args:
        body (QrVerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | VerificationResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
