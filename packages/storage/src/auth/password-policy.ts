/**
 * @module
 * The password policy of NIST SP 800-63B §5.1.1.2: a minimum length, no composition rules, and
 * a refusal of passwords that attackers try first: those in a breach corpus (the 49k common
 * passwords that zxcvbn-ts ships, kept current by that project), the same with digits or
 * symbols around them, repetitions, sequences, and the account's own names.
 */
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './types.js';

let common: Promise<ReadonlySet<string>> | undefined;

/** The breach corpus, loaded on first use (a few MB that most CLI commands never need). */
function commonPasswords(): Promise<ReadonlySet<string>> {
  common ??= import('@zxcvbn-ts/language-common').then(
    (m) => new Set((m.dictionary['passwords-common'] as readonly string[]).map((p) => p.toLowerCase())),
  );
  return common;
}

/** Longest run of steps of +1 or -1 between neighbouring characters (`1234`, `dcba`), as a share of all steps. */
function sequenceShare(s: string): number {
  let best = 0;
  let run = 0;
  let dir = 0;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - s.charCodeAt(i - 1);
    // `...890...` counts as a sequence too.
    const step = d === 1 || d === -9 ? 1 : d === -1 || d === 9 ? -1 : 0;
    run = step !== 0 && step === dir ? run + 1 : step !== 0 ? 1 : 0;
    dir = step;
    best = Math.max(best, run);
  }
  return s.length > 1 ? best / (s.length - 1) : 0;
}

/**
 * Why `password` is not acceptable for this account, or undefined when it is. The reason is
 * meant for the person choosing the password.
 *
 * @example
 * await passwordProblem('password1234', { user: 'alice' }); // 'password is a common password with ...'
 */
export async function passwordProblem(
  password: string,
  account: { readonly user?: string; readonly tenant?: string } = {},
): Promise<string | undefined> {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    return `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`;
  }
  const advice = '; a passphrase of several unrelated words is both longer and easier to remember';
  const lower = password.toLowerCase();
  if (new Set(lower).size < 5) return `password uses fewer than 5 different characters${advice}`;
  // What remains once digits, symbols and spaces around it are taken off: `Summer2024!` → `summer`.
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  const names = [account.user, account.tenant, 'intersoc']
    .filter((n): n is string => n !== undefined && n.length >= 3)
    .map((n) => n.toLowerCase());
  if (names.some((n) => core === n || lower.replace(/[\d\W_]+/g, '') === n)) {
    return `password is the user, tenant or product name with digits or symbols${advice}`;
  }
  const list = await commonPasswords();
  if (list.has(lower)) return `password is one of the most common passwords found in breaches${advice}`;
  if (core.length >= 3 && list.has(core)) {
    return `password is a common password with digits or symbols added${advice}`;
  }
  const unit = /^(.+?)\1+$/.exec(lower)?.[1];
  if (unit !== undefined && (unit.length * 3 <= lower.length || list.has(unit)))
    return `password is a repeated pattern${advice}`;
  if (sequenceShare(lower) >= 0.75) return `password is mostly a sequence such as 1234 or abcd${advice}`;
  return undefined;
}
