/**
 * The providers every module injects: the Store, the Settings and the root logger (interfaces, hence
 * injection tokens), the Contract, and the auth and CRUD logic built on them (their classes are the
 * tokens). Global: the feature modules use them without importing this one.
 */
import { type DynamicModule, Global, Module, type Provider } from "@nestjs/common";
import type { Logger } from "pino";

import { Accounts } from "./accounts.js";
import type { Settings } from "./config.js";
import { Contract } from "./contract.js";
import { Crud } from "./crud.js";
import type { Store } from "./data/store.js";
import type { AppDeps } from "./http-server.js";

export const STORE = Symbol("Store");
export const SETTINGS = Symbol("Settings");
export const LOGGER = Symbol("Logger");

/** What src/app.ts hands to the modules: AppDeps with the logger and the contract resolved. */
export type CoreDeps = Required<AppDeps>;

@Global()
@Module({})
export class CoreModule {
  static register({ store, settings, logger, contract }: CoreDeps): DynamicModule {
    const providers: Provider[] = [
      { provide: STORE, useValue: store },
      { provide: SETTINGS, useValue: settings },
      { provide: LOGGER, useValue: logger },
      { provide: Contract, useValue: contract },
      {
        provide: Accounts,
        useFactory: (s: Store, config: Settings, root: Logger) => new Accounts(s, config, root.child({ logger: "audit" })),
        inject: [STORE, SETTINGS, LOGGER],
      },
      { provide: Crud, useFactory: (s: Store) => new Crud(s), inject: [STORE] },
    ];
    return { module: CoreModule, providers, exports: [STORE, SETTINGS, LOGGER, Contract, Accounts, Crud] };
  }
}
