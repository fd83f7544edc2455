import { hash, verify } from "@node-rs/argon2";

// Passwords are hashed with argon2id (memory-hard; @node-rs/argon2's defaults meet OWASP's
// minimum: 19 MiB, 2 iterations).

const ARGON2ID = 2; // Algorithm.Argon2id, a const enum the isolated-modules build cannot inline

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

// A real hash of a random string: verifying against it costs what verifying a real user costs,
// so an unknown email takes as long to refuse as a wrong password.
let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(`dummy-${Math.random()}`);
  return dummy;
}

export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    await verify(await dummyHash(), password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
