import type { EnvVariable, GeneratorDeclaration, TemplateContext } from '../src/engine/generator.js';

/**
 * Every Python package a scaffolded FastAPI app may need, pinned exactly (what PyPI served for Python 3.11+ when
 * this was written). passlib is absent on purpose: 1.7 breaks with bcrypt 5, so bcrypt is called directly. slowapi
 * too: its middleware skips the routes of routers that FastAPI 0.165 includes lazily, so the app limits every
 * request with `limits` (slowapi's own engine) in a small ASGI middleware instead.
 */
export const pythonVersions = {
  fastapi: '0.165.0',
  pydantic: '2.14.4',
  'pydantic-settings': '2.16.3',
  'email-validator': '2.4.0',
  sqlalchemy: '2.1.9',
  pyjwt: '2.15.1',
  bcrypt: '5.0.0',
  'argon2-cffi': '25.1.0',
  limits: '5.8.0',
  'python-socketio': '5.18.1',
  uvicorn: '0.55.0',
  'psycopg[binary]': '3.3.9',
  redis: '8.2.0',
  // development
  pytest: '9.2.0',
  httpx: '0.29.0',
  'python-socketio[client]': '5.18.1',
} as const satisfies Record<string, string>;

/** The base image of the FastAPI Dockerfile (both stages) and the unprivileged user it runs as. */
export const pythonImage = { image: 'python:3.13.9-slim-bookworm', user: 'app' } as const;

type PythonPackage = keyof typeof pythonVersions;

const pin = (names: readonly PythonPackage[]) => names.map((name) => `${name}==${pythonVersions[name]}`);

/** The pyproject.toml dependency lists for these answers, pinned. */
export function pythonDependencies(context: TemplateContext): { runtime: string[]; development: string[] } {
  const runtime: PythonPackage[] = [
    'fastapi',
    'pydantic',
    'pydantic-settings',
    'email-validator',
    'sqlalchemy',
    'pyjwt',
    context.policy.password.hasher === 'argon2id' ? 'argon2-cffi' : 'bcrypt',
    'limits',
    'uvicorn',
  ];
  if (context.db === 'postgres') runtime.push('psycopg[binary]');
  if (context.redis) runtime.push('redis');
  if (context.ws === 'socket.io') runtime.push('python-socketio');
  const development: PythonPackage[] = ['pytest', 'httpx'];
  if (context.ws === 'socket.io') development.push('python-socketio[client]');
  return { runtime: pin(runtime), development: pin(development) };
}

/** What the FastAPI templates read beyond the shared context. */
export interface FastApiTemplateContext extends TemplateContext {
  python: ReturnType<typeof pythonDependencies> & { image: string; user: string };
}

export function fastApiContext(context: TemplateContext): FastApiTemplateContext {
  return { ...context, python: { ...pythonDependencies(context), ...pythonImage } };
}

const environment = (context: TemplateContext): EnvVariable[] => [
  { name: 'ENVIRONMENT', description: 'development, test or production', example: 'development' },
  { name: 'PORT', description: 'the port to listen on', example: String(context.policy.docker.port) },
  {
    name: 'JWT_SECRET',
    description: 'at least 32 random bytes; or JWT_SECRET_FILE, or the Docker secret /run/secrets/jwt_secret',
    secret: true,
  },
  {
    name: 'CORS_ORIGINS',
    description: 'comma-separated exact origins allowed to call the API (never * or null)',
    example: 'http://localhost:5173',
  },
  {
    name: 'ALLOWED_HOSTS',
    description: 'comma-separated host names this API answers to (others get 400)',
    example: 'localhost,127.0.0.1',
  },
  ...(context.db === 'postgres'
    ? [
        {
          name: 'DATABASE_URL',
          description:
            'postgresql+psycopg://user@host:5432/database (the password comes from DATABASE_PASSWORD)',
          example: 'postgresql+psycopg://app@127.0.0.1:5432/app',
        },
        {
          name: 'DATABASE_PASSWORD',
          description: 'the database password; or DATABASE_PASSWORD_FILE, or /run/secrets/database_password',
          secret: true,
        },
      ]
    : [{ name: 'DATABASE_URL', description: 'the SQLite database', example: 'sqlite:///data/app.sqlite' }]),
  ...(context.redis
    ? [{ name: 'REDIS_URL', description: 'shared rate-limit counters', example: 'redis://127.0.0.1:6379' }]
    : []),
  {
    name: 'TRUST_PROXY',
    description: 'number of proxy hops in front of the app (0 = none; required >= 1 in production)',
    example: '0',
  },
  { name: 'LOG_LEVEL', description: 'CRITICAL, ERROR, WARNING, INFO or DEBUG', example: 'INFO' },
];

/** The scaffolded FastAPI backend (templates/fastapi/): the security rules' own stack. */
export const fastApiApp: GeneratorDeclaration = {
  name: 'fastapi',
  description: 'a complete FastAPI backend wired with every security module (Python)',
  scaffoldOnly: true,
  env: environment,
};
