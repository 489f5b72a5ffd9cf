import type { Node } from '@babel/types';
import type { SourceContext, SourceRule } from '../../src/engine/rule.js';
import { propertyName } from '../../src/engine/ast-utils.js';
import { isProcessEnv, secretLiteral } from '../_shared/secrets/detect.js';
import { envRead } from '../_shared/secrets/locate.js';
import { nameWords } from '../_shared/secrets/names.js';
import { isClientModule, isTestPath, relativeToRoot } from '../_shared/secrets/paths.js';
import { mayHoldSecretLiteral } from '../_shared/secrets/prefilter.js';
import { browserSafeFormats } from '../_shared/secrets/values.js';

type AnyNode = Node & Record<string, any>;

/** Prefixes that bundlers (Next, Vite, CRA, Expo, Vue CLI, Gatsby, Nuxt, SvelteKit/Astro) inline into client code. */
const publicPrefix =
  /^(NEXT_PUBLIC_|VITE_|REACT_APP_|EXPO_PUBLIC_|VUE_APP_|GATSBY_|NUXT_PUBLIC_|PUBLIC_)(.+)$/;

/** Keys and tokens meant for browsers: anon keys, site keys, map tiles, read-only CMS and search tokens. */
const browserWords = new Set([
  'anon',
  'site',
  'mapbox',
  'maps',
  'recaptcha',
  'hcaptcha',
  'turnstile',
  'contentful',
  'storyblok',
  'prismic',
  'datocms',
  'algolia',
  'search',
  'delivery',
  'preview',
  'firebase',
  'google',
  'sentry',
  'posthog',
  'segment',
  'mixpanel',
  'amplitude',
]);
const secretTokenQualifiers = new Set([
  'access',
  'auth',
  'api',
  'admin',
  'bot',
  'bearer',
  'github',
  'gh',
  'npm',
  'slack',
  'refresh',
  'personal',
  'management',
  'write',
  'service',
  'secret',
]);
/** Providers whose API keys are server-side secrets by their own documentation. */
const serverOnlyProviders = new Set([
  'openai',
  'anthropic',
  'sendgrid',
  'mailgun',
  'twilio',
  'resend',
  'postmark',
  'aws',
  'groq',
  'replicate',
  'cohere',
  'huggingface',
  'hf',
  'pinecone',
  'elevenlabs',
  'mistral',
  'gemini',
]);

/**
 * Whether a bundled variable's name says it is a server-side secret. API keys meant for browsers (Firebase,
 * Google Maps, Supabase anon, Stripe publishable, Mapbox public tokens) are not.
 */
export function isSecretForBrowser(name: string): boolean {
  const words = nameWords(name);
  if (words.some((word) => word === 'public' || word === 'publishable' || word === 'pub')) return false;
  // Whatever the provider: a secret, a password, a private, admin or service-role key
  if (words.some((word) => word === 'secret' || word === 'password' || word === 'passwd' || word === 'pwd'))
    return true;
  if ((words.includes('private') || words.includes('admin')) && words.at(-1) === 'key') return true;
  if (words.includes('service') && words.includes('role')) return true;
  if (words.some((word) => browserWords.has(word))) return false;
  const head = words.at(-1);
  const before = words.at(-2);
  if (head === 'token')
    return words.length === 1 || (before !== undefined && secretTokenQualifiers.has(before));
  if (head === 'key' && before === 'api')
    return words.slice(0, -2).some((word) => serverOnlyProviders.has(word));
  return false;
}

/** A bundler prefix (publicPrefix; `NEXT_PUBLIC_` ends with `PUBLIC_`), case-sensitive as there. */
const publicPrefixInText = /PUBLIC_|VITE_|REACT_APP_|VUE_APP_|GATSBY_/g;
/** Every name isSecretForBrowser accepts holds one of these words. */
const browserSecretWord = /secret|passw|pwd|key|role|token/i;

/**
 * A bundled variable named like a secret (`import.meta.env.VITE_ADMIN_PASSWORD`): a prefix, then one of the words
 * in the rest of the name (up to a quote or the end of the line, which is longer than any name).
 */
function mayNamePublicSecret(text: string): boolean {
  publicPrefixInText.lastIndex = 0;
  for (let match = publicPrefixInText.exec(text); match; match = publicPrefixInText.exec(text)) {
    const rest = /^[^'"`\n]*/.exec(text.slice(match.index + match[0].length, match.index + 400))![0];
    if (browserSecretWord.test(rest)) return true;
  }
  return false;
}

function reportVariable(node: AnyNode, fullName: string, context: SourceContext, seen: Set<string>): void {
  const match = publicPrefix.exec(fullName);
  if (!match || !isSecretForBrowser(match[2]) || seen.has(fullName)) return;
  seen.add(fullName);
  context.report({
    node,
    message: `${fullName} is inlined into the browser bundle: every visitor can read this secret`,
  });
}

function isEnvObject(node: AnyNode | null | undefined): boolean {
  if (!node) return false;
  if (isProcessEnv(node)) return true;
  return (
    node.type === 'MemberExpression' &&
    node.object.type === 'MetaProperty' &&
    !node.computed &&
    node.property.type === 'Identifier' &&
    node.property.name === 'env'
  );
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'frontend-secret',
    title: 'Secrets in code that ships to browsers',
    description:
      'Everything in a browser bundle is public: NEXT_PUBLIC_, VITE_, REACT_APP_ and EXPO_PUBLIC_ variables are ' +
      'inlined at build time, and literals in client components are readable with view-source. A secret there ' +
      'is a leaked secret.',
    checklist: 'secrets',
    severity: 'critical',
    cwe: [200, 798],
    fixable: false,
    hint: 'Keep the secret on the server: call your API, which uses it, and rotate the exposed secret.',
  },
  prefilter: (text) => mayHoldSecretLiteral(text) || mayNamePublicSecret(text),
  appliesTo: (path) => !isTestPath(path),
  create(context) {
    let clientModule = false;
    const seen = new Set<string>();
    const checkLiteral = (node: AnyNode) => {
      if (!clientModule) return;
      const found = secretLiteral(node, context.ancestors);
      if (!found || (found.format && browserSafeFormats.has(found.format))) return;
      context.report({ node, message: `${found.what} in client code: every visitor can read it` });
    };
    return {
      Program(node) {
        clientModule = isClientModule(relativeToRoot(context.file, context.project.root), node, context.text);
      },
      // Handles: process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY, import.meta.env.VITE_ADMIN_PASSWORD
      MemberExpression(node) {
        const name = envRead(node);
        if (name) reportVariable(node, name, context, seen);
      },
      OptionalMemberExpression(node) {
        const name = envRead(node);
        if (name) reportVariable(node, name, context, seen);
      },
      // Handles: const { VITE_API_SECRET } = import.meta.env
      VariableDeclarator(node) {
        if (node.id.type !== 'ObjectPattern' || !isEnvObject(node.init)) return;
        for (const property of node.id.properties as AnyNode[]) {
          const name = property.type === 'ObjectProperty' ? propertyName(property) : undefined;
          if (name) reportVariable(property, name, context, seen);
        }
      },
      // Handles: next.config.js env: { NEXT_PUBLIC_API_SECRET: process.env.API_SECRET }
      ObjectProperty(node) {
        const name = propertyName(node);
        if (
          name &&
          publicPrefix.test(name) &&
          !(node.value.type === 'StringLiteral' && node.value.value === '')
        )
          reportVariable(node.key, name, context, seen);
      },
      StringLiteral: checkLiteral,
      TemplateLiteral(node) {
        if (node.expressions.length === 0) checkLiteral(node);
      },
    };
  },
};

export default rule;
