/**
 * The password policy (OWASP ASVS 2.1): 12 to 128 characters as typed and after Unicode NFKC normalisation, not blank,
 * no NUL, and not one of the 10,000 most common passwords (src/common-passwords.txt), not even with
 * digits or symbols appended ("password2024!", "1234567890123"). Passwords are normalised before hashing and checking.
 */
import { readFileSync } from "node:fs";

export const MIN_LENGTH = 12;
export const MAX_LENGTH = 128;
/** what attack rules append to a common password first: digits, punctuation, spaces */
const APPENDED = /^[\W\d_]*$/u;

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(new URL("../src/common-passwords.txt", import.meta.url), "utf8")
      .split("\n")
      .filter((line) => line && !line.startsWith("#")),
  );
  return common;
}

export function normalise(password: string): string {
  return password.normalize("NFKC");
}

/** Why the password (as typed, or normalised) is refused, or null when it is acceptable. Never echoes it. */
export function passwordProblem(password: string): string | null {
  if (password.includes("\u0000")) return "must not contain NUL characters";
  if (!password.trim()) return "must not be only whitespace";
  const length = [...password].length;
  if (length < MIN_LENGTH || length > MAX_LENGTH) return `must be ${MIN_LENGTH} to ${MAX_LENGTH} characters long`;
  const folded = password.toLowerCase();
  const list = commonPasswords();
  for (let end = folded.length; end > 0; end--) {
    if (list.has(folded.slice(0, end)) && APPENDED.test(folded.slice(end))) return "is too common: choose a longer passphrase of unrelated words";
  }
  return null;
}
