/**
 * @module
 * The operator account of a new node. Its one-time password goes to a file that only the
 * node's OS user can read, never to the service log, which is often shipped to a SIEM or kept
 * by journald where other people read it.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, openSync, closeSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TENANT, systemContext } from '@intersoc/core';
import type { AuthStores } from '@intersoc/storage';

/** Name of the file, in the data folder, that holds the first-start password. */
export const OPERATOR_PASSWORD_FILE = 'operator-password.txt';

/** The operator created on first start, and where its password was written. */
export interface FirstStart {
  readonly user: string;
  readonly tenant: string;
  /** Absolute path of the password file (mode 0600). */
  readonly passwordFile: string;
}

/**
 * Creates the operator `admin` on a node without users and writes its password to
 * `<data>/operator-password.txt` with mode 0600. Undefined when the node already has users.
 */
export async function ensureOperator(stores: AuthStores, dataDir: string): Promise<FirstStart | undefined> {
  const ctx = systemContext(DEFAULT_TENANT);
  if ((await stores.users.list(ctx)).length > 0) return undefined;
  const password = randomBytes(18).toString('base64url');
  const passwordFile = path.resolve(dataDir, OPERATOR_PASSWORD_FILE);
  // A stale file from an earlier data folder is replaced, never appended to or followed if it is a link.
  try {
    unlinkSync(passwordFile);
  } catch {
    // absent: nothing to replace
  }
  // O_EXCL with mode 0600: the file never exists, even briefly, with wider permissions.
  const fd = openSync(passwordFile, 'wx', 0o600);
  try {
    writeSync(
      fd,
      `# INTERSOC first-start operator account. Log in, change the password, then delete this file.\n` +
        `tenant: ${DEFAULT_TENANT}\nuser: admin\npassword: ${password}\n`,
    );
  } finally {
    closeSync(fd);
  }
  // The umask cannot widen 0600, but a chmod makes the mode explicit whatever created the folder.
  chmodSync(passwordFile, 0o600);
  await stores.users.create(ctx, { name: 'admin', role: 'admin', password });
  return { user: 'admin', tenant: DEFAULT_TENANT, passwordFile };
}
