/**
 * @module
 * `@intersoc/storage`: store interfaces and their SQLite implementations. Each domain keeps its
 * own tables but opens databases and runs migrations through here, so a PostgreSQL
 * implementation can later replace the SQLite one behind the same interfaces.
 */

// sqlite plumbing
export { migrate, NODE_DB_FILE, openDatabase } from './sqlite/database.js';
export type { OpenOptions, SqliteDb } from './sqlite/database.js';
