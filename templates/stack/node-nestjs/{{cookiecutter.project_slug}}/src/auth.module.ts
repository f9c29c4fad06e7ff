/** Registration, login, refresh, logout, password change and the current user (src/auth.controller.ts). */
import { Module } from "@nestjs/common";

import { AuthController } from "./auth.controller.js";

@Module({ controllers: [AuthController] })
export class AuthModule {}
