// bin/http-stop.ts, the EAS listener's shutdown, on a real HTTP server and a keep-alive client
// (as phones connect): the port is closed before the parked requests are answered, and the
// connections the answers leave idle are closed then, not after the grace period.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { stopHttp } from '../../bin/http-stop.js';
import { refused } from '../helpers/net.js';

/** A server whose every request stays parked until answered; and one keep-alive request to it. */
async function parkedRequest() {
  let parked!: (res: http.ServerResponse) => void;
  const held = new Promise<http.ServerResponse>((resolve) => (parked = resolve));
  const server = http.createServer((_req, res) => parked(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true });
  let socketClosed!: () => void;
  const closedByServer = new Promise<void>((resolve) => (socketClosed = resolve));
  const answer = new Promise<{ body: string; connection: string | undefined }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, agent, method: 'POST', path: '/Microsoft-Server-ActiveSync?Cmd=Ping' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ body, connection: res.headers.connection }));
    });
    req.on('socket', (socket) => socket.once('close', () => socketClosed()));
    req.on('error', reject);
    req.end();
  });
  return { server, port, agent, res: await held, answer, closedByServer };
}

test('the port is closed before the parked requests are answered', async (t) => {
  const { server, port, agent, res, answer } = await parkedRequest();
  t.teardown(() => {
    server.closeAllConnections();
    agent.destroy();
  });
  let listeningAtAnswer: boolean | null = null;
  const stopped = stopHttp(server, async () => {
    listeningAtAnswer = server.listening;
    res.end('answered');
  });
  t.is((await answer).body, 'answered');
  t.false(listeningAtAnswer, 'a device that reads its answer cannot reconnect to this process');
  t.true(await refused(port));
  await stopped;
});

test('a keep-alive connection left idle by its answer is closed at once, not after the grace period', async (t) => {
  const { server, agent, res, answer, closedByServer } = await parkedRequest();
  t.teardown(() => {
    server.closeAllConnections();
    agent.destroy();
  });
  // A grace far beyond the test's time: only the close after the answers can end the connection.
  const stopped = stopHttp(server, async () => {
    res.end('answered');
    await new Promise((resolve) => res.once('finish', resolve));
  }, 10 * 60_000);
  t.is((await answer).connection, 'keep-alive', 'the answer itself kept the connection open');
  let timer: NodeJS.Timeout | undefined;
  const first = await Promise.race([
    closedByServer.then(() => 'closed by the server'),
    new Promise((resolve) => (timer = setTimeout(resolve, 5_000, 'still open after 5 s'))),
  ]);
  clearTimeout(timer);
  t.is(first, 'closed by the server');
  await stopped;
});
