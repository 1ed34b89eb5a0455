// Who is calling: a token (mapped to a login, or the bot), a GitHub App's JWT (RS256, checked against
// the App's public key) or an installation token the fake issued.
import { createVerify } from 'node:crypto';
import { HttpError, type Actor } from './http.js';
import type { FakeWorld } from './state.js';

export function authenticate(world: FakeWorld, now: Date, header: string | undefined): Actor {
  if (!header) return { login: null, auth: 'none' };
  const m = /^(?:token|bearer)\s+(.+)$/i.exec(header.trim());
  if (!m?.[1]) throw new HttpError(401, 'Bad credentials');
  const credential = m[1];
  if (credential.split('.').length === 3 && credential.startsWith('eyJ')) {
    const app = verifyJwt(world, now, credential);
    return { login: `${app.slug}[bot]`, auth: 'app', app: app.id };
  }
  const inst = world.installationTokens.get(credential);
  if (inst) {
    const app = world.apps.get(inst.app);
    return { login: `${app?.slug ?? 'app'}[bot]`, auth: 'installation', app: inst.app };
  }
  const login = world.tokens.get(credential);
  if (login) return { login, auth: 'token' };
  if (world.strictTokens) throw new HttpError(401, 'Bad credentials');
  return { login: world.bot, auth: 'token' };
}

function verifyJwt(world: FakeWorld, at: Date, jwt: string): { id: number; slug: string } {
  const [h = '', p = '', s = ''] = jwt.split('.');
  let payload: { iss?: unknown; exp?: unknown; iat?: unknown };
  let header: { alg?: unknown };
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown };
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as typeof payload;
  } catch {
    throw new HttpError(401, 'A JSON web token could not be decoded');
  }
  if (header.alg !== 'RS256') throw new HttpError(401, "'alg' must be RS256");
  const app = world.apps.get(Number(payload.iss));
  if (!app) throw new HttpError(401, `Integration not found: iss ${String(payload.iss)}`);
  const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(app.publicKey, Buffer.from(s, 'base64url'));
  if (!ok) throw new HttpError(401, 'A JSON web token could not be decoded');
  const now = Math.floor(at.getTime() / 1000);
  if (typeof payload.exp !== 'number' || payload.exp < now - 60) throw new HttpError(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
  if (typeof payload.iat === 'number' && payload.exp - payload.iat > 660) throw new HttpError(401, "'Expiration time' claim ('exp') is too far in the future");
  return app;
}
