/**
 * @module
 * ECS `event.action` / `event.category` of Sysmon event ids.
 */

const SYSMON: ReadonlyArray<readonly [string, string] | undefined> = [
  undefined,
  ['process-created', 'process'],
  ['file-creation-time-changed', 'file'],
  ['network-connection', 'network'],
  ['sysmon-service-state-changed', 'configuration'],
  ['process-terminated', 'process'],
  ['driver-loaded', 'driver'],
  ['image-loaded', 'library'],
  ['create-remote-thread', 'process'],
  ['raw-access-read', 'file'],
  ['process-access', 'process'],
  ['file-created', 'file'],
  ['registry-object-added-or-deleted', 'registry'],
  ['registry-value-set', 'registry'],
  ['registry-object-renamed', 'registry'],
  ['file-stream-created', 'file'],
  ['sysmon-config-changed', 'configuration'],
  ['pipe-created', 'file'],
  ['pipe-connected', 'file'],
  ['wmi-event-filter', 'configuration'],
  ['wmi-event-consumer', 'configuration'],
  ['wmi-event-consumer-to-filter', 'configuration'],
  ['dns-query', 'network'],
  ['file-deleted', 'file'],
  ['clipboard-changed', 'process'],
  ['process-tampering', 'process'],
  ['file-delete-detected', 'file'],
  ['file-block-executable', 'file'],
  ['file-block-shredding', 'file'],
  ['file-executable-detected', 'file'],
];

/** `[action, category]` of a Sysmon event id, when known. */
export function sysmonAction(id: number): readonly [string, string] | undefined {
  return id >= 0 && id < SYSMON.length ? SYSMON[id] : undefined;
}
