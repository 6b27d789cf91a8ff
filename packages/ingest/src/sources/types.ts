/**
 * @module
 * The source seam: a source turns a transport (UDP, TCP, files, HTTP) into framed records and
 * hands them to a sink that applies backpressure. Sources never parse; workers do.
 */
import type { EventSource } from '@intersoc/core';

/** One framed record from a source. */
export interface SourceRecord {
  readonly record: string;
  readonly source: EventSource;
  /** Format name, or '' to detect per record. */
  readonly format: string;
  /**
   * Key of the record for its deterministic id: the stream identity and the record's position in
   * it (never the content alone, or identical records would merge into one event).
   */
  readonly key: string;
  readonly label?: string;
  /** Set when the transport could not frame the record (e.g. oversize): it goes to dead letters. */
  readonly error?: string;
}

/** Where sources deliver records. */
export interface RecordSink {
  /** Delivers a batch, waiting for room (TCP: the socket is paused meanwhile). */
  submit(tenant: string, records: readonly SourceRecord[]): Promise<void>;
  /** Delivers a batch only if there is room now; false means the caller must count it as dropped. */
  trySubmit(tenant: string, records: readonly SourceRecord[]): boolean;
}

/** Counters every network source keeps. */
export interface SourceCounters {
  received: number;
  bytes: number;
  dropped: number;
  oversize: number;
  connections: number;
  /**
   * Messages the kernel dropped before the process saw them (UDP receive buffer full), since
   * the source started; undefined where the system does not say.
   */
  readonly kernelDropped?: number | undefined;
}

/** A running source. */
export interface RunningSource {
  readonly name: string;
  /** Bound address, e.g. `127.0.0.1:5514` (the real port when 0 was asked). */
  readonly address: string;
  readonly port: number;
  readonly counters: SourceCounters;
  /** UDP: the receive buffer asked for and the size the kernel granted (bytes). */
  readonly receiveBuffer?: { readonly wanted: number; readonly obtained: number };
  close(): Promise<void>;
}
