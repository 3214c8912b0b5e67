// The page frame of the console (docs/admin.md §2): one small stylesheet and one small script,
// both inline (no build step, nothing fetched from elsewhere); the script is allowed by a
// per-response nonce in the Content-Security-Policy. The live part of each page sits in
// <div id="live">: on each server-sent event the script fetches the same URL as a fragment
// and swaps that part, so the page updates without a reload.

import { html, trusted, type Html } from './html.js';

export interface PageFrame {
  title: string;
  /** The signed-in admin, or null on the login page. */
  admin: string | null;
  csrf: string | null;
  nonce: string;
  /** Which navigation entry is current. */
  nav?: 'accounts' | 'server';
  /** Subscribe to /events and refresh #live on each. */
  live?: boolean;
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--mute:#5b6570;--line:#d7dde3;--card:#f5f7f9;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--mute:#8d96a0;--line:#30363d;--card:#161b22;--ok:#3fb950;--warn:#d29922;--bad:#f85149;--accent:#4493f8}}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;padding:.7rem 1rem;border-bottom:1px solid var(--line)}
header strong{font-size:1.05rem}header nav{display:flex;gap:1rem;flex:1}header a{color:var(--fg);text-decoration:none}header a[aria-current]{font-weight:600;border-bottom:2px solid var(--accent)}
header form{margin:0}main{padding:1rem;max-width:1200px;margin:0 auto}h1{font-size:1.35rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .6rem}
a{color:var(--accent)}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--mute);font-size:.85rem}.mute{color:var(--mute)}.ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.7rem;margin-bottom:1rem}.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem}
.card b{display:block;font-size:1.5rem}.card span{color:var(--mute);font-size:.85rem}
.scroll{overflow-x:auto}button,.button{font:inherit;padding:.4rem .8rem;border-radius:6px;border:1px solid var(--line);background:var(--card);color:var(--fg);cursor:pointer;text-decoration:none;display:inline-block}
button.danger,.button.danger{background:var(--bad);color:#fff;border-color:var(--bad)}.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.8rem 0}
label{display:block;margin:.6rem 0 .2rem}input[type=text],input[type=password],input[type=email]{font:inherit;padding:.45rem;width:100%;max-width:24rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
.notice{padding:.6rem .8rem;border-radius:6px;border:1px solid var(--line);background:var(--card);margin:.6rem 0}.notice.bad{border-color:var(--bad)}
svg{max-width:100%;height:auto;display:block}svg text{fill:var(--mute);font:11px system-ui,sans-serif}
.timeline li{margin:.4rem 0}.timeline{padding-left:1.1rem}.kv th{width:11rem}
@media (max-width:600px){.hide-narrow{display:none}th,td{padding:.3rem .3rem}main{padding:.6rem}}
`;

/** Refreshes #live from the same URL on each event; one fetch at a time, the last event wins. */
const SCRIPT = `
(function(){var live=document.getElementById('live');if(!live||!window.EventSource)return;
var busy=false,again=false;
function refresh(){if(busy){again=true;return}busy=true;
fetch(location.pathname+location.search,{headers:{'X-Console-Fragment':'1'},credentials:'same-origin',cache:'no-store'})
.then(function(r){if(r.status===401){location.reload();return null}return r.ok?r.text():null})
.then(function(t){if(t!==null&&t!==undefined){live.innerHTML=t;document.body.dataset.refreshed=String(Date.now())}})
.catch(function(){}).then(function(){busy=false;if(again){again=false;refresh()}})}
var es=new EventSource('/events');es.addEventListener('change',refresh);es.addEventListener('tick',refresh);
es.addEventListener('open',function(){document.body.dataset.live='open'});})();
`;

export function page(frame: PageFrame, body: Html): Html {
  const navItem = (key: 'accounts' | 'server', href: string, label: string) =>
    html`<a href="${href}"${frame.nav === key ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="same-origin"><title>${frame.title} · eas-push</title>
<style nonce="${frame.nonce}">${trusted(STYLE)}</style></head>
<body><header><strong>eas-push</strong>${
    frame.admin !== null
      ? html`<nav>${navItem('accounts', '/accounts', 'Accounts')}${navItem('server', '/server', 'Server')}</nav>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${frame.csrf ?? ''}"><span class="mute hide-narrow">${frame.admin}</span> <button type="submit">Log out</button></form>`
      : ''
  }</header>
<main>${body}</main>${frame.live ? html`<script nonce="${frame.nonce}">${trusted(SCRIPT)}</script>` : ''}</body></html>`;
}
