/**
 * cors-wildcard and sql-injection written as jscodeshift detections, the way a team would write them
 * without `secure`: the same shapes as the ast-grep YAML next door (scripts/bench/ast-grep/rules).
 * Each detector returns the nodes to report; nothing is rewritten.
 */
const sqlKeyword = /\b(select|insert|update|delete|drop|alter|truncate)\b/i;
const sqlSinks = new Set([
  'query',
  'execute',
  'raw',
  'whereRaw',
  'orWhereRaw',
  'havingRaw',
  'orderByRaw',
  'joinRaw',
  '$queryRawUnsafe',
  '$executeRawUnsafe',
  'prepare',
  'exec',
]);
const headerSetters = new Set(['setHeader', 'header', 'set']);

function isStringLiteral(node) {
  return node && (node.type === 'StringLiteral' || (node.type === 'Literal' && typeof node.value === 'string'));
}

function keyName(property) {
  const key = property.key;
  if (!key) return undefined;
  if (key.type === 'Identifier' && !property.computed) return key.name;
  return isStringLiteral(key) ? key.value : undefined;
}

function isWildcardValue(node) {
  if (!node) return false;
  if (isStringLiteral(node)) return node.value === '*';
  return (node.type === 'BooleanLiteral' || node.type === 'Literal') && node.value === true;
}

function calleeName(callee) {
  if (callee.type === 'Identifier') return callee.name;
  if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed) {
    return callee.property.name;
  }
  return undefined;
}

export function detectCorsWildcard(j, root) {
  const found = [];
  root.find(j.CallExpression).forEach((path) => {
    const { callee, arguments: args } = path.node;
    // Handles: cors()
    if (callee.type === 'Identifier' && callee.name === 'cors' && args.length === 0) found.push(path.node);
    // Handles: res.setHeader('Access-Control-Allow-Origin', '*')
    if (
      callee.type === 'MemberExpression' &&
      headerSetters.has(calleeName(callee)) &&
      isStringLiteral(args[0]) &&
      args[0].value.toLowerCase() === 'access-control-allow-origin' &&
      isStringLiteral(args[1]) &&
      args[1].value === '*'
    ) {
      found.push(path.node);
    }
  });
  // Handles: cors({ origin: '*' }), register(fastifyCors, { origin: true }), new Server(http, { cors: { origin: '*' } })
  root.find(j.ObjectExpression).forEach((path) => {
    const parent = path.parent.node;
    const inCall =
      (parent.type === 'CallExpression' || parent.type === 'NewExpression') && parent.arguments.includes(path.node);
    const inCorsOption =
      (parent.type === 'ObjectProperty' || parent.type === 'Property') && keyName(parent) === 'cors';
    if (!inCall && !inCorsOption) return;
    for (const property of path.node.properties) {
      if (keyName(property) === 'origin' && isWildcardValue(property.value)) found.push(property);
    }
  });
  return found;
}

/** A template literal with a substitution, or a `+` chain with a non-constant operand, that reads as SQL. */
function isDynamicSql(node) {
  if (!node) return false;
  if (node.type === 'TemplateLiteral') {
    return node.expressions.length > 0 && node.quasis.some((quasi) => sqlKeyword.test(quasi.value.raw));
  }
  if (node.type !== 'BinaryExpression' || node.operator !== '+') return false;
  const operands = [];
  const flatten = (part) => {
    if (part.type === 'BinaryExpression' && part.operator === '+') {
      flatten(part.left);
      flatten(part.right);
    } else {
      operands.push(part);
    }
  };
  flatten(node);
  const text = operands
    .map((part) => (isStringLiteral(part) ? part.value : part.type === 'TemplateLiteral' ? part.quasis[0].value.raw : ''))
    .join(' ');
  // SELECT_USERS-style identifiers are taken as constants, as in the ast-grep rule.
  const dynamic = operands.some(
    (part) => !isStringLiteral(part) && !(part.type === 'Identifier' && !/[a-z]/.test(part.name)),
  );
  return dynamic && sqlKeyword.test(text);
}

export function detectSqlInjection(j, root) {
  const found = [];
  root.find(j.CallExpression).forEach((path) => {
    const name = calleeName(path.node.callee);
    if (!name || !sqlSinks.has(name)) return;
    const [first] = path.node.arguments;
    if (!first) return;
    // Handles: db.query(`SELECT ... ${value}`) and db.query('SELECT ... ' + value)
    if (isDynamicSql(first)) {
      found.push(path.node);
      return;
    }
    // Handles: const sql = `SELECT ... ${value}`; db.query(sql)
    if (first.type === 'Identifier') {
      const scope = path.scope.lookup(first.name);
      const declarations = scope ? scope.getBindings()[first.name] : undefined;
      const declarator = declarations?.[0]?.parent?.node;
      if (declarator?.type === 'VariableDeclarator' && isDynamicSql(declarator.init)) found.push(path.node);
    }
  });
  return found;
}
