/**
 * @module
 * `@intersoc/ingest`: format plug-ins (parsers), framing of byte streams into records, format
 * auto-detection and a file record reader.
 */

// registry and detection
export { detectFormat, FORMATS, getFormat, registerFormat, scoreFormats } from './registry/index.js';
export type { FormatScore } from './registry/index.js';

// reading files
export { readRecords } from './read-records/index.js';
export type { FileRecord, ReadRecordsOptions } from './read-records/index.js';

// framing
export { createJsonFramer } from './framing/json-values/index.js';
export type { JsonFramerOptions } from './framing/json-values/index.js';
export { createLineFramer } from './framing/line/index.js';
export type { LineFramerOptions } from './framing/line/index.js';
export { createSyslogFramer } from './framing/syslog-tcp/index.js';
export type { SyslogFramerOptions } from './framing/syslog-tcp/index.js';
export { DEFAULT_MAX_RECORD_BYTES } from './framing/types.js';
export type { Frame, FrameError, FrameItem, Framer } from './framing/types.js';
export { chooseFramer } from './read-records/framing-choice.js';

// format plug-ins and their record-level entry points
export { auditdFormat, parseAuditLine } from './parsers/auditd/index.js';
export { cefFormat, parseCef } from './parsers/cef/index.js';
export { cicFlowFormat, openCicFlow } from './parsers/cic-flow/index.js';
export { jsonFormat, parseJsonObject, parseJsonValue } from './parsers/json/index.js';
export { leefFormat, parseLeef } from './parsers/leef/index.js';
export { captureFlows, CIC_PREFIX, flowEvent, pcapFormat, pcapngFormat } from './parsers/pcap/index.js';
export type { CaptureFlows } from './parsers/pcap/index.js';
export { captureKind, readCapture } from './parsers/pcap/capture.js';
export type { CaptureItem, Frame as CaptureFrame } from './parsers/pcap/capture.js';
export { CIC_FEATURES, FlowAssembler } from './parsers/pcap/flows.js';
export type { CicFeature, FlowEnd, FlowOptions, FlowRecord } from './parsers/pcap/flows.js';
export { decodeFrame, LINK_TYPES, Reassembler, TCP } from './parsers/pcap/packet.js';
export type { DecodeResult, Packet } from './parsers/pcap/packet.js';
export { parseSuricataObject, suricataFormat } from './parsers/suricata/index.js';
export { parseSyslog, syslogFormat } from './parsers/syslog/index.js';
export { parseWindowsFlat, parseWindowsNested, parseWindowsObject, windowsFormat } from './parsers/windows/index.js';
export { openZeek, zeekFormat } from './parsers/zeek/index.js';

// network sources (syslog UDP/TCP)
export { kernelUdpDrops, parseUdpDrops, startTcpSource, startUdpSource } from './sources/index.js';
export type {
  RecordSink,
  RunningSource,
  SourceCounters,
  SourceRecord,
  TcpOptions,
  UdpOptions,
} from './sources/index.js';

// binary EVTX (streaming)
export { evtxFormat, evtxParseResults } from './parsers/evtx/index.js';
