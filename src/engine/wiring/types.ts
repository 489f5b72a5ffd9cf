/** One registration to add to a user's file: an import and a call on their app (or socket.io server). */
export interface WireRequest {
  /** As this file imports it: `./security/headers.js`. */
  moduleSpecifier: string;
  /** Named exports of that module the statement uses. */
  names: readonly string[];
  /** Other names the statement uses, from other modules (`settings` from `./security/config.js`). */
  alsoImports?: readonly { moduleSpecifier: string; names: readonly string[] }[];
  /**
   * The statement as the generator declares it, its receiver standing for the user's instance:
   * `app.use(securityHeaders());`, `app.register(securityHeaders);`, `io.use(socketAuth);`.
   */
  statement: string;
  /**
   * Before the routes (security middleware) or after them (error handlers); `before-app`: a plain call
   * (`getSettings();`) on the line above the app's creation, once per file.
   */
  position?: 'before-routes' | 'after-routes' | 'before-app';
  /** The instance the statement attaches to: the app (default) or the socket.io `Server`. */
  target?: 'app' | 'socket.io';
}

export type Framework = 'express' | 'fastify';
/** Which of a generator's wiring declarations applies: the framework's, or NestJS's (on its Express adapter). */
export type WiringKey = Framework | 'nest';
