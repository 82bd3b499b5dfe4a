"""One file field of a ``multipart/form-data`` body, read without python-multipart.

FastAPI's ``UploadFile`` needs python-multipart, which the emulator extra does not install.
A predict file is one model input, so it is read whole, up to a limit, and parsed by the
standard library's MIME parser.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from fastapi import Request

from sambastudio.emulator._errors import ApiError


async def form_file(request: Request, field: str, limit: int) -> bytes:
    """The bytes of the file sent in ``field``; 400 when there is none, 413 when too big."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(400, f"send the file as multipart/form-data, in the field {field!r}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, f"the request is larger than {limit} bytes")
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + bytes(body))
    assert isinstance(message, EmailMessage)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == field:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    raise ApiError(400, f"the multipart field {field!r} is missing")
