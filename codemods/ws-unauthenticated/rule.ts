import type { Node } from '@babel/types';
import { getProperty, moduleBindings, requireSource, unwrap } from '../../src/engine/ast-utils.js';
import type { SourceRule } from '../../src/engine/rule.js';
import { findGenerator } from '../../generators/index.js';
import { identifiersIn } from '../_shared/app/instances.js';

type AnyNode = Node & Record<string, any>;
type Library = 'socket.io' | 'ws';

interface SocketServer {
  name: string;
  library: Library;
  node: Node;
  options?: AnyNode;
  /** `io.use(...)` (socket.io middleware): the place where the rules want the token checked. */
  middleware: boolean;
  connectionHandlers: AnyNode[];
}

/** Names a handler uses when it checks a credential itself (the rules' own example does it in `connect`). */
const credentialNames = /handshake|authori[sz]ation|token|jwt|verify|auth|session|cookie/i;

/** `new Server(http)` (socket.io), `require('socket.io')(http)`, `new WebSocketServer({...})`, `new WebSocket.Server`. */
function libraryOf(
  init: AnyNode,
  modules: Map<string, { source: string; imported: string }>,
): Library | undefined {
  const node = unwrap(init);
  if (node.type !== 'NewExpression' && node.type !== 'CallExpression') return undefined;
  const callee = unwrap(node.callee);
  const inline = requireSource(callee);
  if (inline === 'socket.io' && callee.type === 'CallExpression') return 'socket.io';
  if (callee.type === 'Identifier') {
    const binding = modules.get(callee.name);
    if (binding?.source === 'socket.io' && ['Server', 'default', '*'].includes(binding.imported))
      return 'socket.io';
    if (
      binding?.source === 'ws' &&
      node.type === 'NewExpression' &&
      ['WebSocketServer', 'Server'].includes(binding.imported)
    )
      return 'ws';
  }
  // Handles: new WebSocket.Server({ server }) with WebSocket = require('ws')
  if (
    callee.type === 'MemberExpression' &&
    callee.object.type === 'Identifier' &&
    callee.property.type === 'Identifier'
  ) {
    const binding = modules.get(callee.object.name);
    if (binding?.source === 'ws' && ['Server', 'WebSocketServer'].includes(callee.property.name)) return 'ws';
    if (binding?.source === 'socket.io' && callee.property.name === 'Server') return 'socket.io';
  }
  return undefined;
}

function optionsOf(init: AnyNode, library: Library): AnyNode | undefined {
  const node = unwrap(init);
  const candidate = library === 'ws' ? node.arguments?.[0] : (node.arguments?.[1] ?? node.arguments?.[0]);
  return candidate?.type === 'ObjectExpression' ? candidate : undefined;
}

function socketIoCanBeWired(): boolean {
  const wiring = findGenerator('ws-auth')?.wiring as
    | Record<string, { target?: string } | undefined>
    | undefined;
  return Object.values(wiring ?? {}).some((step) => step?.target === 'socket.io');
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'ws-unauthenticated',
    title: 'WebSocket server accepting connections without authentication',
    description:
      'A socket.io or ws server whose connections are accepted without checking a token lets anyone read and send ' +
      'messages as any user. socket.io authenticates in `io.use` (handshake.auth.token); ws in the HTTP server’s ' +
      'upgrade handler, answering 401 before any 101.',
    checklist: 'websocket-auth',
    severity: 'high',
    cwe: [306, 1385],
    fixable: true,
    hint: 'Run `secure add ws-auth`, or verify the access token in `io.use` / the upgrade handler and refuse the connection.',
  },
  // A server module with a connection handler: the shape reported, not every client or type import.
  prefilter: (text) =>
    /['"](?:socket\.io|ws)['"]/.test(text) && /\.on\(\s*['"]connect(?:ion)?['"]/.test(text),
  // A socket server a test starts to exercise its client is a harness: the production server is judged.
  productionOnly: true,
  create(context) {
    let modules = new Map<string, { source: string; imported: string }>();
    const servers = new Map<string, SocketServer>();
    return {
      Program(node: AnyNode) {
        modules = moduleBindings(node);
      },
      VariableDeclarator(node: AnyNode) {
        if (node.id.type !== 'Identifier' || !node.init) return;
        const library = libraryOf(node.init, modules);
        if (library)
          servers.set(node.id.name, {
            name: node.id.name,
            library,
            node,
            options: optionsOf(node.init, library),
            middleware: false,
            connectionHandlers: [],
          });
      },
      CallExpression(node: AnyNode) {
        const callee = unwrap(node.callee);
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        // Handles: io.on('connection', ...), io.of('/chat').on('connection', ...), io.use(...)
        let object = unwrap(callee.object);
        if (object.type === 'CallExpression' && object.callee.type === 'MemberExpression')
          object = unwrap(object.callee.object);
        if (object.type !== 'Identifier') return;
        const server = servers.get(object.name);
        if (!server) return;
        if (callee.property.name === 'use') server.middleware = true;
        const [event, handler] = node.arguments as AnyNode[];
        if (
          callee.property.name === 'on' &&
          event?.type === 'StringLiteral' &&
          (event.value === 'connection' || event.value === 'connect') &&
          handler
        )
          server.connectionHandlers.push(handler);
      },
      'Program:exit'() {
        for (const server of servers.values()) {
          if (server.connectionHandlers.length === 0 || server.middleware) continue;
          const options = server.options;
          if (options && (getProperty(options, 'allowRequest') || getProperty(options, 'verifyClient')))
            continue;
          // noServer: the upgrade is the user's code, where the check belongs; we cannot see it from here.
          if (options && getProperty(options, 'noServer')) continue;
          if (
            server.connectionHandlers.some((handler) =>
              identifiersIn(handler).some((name) => credentialNames.test(name)),
            )
          )
            continue;
          const fixable = server.library === 'socket.io' && socketIoCanBeWired();
          context.report({
            node: server.node,
            message:
              server.library === 'socket.io'
                ? `socket.io server \`${server.name}\` accepts connections without authentication (no io.use)`
                : `ws server \`${server.name}\` accepts upgrades without authentication`,
            ...(fixable
              ? { generatorFix: 'ws-auth' }
              : {
                  unfixableReason:
                    server.library === 'socket.io'
                      ? 'verify handshake.auth.token in `io.use((socket, next) => ...)` and call next(error) when it fails'
                      : 'create the server with { noServer: true } and verify the token in the HTTP server’s upgrade handler, writing 401 before any 101',
                }),
          });
        }
      },
    };
  },
};

export default rule;
