// The other end of bench/calibrate.ts: answers each chunk after a fixed piece of CPU work (so a
// slower machine shows in the median as well as in the tail): argv[2] JSON round trips of a
// 200-entry document, a mix of allocation and string work like a server's.

import net from 'node:net';

const rounds = Number(process.argv[2] ?? 6);
const doc = {
  items: Array.from({ length: 200 }, (_, i) => ({
    id: i,
    subject: `Message number ${i}`,
    from: { name: 'Sender', address: `s${i}@example.test` },
    flags: [i % 2 === 0, i % 3 === 0],
  })),
};
const work = (): number => {
  let n = 0;
  for (let r = 0; r < rounds; r++) n += (JSON.parse(JSON.stringify(doc)) as typeof doc).items.length;
  return n;
};
// Compiled before the first measured round.
for (let i = 0; i < 300; i++) work();

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', () => {
    work();
    socket.write('y');
  });
});
server.listen(0, '127.0.0.1', () => process.send!((server.address() as net.AddressInfo).port));
