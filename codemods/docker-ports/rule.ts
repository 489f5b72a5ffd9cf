import type { TextRule } from '../../src/engine/rule.js';
import {
  argumentTokens,
  finalStageChain,
  isDockerfilePath,
  parseDockerfile,
  positionOf,
  type Token,
} from '../_shared/docker/dockerfile.js';

/** Ports of services that are never the app's own: debuggers, databases, caches, brokers, remote shells. */
const serviceNames = new Map<number, string>([
  [22, 'SSH'],
  [5858, 'the legacy Node debugger'],
  [9229, 'the Node inspector (debugger)'],
  [9230, 'the Node inspector (debugger)'],
  [5432, 'PostgreSQL'],
  [3306, 'MySQL'],
  [33060, 'MySQL X protocol'],
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [27017, 'MongoDB'],
  [27018, 'MongoDB'],
  [6379, 'Redis'],
  [11211, 'Memcached'],
  [9200, 'Elasticsearch'],
  [9300, 'Elasticsearch transport'],
  [5672, 'RabbitMQ'],
  [15672, 'the RabbitMQ console'],
  [9092, 'Kafka'],
  [2181, 'ZooKeeper'],
  [5984, 'CouchDB'],
  [9042, 'Cassandra'],
  [8086, 'InfluxDB'],
  [2375, 'the Docker API'],
  [2376, 'the Docker API'],
]);

interface ExposedPort {
  token: Token;
  /** Undefined for a variable (`$PORT`): the app's port, whatever it is. */
  low?: number;
  high?: number;
}

function readPort(token: Token): ExposedPort {
  const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(token.value);
  if (!match) return { token };
  const low = Number(match[1]);
  return { token, low, high: match[2] ? Number(match[2]) : low };
}

const rule: TextRule = {
  kind: 'text',
  meta: {
    id: 'docker-ports',
    title: "The image exposes only the app's port",
    description:
      "Every EXPOSE is an invitation to publish that port (docker run -P publishes them all). A debugger port gives remote code execution; a database or cache port belongs to another container. Expose the app's one port.",
    checklist: 'docker-non-root',
    severity: 'medium',
    cwe: [1327],
    fixable: false,
    hint: "Keep one EXPOSE with the app's port; run databases in their own containers and never ship the debugger port.",
  },
  appliesTo: isDockerfilePath,
  prefilter: /^\s*EXPOSE\s/im,
  check(context) {
    const file = parseDockerfile(context.text);
    const { port: appPort, maxExposedPorts } = context.policy.docker;
    const exposed = finalStageChain(file)
      .reverse()
      .flatMap((stage) => stage.instructions.filter((instruction) => instruction.keyword === 'EXPOSE'))
      .flatMap((instruction) => argumentTokens(file, instruction).map(readPort));
    const report = (port: ExposedPort, message: string) => {
      const start = positionOf(context.text, port.token.start);
      const end = positionOf(context.text, port.token.end);
      context.report({
        line: start.line,
        column: start.column,
        endLine: end.line,
        endColumn: end.column,
        message,
      });
    };

    const services = exposed.filter(
      (port) => port.low !== undefined && port.low === port.high && serviceNames.has(port.low),
    );
    for (const port of services)
      report(port, `EXPOSE ${port.token.value} opens ${serviceNames.get(port.low!)}, not the app`);

    // The app's port: the policy's port when exposed, else the first port that is no known service.
    const candidates = exposed.filter((port) => !services.includes(port));
    const app =
      candidates.find((port) => port.low !== undefined && port.low <= appPort && appPort <= port.high!) ??
      candidates[0];
    // A web server's HTTP port with its HTTPS port (EXPOSE 80 443) is one service.
    const single = (port: ExposedPort, value: number) => port.low === value && port.high === value;
    const isHttpsPair = (port: ExposedPort) =>
      app !== undefined && ((single(app, 80) && single(port, 443)) || (single(app, 443) && single(port, 80)));
    // EXPOSE 3000/tcp 3000/udp, or the same port in two stages, is still one port.
    const samePort = (port: ExposedPort) =>
      app !== undefined && port.low === app.low && port.high === app.high;
    const extra = candidates.filter((port) => port !== app && !isHttpsPair(port) && !samePort(port));
    for (const port of extra.slice(Math.max(0, maxExposedPorts - 1))) {
      const size = port.low === undefined ? 1 : port.high! - port.low + 1;
      report(
        port,
        `EXPOSE ${port.token.value}${size > 1 ? ` (${size} ports)` : ''} exposes more than the app's port`,
      );
    }
    if (app && app.low !== undefined && app.high! > app.low)
      report(app, `EXPOSE ${app.token.value} exposes ${app.high! - app.low + 1} ports; the app needs one`);
  },
};

export default rule;
