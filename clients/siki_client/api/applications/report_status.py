from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.status_report import StatusReport
from ...models.status_report_answer import StatusReportAnswer
from ...types import Response


def _get_kwargs(
    application_id: str,
    *,
    body: StatusReport,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/applications/{application_id}/status".format(
            application_id=quote(str(application_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | StatusReportAnswer:
    if response.status_code == 200:
        response_200 = StatusReportAnswer.from_dict(response.json())

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
) -> Response[ProblemDetails | StatusReportAnswer]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    application_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: StatusReport,
) -> Response[ProblemDetails | StatusReportAnswer]:
    """Report Status

     An LSP reports one step (``Authorization: Bearer <api key>``); 409 if the state machine
    does not allow it. A retried ``report_id`` answers the first answer again.

    Args:
        application_id (str):
        body (StatusReport): LSP -> SIKI ``report_status``: one step of the LSP's workflow.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | StatusReportAnswer]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    application_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: StatusReport,
) -> ProblemDetails | StatusReportAnswer | None:
    """Report Status

     An LSP reports one step (``Authorization: Bearer <api key>``); 409 if the state machine
    does not allow it. A retried ``report_id`` answers the first answer again.

    Args:
        application_id (str):
        body (StatusReport): LSP -> SIKI ``report_status``: one step of the LSP's workflow.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | StatusReportAnswer
    """

    return sync_detailed(
        application_id=application_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    application_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: StatusReport,
) -> Response[ProblemDetails | StatusReportAnswer]:
    """Report Status

     An LSP reports one step (``Authorization: Bearer <api key>``); 409 if the state machine
    does not allow it. A retried ``report_id`` answers the first answer again.

    Args:
        application_id (str):
        body (StatusReport): LSP -> SIKI ``report_status``: one step of the LSP's workflow.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | StatusReportAnswer]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    application_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: StatusReport,
) -> ProblemDetails | StatusReportAnswer | None:
    """Report Status

     An LSP reports one step (``Authorization: Bearer <api key>``); 409 if the state machine
    does not allow it. A retried ``report_id`` answers the first answer again.

    Args:
        application_id (str):
        body (StatusReport): LSP -> SIKI ``report_status``: one step of the LSP's workflow.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | StatusReportAnswer
    """

    return (
        await asyncio_detailed(
            application_id=application_id,
            client=client,
            body=body,
        )
    ).parsed
