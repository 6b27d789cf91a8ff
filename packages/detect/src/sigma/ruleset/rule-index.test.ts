import { describe, expect, it } from 'vitest';
import { EventView } from '../compile/event-view.js';
import { ruleSetFrom } from '../internal/fixtures.js';

/** Enough rules in one bucket that the literal prefilter runs (small buckets evaluate all). */
function rules(): string {
  const docs: string[] = [];
  for (let i = 0; i < 30; i++) {
    docs.push(`title: rule ${i}
id: 00000000-0000-4000-8000-${String(i).padStart(12, '0')}
logsource: { category: process_creation, product: windows }
detection:
    selection:
        CommandLine|contains: 'tool${i}.exe --secret'
    condition: selection`);
  }
  docs.push(`title: keywords
id: 00000000-0000-4000-8000-100000000000
logsource: { category: process_creation, product: windows }
detection:
    keywords: ['sekurlsa::']
    condition: keywords`);
  return docs.join('\n---\n');
}

/** Records which fields were read in lower-cased form. */
class CountingView extends EventView {
  readonly lowered: string[] = [];
  override lower(name: string) {
    this.lowered.push(name);
    return super.lower(name);
  }
}

const event = (fields: Record<string, string | number>) =>
  new CountingView({ fields: { Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, ...fields } });

describe('rule index prefilter', () => {
  const { ruleSet } = ruleSetFrom(rules());

  it('reads no lower-cased copy of a field that no candidate rule tests', () => {
    const ev = event({
      CommandLine: 'C:\\Windows\\System32\\svchost.exe -k netsvcs -p -s Schedule',
      Image: 'C:\\Windows\\System32\\svchost.exe',
      User: 'NT AUTHORITY\\SYSTEM',
      ParentCommandLine: 'C:\\Windows\\system32\\services.exe',
    });
    expect(ruleSet.match(ev)).toEqual([]);
    // Only the dispatch fields are folded (Channel, EventID); scanning reads the original text.
    expect(ev.lowered.filter((f) => !['Channel', 'EventID', '@format'].includes(f))).toEqual([]);
  });

  it('finds literals in any letter case, and keywords in any field', () => {
    const hits = (fields: Record<string, string | number>) => ruleSet.match(event(fields)).map((r) => r.title);
    expect(hits({ CommandLine: 'X:\\TOOL7.EXE --Secret=1' })).toEqual(['rule 7']);
    expect(hits({ CommandLine: 'tool7.exe', Description: 'SEKURLSA::LogonPasswords' })).toEqual(['keywords']);
    // Characters whose lower case is ASCII (Kelvin sign → k) match as toLowerCase() makes them.
    expect(hits({ CommandLine: 'x', Description: 'se\u212Aurlsa::' })).toEqual(['keywords']);
    expect(hits({ CommandLine: '\u0130tool12.exe --secret' })).toEqual(['rule 12']);
  });

  it("keys buckets by the exact dispatch values: no crafted value shares another event's bucket", () => {
    const logon = ruleSetFrom(`title: logon
id: 00000000-0000-4000-8000-200000000000
logsource: { product: windows, service: security }
detection:
    selection:
        EventID: 4624
    condition: selection`).ruleSet;
    const hits = (fields: Record<string, unknown>) =>
      logon.match(new EventView({ fields: fields as never })).map((r) => r.title);
    // Once joined into one string key, these two channels looked the same.
    expect(hits({ Channel: 'Security\u0004x', EventID: 4624 })).toEqual([]);
    expect(hits({ Channel: ['Security', 'x'], EventID: 4624 })).toEqual(['logon']);
    expect(hits({ Channel: 'Security\u0000x', EventID: 4624 })).toEqual([]);
    expect(hits({ Channel: 'Security', EventID: 4624 })).toEqual(['logon']);
  });
});
