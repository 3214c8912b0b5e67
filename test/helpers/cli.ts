// The CLI in the test process: `main` with an Io that captures what it prints, as the
// command-line tests need it (no child process, no real stdin, no signal to stop on).
import { main } from '../../bin/cli/main.js';
import type { Io } from '../../bin/cli/common.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** An Io that keeps what is printed; `env` and `stdin` are what the command reads. */
export function capturingIo(env: Record<string, string> = {}, stdin = ''): { io: Io; printed: () => { stdout: string; stderr: string } } {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    env,
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readStdin: async () => stdin,
    stopSignal: () => new Promise(() => {}),
  };
  return { io, printed: () => ({ stdout, stderr }) };
}

/** `eas-push ARGS` run through main(). */
export async function runCli(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<Ran> {
  const { io, printed } = capturingIo(env, stdin);
  const code = await main(args, io);
  return { code, ...printed() };
}
