// The delivery plugin's public API: usable on its own (an LMTP target for Postfix/Exim) or
// through the eas-push server.

export { createDeliveryServer } from './delivery-server.js';
export type { DeliveryServer, DeliveryServerOptions } from './delivery-server.js';
export { createLocalDelivery, createDeliverLocal } from './deliver.js';
export type { DeliverMessage, DeliveryMeta, DeliveryReport, RecipientOutcome } from './deliver.js';
export { parseMessage } from './parse.js';
export { withMdaHeaders } from './mda-headers.js';
export { SmtpReplyError } from './errors.js';
export type { DeliveryLogger, Envelope, Parse } from './types.js';
export { createParsePool, defaultParseWorkerEntry, defaultParseWorkers } from './parse-pool.js';
export type { ParsePool, ParsePoolOptions } from './parse-pool.js';
export type { ParseHint } from './parse.js';
export { isParseWorker } from './parse-worker.js';
