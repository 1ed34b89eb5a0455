// Tide's data over HTTP (upstream deck's tideAgent: GET <tide-url>/ and <tide-url>/history).
import type { TideDataSource, TideHistoryRecordJSON, TidePoolJSON } from '../api/tide-json.js';

export function httpTideSource(baseUrl: string): TideDataSource {
  const base = baseUrl.replace(/\/+$/, '');
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`GET ${base}${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    pools: () => get<TidePoolJSON[]>('/'),
    history: () => get<Record<string, TideHistoryRecordJSON[]>>('/history'),
  };
}
