/**
 * What every framework layer's src/app.ts provides: `createServer(deps)`, the app on a Node HTTP server
 * that is not listening yet (src/server.ts listens; the tests hand it to supertest), and how to close it.
 */
import type { Server } from "node:http";

import type { Logger } from "pino";

import type { Settings } from "./config.js";
import type { Contract } from "./contract.js";
import type { Store } from "./data/store.js";

/** Request bodies larger than this are refused (413) before they are parsed, chunked ones too. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppDeps {
  readonly store: Store;
  readonly settings: Settings;
  readonly logger?: Logger;
  readonly contract?: Contract;
}

export interface AppServer {
  readonly server: Server;
  /** stop accepting connections and finish the open requests (the store is closed by its owner) */
  close(): Promise<void>;
}
