// eas-push as a library: the whole server, or only the delivery hook for an existing MTA.

export { createServer, DEFAULTS } from './bin/server.js';
export type { ListenAddress, RunningServer, ServerOptions } from './bin/server.js';
export { createDeliveryServer, createLocalDelivery, createDeliverLocal, parseMessage } from './plugin/index.js';
export type { DeliveryServer, DeliveryServerOptions, DeliveryLogger } from './plugin/index.js';
