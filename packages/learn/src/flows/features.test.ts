import { describe, expect, it } from 'vitest';
import { eveMicros, flowFeatures } from './features.js';

describe('flow features from any flow event', () => {
  it('pcap events: the cic.* fields, without identity columns', () => {
    const f = flowFeatures({
      'cic.Flow ID': 'x',
      'cic.Src Port': 5,
      'cic.Dst Port': 53,
      'cic.Flow Duration': 250,
      'source.ip': '1.2.3.4',
    });
    expect(f).toEqual({ source: 'pcap', features: { 'Dst Port': 53, 'Flow Duration': 250 } });
  });

  it('CICFlowMeter CSV rows: bare names, original spellings mapped, Infinity/NaN unknown', () => {
    const f = flowFeatures({
      'Flow Duration': 10,
      'Total Fwd Packets': 3,
      Init_Win_bytes_forward: 8192,
      'Flow Bytes/s': 'Infinity',
      Label: 'BENIGN',
      'Src Port': 1,
    });
    expect(f).toEqual({
      source: 'cic-csv',
      features: { 'Flow Duration': 10, 'Total Fwd Packet': 3, 'FWD Init Win Bytes': 8192 },
    });
  });

  it('Zeek conn: totals, rates, header bytes and history flags worked out by hand', () => {
    // A real record of ../shared/corpora/network/ics-zeek-logs/MODBUS/MODBUS-TestDataPart1/conn.log.gz.
    const f = flowFeatures({
      'id.orig_h': '10.0.0.57',
      'id.orig_p': 2579,
      'id.resp_h': '10.0.0.8',
      'id.resp_p': 502,
      proto: 'tcp',
      duration: 23.256631,
      orig_bytes: 24,
      resp_bytes: 0,
      conn_state: 'SF',
      history: 'ShADaFf',
      orig_pkts: 6,
      orig_ip_bytes: 272,
      resp_pkts: 5,
      resp_ip_bytes: 208,
    });
    expect(f?.source).toBe('zeek-conn');
    const x = f!.features;
    expect(x).toMatchObject({
      'Dst Port': 502,
      Protocol: 6,
      'Flow Duration': 23256631,
      'Total Fwd Packet': 6,
      'Total Bwd packets': 5,
      'Total Length of Fwd Packet': 24,
      'Total Length of Bwd Packet': 0,
      'Fwd Packet Length Mean': 4,
      'Fwd Header Length': 272 - 24 - 6 * 20,
      'Bwd Header Length': 208 - 5 * 20,
      'SYN Flag Count': 2,
      'FIN Flag Count': 2,
      'RST Flag Count': 0,
      'Subflow Fwd Bytes': 2,
      'Total TCP Flow Time': 23256631,
      'ICMP Type': -1,
      'ICMP Code': -1,
    });
    expect(x['Flow Bytes/s']).toBeCloseTo(24 / 23.256631, 9);
    expect(x['Flow Packets/s']).toBeCloseTo(11 / 23.256631, 9);
    expect(x['Flow IAT Mean']).toBeCloseTo(2325663.1, 6);
    expect(x['Down/Up Ratio']).toBeCloseTo(5 / 6, 12);
    // Not derivable from a conn record: left out, never guessed.
    expect(x['Fwd IAT Std']).toBeUndefined();
    expect(x['FWD Init Win Bytes']).toBeUndefined();
  });

  it('Zeek ICMP: type and code from the originator and responder ports', () => {
    const x = flowFeatures({
      'id.orig_p': 8,
      'id.resp_p': 0,
      proto: 'icmp',
      duration: 1,
      orig_bytes: 56,
      resp_bytes: 56,
      orig_pkts: 1,
      resp_pkts: 1,
    })!.features;
    expect([x['ICMP Type'], x['ICMP Code'], x['Protocol'], x['Total TCP Flow Time']]).toEqual([8, 0, 1, 0]);
  });

  it('Suricata flow: payload from whole-packet bytes, flags per direction, µs times', () => {
    const f = flowFeatures({
      proto: 'TCP',
      dest_port: 80,
      'flow.pkts_toserver': 5,
      'flow.pkts_toclient': 4,
      'flow.bytes_toserver': 5 * 54 + 100,
      'flow.bytes_toclient': 4 * 54 + 300,
      'flow.start': '2024-01-01T00:00:00.000250+0000',
      'flow.end': '2024-01-01T00:00:00.009250+0000',
      'tcp.tcp_flags_ts': '1b',
      'tcp.tcp_flags_tc': '17',
    });
    expect(f?.source).toBe('suricata-flow');
    expect(f!.features).toMatchObject({
      'Flow Duration': 9000,
      'Total Length of Fwd Packet': 100,
      'Total Length of Bwd Packet': 300,
      'SYN Flag Count': 2,
      'FIN Flag Count': 2,
      'PSH Flag Count': 1,
      'Fwd PSH Flags': 1,
      'Bwd PSH Flags': 0,
      'RST Flag Count': 1,
      'Bwd RST Flags': 1,
      'ACK Flag Count': 2,
      'Dst Port': 80,
    });
    expect(f!.features['Flow Bytes/s']).toBeCloseTo(400 / 0.009, 6);
    expect(eveMicros('2024-01-01T01:00:00.5+0100')).toBe(Date.UTC(2024, 0, 1) * 1000 + 500000);
    expect(eveMicros('garbage')).toBeUndefined();
  });

  it('other events are not flows', () => {
    expect(flowFeatures({ 'process.name': 'x' })).toBeUndefined();
  });
});
