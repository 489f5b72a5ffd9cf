/**
 * A generator is data (node-plop style): what it asks, which templates it renders where, what it adds
 * to package.json and .env.example, and how it is wired into an app entry. The scaffolder and
 * `secure add` both run these declarations; the templates live once under templates/<generator>/.
 */
export interface GeneratorDeclaration {
  /** The slug: `secure add <name>` and the folder under templates/. */
  name: string;
  /** One line for `secure add --list`. */
  description: string;
}
