import { describe, expect, it } from 'vitest';
import { checkHostile } from '../../internal/hostile.js';
import { cicFlowFormat, openCicFlow } from './index.js';

const HEADER =
  'id,Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Total Fwd Packet,' +
  'Total Length of Fwd Packet,Total Length of Bwd Packet,Flow Bytes/s,Label';
const ROW =
  '7,10.0.0.5-10.0.0.3-58181-53-17,10.0.0.5,58181,10.0.0.3,53,17,2017-07-06 12:39:06.818901,245,2,70,102,Infinity,BENIGN';

describe('cic-flow: CSV flow records', () => {
  it('reads the header, types numbers and maps the flow to ECS', () => {
    const p = openCicFlow();
    expect(p.parse(HEADER)).toEqual({ ok: 'skip' });
    const r = p.parse(ROW);
    expect(r.ok).toBe(true);
    if (r.ok !== true) return;
    expect(r.value.fields).toMatchObject({
      id: 7,
      'Src IP': '10.0.0.5',
      'Src Port': 58181,
      Protocol: 17,
      'Flow Duration': 245,
      'Flow Bytes/s': 'Infinity',
      Label: 'BENIGN',
    });
    expect(r.value.ecs).toEqual({
      'source.ip': '10.0.0.5',
      'source.port': 58181,
      'destination.ip': '10.0.0.3',
      'destination.port': 53,
      'network.transport': 'udp',
      'event.duration': 245_000,
      'source.bytes': 70,
      'destination.bytes': 102,
    });
    expect(r.value.time).toBe(Date.parse('2017-07-06T12:39:06.818Z'));
  });

  it('accepts the original CIC-IDS2017 header with padded names and quoted cells', () => {
    const p = openCicFlow();
    p.parse(' Destination Port, Flow Duration, Total Length of Fwd Packets, Label');
    const r = p.parse('443,1000,"1,5",DoS Hulk');
    expect(r.ok === true && r.value.fields).toEqual({
      'Destination Port': 443,
      'Flow Duration': 1000,
      'Total Length of Fwd Packets': '1,5',
      Label: 'DoS Hulk',
    });
  });

  it('rejects rows before the header, wrong column counts and broken quotes', () => {
    const p = openCicFlow();
    expect(p.parse('1,2,3')).toEqual({ ok: false, reason: 'cic-flow: data line before the header row' });
    p.parse(HEADER);
    expect(p.parse('1,2,3')).toEqual({ ok: false, reason: 'cic-flow: line has 3 of 14 columns' });
    expect(p.parse('"1,2')).toEqual({ ok: false, reason: 'cic-flow: unterminated quoted value' });
    expect(p.parse(ROW).ok).toBe(true);
  });

  it('survives hostile input without losing its header', () => {
    const p = openCicFlow();
    p.parse(HEADER);
    expect(checkHostile({ ...cicFlowFormat, open: () => p }, ROW)).toEqual([]);
  });

  it('detects the CIC header', () => {
    expect(cicFlowFormat.detect(HEADER + '\n' + ROW)).toBe(0.95);
    expect(cicFlowFormat.detect('a,b,c\n1,2,3')).toBe(0);
  });
});
