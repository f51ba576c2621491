from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.verification_result import VerificationResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    recording_number: str,
    *,
    qr: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_qr: None | str | Unset
    if isinstance(qr, Unset):
        json_qr = UNSET
    else:
        json_qr = qr
    params["qr"] = json_qr

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/public/certificates/{recording_number}".format(
            recording_number=quote(str(recording_number), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | VerificationResult:
    if response.status_code == 200:
        response_200 = VerificationResult.from_dict(response.json())

        return response_200

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
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
    qr: None | str | Unset = UNSET,
) -> Response[ProblemDetails | VerificationResult]:
    """Verify a certificate by its LPJK recording number (public)

     200 with ``valid`` for any number: an unknown one answers ``valid: false`` with reason
    ``"unknown recording number"`` (a mistyped one, caught by its check symbol, says so), so a
    scanner needs one code path. QR codes printed before the compact form open this URL with
    ``?qr=<JWS>``; when present, the payload's signature is checked too and must name this record.
    Current QR codes carry a compact COSE_Sign1 behind ``/V/``, checked by ``verify_qr_payload``.
    429 with Retry-After once this address has used its allowance (``SKK_PUBLIC_VERIFICATION_LIMITS``).

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4
        qr (None | str | Unset): the signed payload an older QR code carries (a JWS; optional)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | VerificationResult]
    """

    kwargs = _get_kwargs(
        recording_number=recording_number,
        qr=qr,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
    qr: None | str | Unset = UNSET,
) -> ProblemDetails | VerificationResult | None:
    """Verify a certificate by its LPJK recording number (public)

     200 with ``valid`` for any number: an unknown one answers ``valid: false`` with reason
    ``"unknown recording number"`` (a mistyped one, caught by its check symbol, says so), so a
    scanner needs one code path. QR codes printed before the compact form open this URL with
    ``?qr=<JWS>``; when present, the payload's signature is checked too and must name this record.
    Current QR codes carry a compact COSE_Sign1 behind ``/V/``, checked by ``verify_qr_payload``.
    429 with Retry-After once this address has used its allowance (``SKK_PUBLIC_VERIFICATION_LIMITS``).

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4
        qr (None | str | Unset): the signed payload an older QR code carries (a JWS; optional)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | VerificationResult
    """

    return sync_detailed(
        recording_number=recording_number,
        client=client,
        qr=qr,
    ).parsed


async def asyncio_detailed(
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
    qr: None | str | Unset = UNSET,
) -> Response[ProblemDetails | VerificationResult]:
    """Verify a certificate by its LPJK recording number (public)

     200 with ``valid`` for any number: an unknown one answers ``valid: false`` with reason
    ``"unknown recording number"`` (a mistyped one, caught by its check symbol, says so), so a
    scanner needs one code path. QR codes printed before the compact form open this URL with
    ``?qr=<JWS>``; when present, the payload's signature is checked too and must name this record.
    Current QR codes carry a compact COSE_Sign1 behind ``/V/``, checked by ``verify_qr_payload``.
    429 with Retry-After once this address has used its allowance (``SKK_PUBLIC_VERIFICATION_LIMITS``).

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4
        qr (None | str | Unset): the signed payload an older QR code carries (a JWS; optional)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | VerificationResult]
    """

    kwargs = _get_kwargs(
        recording_number=recording_number,
        qr=qr,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    recording_number: str,
    *,
    client: AuthenticatedClient | Client,
    qr: None | str | Unset = UNSET,
) -> ProblemDetails | VerificationResult | None:
    """Verify a certificate by its LPJK recording number (public)

     200 with ``valid`` for any number: an unknown one answers ``valid: false`` with reason
    ``"unknown recording number"`` (a mistyped one, caught by its check symbol, says so), so a
    scanner needs one code path. QR codes printed before the compact form open this URL with
    ``?qr=<JWS>``; when present, the payload's signature is checked too and must name this record.
    Current QR codes carry a compact COSE_Sign1 behind ``/V/``, checked by ``verify_qr_payload``.
    429 with Retry-After once this address has used its allowance (``SKK_PUBLIC_VERIFICATION_LIMITS``).

    Args:
        recording_number (str): e.g. LPJK-2026-7KD3-M9QX-2HZ4
        qr (None | str | Unset): the signed payload an older QR code carries (a JWS; optional)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | VerificationResult
    """

    return (
        await asyncio_detailed(
            recording_number=recording_number,
            client=client,
            qr=qr,
        )
    ).parsed
