"""Global ids for the GraphQL layer (defined in ``ainergy.common.ids``, shared with REST and jobs)."""

from ainergy.common.ids import MALFORMED, decode_id, encode_id, global_id, parse_id, rest_pk

__all__ = ["MALFORMED", "decode_id", "encode_id", "global_id", "parse_id", "rest_pk"]
