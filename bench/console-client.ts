// The operator's console as an open browser tab, for bench/push.ts --console (issue #19: the
// console adds nothing to the push path's cost). It logs in through the form as a browser does
// (the login page's token, then the session cookie), keeps the server page's event stream open,
// and on every event re-fetches the page fragment the way the page's own script does
// (eas/admin/layout.ts), so the server renders what an open tab would make it render.

import http from 'node:http';

export interface OpenConsole {
  /** Events received and fragments fetched so far. */
  counts(): { events: number; fragments: number };
  close(): void;
}

type Jar = Map<string, string>;

function remember(jar: Jar, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    if (eq > 0) jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
}

const cookieHeader = (jar: Jar): string => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

export async function openConsole(port: number, who: { address: string; password: string }, page = '/server'): Promise<OpenConsole> {
  const base = `http://127.0.0.1:${port}`;
  const jar: Jar = new Map();
  const form = await fetch(`${base}/login`, { redirect: 'manual' });
  remember(jar, form);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error('console: no login form');
  const posted = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: cookieHeader(jar), Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, address: who.address, password: who.password }).toString(),
  });
  remember(jar, posted);
  if (posted.status !== 303 && posted.status !== 302) throw new Error(`console: login answered ${posted.status}`);

  let events = 0;
  let fragments = 0;
  let busy = false;
  let again = false;
  const refresh = (): void => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(`${base}${page}`, { headers: { Cookie: cookieHeader(jar), 'X-Console-Fragment': '1' } })
      .then((r) => r.arrayBuffer())
      .then(() => fragments++)
      .catch(() => undefined)
      .finally(() => {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  };
  const stream = http.get(`${base}/events`, { headers: { Cookie: cookieHeader(jar), Accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) throw new Error(`console: /events answered ${res.statusCode}`);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const n = chunk.split('\nevent:').length - 1 + (chunk.startsWith('event:') ? 1 : 0);
      if (n > 0) {
        events += n;
        refresh();
      }
    });
  });
  stream.on('error', () => undefined);
  return { counts: () => ({ events, fragments }), close: () => stream.destroy() };
}
