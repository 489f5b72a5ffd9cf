import { request } from 'node:http';

/**
 * Probes a booted app over real HTTP, the way a browser and a client would meet it. Every request goes to
 * 127.0.0.1 only. `expect` comes from the policy (src/policy): the headers it requires and the request limit.
 * Each probe answers `ok` or a one-line reason, so a table cell says what a user would see.
 */

/** One request; resolves to { status, headers, body } or { error } (never rejects). */
export function send(port, { method = 'GET', path = '/', headers = {}, localAddress } = {}) {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers, localAddress, agent: false, timeout: 15_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk.length + body.length > 200_000 ? '' : chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in 15 s')));
    req.on('error', (error) => resolve({ error: error.message }));
    req.end();
  });
}

/** A stack trace or a source path in a body: what must never reach a client. */
const stackShape = /\n\s+at \S+ \(|\bat [\w$.<>]+ \(\/|node_modules\/|\/src\/\S+\.[jt]s:\d+/;

const describe = (answer) => (answer.error ? `no answer (${answer.error})` : `${answer.status}`);

/** The policy's headers on an existing route: what a browser relies on. */
export function expectedHeaders(policy) {
  return {
    'x-content-type-options': policy.headers.contentTypeOptions,
    'x-frame-options': policy.headers.frameOptions,
    'referrer-policy': policy.headers.referrerPolicy,
    'x-xss-protection': policy.headers.xssProtection,
    'content-security-policy': undefined,
  };
}

async function probeHeaders(port, target) {
  const answer = await send(port, { path: target.route, headers: { host: target.host } });
  if (answer.error) return describe(answer);
  if (answer.status >= 500) return `route answered ${answer.status}`;
  const wrong = Object.entries(expectedHeaders(target.policy))
    .filter(([name, value]) => (value === undefined ? !answer.headers[name] : answer.headers[name] !== value))
    .map(([name]) => `${name}: ${answer.headers[name] ?? 'missing'}`);
  return wrong.length === 0 ? 'ok' : wrong.join('; ');
}

/** A foreign Origin gets no ACAO (simple request and preflight); the allowed one gets it echoed. */
async function probeOrigin(port, target) {
  const foreign = 'https://evil.example';
  const method = target.preflightMethod ?? 'PUT';
  const headers = (origin) => ({ host: target.host, origin });
  const preflight = (origin) => ({
    ...headers(origin),
    'access-control-request-method': method,
    'access-control-request-headers': 'content-type',
  });
  const answers = {
    foreign: await send(port, { path: target.route, headers: headers(foreign) }),
    foreignPreflight: await send(port, {
      method: 'OPTIONS',
      path: target.route,
      headers: preflight(foreign),
    }),
    allowed: await send(port, { path: target.route, headers: headers(target.origin) }),
    allowedPreflight: await send(port, {
      method: 'OPTIONS',
      path: target.route,
      headers: preflight(target.origin),
    }),
  };
  const problems = [];
  for (const [name, answer] of Object.entries(answers))
    if (answer.error) problems.push(`${name}: ${describe(answer)}`);
  if (problems.length > 0) return problems.join('; ');
  const acao = (answer) => answer.headers['access-control-allow-origin'];
  if (acao(answers.foreign)) problems.push(`foreign origin got ACAO ${acao(answers.foreign)}`);
  if (acao(answers.foreignPreflight))
    problems.push(`foreign preflight got ACAO ${acao(answers.foreignPreflight)}`);
  if (acao(answers.allowed) !== target.origin)
    problems.push(`allowed origin got ACAO ${acao(answers.allowed)}`);
  if (acao(answers.allowedPreflight) !== target.origin)
    problems.push(`allowed preflight got ACAO ${acao(answers.allowedPreflight)}`);
  const methods = answers.allowedPreflight.headers['access-control-allow-methods'] ?? '';
  if (acao(answers.allowedPreflight) && !methods.split(/\s*,\s*/).includes(method))
    problems.push(`allowed preflight for ${method} got methods "${methods}"`);
  return problems.length === 0 ? 'ok' : problems.join('; ');
}

/** A foreign Host is 400, and its body carries no stack trace. */
async function probeHost(port, target) {
  const answer = await send(port, { path: target.route, headers: { host: 'evil.example' } });
  if (answer.error) return describe(answer);
  const problems = [];
  if (answer.status !== 400) problems.push(`foreign Host got ${answer.status}`);
  if (stackShape.test(answer.body)) problems.push('a stack trace in the body');
  return problems.length === 0 ? 'ok' : problems.join('; ');
}

/**
 * The limit+1st request in the window is 429, and none before it. Sent from an address of its own (127.0.0.x):
 * the limiter keys on the client address, so the other probes' requests do not count here.
 */
async function probeRateLimit(port, target) {
  const localAddress = '127.0.0.77';
  const limit = target.policy.rateLimit.max;
  for (let count = 1; count <= limit + 1; count += 1) {
    const answer = await send(port, { path: target.route, headers: { host: target.host }, localAddress });
    if (answer.error) return `request ${count}: ${describe(answer)}`;
    if (answer.status === 429 && count <= limit) return `429 already at request ${count}`;
    if (count === limit + 1) {
      if (answer.status !== 429) return `request ${count} got ${answer.status}`;
      return stackShape.test(answer.body) ? '429 with a stack trace in the body' : 'ok';
    }
  }
  return 'unreachable';
}

/**
 * Runs the four probes against `target` = { route, host ('127.0.0.1:port'), origin (allowed), policy }.
 * The rate-limit probe runs last: it leaves its own address limited.
 */
export async function probeApp(port, target) {
  return {
    headers: await probeHeaders(port, target),
    origin: await probeOrigin(port, target),
    host: await probeHost(port, target),
    rateLimit: await probeRateLimit(port, target),
  };
}
