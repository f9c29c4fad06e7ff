/**
 * Password hashing (argon2id, a bounded number at once) and signed tokens (HS256 JWT: the algorithm is
 * pinned, `exp` is required, every token names its server-side session `sid` and itself `jti`){% if cookiecutter.auth == "session-cookie" %}:
 * the session cookie holds one{% endif %}.
 */
import { hash, verify } from "@node-rs/argon2";
import { SignJWT, jwtVerify } from "jose";

export const ALGORITHM = "HS256";
const REQUIRED_CLAIMS = ["exp", "iat", "sub", "typ", "sid", "jti"{% if cookiecutter.auth == "session-cookie" %}, "csrf"{% endif %}];
// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** At most `size` holders at once; the others wait their turn (first come, first served). */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

export class Passwords {
  private readonly slots: Slots;
  private readonly dummy: Promise<string>;

  constructor(concurrency: number) {
    this.slots = new Slots(concurrency);
    // verified when the email is unknown, so that both failures take the same time
    this.dummy = hash("dummy password used for timing", ARGON2);
  }

  hash(password: string): Promise<string> {
    return this.slots.run(() => hash(password, ARGON2));
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    const stored = passwordHash ?? (await this.dummy);
    const ok = await this.slots.run(() => verify(stored, password).catch(() => false));
    return ok && passwordHash !== null;
  }
}

export interface Claims {
  sub: string;
  sid: string;
  jti: string;
{%- if cookiecutter.auth == "session-cookie" %}
  typ: "session";
  /** the session's CSRF token, which unsafe requests echo in X-CSRF-Token */
  csrf: string;
{%- else %}
  typ: "access" | "refresh";
{%- endif %}
  exp: number;
}

export async function createToken(secret: Uint8Array, claims: Omit<Claims, "exp">, lifetimeSeconds: number): Promise<string> {
{%- if cookiecutter.auth == "session-cookie" %}
  return new SignJWT({ typ: claims.typ, sid: claims.sid, jti: claims.jti, csrf: claims.csrf })
{%- else %}
  return new SignJWT({ typ: claims.typ, sid: claims.sid, jti: claims.jti })
{%- endif %}
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(secret);
}

/** The claims of a valid, unexpired token of this kind, or null (any other algorithm is refused). */
export async function decodeToken(secret: Uint8Array, token: string, kind: Claims["typ"]): Promise<Claims | null> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: [ALGORITHM], requiredClaims: REQUIRED_CLAIMS });
    if (payload.typ !== kind || typeof payload.sid !== "string" || typeof payload.jti !== "string" || typeof payload.sub !== "string") return null;
{%- if cookiecutter.auth == "session-cookie" %}
    if (typeof payload.csrf !== "string") return null;
{%- endif %}
    return payload as unknown as Claims;
  } catch {
    return null;
  }
}
