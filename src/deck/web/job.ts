// Job page: follows the build log live (server-sent events), loads earlier parts by byte range, and
// sends rerun/abort with the CSRF token. Without JavaScript the page still reads and the forms still post.
import { AnsiToHtml } from '../ansi.js';

const logEl = document.getElementById('build-log') as HTMLPreElement | null;
const stateEl = document.getElementById('job-state');
const descEl = document.getElementById('job-description');
const abortBtn = document.getElementById('abort') as HTMLButtonElement | null;
const resultEl = document.getElementById('action-result');

function setState(state: string, description?: string): void {
  if (stateEl) stateEl.innerHTML = `<span class="state state-${state}" data-state="${state}">${state}</span>`;
  if (descEl && description !== undefined) descEl.textContent = description;
  if (abortBtn) abortBtn.disabled = !(state === 'triggered' || state === 'pending');
}

/** Once the job is done: swap in the final metadata, test summary and artifacts from a fresh render of the page. */
async function refreshFinished(): Promise<void> {
  const res = await fetch(window.location.href, { headers: { accept: 'text/html' } });
  if (!res.ok) return;
  const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
  for (const selector of ['table.meta', '#artifacts']) {
    const next = fresh.querySelector(selector);
    if (next) document.querySelector(selector)?.replaceWith(next);
  }
  const junit = fresh.getElementById('junit');
  if (junit) {
    const old = document.getElementById('junit');
    if (old) old.replaceWith(junit);
    else document.getElementById('artifacts')?.before(junit);
  }
  document.body.dataset['refreshed'] = '1';
}

function nearBottom(): boolean {
  return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
}

if (logEl && logEl.dataset['live'] === '1') {
  const name = logEl.dataset['name'] ?? '';
  const offset = logEl.dataset['offset'] ?? '0';
  const ansi = new AnsiToHtml();
  const source = new EventSource(`/log-stream/${encodeURIComponent(name)}?offset=${encodeURIComponent(offset)}`);
  document.getElementById('live-note')?.replaceChildren('Following the log live…');
  source.addEventListener('log', (e) => {
    const follow = nearBottom();
    document.getElementById('no-log')?.remove();
    logEl.insertAdjacentHTML('beforeend', ansi.push(JSON.parse((e as MessageEvent<string>).data) as string));
    if (follow) window.scrollTo(0, document.body.scrollHeight);
  });
  source.addEventListener('state', (e) => {
    const s = JSON.parse((e as MessageEvent<string>).data) as { state: string; description: string };
    setState(s.state, s.description);
  });
  source.addEventListener('done', (e) => {
    const s = JSON.parse((e as MessageEvent<string>).data) as { state: string };
    source.close();
    setState(s.state);
    document.getElementById('live-note')?.replaceChildren(`The job finished: ${s.state}.`);
    logEl.dataset['live'] = '0';
    void refreshFinished();
  });
  source.addEventListener('gone', () => source.close());
}

const earlier = document.querySelector<HTMLAnchorElement>('#earlier a');
earlier?.addEventListener('click', (e) => {
  e.preventDefault();
  void fetch(earlier.href).then(async (res) => {
    if (!res.ok || !logEl) return;
    const text = await res.text();
    const start = Number(res.headers.get('x-log-start') ?? '0');
    logEl.insertAdjacentHTML('afterbegin', new AnsiToHtml().push(text));
    if (start > 0) {
      earlier.href = `/log/${encodeURIComponent(logEl.dataset['name'] ?? '')}?start=0&end=${start - 1}`;
      earlier.textContent = `${start} earlier bytes`;
    } else {
      document.getElementById('earlier')?.remove();
    }
  });
});

const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-action]')) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const action = form.dataset['action'];
    if (!window.confirm(`${action === 'rerun' ? 'Rerun' : 'Abort'} this job?`)) return;
    void fetch(form.action, { method: 'POST', headers: { 'x-csrf-token': csrf, accept: 'application/json' } }).then(async (res) => {
      const body = (await res.json().catch(() => ({ message: res.statusText }))) as { message?: string; url?: string };
      if (!resultEl) return;
      resultEl.className = res.ok ? 'ok' : 'denied';
      resultEl.textContent = body.message ?? '';
      if (res.ok && body.url && action === 'rerun') {
        const a = document.createElement('a');
        a.href = body.url;
        a.id = 'new-job-link';
        a.textContent = ' Open the new job';
        resultEl.append(a);
      }
    });
  });
}
