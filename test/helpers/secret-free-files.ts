/**
 * Files the secret rules' former keyword prefilters (`key`, `token`, `pass`...) sent to the parser although
 * no secret is in them: every secret rule's prefilter must skip them now.
 */
export const filesWithoutSecrets: Record<string, string> = {
  'a cache keyed by Object.keys':
    "export function cacheKey(query: Record<string, string>): string {\n  return Object.keys(query)\n    .sort()\n    .map((key) => `${key}=${query[key]}`)\n    .join('&');\n}\nexport type Keys = keyof typeof defaults;\nconst defaults = { page: 1 };\n",
  'a lexer with tokens':
    "export interface Token {\n  type: string;\n  value: string;\n}\nexport function tokenize(input: string): Token[] {\n  const tokens: Token[] = [];\n  for (const token of input.split(' ')) tokens.push({ type: 'word', value: token });\n  return tokens;\n}\n",
  'a form type with a password field':
    "export interface LoginForm {\n  email: string;\n  password: string;\n}\nexport const passwordField = 'password';\nexport function isValid(form: LoginForm): boolean {\n  return form.password.length >= 12 && form.email.includes('@');\n}\n",
  'request headers read for a trace id':
    "import type { Request } from 'express';\nexport function traceId(req: Request): string | undefined {\n  const key = 'x-trace-id';\n  return req.headers[key] as string | undefined;\n}\n",
};
