import { afterAll, beforeAll, describe } from 'vitest';
import { busContract } from '../internal/testing.js';
import { JetStreamBus } from './index.js';
import { findNatsServer, TestNatsServer } from './_test-server.js';

const bin = findNatsServer();
if (bin === undefined)
  console.warn('SKIP JetStreamBus contract: nats-server not found (PATH, /usr/sbin, or NATS_SERVER_BIN)');

describe.skipIf(bin === undefined)('Bus contract: JetStreamBus on a real nats-server', () => {
  let server: TestNatsServer;
  beforeAll(async () => {
    server = await TestNatsServer.start(bin ?? '');
  });
  afterAll(async () => {
    await server.stop();
  });
  // A failing handler is retried, then dead-lettered: keep that short so later messages flow.
  busContract(() =>
    JetStreamBus.connect({
      servers: [server.url],
      stream: { name: 'CONTRACT', subjects: ['events.>', 'alerts.>'] },
      subscribe: { maxDeliver: 2, nakDelayMs: 20 },
    }),
  );
});
