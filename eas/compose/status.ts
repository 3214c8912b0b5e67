// MS-ASCMD 2.2.2 common status codes used by SendMail (2.2.3.177.14) and SmartForward /
// SmartReply (2.2.3.177.16). Success has no code on the wire: it is an empty 200.

export const ComposeStatus = {
  InvalidContent: 101,
  InvalidWBXML: 102,
  InvalidXML: 103,
  InvalidMIME: 107,
  ServerError: 110,
  ServerErrorRetryLater: 111,
  AccessDenied: 130,
  MessageRecipientUnresolved: 116,
  /** The ClientId was used by a message already sent (docs/clients.md rule 36). */
  MessagePreviouslySent: 118,
  MessageHasNoRecipient: 119,
  MailSubmissionFailed: 120,
  ItemNotFound: 150,
} as const;

export type ComposeStatusCode = (typeof ComposeStatus)[keyof typeof ComposeStatus];

/** A send that did not happen, with the Status the client gets and a reason for the log. */
export class ComposeFailure extends Error {
  readonly status: ComposeStatusCode;
  constructor(status: ComposeStatusCode, message: string) {
    super(message);
    this.name = 'ComposeFailure';
    this.status = status;
  }
}
