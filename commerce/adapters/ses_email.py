"""EmailSender on Amazon SES (v1 `SendEmail`): a text and an HTML part, both UTF-8."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from commerce.notifications import EmailDeliveryError, EmailMessage, EmailSender

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

_CHARSET = "UTF-8"


class SesEmailSender(EmailSender):
    def __init__(self, client: SESClient) -> None:
        self.client = client

    def send(self, message: EmailMessage) -> str:
        try:
            response = self.client.send_email(
                Source=message.from_address,
                Destination={"ToAddresses": [message.to]},
                Message={
                    "Subject": {"Data": message.subject, "Charset": _CHARSET},
                    "Body": {
                        "Text": {"Data": message.text, "Charset": _CHARSET},
                        "Html": {"Data": message.html, "Charset": _CHARSET},
                    },
                },
            )
        except ClientError as exc:
            # e.g. MessageRejected (unverified sender, or sandbox recipient), Throttling, AccountSendingPaused.
            error = exc.response.get("Error", {})
            raise EmailDeliveryError(error.get("Code", "ClientError"), error.get("Message", str(exc))) from exc
        except BotoCoreError as exc:
            # No answer at all: EndpointConnectionError, timeouts, missing credentials.
            raise EmailDeliveryError(type(exc).__name__, str(exc)) from exc
        return response["MessageId"]
