/** Words the synthetic corpus is made of: entities, fields, verbs. Plain data, no logic. */
export const entities = [
  'user', 'account', 'order', 'invoice', 'product', 'customer', 'payment', 'shipment', 'subscription',
  'session', 'ticket', 'comment', 'article', 'category', 'coupon', 'warehouse', 'supplier', 'refund',
  'notification', 'report', 'project', 'task', 'team', 'member', 'device', 'booking', 'room', 'vehicle',
  'driver', 'route', 'message', 'channel', 'document', 'folder', 'license', 'plan', 'quote', 'contract',
  'employee', 'department', 'payslip', 'asset', 'audit', 'webhook', 'integration', 'tenant', 'region',
  'store', 'cart', 'review', 'wishlist', 'address', 'carrier', 'parcel', 'course', 'lesson', 'student',
];

export const fieldKinds = [
  ['name', 'string'], ['title', 'string'], ['description', 'string'], ['email', 'string'],
  ['status', 'string'], ['reference', 'string'], ['currency', 'string'], ['country', 'string'],
  ['amount', 'number'], ['quantity', 'number'], ['priority', 'number'], ['score', 'number'],
  ['weight', 'number'], ['position', 'number'], ['active', 'boolean'], ['archived', 'boolean'],
  ['verified', 'boolean'], ['createdAt', 'Date'], ['updatedAt', 'Date'], ['dueAt', 'Date'],
  ['notes', 'string'], ['slug', 'string'], ['locale', 'string'], ['ownerId', 'string'],
];

export const statuses = ['draft', 'pending', 'active', 'suspended', 'closed', 'archived', 'failed'];

export const utilityTopics = [
  'pagination', 'dates', 'money', 'strings', 'retry', 'cache', 'slugify', 'validation', 'csv', 'headers',
  'ids', 'timing', 'sorting', 'env', 'queue', 'locale', 'hashing', 'diff', 'batch',
];

export const drivers = ['pg', 'mysql2', 'knex', 'prisma', 'better-sqlite3', 'sequelize'];

export const frameworks = ['express', 'fastify'];

export function pascal(word) {
  return word
    .split(/[-_ ]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export function camel(word) {
  const value = pascal(word);
  return value.charAt(0).toLowerCase() + value.slice(1);
}

export function snake(word) {
  return word.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

export function plural(word) {
  if (word.endsWith('y') && !/[aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}
