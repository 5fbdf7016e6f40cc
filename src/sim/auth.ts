/**
 * GitHub App authentication as the simulator enforces it: an RS256 JWT (signed
 * with the app's private key) for /app endpoints, then `token <installation
 * token>` (1 h lifetime) for everything else.
 */
import { generateKeyPairSync, randomBytes, verify, type KeyObject } from "node:crypto";

export type Principal = { kind: "app" } | { kind: "installation"; installationId: number } | { kind: "user"; login: string };

export interface IssuedToken {
  token: string;
  expiresAt: Date;
  principal: Principal;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; message: string };

const b64url = (s: string) => Buffer.from(s, "base64url");

/** One RSA key pair per process: generating 2048-bit keys costs ~50-100 ms each. */
let sharedKeys: { privateKeyPem: string; publicKey: KeyObject } | undefined;
function keys() {
  if (!sharedKeys) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    sharedKeys = { privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(), publicKey };
  }
  return sharedKeys;
}

export class AppAuth {
  readonly privateKeyPem: string;
  private readonly publicKey: KeyObject;
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    readonly appId: number,
    private readonly now: () => Date,
  ) {
    const k = keys();
    this.privateKeyPem = k.privateKeyPem;
    this.publicKey = k.publicKey;
  }

  issue(principal: Principal, ttlMs = 3600_000): IssuedToken {
    const prefix = principal.kind === "installation" ? "ghs_" : "ghp_";
    const t: IssuedToken = { token: prefix + randomBytes(18).toString("hex"), expiresAt: new Date(this.now().getTime() + ttlMs), principal };
    this.tokens.set(t.token, t);
    return t;
  }

  authenticate(header: string | undefined): AuthResult {
    if (!header) return { ok: false, message: "Requires authentication" };
    const m = /^(token|bearer)\s+(\S+)$/i.exec(header.trim());
    if (!m) return { ok: false, message: "Bad credentials" };
    const cred = m[2];
    if (cred.split(".").length === 3) return this.verifyJwt(cred);
    const t = this.tokens.get(cred);
    if (!t) return { ok: false, message: "Bad credentials" };
    if (t.expiresAt.getTime() <= this.now().getTime()) return { ok: false, message: "Bad credentials" };
    return { ok: true, principal: t.principal };
  }

  private verifyJwt(jwt: string): AuthResult {
    const [h, p, s] = jwt.split(".");
    try {
      const header = JSON.parse(b64url(h).toString());
      if (header.alg !== "RS256") return { ok: false, message: "'alg' must be RS256" };
      if (!verify("RSA-SHA256", Buffer.from(`${h}.${p}`), this.publicKey, b64url(s))) {
        return { ok: false, message: "A JSON web token could not be decoded" };
      }
      const claims = JSON.parse(b64url(p).toString());
      const nowS = Math.floor(this.now().getTime() / 1000);
      if (String(claims.iss) !== String(this.appId)) return { ok: false, message: "'Issuer' claim ('iss') must be an Integer" };
      // Real GitHub tolerates 60 s of clock drift on iat and caps exp at 10 minutes.
      if (typeof claims.exp !== "number" || claims.exp <= nowS)
        return { ok: false, message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
      if (typeof claims.iat !== "number" || claims.iat > nowS + 60)
        return { ok: false, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
      if (claims.exp - claims.iat > 600 + 60) return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
      return { ok: true, principal: { kind: "app" } };
    } catch {
      return { ok: false, message: "A JSON web token could not be decoded" };
    }
  }
}
