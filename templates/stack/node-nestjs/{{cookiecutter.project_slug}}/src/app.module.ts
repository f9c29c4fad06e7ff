{%- set metrics = "metrics" in (cookiecutter.decisions.get("observability") or "") -%}
/**
 * The application module: the shared providers (src/core.module.ts), NestJS's logger on pino, the rate
 * limiter's settings, the health routes, the auth and resource modules, the contract check of every
 * handler (src/contract.interceptor.ts), and problem+json for every error.
 */
import { type DynamicModule, Module } from "@nestjs/common";
import { APP_FILTER, APP_INTERCEPTOR } from "@nestjs/core";
import { ThrottlerModule } from "@nestjs/throttler";
import { LoggerModule } from "nestjs-pino";

import { AuthModule } from "./auth.module.js";
import type { Settings } from "./config.js";
import { ContractInterceptor } from "./contract.interceptor.js";
import { CoreModule, type CoreDeps, SETTINGS } from "./core.module.js";
import { HealthController } from "./health.controller.js";
import { MethodNotAllowedModule } from "./method-not-allowed.module.js";
{%- if metrics %}
import { MetricsController } from "./metrics.js";
{%- endif %}
import { ENTITIES } from "./model.js";
import { ProblemFilter } from "./problem.filter.js";
import { ResourcesModule } from "./resources.module.js";
import { throttlerOptions } from "./throttle.guard.js";

@Module({})
export class AppModule {
  static register(deps: CoreDeps): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(deps),
        // NestJS's own logs through the app's pino logger; the request logs come from the pino-http that
        // src/app.ts installs before anything else (so that 413s and 404s are logged too)
        LoggerModule.forRoot({ pinoHttp: { logger: deps.logger }, useExisting: true }),
        ThrottlerModule.forRootAsync({ inject: [SETTINGS], useFactory: (settings: Settings) => throttlerOptions(settings) }),
        AuthModule,
        ResourcesModule.register(ENTITIES),
        // last: its routes answer 405 on the contract's paths for the methods no route above serves
        MethodNotAllowedModule.register(deps.contract.routes),
      ],
      controllers: [HealthController{% if metrics %}, MetricsController{% endif %}],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: ContractInterceptor },
      ],
    };
  }
}
