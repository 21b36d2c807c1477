"""The errors unbg raises, each with a message a person can act on."""


class UnbgError(Exception):
    """Base of every error unbg reports; ``code`` is stable for the message API."""

    code = "error"


class BadInput(UnbgError):
    """The file is not an image we can read (empty, truncated, unknown type)."""

    code = "bad_input"


class BadRequest(UnbgError):
    """A message to the API is wrong: its type, id or options, or a missing or oversized image."""

    code = "bad_request"


class ModelLoadError(UnbgError):
    """The model could not be downloaded, verified or loaded."""

    code = "model_load"


class InferenceError(UnbgError):
    """The model failed while cutting out an image."""

    code = "inference"


class InternalError(UnbgError):
    """A bug of ours: the job fails with a plain message, the app stays usable."""

    code = "internal"


class Cancelled(UnbgError):
    """The job was cancelled before it finished."""

    code = "cancelled"


def error_code(error: BaseException) -> str:
    """The message API's code for ``error``: anything not ours is ``internal``."""
    return error.code if isinstance(error, UnbgError) else "internal"
