import type { SgNode } from '@ast-grep/napi';
import type { PythonContext, PythonDetector } from '../../src/engine/languages/python-detector.js';
import {
  calleeName,
  decoratorsOf,
  dottedName,
  isPythonTestPath,
  positionalArguments,
  reportOf,
  stringValue,
} from '../_shared/python/syntax.js';

/**
 * Signs that a handler authenticates: it reads a credential (the socket.io `auth` payload, a token, a cookie, the
 * Authorization header), calls something that verifies one, or refuses the connection.
 */
const authenticates =
  /\bauth\b|token|cookie|authorization|api_?key|jwt|credential|verify|decode|authenticat|current_user|get_user|1008|POLICY_VIOLATION/i;
/** socket.io's ways to refuse a client in `connect`. */
const refuses = /ConnectionRefusedError|disconnect|return\s+False/;

function parameterNames(definition: SgNode): string[] {
  const parameters = definition.field('parameters');
  if (!parameters) return [];
  return parameters.namedChildren().flatMap((parameter) => {
    if (parameter.kind() === 'identifier') return [parameter.text()];
    const name =
      parameter.field('name') ?? parameter.namedChildren().find((child) => child.kind() === 'identifier');
    return name ? [name.text()] : [];
  });
}

/** `@sio.event` on `def connect`, `@sio.on("connect")`, with the server's `(sid, environ, ...)` signature. */
function isSocketIoConnect(definition: SgNode): boolean {
  const name = definition.field('name')?.text();
  const parameters = parameterNames(definition);
  // A socket.io client's `connect()` takes no sid or environ: it is the other end.
  if (parameters.filter((parameter) => parameter !== 'self').length < 2) return false;
  if (
    name === 'on_connect' &&
    definition.ancestors().some((ancestor) => ancestor.kind() === 'class_definition')
  )
    return /Namespace/.test(
      definition
        .ancestors()
        .find((ancestor) => ancestor.kind() === 'class_definition')
        ?.field('superclasses')
        ?.text() ?? '',
    );
  return decoratorsOf(definition).some((decorator) => {
    if (decorator.kind() === 'attribute')
      return decorator.field('attribute')?.text() === 'event' && name === 'connect';
    if (decorator.kind() !== 'call' || !/\.on$/.test(calleeName(decorator) ?? '')) return false;
    return stringValue(positionalArguments(decorator)[0]) === 'connect';
  });
}

// Handles: @sio.event async def connect(sid, environ, auth): await sio.save_session(sid, {})
function checkSocketIo(definition: SgNode, context: PythonContext): void {
  const body = definition.field('body');
  if (!body || authenticates.test(body.text()) || refuses.test(body.text())) return;
  context.report(
    reportOf(
      context,
      definition.field('name') ?? definition,
      'socket.io `connect` accepts every client: no token is checked',
      {
        unfixableReason:
          'verify a token from `auth` (or the Authorization header in environ) in connect and raise ConnectionRefusedError when it is missing or invalid',
      },
    ),
  );
}

/** `@app.websocket("/ws")`, `@router.websocket_route("/ws")`: the route's path. */
function websocketRoute(definition: SgNode): string | undefined {
  for (const decorator of decoratorsOf(definition)) {
    if (decorator.kind() !== 'call') continue;
    const callee = dottedName(decorator.field('function')) ?? '';
    if (!/\.websocket(?:_route)?$/.test(callee)) continue;
    return stringValue(positionalArguments(decorator)[0]) ?? callee;
  }
  return undefined;
}

/**
 * The first statement that opens the socket: `await websocket.accept()`, or handing the socket to a connection
 * manager (`await manager.connect(websocket)`), which accepts it in FastAPI's documented pattern.
 */
function firstAccept(body: SgNode, socket: string): SgNode | undefined {
  return body.findAll({ rule: { kind: 'call' } }).find((call) => {
    const callee = calleeName(call) ?? '';
    if (callee === `${socket}.accept`) return true;
    return (
      /(?:^|\.)(?:connect|accept)$/.test(callee) &&
      positionalArguments(call).some((argument) => argument.text() === socket)
    );
  });
}

// Handles: @app.websocket("/ws") async def ws(websocket: WebSocket): await websocket.accept()
function checkWebSocket(definition: SgNode, route: string, context: PythonContext): void {
  const body = definition.field('body');
  const parameters = definition.field('parameters');
  if (!body || !parameters) return;
  // A Depends(...) or a token/cookie parameter authenticates before the handler runs.
  if (
    /Depends\s*\(|Security\s*\(/.test(parameters.text()) ||
    authenticates.test(parameterNames(definition).join(' '))
  )
    return;
  const socket = parameterNames(definition)[0] ?? 'websocket';
  const accept = firstAccept(body, socket);
  if (!accept) return;
  // A token read from the first message after accept() is how browsers authenticate (they cannot set headers):
  // only a handler that authenticates nowhere is reported.
  if (authenticates.test(body.text())) return;
  context.report(
    reportOf(
      context,
      accept,
      `WebSocket ${route} accepts every connection: no token, cookie or Depends authentication`,
      {
        unfixableReason:
          'authenticate before accept(): read a token (query, cookie or header), close with code 1008 when it is invalid, or add a Depends that does',
      },
    ),
  );
}

/** Handlers registered by call: `sio.on("connect", connect)`, `self.server.on("connect", self.connect)`. */
function registeredConnectHandlers(root: SgNode): Set<string> {
  const names = new Set<string>();
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    // `sio.eio.on("connect", ...)` is engine.io's transport-level hook, below socket.io's own connect
    const callee = calleeName(call) ?? '';
    if (!/\.on$/.test(callee) || /(?:^|\.)eio\.on$/.test(callee)) continue;
    const [event, handler] = positionalArguments(call);
    const name = dottedName(handler)?.split('.').at(-1);
    if (stringValue(event) === 'connect' && name) names.add(name);
  }
  return names;
}

function check(context: PythonContext): void {
  const registered = registeredConnectHandlers(context.root);
  for (const definition of context.root.findAll({ rule: { kind: 'function_definition' } })) {
    const registeredHere =
      registered.has(definition.field('name')?.text() ?? '') &&
      parameterNames(definition).filter((parameter) => parameter !== 'self').length >= 2;
    if (registeredHere || isSocketIoConnect(definition)) {
      checkSocketIo(definition, context);
      continue;
    }
    const route = websocketRoute(definition);
    if (route) checkWebSocket(definition, route, context);
  }
}

const detector: PythonDetector = {
  prefilter: /connect|websocket/i,
  check(context) {
    if (!isPythonTestPath(context)) check(context);
  },
};

export default detector;
