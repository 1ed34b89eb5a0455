// Job page: follows the build log live (server-sent events), loads earlier parts by byte range, and
// sends rerun/abort with the CSRF token. Without JavaScript the page still reads and the forms still post.
import { AnsiToHtml } from '../ansi.js';
import { renderLines } from '../log-lines.js';
import { fetchThisPage, refreshWhileRunning, tickDurations } from './live.js';

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
  const fresh = await fetchThisPage();
  if (!fresh) return;
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

// --- the build log: numbered rows (src/deck/log-lines.ts), live lines, earlier lines, search ---------------

/** The last row while its line is still being written (no newline yet), and its text so far. */
let partialRow: HTMLElement | undefined;
let partialText = '';
let nextLine = 1;
if (logEl) {
  const rows = logEl.querySelectorAll<HTMLElement>('.row');
  nextLine = Number(logEl.dataset['firstLine'] ?? '1') + rows.length;
  if (logEl.dataset['partial'] === '1' && rows.length > 0) {
    partialRow = rows[rows.length - 1];
    partialText = partialRow?.querySelector('.lc')?.textContent ?? '';
    nextLine--;
  }
}

function nearBottom(box: HTMLElement): boolean {
  return box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
}

/** New text of a live log: completes the partial row, then adds a row per new line. */
function appendLog(box: HTMLElement, ansi: AnsiToHtml, text: string): void {
  const all = partialText + text;
  partialRow?.remove();
  partialRow = undefined;
  const cut = all.lastIndexOf('\n') + 1;
  const whole = all.slice(0, cut);
  partialText = all.slice(cut);
  const done = renderLines(whole, nextLine, ansi);
  box.insertAdjacentHTML('beforeend', done.html);
  nextLine += done.count;
  if (partialText !== '') {
    // Shown now, numbered, and rendered again (with the stream's colours) once its newline arrives.
    box.insertAdjacentHTML('beforeend', renderLines(partialText, nextLine, new AnsiToHtml()).html);
    partialRow = box.lastElementChild as HTMLElement;
  }
}

if (logEl && logEl.dataset['live'] === '1') {
  const name = logEl.dataset['name'] ?? '';
  const offset = logEl.dataset['offset'] ?? '0';
  const ansi = new AnsiToHtml();
  const source = new EventSource(`/log-stream/${encodeURIComponent(name)}?offset=${encodeURIComponent(offset)}`);
  document.getElementById('live-note')?.replaceChildren('Following the log live…');
  source.addEventListener('log', (e) => {
    const follow = nearBottom(logEl);
    document.getElementById('no-log')?.remove();
    appendLog(logEl, ansi, JSON.parse((e as MessageEvent<string>).data) as string);
    if (follow) logEl.scrollTop = logEl.scrollHeight;
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
  // While it runs: the duration counts up, and new artifacts and times appear without a reload.
  tickDurations();
  refreshWhileRunning(['table.meta', '#artifacts'], () => logEl.dataset['live'] === '1');
}

const earlier = document.querySelector<HTMLAnchorElement>('#earlier a');

/** Adds the whole lines before the first loaded one (one window); false when there is nothing more to load. */
async function loadEarlier(): Promise<boolean> {
  if (!earlier || !logEl || !document.getElementById('earlier')) return false;
  const res = await fetch(earlier.href);
  if (!res.ok) return false;
  const text = await res.text();
  const start = Number(res.headers.get('x-log-start') ?? '0');
  const first = Number(logEl.dataset['firstLine'] ?? '1');
  const count = text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
  const height = logEl.scrollHeight;
  logEl.insertAdjacentHTML('afterbegin', renderLines(text, first - count).html);
  logEl.scrollTop += logEl.scrollHeight - height; // keep the lines you were reading where they were
  logEl.dataset['firstLine'] = String(first - count);
  if (start > 0 && count > 0) {
    const next = new URL(earlier.href); // /log/<name> or a bucket's /spyglass/log/<path>
    next.searchParams.set('before', String(start));
    earlier.href = next.href;
    const left = first - count - 1;
    earlier.textContent = `${left.toLocaleString('en-US')} earlier line${left === 1 ? '' : 's'}`;
  } else {
    document.getElementById('earlier')?.remove();
  }
  runSearch();
  return true;
}

/**
 * Opens at the end, with the last error line in view; a #L<n> permalink opens at its line instead,
 * loading earlier parts of the log first when the line is above the loaded tail.
 */
async function openLog(box: HTMLElement): Promise<void> {
  // The log's end is on screen: the page scrolls just enough to show the bottom of the log box.
  const bottom = box.getBoundingClientRect().bottom;
  if (bottom > window.innerHeight) window.scrollBy(0, bottom - window.innerHeight + 12);
  const wanted = /^#L(\d+)$/.exec(window.location.hash);
  if (wanted) {
    const id = `L${wanted[1]}`;
    while (!document.getElementById(id) && Number(wanted[1]) < Number(box.dataset['firstLine'] ?? '1') && (await loadEarlier()));
    const target = document.getElementById(id);
    if (target) {
      // :target was matched before the row existed; mark it so it is highlighted all the same.
      for (const row of box.querySelectorAll('.row.current')) row.classList.remove('current');
      target.classList.add('current');
      box.scrollTop = target.offsetTop - box.clientHeight / 3;
      box.dataset['opened'] = id;
      return;
    }
  }
  box.scrollTop = box.scrollHeight;
  const errors = box.querySelectorAll<HTMLElement>('.row.log-error');
  const last = errors[errors.length - 1];
  if (last && last.offsetTop < box.scrollTop) box.scrollTop = last.offsetTop - box.clientHeight / 3;
}
if (logEl) {
  void openLog(logEl);
  window.addEventListener('hashchange', () => void openLog(logEl));
}

earlier?.addEventListener('click', (e) => {
  e.preventDefault();
  void loadEarlier();
});

// Search: every loaded line containing the text (any case) is marked; Enter moves to the next one.
const searchEl = document.getElementById('log-search') as HTMLInputElement | null;
const countEl = document.getElementById('log-search-count');
let current = -1;
function runSearch(): void {
  if (!searchEl || !logEl) return;
  const q = searchEl.value.toLowerCase();
  let n = 0;
  for (const row of logEl.querySelectorAll<HTMLElement>('.row')) {
    const hit = q !== '' && (row.querySelector('.lc')?.textContent ?? '').toLowerCase().includes(q);
    row.classList.toggle('match', hit);
    row.classList.remove('current');
    if (hit) n++;
  }
  current = -1;
  if (countEl) countEl.textContent = q === '' ? '' : `${n} matching line${n === 1 ? '' : 's'}${n ? ' (Enter: next)' : ''}`;
}
if (searchEl && logEl) {
  searchEl.hidden = false;
  searchEl.addEventListener('input', runSearch);
  searchEl.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const hits = [...logEl.querySelectorAll<HTMLElement>('.row.match')];
    if (hits.length === 0) return;
    hits[current]?.classList.remove('current');
    current = (current + (e.shiftKey ? hits.length - 1 : 1)) % hits.length;
    const row = hits[current]!;
    row.classList.add('current');
    logEl.scrollTop = row.offsetTop - logEl.clientHeight / 3;
    if (countEl) countEl.textContent = `line ${row.id.slice(1)}: match ${current + 1} of ${hits.length}`;
  });
}

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
