/**
 * Salted password hashing with `node:crypto`'s `scryptSync`: each password gets its own salt and
 * is hashed with scrypt (N = 2^14, r = 8, p = 1; 16 MiB of memory a hash), on the main thread and
 * on a weft pool.
 *
 * (`crypto.scrypt`, the callback form, also leaves the main thread on Node, for libuv's four
 * threads; `scryptSync` is what a request handler that must answer with the hash often calls, and
 * what weft moves off the event loop on every runtime.)
 *
 * Run: `deno task example hash [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import { scryptSync } from "node:crypto";
import { createPool, isMain, task } from "../../mod.ts";
import { compare, exampleOptions, report, seeded } from "../kit/compare.ts";

/** A password and its salt. */
export interface Credential {
  password: string;
  salt: Uint8Array;
}

/** The stored form: `scrypt$<salt hex>$<hash hex>`. */
export function hashPassword({ password, salt }: Credential): string {
  const hash = scryptSync(password, salt, 32, { N: 1 << 14, r: 8, p: 1 });
  const hex = (bytes: Uint8Array) =>
    Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `scrypt$${hex(salt)}$${hex(hash)}`;
}

export const hashTask = task({ f: hashPassword });

if (isMain) {
  const { quick, threads } = exampleOptions();
  const random = seeded(42);
  const credentials = Array.from({ length: quick ? 8 : 64 }, (_, i) => ({
    password: `correct horse battery staple ${i}`,
    salt: Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256)),
  }));
  const pool = createPool({ threads })({ hashTask });
  const result = await compare({
    name: "scrypt, N=2^14",
    unit: "hashes",
    items: credentials,
    inline: hashPassword,
    weft: (credential) => pool.call.hashTask(credential),
    warmItems: 2,
  });
  await pool.close();
  report("hash", [result], { threads });
}
