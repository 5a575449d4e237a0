"""The error answers every endpoint documents, so the OpenAPI document says what a client meets."""

from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

# Input is taken as typed: 0 is not false, "2" is not a number, a list is not an object (input
# models are plain pydantic models: ninja's Schema would read any object by its attributes).
STRICT = ConfigDict(strict=True)


class Problem(Schema):
    """400 (not JSON), 401, 404, 410, 500, 503 (the database cannot be reached): a sentence;
    422: a list naming each field and why."""

    detail: str | list[dict[str, Any]]


ERRORS: dict[int, Any] = {
    400: Problem,
    401: Problem,
    404: Problem,
    422: Problem,
    500: Problem,
    503: Problem,
}


def answers(ok: Any, status: int = 200, **more: Any) -> dict[int, Any]:
    """The `response=` of an operation: its success and the documented errors."""
    return {status: ok, **ERRORS, **{int(code[1:]): kind for code, kind in more.items()}}


def _without_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL; no person types one, so it is refused, not stripped."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain a NUL character")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    return value


# A query parameter of text (a filter): refused with 422 when it holds a NUL.
Text = Annotated[str, AfterValidator(lambda value: _without_nul(value))]

# The last page number a list accepts: past any table (500 a page), and far below the 2^63 at
# which the database's OFFSET overflows.
PAGE_LAST = 10_000_000


class ApiInput(BaseModel):
    """A request body: strict types, and no text the database cannot store."""

    model_config = STRICT

    @field_validator("*", mode="after")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        return _without_nul(value)
