/**
 * @module
 * Identities of live streams (a TCP connection, a UDP listener's life). A network stream has no
 * stable position that survives a restart, so a record's id combines a stream identity that is
 * never reused with the record's number in that stream.
 */
import { randomBytes } from 'node:crypto';

/** Random per process: streams of different runs never share an identity. */
const RUN = randomBytes(8).toString('hex');
let counter = 0;

/** A new stream identity, unique across connections and restarts. */
export function streamLife(): string {
  return `${RUN}.${(counter++).toString(36)}`;
}
