// The podinfo lens (upstream pkg/spyglass/lenses/podinfo): podinfo.json, which crier's Kubernetes
// reporter uploads as {pod, events}: the pod's phase and node, each container's state, and the events.
import { html, type SafeHtml } from '../html.js';
import { readSmall, type Lens } from './lenses.js';

interface ContainerStatus {
  name?: string;
  image?: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; running?: { startedAt?: string }; terminated?: { exitCode?: number; reason?: string; message?: string } };
}

interface PodInfo {
  pod?: {
    metadata?: { name?: string; namespace?: string };
    spec?: { nodeName?: string };
    status?: { phase?: string; reason?: string; message?: string; startTime?: string; initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[] };
  };
  events?: { type?: string; reason?: string; message?: string; count?: number; lastTimestamp?: string }[];
}

function stateOf(c: ContainerStatus): string {
  const s = c.state ?? {};
  if (s.terminated) return `terminated (exit code ${s.terminated.exitCode ?? '?'}${s.terminated.reason ? `, ${s.terminated.reason}` : ''})${s.terminated.message ? `: ${s.terminated.message}` : ''}`;
  if (s.running) return 'running';
  if (s.waiting) return `waiting${s.waiting.reason ? ` (${s.waiting.reason})` : ''}${s.waiting.message ? `: ${s.waiting.message}` : ''}`;
  return 'unknown';
}

export const podInfoLens: Lens = {
  name: 'podinfo',
  title: 'Job Pod Info',
  priority: 20,
  async body({ store, files, spyglass }): Promise<SafeHtml> {
    const file = files.find((f) => f.name === 'podinfo.json') ?? files[0];
    if (!file) return html``;
    const read = await readSmall(store, file, spyglass.size_limit ?? 100_000_000);
    if ('error' in read) return html`<p class="problem">${read.error}</p>`;
    let info: PodInfo;
    try {
      info = JSON.parse(read.text) as PodInfo;
    } catch (err) {
      return html`<p class="problem">${file.name}: not JSON (${(err as Error).message})</p>`;
    }
    const pod = info.pod ?? {};
    const st = pod.status ?? {};
    const containers = [...(st.initContainerStatuses ?? []).map((c) => ({ ...c, init: true })), ...(st.containerStatuses ?? []).map((c) => ({ ...c, init: false }))];
    return html`<table class="meta" id="lens-podinfo">
<tr><th>Pod</th><td>${pod.metadata?.namespace ? `${pod.metadata.namespace}/` : ''}${pod.metadata?.name ?? ''}</td></tr>
<tr><th>Phase</th><td>${st.phase ?? 'unknown'}${st.reason ? ` (${st.reason})` : ''}${st.message ? `: ${st.message}` : ''}</td></tr>
${pod.spec?.nodeName ? html`<tr><th>Node</th><td>${pod.spec.nodeName}</td></tr>` : ''}
${containers.map((c) => html`<tr><th>${c.init ? 'init ' : ''}${c.name ?? ''}</th><td>${stateOf(c)}${c.restartCount ? ` · ${c.restartCount} restarts` : ''}${c.image ? html` <span class="muted">${c.image}</span>` : ''}</td></tr>`)}
</table>
${info.events?.length ? html`<h3>Events</h3><table class="events"><tr><th>Type</th><th>Reason</th><th>Message</th><th>Count</th><th>Last seen</th></tr>${info.events.map((e) => html`<tr><td>${e.type ?? ''}</td><td>${e.reason ?? ''}</td><td>${e.message ?? ''}</td><td>${e.count ?? ''}</td><td>${e.lastTimestamp ?? ''}</td></tr>`)}</table>` : ''}`;
  },
};
