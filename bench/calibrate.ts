// This machine's own latency floor at the moment of a benchmark, printed beside its figures: a
// round trip over loopback TCP to another process that does a fixed piece of CPU work before it
// answers (bench/calibrate-echo.ts: about 1 ms on the development machine when it is quiet, as
// long as a small delivery takes), nothing else. On that shared 2-core virtual machine the same
// benchmark's median moved by a third within an hour; printed before and after, this tells the
// server's share from the machine's.

import { fork } from 'node:child_process';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { percentile } from './bench-util.js';

/** JSON round trips the echo does per message: about 1 ms of CPU on the development machine. */
const WORK = 6;

export interface Floor {
  p50: number;
  p99: number;
}

export async function machineFloor(rounds = 2000): Promise<Floor> {
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'calibrate-echo.ts'), [String(WORK)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve(Number(m)));
      child.once('exit', (code) => reject(new Error(`calibration echo exited (${code})`)));
    });
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise((resolve) => socket.once('connect', resolve));
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      await new Promise((resolve) => {
        socket.once('data', resolve);
        socket.write('x');
      });
      times.push(performance.now() - t0);
      // A pause between rounds, as the benchmarks have between deliveries.
      await delay(1);
    }
    socket.destroy();
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  } finally {
    child.kill();
  }
}

export function describeFloor(f: Floor): string {
  return `this machine now: a loopback round trip to a process doing a fixed ~1 ms of work: p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms (bench/calibrate.ts)`;
}
