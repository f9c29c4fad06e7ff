/** Liveness, readiness (the database answers, else 503) and the contract itself, at /openapi.yaml. */
import { Controller, Get, Header, Inject, Res } from "@nestjs/common";
import type { Response } from "express";

import { Contract } from "./contract.js";
import { STORE } from "./core.module.js";
import type { Store } from "./data/store.js";

@Controller()
export class HealthController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly contract: Contract,
  ) {}

  @Get("health/live")
  live(): { status: string } {
    return { status: "ok" };
  }

  @Get("health/ready")
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: string }> {
    try {
      await this.store.ping();
      return { status: "ok" };
    } catch {
      res.status(503);
      return { status: "unavailable" };
    }
  }

  // the file itself, not a document rebuilt from the routes
  @Get("openapi.yaml")
  @Header("Content-Type", "application/yaml")
  openapi(): string {
    return this.contract.text;
  }
}
