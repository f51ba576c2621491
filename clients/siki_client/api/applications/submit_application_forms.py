from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.application_forms_stored import ApplicationFormsStored
from ...models.application_forms_upload import ApplicationFormsUpload
from ...models.problem_details import ProblemDetails
from ...types import Response


def _get_kwargs(
    application_id: str,
    *,
    body: ApplicationFormsUpload,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/applications/{application_id}/forms".format(
            application_id=quote(str(application_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApplicationFormsStored | ProblemDetails:
    if response.status_code == 200:
        response_200 = ApplicationFormsStored.from_dict(response.json())

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
) -> Response[ApplicationFormsStored | ProblemDetails]:
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
    body: ApplicationFormsUpload,
) -> Response[ApplicationFormsStored | ProblemDetails]:
    """Submit Application Forms

     The application's LSP sends its forms (on receipt: APL-02 and the unsigned APL-01); SIKI
    keeps the latest of each. Repeating it changes nothing.

    Args:
        application_id (str):
        body (ApplicationFormsUpload): LSP -> SIKI ``submit_application_forms``: the forms as the
            LSP built them on receipt.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplicationFormsStored | ProblemDetails]
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
    body: ApplicationFormsUpload,
) -> ApplicationFormsStored | ProblemDetails | None:
    """Submit Application Forms

     The application's LSP sends its forms (on receipt: APL-02 and the unsigned APL-01); SIKI
    keeps the latest of each. Repeating it changes nothing.

    Args:
        application_id (str):
        body (ApplicationFormsUpload): LSP -> SIKI ``submit_application_forms``: the forms as the
            LSP built them on receipt.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplicationFormsStored | ProblemDetails
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
    body: ApplicationFormsUpload,
) -> Response[ApplicationFormsStored | ProblemDetails]:
    """Submit Application Forms

     The application's LSP sends its forms (on receipt: APL-02 and the unsigned APL-01); SIKI
    keeps the latest of each. Repeating it changes nothing.

    Args:
        application_id (str):
        body (ApplicationFormsUpload): LSP -> SIKI ``submit_application_forms``: the forms as the
            LSP built them on receipt.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplicationFormsStored | ProblemDetails]
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
    body: ApplicationFormsUpload,
) -> ApplicationFormsStored | ProblemDetails | None:
    """Submit Application Forms

     The application's LSP sends its forms (on receipt: APL-02 and the unsigned APL-01); SIKI
    keeps the latest of each. Repeating it changes nothing.

    Args:
        application_id (str):
        body (ApplicationFormsUpload): LSP -> SIKI ``submit_application_forms``: the forms as the
            LSP built them on receipt.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplicationFormsStored | ProblemDetails
    """

    return (
        await asyncio_detailed(
            application_id=application_id,
            client=client,
            body=body,
        )
    ).parsed
