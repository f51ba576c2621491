from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.section_saved import SectionSaved
from ...types import Response


def _get_kwargs(
    application_id: str,
    section: str,
    *,
    body: Any,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/applications/{application_id}/sections/{section}".format(
            application_id=quote(str(application_id), safe=""),
            section=quote(str(section), safe=""),
        ),
    }

    _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetails | SectionSaved:
    if response.status_code == 200:
        response_200 = SectionSaved.from_dict(response.json())

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
) -> Response[ProblemDetails | SectionSaved]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    application_id: str,
    section: str,
    *,
    client: AuthenticatedClient,
    body: Any,
) -> Response[ProblemDetails | SectionSaved]:
    """Put Application Section

    Args:
        application_id (str):
        section (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | SectionSaved]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        section=section,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    application_id: str,
    section: str,
    *,
    client: AuthenticatedClient,
    body: Any,
) -> ProblemDetails | SectionSaved | None:
    """Put Application Section

    Args:
        application_id (str):
        section (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | SectionSaved
    """

    return sync_detailed(
        application_id=application_id,
        section=section,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    application_id: str,
    section: str,
    *,
    client: AuthenticatedClient,
    body: Any,
) -> Response[ProblemDetails | SectionSaved]:
    """Put Application Section

    Args:
        application_id (str):
        section (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | SectionSaved]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        section=section,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    application_id: str,
    section: str,
    *,
    client: AuthenticatedClient,
    body: Any,
) -> ProblemDetails | SectionSaved | None:
    """Put Application Section

    Args:
        application_id (str):
        section (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | SectionSaved
    """

    return (
        await asyncio_detailed(
            application_id=application_id,
            section=section,
            client=client,
            body=body,
        )
    ).parsed
