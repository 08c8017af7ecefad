/**
 * JWT revalidation with `jose`: ES256-signed session tokens checked (signature, expiry, issuer,
 * audience) on the main thread and on a weft pool, as a gateway re-checks every request's token.
 *
 * Run: `deno task example jwt [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  type KeyObject,
  SignJWT,
} from "jose";
import { createPool, isMain, task } from "../../mod.ts";
import { compare, exampleOptions, report } from "../kit/compare.ts";

const ISSUER = "https://auth.example.com";
const AUDIENCE = "weft-examples";

/** A token to check and the public key (a JWK) to check it with. */
export interface Check {
  token: string;
  key: JWK;
}

/** What a check found: the session's subject and scope, or why the token was refused. */
export type Verdict = { ok: true; sub: string; scope: string } | { ok: false; code: string };

// Each thread imports a key once; later tokens signed with it reuse the imported key.
const keys = new Map<string, Promise<CryptoKey | KeyObject | Uint8Array>>();

/** Verifies one token. */
export async function revalidate({ token, key }: Check): Promise<Verdict> {
  const id = key.kid ?? JSON.stringify(key);
  let imported = keys.get(id);
  if (imported === undefined) keys.set(id, imported = importJWK(key, "ES256"));
  try {
    const { payload } = await jwtVerify(token, await imported, {
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    return { ok: true, sub: String(payload.sub), scope: String(payload.scope) };
  } catch (err) {
    return { ok: false, code: (err as { code?: string }).code ?? String(err) };
  }
}

export const revalidateTask = task({ f: revalidate });

if (isMain) {
  const { quick, threads } = exampleOptions();
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const key = { ...(await exportJWK(publicKey)), kid: "session-1" };
  const now = Math.floor(Date.now() / 1000);
  const checks: Check[] = [];
  for (let i = 0; i < (quick ? 300 : 4000); i++) {
    // Every 50th token has expired; every 70th names another audience.
    const token = await new SignJWT({ scope: i % 3 === 0 ? "admin" : "read" })
      .setProtectedHeader({ alg: "ES256", kid: key.kid })
      .setSubject(`user-${i}`)
      .setIssuer(ISSUER)
      .setAudience(i % 70 === 0 ? "someone-else" : AUDIENCE)
      .setIssuedAt(now - 60)
      .setExpirationTime(i % 50 === 0 ? now - 30 : now + 3600)
      .sign(privateKey);
    checks.push({ token, key });
  }
  const pool = createPool({ threads })({ revalidateTask });
  const result = await compare({
    name: "ES256 JWT verification",
    unit: "tokens",
    items: checks,
    inline: revalidate,
    weft: (check) => pool.call.revalidateTask(check),
    warmItems: 64,
  });
  await pool.close();
  const refused = result.results.filter((v) => !v.ok).length;
  console.log(`  ${refused} of ${checks.length} tokens refused`);
  report("jwt", [result], { threads });
}
