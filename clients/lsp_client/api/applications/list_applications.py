from http import HTTPStatus
from typing import Any, Literal

import httpx

from ...client import AuthenticatedClient, Client
from ...models.application_page import ApplicationPage
from ...models.application_status import ApplicationStatus
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ApplicationStatus | None | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    flag: Literal["appeal_overdue"] | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ApplicationStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    params["limit"] = limit

    params["offset"] = offset

    json_flag: Literal["appeal_overdue"] | None | Unset
    if isinstance(flag, Unset):
        json_flag = UNSET
    else:
        json_flag = flag
    params["flag"] = json_flag

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/applications",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApplicationPage | ProblemDetails:
    if response.status_code == 200:
        response_200 = ApplicationPage.from_dict(response.json())

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

    if response.status_code == 422:
        response_422 = ProblemDetails.from_dict(response.json())

        return response_422

    response_default = ProblemDetails.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApplicationPage | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: ApplicationStatus | None | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    flag: Literal["appeal_overdue"] | None | Unset = UNSET,
) -> Response[ApplicationPage | ProblemDetails]:
    """List Applications

     Newest submission first, one page at a time; ``total`` counts every match.

    Args:
        status (ApplicationStatus | None | Unset):
        limit (int | Unset): page size, at most 200 Default: 50.
        offset (int | Unset): how many items to skip Default: 0.
        flag (Literal['appeal_overdue'] | None | Unset): appeal_overdue: appeals still undecided
            past the LSP's working days (flagged by the deadline sweep)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplicationPage | ProblemDetails]
    """

    kwargs = _get_kwargs(
        status=status,
        limit=limit,
        offset=offset,
        flag=flag,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    status: ApplicationStatus | None | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    flag: Literal["appeal_overdue"] | None | Unset = UNSET,
) -> ApplicationPage | ProblemDetails | None:
    """List Applications

     Newest submission first, one page at a time; ``total`` counts every match.

    Args:
        status (ApplicationStatus | None | Unset):
        limit (int | Unset): page size, at most 200 Default: 50.
        offset (int | Unset): how many items to skip Default: 0.
        flag (Literal['appeal_overdue'] | None | Unset): appeal_overdue: appeals still undecided
            past the LSP's working days (flagged by the deadline sweep)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplicationPage | ProblemDetails
    """

    return sync_detailed(
        client=client,
        status=status,
        limit=limit,
        offset=offset,
        flag=flag,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: ApplicationStatus | None | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    flag: Literal["appeal_overdue"] | None | Unset = UNSET,
) -> Response[ApplicationPage | ProblemDetails]:
    """List Applications

     Newest submission first, one page at a time; ``total`` counts every match.

    Args:
        status (ApplicationStatus | None | Unset):
        limit (int | Unset): page size, at most 200 Default: 50.
        offset (int | Unset): how many items to skip Default: 0.
        flag (Literal['appeal_overdue'] | None | Unset): appeal_overdue: appeals still undecided
            past the LSP's working days (flagged by the deadline sweep)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplicationPage | ProblemDetails]
    """

    kwargs = _get_kwargs(
        status=status,
        limit=limit,
        offset=offset,
        flag=flag,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: ApplicationStatus | None | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    flag: Literal["appeal_overdue"] | None | Unset = UNSET,
) -> ApplicationPage | ProblemDetails | None:
    """List Applications

     Newest submission first, one page at a time; ``total`` counts every match.

    Args:
        status (ApplicationStatus | None | Unset):
        limit (int | Unset): page size, at most 200 Default: 50.
        offset (int | Unset): how many items to skip Default: 0.
        flag (Literal['appeal_overdue'] | None | Unset): appeal_overdue: appeals still undecided
            past the LSP's working days (flagged by the deadline sweep)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplicationPage | ProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            limit=limit,
            offset=offset,
            flag=flag,
        )
    ).parsed
