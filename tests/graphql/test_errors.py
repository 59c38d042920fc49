from graphql.error import GraphQLError

from ainergy.common.errors import NotFoundError, ValidationError
from ainergy.graphql.errors import MASKED_MESSAGE, format_error, is_unexpected


def wrap(original: Exception) -> GraphQLError:
    return GraphQLError(str(original), original_error=original)


def test_unexpected_errors_are_masked_outside_debug():
    error = wrap(RuntimeError("connection to 10.0.0.5 refused; password=hunter2"))
    formatted = format_error(error, debug=False)
    assert formatted.message == MASKED_MESSAGE
    assert formatted.extensions == {"code": "INTERNAL"}
    assert is_unexpected(error)


def test_unexpected_errors_show_in_debug():
    formatted = format_error(wrap(RuntimeError("boom")), debug=True)
    assert (formatted.message, formatted.extensions) == ("boom", {"code": "INTERNAL"})


def test_domain_errors_keep_message_and_details():
    formatted = format_error(wrap(ValidationError("power_kw", "must be positive")), debug=False)
    assert formatted.message == "power_kw: must be positive"
    assert formatted.extensions == {
        "code": "VALIDATION_ERROR",
        "field": "power_kw",
        "reason": "must be positive",
    }
    assert not is_unexpected(wrap(NotFoundError("Job not found.")))
