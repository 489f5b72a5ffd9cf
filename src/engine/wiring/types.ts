export type Framework = 'express' | 'fastify';

/** One call that attaches a generated module to the user's app, e.g. `app.use(securityHeaders())`. */
export interface WiringStep {
  /** Module relative to the project's source folder, with the `.js` suffix: `security/headers.js`. */
  from: string;
  /** Named exports of that module the call uses: `['securityHeaders']`. */
  names: string[];
  /** What the call attaches to: the app (default), or the socket.io `Server`. */
  target?: 'app' | 'socket.io';
  /**
   * The argument of the call: `app.use(<use>)` for Express, `app.register(<use>)` for Fastify,
   * `io.use(<use>)` for socket.io. Example: `securityHeaders()` or `securityHeaders`.
   */
  use: string;
}

/** How a generator is wired into each framework's app entry; absent = nothing to wire (a library module). */
export type GeneratorWiring = Partial<Record<Framework, WiringStep[]>>;
