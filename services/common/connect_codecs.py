"""How messages travel over Connect and gRPC-Web: binary protobuf, and proto3 JSON with
lowerCamelCase names, default values written and int64 as strings. A body that is not the
method's message is refused as the gRPC port refuses it: INVALID_ARGUMENT, with a field
violation."""

from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message

from services.common.connect_bridge import connect_error_of
from services.common.errors import FieldViolation, invalid


class JsonCodec:
    def name(self) -> str:
        return "json"

    def encode(self, message: Message) -> bytes:
        return json_format.MessageToJson(
            message, always_print_fields_with_no_presence=True, ensure_ascii=False, indent=None
        ).encode()

    def decode(self, data: bytes | bytearray, message_class: type[Message]) -> Message:
        message = message_class()
        try:
            json_format.Parse(bytes(data), message, ignore_unknown_fields=False)
        except (json_format.ParseError, UnicodeDecodeError) as error:
            description = f"the request is not valid JSON for {_name(message_class)}: {error}"
            raise _malformed(description) from None
        return message


class BinaryCodec:
    def name(self) -> str:
        return "proto"

    def encode(self, message: Message) -> bytes:
        return message.SerializeToString()

    def decode(self, data: bytes | bytearray, message_class: type[Message]) -> Message:
        try:
            return message_class.FromString(bytes(data))
        except DecodeError:
            raise _malformed("the request is not a valid protobuf message") from None


def _malformed(description: str):
    return connect_error_of(invalid([FieldViolation("", description)], description))


def _name(message_class: type[Message]) -> str:
    return message_class.DESCRIPTOR.full_name


CODECS = (BinaryCodec(), JsonCodec())
