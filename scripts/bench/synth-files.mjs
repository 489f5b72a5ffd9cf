import { camel, fieldKinds, pascal, plural, snake, statuses } from './synth-vocabulary.mjs';

/**
 * Clean, ordinary backend code: types, repositories with parameterised queries, services, routes, utilities
 * and tests. It is full of shapes that resemble the rules' targets without being violations (bound
 * parameters, constant SQL, tagged `sql` templates, cors with an allowlist), because a fast prefilter that
 * lets those through still has to parse them.
 */

export function entityModel(random, entity) {
  const fields = [['id', 'string'], ...random.sample(fieldKinds, random.int(4, 9))];
  return { entity, type: pascal(entity), table: snake(plural(entity)), fields, var: camel(entity) };
}

const zodOf = { string: 'z.string().min(1)', number: 'z.number().int().nonnegative()', boolean: 'z.boolean()' };

export function typesFile(random, model) {
  const { type, fields } = model;
  const lines = [`import { z } from 'zod';`, ''];
  lines.push(`export type ${type}Status = ${random.sample(statuses, 4).map((s) => `'${s}'`).join(' | ')};`, '');
  lines.push(`export interface ${type} {`);
  for (const [name, kind] of fields) lines.push(`  ${name}: ${kind};`);
  lines.push('}', '');
  lines.push(`export const ${model.var}InputSchema = z.object({`);
  for (const [name, kind] of fields.slice(1)) {
    lines.push(`  ${name}: ${kind === 'Date' ? 'z.coerce.date()' : zodOf[kind]}${random.chance(0.3) ? '.optional()' : ''},`);
  }
  lines.push('});', '');
  lines.push(`export type ${type}Input = z.infer<typeof ${model.var}InputSchema>;`, '');
  lines.push(`export interface ${type}Page {`, `  items: ${type}[];`, '  total: number;', '  cursor?: string;', '}', '');
  if (random.chance(0.5)) {
    lines.push(`export function is${type}(value: unknown): value is ${type} {`);
    lines.push(`  return typeof value === 'object' && value !== null && 'id' in value;`, '}', '');
  }
  return lines.join('\n');
}

function columnList(model) {
  return model.fields.map(([name]) => snake(name)).join(', ');
}

/** Parameterised SQL in the style of each driver; the values never enter the text. */
export function repositoryFile(random, model, driver) {
  const { type, table, fields } = model;
  const columns = columnList(model);
  const filterField = snake(random.pick(fields.slice(1))[0]);
  const lines = [`import type { ${type}, ${type}Input, ${type}Page } from '../types/${model.entity}.js';`];
  const placeholder = (index) => (driver === 'pg' ? `$${index}` : '?');
  const drivers = {
    pg: [`import type { Pool } from 'pg';`, (sql, params, row) => `(await this.db.query<${row}>(${sql}, [${params}])).rows`],
    mysql2: [
      `import type { Pool } from 'mysql2/promise';`,
      (sql, params, row) => `((await this.db.execute(${sql}, [${params}]))[0] as ${row}[])`,
    ],
    'better-sqlite3': [
      `import type { Database as Pool } from 'better-sqlite3';`,
      (sql, params, row) => `(this.db.prepare(${sql}).all(${params}) as ${row}[])`,
    ],
    sequelize: [
      `import { QueryTypes, type Sequelize as Pool } from 'sequelize';`,
      (sql, params, row) =>
        `((await this.db.query(${sql}, { replacements: [${params}], type: QueryTypes.SELECT })) as ${row}[])`,
    ],
    knex: [
      `import type { Knex as Pool } from 'knex';`,
      (sql, params, row) => `((await this.db.raw(${sql}, [${params}])).rows as ${row}[])`,
    ],
    prisma: [
      `import type { PrismaClient as Pool } from '@prisma/client';`,
      (sql, params, row) => `await this.db.$queryRawUnsafe<${row}[]>(${[sql, params].filter(Boolean).join(', ')})`,
    ],
  };
  const [driverImport, callWithRow] = drivers[driver];
  const call = (sql, params, row = type) => callWithRow(sql, params, row);
  lines.push(driverImport, '');
  lines.push(`const SELECT_${snake(type).toUpperCase()} = '${`SELECT ${columns} FROM ${table}`}';`, '');
  lines.push(`export class ${type}Repository {`, '  constructor(private readonly db: Pool) {}', '');
  lines.push(`  async findById(id: string): Promise<${type} | undefined> {`);
  lines.push(`    const rows = ${call(`SELECT_${snake(type).toUpperCase()} + ' WHERE id = ${placeholder(1)}'`, 'id')};`);
  lines.push('    return rows[0];', '  }', '');
  lines.push(`  async list(limit: number, offset: number): Promise<${type}Page> {`);
  lines.push(`    const items = ${call(`\`SELECT ${columns} FROM ${table} ORDER BY id LIMIT ${placeholder(1)} OFFSET ${placeholder(2)}\``, 'limit, offset')};`);
  lines.push(`    const [{ total }] = ${call(`'SELECT count(*) AS total FROM ${table}'`, '', '{ total: number }')};`);
  lines.push('    return { items, total: Number(total) };', '  }', '');
  lines.push(`  async findBy${pascal(filterField)}(value: string): Promise<${type}[]> {`);
  lines.push(`    return ${call(`'SELECT ${columns} FROM ${table} WHERE ${filterField} = ${placeholder(1)}'`, 'value')};`);
  lines.push('  }', '');
  const writable = fields.slice(1);
  lines.push(`  async insert(input: ${type}Input): Promise<void> {`);
  lines.push(`    const values = [${writable.map(([name]) => `input.${name}`).join(', ')}];`);
  const marks = writable.map((_, index) => placeholder(index + 1)).join(', ');
  lines.push(`    ${call(`'INSERT INTO ${table} (${writable.map(([name]) => snake(name)).join(', ')}) VALUES (${marks})'`, '...values')};`);
  lines.push('  }', '');
  for (const [name] of random.sample(writable, random.int(2, 6))) {
    lines.push(`  async update${pascal(name)}(id: string, value: ${type}['${name}']): Promise<void> {`);
    lines.push(`    // Bound parameters only: the value never becomes part of the SQL text.`);
    lines.push(`    ${call(`'UPDATE ${table} SET ${snake(name)} = ${placeholder(1)} WHERE id = ${placeholder(2)}'`, 'value, id')};`);
    lines.push('  }', '');
  }
  lines.push(`  async remove(id: string): Promise<boolean> {`);
  lines.push(`    const existing = await this.findById(id);`, '    if (!existing) return false;');
  lines.push(`    ${call(`'DELETE FROM ${table} WHERE id = ${placeholder(1)}'`, 'id')};`);
  lines.push('    return true;', '  }', '}', '');
  return lines.join('\n');
}

function guard(random, variable, field) {
  return random.pick([
    `    if (!${variable}) throw new NotFoundError('${field} not found');`,
    `    if (${variable} === undefined) {\n      throw new NotFoundError(\`no ${field} with id \${id}\`);\n    }`,
  ]);
}

export function serviceFile(random, model) {
  const { type, entity, fields } = model;
  const lines = [
    `import { ${type}Repository } from '../repositories/${entity}-repository.js';`,
    `import { ${model.var}InputSchema, type ${type}, type ${type}Page } from '../types/${entity}.js';`,
    `import { NotFoundError, ValidationError } from '../utils/errors.js';`,
    `import { logger } from '../utils/logger.js';`,
    '',
    `export class ${type}Service {`,
    `  constructor(private readonly repository: ${type}Repository) {}`,
    '',
    `  async get(id: string): Promise<${type}> {`,
    `    const ${model.var} = await this.repository.findById(id);`,
    guard(random, model.var, entity),
    `    return ${model.var};`,
    '  }',
    '',
    `  async list(page = 1, pageSize = 20): Promise<${type}Page> {`,
    '    const limit = Math.min(Math.max(pageSize, 1), 100);',
    '    const offset = (Math.max(page, 1) - 1) * limit;',
    '    return this.repository.list(limit, offset);',
    '  }',
    '',
    `  async create(body: unknown): Promise<void> {`,
    `    const parsed = ${model.var}InputSchema.safeParse(body);`,
    '    if (!parsed.success) {',
    `      throw new ValidationError(parsed.error.issues.map((issue) => issue.message).join('; '));`,
    '    }',
    `    await this.repository.insert(parsed.data);`,
    `    logger.info({ ${entity}: parsed.data.${fields[1][0]} }, '${entity} created');`,
    '  }',
    '',
  ];
  for (let extra = random.int(3, 8); extra > 0; extra--) {
    const [name, kind] = random.pick(fields);
    const method = random.pick(['summarize', 'rank', 'group', 'filter', 'count']) + pascal(name) + extra;
    lines.push(`  async ${method}(ids: string[]): Promise<Record<string, number>> {`);
    lines.push('    const result: Record<string, number> = {};', '    for (const id of ids) {');
    lines.push(`      const item = await this.repository.findById(id);`, '      if (!item) continue;');
    if (kind === 'number') lines.push(`      result[item.id] = (result[item.id] ?? 0) + item.${name};`);
    else if (kind === 'boolean') lines.push(`      if (item.${name}) result[item.id] = 1;`);
    else lines.push(`      const key = String(item.${name});`, '      result[key] = (result[key] ?? 0) + 1;');
    lines.push('    }', '    return result;', '  }', '');
  }
  lines.push('  async remove(id: string): Promise<void> {', '    const removed = await this.repository.remove(id);');
  lines.push(`    if (!removed) throw new NotFoundError('${entity} not found');`, '  }', '}', '');
  return lines.join('\n');
}

export function routesFile(random, model, framework) {
  const { type, entity } = model;
  const base = `/${plural(entity).replace(/_/g, '-')}`;
  const service = `${model.var}Service`;
  if (framework === 'express') {
    return [
      `import { Router, type Request, type Response, type NextFunction } from 'express';`,
      `import type { ${type}Service } from '../services/${entity}-service.js';`,
      `import { requireAuth } from '../security/auth.js';`,
      '',
      `export function ${model.var}Routes(${service}: ${type}Service): Router {`,
      '  const router = Router();',
      '',
      `  router.get('${base}', requireAuth, async (req: Request, res: Response, next: NextFunction) => {`,
      '    try {',
      `      const page = Number(req.query.page ?? 1);`,
      `      res.json(await ${service}.list(page));`,
      '    } catch (error) {',
      '      next(error);',
      '    }',
      '  });',
      '',
      `  router.get('${base}/:id', requireAuth, async (req: Request, res: Response, next: NextFunction) => {`,
      '    try {',
      `      res.json(await ${service}.get(req.params.id));`,
      '    } catch (error) {',
      '      next(error);',
      '    }',
      '  });',
      '',
      `  router.post('${base}', requireAuth, async (req: Request, res: Response, next: NextFunction) => {`,
      '    try {',
      `      await ${service}.create(req.body);`,
      `      res.status(201).end();`,
      '    } catch (error) {',
      '      next(error);',
      '    }',
      '  });',
      '',
      `  router.delete('${base}/:id', requireAuth, async (req: Request, res: Response) => {`,
      `    await ${service}.remove(req.params.id);`,
      `    res.setHeader('Cache-Control', 'no-store');`,
      '    res.status(204).end();',
      '  });',
      '',
      '  return router;',
      '}',
      '',
    ].join('\n');
  }
  return [
    `import type { FastifyInstance, FastifyPluginAsync } from 'fastify';`,
    `import type { ${type}Service } from '../services/${entity}-service.js';`,
    '',
    `interface IdParams {`,
    '  id: string;',
    '}',
    '',
    `export function ${model.var}Routes(${service}: ${type}Service): FastifyPluginAsync {`,
    '  return async (app: FastifyInstance) => {',
    `    app.get<{ Querystring: { page?: number } }>('${base}', { onRequest: [app.authenticate] }, async (request) => {`,
    `      return ${service}.list(request.query.page ?? 1);`,
    '    });',
    '',
    `    app.get<{ Params: IdParams }>('${base}/:id', { onRequest: [app.authenticate] }, async (request) => {`,
    `      return ${service}.get(request.params.id);`,
    '    });',
    '',
    `    app.post('${base}', { onRequest: [app.authenticate] }, async (request, reply) => {`,
    `      await ${service}.create(request.body);`,
    `      reply.header('cache-control', 'no-store');`,
    '      return reply.code(201).send();',
    '    });',
    '',
    `    app.delete<{ Params: IdParams }>('${base}/:id', async (request, reply) => {`,
    `      await ${service}.remove(request.params.id);`,
    '      return reply.code(204).send();',
    '    });',
    '  };',
    '}',
    '',
  ].join('\n');
}

export function testFile(random, model) {
  const { type, entity, fields } = model;
  const lines = [
    `import { describe, expect, it, vi } from 'vitest';`,
    `import { ${type}Service } from '../src/services/${entity}-service.js';`,
    `import type { ${type}Repository } from '../src/repositories/${entity}-repository.js';`,
    '',
    `function fakeRepository(): ${type}Repository {`,
    '  return {',
    `    findById: vi.fn(async (id: string) => (id === 'missing' ? undefined : { id })),`,
    '    list: vi.fn(async () => ({ items: [], total: 0 })),',
    '    insert: vi.fn(async () => undefined),',
    '    remove: vi.fn(async (id: string) => id !== \'missing\'),',
    `  } as unknown as ${type}Repository;`,
    '}',
    '',
    `describe('${type}Service', () => {`,
  ];
  for (let count = random.int(5, 12); count > 0; count--) {
    const [name] = random.pick(fields);
    const scenario = random.pick([
      [`returns the ${entity} it finds`, `    await expect(service.get('id-${count}')).resolves.toMatchObject({ id: 'id-${count}' });`],
      [`rejects a missing ${entity}`, `    await expect(service.get('missing')).rejects.toThrow('not found');`],
      [`rejects an invalid ${name}`, `    await expect(service.create({ ${name}: null })).rejects.toThrow();`],
      [`caps the page size`, `    await service.list(1, 1000);\n    expect(repository.list).toHaveBeenCalledWith(100, 0);`],
      [`removes an existing ${entity}`, `    await expect(service.remove('id-${count}')).resolves.toBeUndefined();`],
    ]);
    lines.push(`  it('${scenario[0]} (${count})', async () => {`);
    lines.push('    const repository = fakeRepository();', `    const service = new ${type}Service(repository);`);
    lines.push(scenario[1], '  });', '');
  }
  lines.push('});', '');
  return lines.join('\n');
}
