from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.receive_siki_webhook_webhook_appeal_filed import ReceiveSikiWebhookWebhookAppealFiled
from ...models.receive_siki_webhook_webhook_application_completed import ReceiveSikiWebhookWebhookApplicationCompleted
from ...models.receive_siki_webhook_webhook_application_resubmitted import (
    ReceiveSikiWebhookWebhookApplicationResubmitted,
)
from ...models.receive_siki_webhook_webhook_application_submitted import ReceiveSikiWebhookWebhookApplicationSubmitted
from ...models.receive_siki_webhook_webhook_application_withdrawn import ReceiveSikiWebhookWebhookApplicationWithdrawn
from ...models.receive_siki_webhook_webhook_certificate_status_changed import (
    ReceiveSikiWebhookWebhookCertificateStatusChanged,
)
from ...models.receive_siki_webhook_webhook_payment_proof_uploaded import ReceiveSikiWebhookWebhookPaymentProofUploaded
from ...models.webhook_receipt import WebhookReceipt
from ...types import Response


def _get_kwargs(
    *,
    body: ReceiveSikiWebhookWebhookAppealFiled
    | ReceiveSikiWebhookWebhookApplicationCompleted
    | ReceiveSikiWebhookWebhookApplicationResubmitted
    | ReceiveSikiWebhookWebhookApplicationSubmitted
    | ReceiveSikiWebhookWebhookApplicationWithdrawn
    | ReceiveSikiWebhookWebhookCertificateStatusChanged
    | ReceiveSikiWebhookWebhookPaymentProofUploaded,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/webhooks/siki",
    }

    if (
        isinstance(body, ReceiveSikiWebhookWebhookApplicationSubmitted)
        or isinstance(body, ReceiveSikiWebhookWebhookApplicationResubmitted)
        or isinstance(body, ReceiveSikiWebhookWebhookPaymentProofUploaded)
        or isinstance(body, ReceiveSikiWebhookWebhookAppealFiled)
        or isinstance(body, ReceiveSikiWebhookWebhookApplicationCompleted)
        or isinstance(body, ReceiveSikiWebhookWebhookApplicationWithdrawn)
    ):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | WebhookReceipt:
    if response.status_code == 200:
        response_200 = WebhookReceipt.from_dict(response.json())

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
) -> Response[ProblemDetails | WebhookReceipt]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveSikiWebhookWebhookAppealFiled
    | ReceiveSikiWebhookWebhookApplicationCompleted
    | ReceiveSikiWebhookWebhookApplicationResubmitted
    | ReceiveSikiWebhookWebhookApplicationSubmitted
    | ReceiveSikiWebhookWebhookApplicationWithdrawn
    | ReceiveSikiWebhookWebhookCertificateStatusChanged
    | ReceiveSikiWebhookWebhookPaymentProofUploaded,
) -> Response[ProblemDetails | WebhookReceipt]:
    """Receive Siki Webhook

    Args:
        body (ReceiveSikiWebhookWebhookAppealFiled | ReceiveSikiWebhookWebhookApplicationCompleted
            | ReceiveSikiWebhookWebhookApplicationResubmitted |
            ReceiveSikiWebhookWebhookApplicationSubmitted |
            ReceiveSikiWebhookWebhookApplicationWithdrawn |
            ReceiveSikiWebhookWebhookCertificateStatusChanged |
            ReceiveSikiWebhookWebhookPaymentProofUploaded):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | WebhookReceipt]
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
    body: ReceiveSikiWebhookWebhookAppealFiled
    | ReceiveSikiWebhookWebhookApplicationCompleted
    | ReceiveSikiWebhookWebhookApplicationResubmitted
    | ReceiveSikiWebhookWebhookApplicationSubmitted
    | ReceiveSikiWebhookWebhookApplicationWithdrawn
    | ReceiveSikiWebhookWebhookCertificateStatusChanged
    | ReceiveSikiWebhookWebhookPaymentProofUploaded,
) -> ProblemDetails | WebhookReceipt | None:
    """Receive Siki Webhook

    Args:
        body (ReceiveSikiWebhookWebhookAppealFiled | ReceiveSikiWebhookWebhookApplicationCompleted
            | ReceiveSikiWebhookWebhookApplicationResubmitted |
            ReceiveSikiWebhookWebhookApplicationSubmitted |
            ReceiveSikiWebhookWebhookApplicationWithdrawn |
            ReceiveSikiWebhookWebhookCertificateStatusChanged |
            ReceiveSikiWebhookWebhookPaymentProofUploaded):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | WebhookReceipt
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveSikiWebhookWebhookAppealFiled
    | ReceiveSikiWebhookWebhookApplicationCompleted
    | ReceiveSikiWebhookWebhookApplicationResubmitted
    | ReceiveSikiWebhookWebhookApplicationSubmitted
    | ReceiveSikiWebhookWebhookApplicationWithdrawn
    | ReceiveSikiWebhookWebhookCertificateStatusChanged
    | ReceiveSikiWebhookWebhookPaymentProofUploaded,
) -> Response[ProblemDetails | WebhookReceipt]:
    """Receive Siki Webhook

    Args:
        body (ReceiveSikiWebhookWebhookAppealFiled | ReceiveSikiWebhookWebhookApplicationCompleted
            | ReceiveSikiWebhookWebhookApplicationResubmitted |
            ReceiveSikiWebhookWebhookApplicationSubmitted |
            ReceiveSikiWebhookWebhookApplicationWithdrawn |
            ReceiveSikiWebhookWebhookCertificateStatusChanged |
            ReceiveSikiWebhookWebhookPaymentProofUploaded):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | WebhookReceipt]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveSikiWebhookWebhookAppealFiled
    | ReceiveSikiWebhookWebhookApplicationCompleted
    | ReceiveSikiWebhookWebhookApplicationResubmitted
    | ReceiveSikiWebhookWebhookApplicationSubmitted
    | ReceiveSikiWebhookWebhookApplicationWithdrawn
    | ReceiveSikiWebhookWebhookCertificateStatusChanged
    | ReceiveSikiWebhookWebhookPaymentProofUploaded,
) -> ProblemDetails | WebhookReceipt | None:
    """Receive Siki Webhook

    Args:
        body (ReceiveSikiWebhookWebhookAppealFiled | ReceiveSikiWebhookWebhookApplicationCompleted
            | ReceiveSikiWebhookWebhookApplicationResubmitted |
            ReceiveSikiWebhookWebhookApplicationSubmitted |
            ReceiveSikiWebhookWebhookApplicationWithdrawn |
            ReceiveSikiWebhookWebhookCertificateStatusChanged |
            ReceiveSikiWebhookWebhookPaymentProofUploaded):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | WebhookReceipt
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
