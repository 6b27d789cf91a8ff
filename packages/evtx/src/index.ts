/**
 * @module
 * `@intersoc/evtx`: a streaming, exact and fast reader of Windows event log files (EVTX).
 * It checks the CRC32 of the file header, chunks and event data, decodes BinXML with per-chunk
 * template caches into evtx_dump-style nested JSON (`{ Event: { System, EventData | UserData } }`),
 * recovers what damaged files still hold and reports what it skipped, per chunk, with a reason.
 */

// readers
export { readEvtx, readEvtxBuffer } from './reader/index.js';
export type { ByteSource } from './reader/index.js';
export { evtxInfo } from './info/index.js';
export { listEvtxFiles, readEvtxDirectory, readEvtxDirectoryJson } from './directory/index.js';
export type {
  DirectoryItem,
  DirectoryJsonItem,
  DirectoryOptions,
  EvtxJsonItem,
  EvtxJsonRecord,
} from './directory/index.js';

// format constants
export { FILE_MAGIC as EVTX_MAGIC } from './internal/headers.js';

// types
export type {
  EvtxChunkInfo,
  EvtxHeaderInfo,
  EvtxInfo,
  EvtxItem,
  EvtxOptions,
  EvtxProblem,
  EvtxRecord,
  Json,
  JsonObject,
} from './types.js';
