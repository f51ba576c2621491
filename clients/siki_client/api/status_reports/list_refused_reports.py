from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.list_refused_reports_state_type_0 import ListRefusedReportsStateType0
from ...models.problem_details import ProblemDetails
from ...models.refused_report_out import RefusedReportOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    application_id: None | str | Unset = UNSET,
    lsp_code: None | str | Unset = UNSET,
    state: ListRefusedReportsStateType0 | None | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_application_id: None | str | Unset
    if isinstance(application_id, Unset):
        json_application_id = UNSET
    else:
        json_application_id = application_id
    params["application_id"] = json_application_id

    json_lsp_code: None | str | Unset
    if isinstance(lsp_code, Unset):
        json_lsp_code = UNSET
    else:
        json_lsp_code = lsp_code
    params["lsp_code"] = json_lsp_code

    json_state: None | str | Unset
    if isinstance(state, Unset):
        json_state = UNSET
    elif isinstance(state, ListRefusedReportsStateType0):
        json_state = state.value
    else:
        json_state = state
    params["state"] = json_state

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/refused-reports",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | list[RefusedReportOut]:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = RefusedReportOut.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[ProblemDetails | list[RefusedReportOut]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    application_id: None | str | Unset = UNSET,
    lsp_code: None | str | Unset = UNSET,
    state: ListRefusedReportsStateType0 | None | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> Response[ProblemDetails | list[RefusedReportOut]]:
    """List Refused Reports

     Newest refusal first, with SIKI's reason; ``X-Total-Count`` says how many match.

    Args:
        application_id (None | str | Unset):
        lsp_code (None | str | Unset):
        state (ListRefusedReportsStateType0 | None | Unset):
        limit (int | Unset): page size, at most 200 Default: 50.
        offset (int | Unset): how many items to skip Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | list[RefusedReportOut]]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        lsp_code=lsp_code,
        state=state,
        limit=limit,
        offset=offset,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    application_id: None | str | Unset = UNSET,
    lsp_code: None | str | Unset = UNSET,
    state: ListRefusedReportsStateType0 | None | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> ProblemDetails | list[RefusedReportOut] | None:
    """List Refused Reports

     Newest refusal first, with SIKI's reason; ``X-Total-Count`` says how many match.

    Args:
        application_id (None | str | Unset):
        lsp_code (None | str | Unset):
        state (ListRefusedReportsStateType0 | None | Unset):
        limit (int | Unset): page size, at most 200 Default: 50.
        offset (int | Unset): how many items to skip Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | list[RefusedReportOut]
    """

    return sync_detailed(
        client=client,
        application_id=application_id,
        lsp_code=lsp_code,
        state=state,
        limit=limit,
        offset=offset,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    application_id: None | str | Unset = UNSET,
    lsp_code: None | str | Unset = UNSET,
    state: ListRefusedReportsStateType0 | None | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> Response[ProblemDetails | list[RefusedReportOut]]:
    """List Refused Reports

     Newest refusal first, with SIKI's reason; ``X-Total-Count`` says how many match.

    Args:
        application_id (None | str | Unset):
        lsp_code (None | str | Unset):
        state (ListRefusedReportsStateType0 | None | Unset):
        limit (int | Unset): page size, at most 200 Default: 50.
        offset (int | Unset): how many items to skip Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | list[RefusedReportOut]]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        lsp_code=lsp_code,
        state=state,
        limit=limit,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    application_id: None | str | Unset = UNSET,
    lsp_code: None | str | Unset = UNSET,
    state: ListRefusedReportsStateType0 | None | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> ProblemDetails | list[RefusedReportOut] | None:
    """List Refused Reports

     Newest refusal first, with SIKI's reason; ``X-Total-Count`` says how many match.

    Args:
        application_id (None | str | Unset):
        lsp_code (None | str | Unset):
        state (ListRefusedReportsStateType0 | None | Unset):
        limit (int | Unset): page size, at most 200 Default: 50.
        offset (int | Unset): how many items to skip Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | list[RefusedReportOut]
    """

    return (
        await asyncio_detailed(
            client=client,
            application_id=application_id,
            lsp_code=lsp_code,
            state=state,
            limit=limit,
            offset=offset,
        )
    ).parsed
