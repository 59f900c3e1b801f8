import { RestsyncError } from "../errors";

/** The request a {@link CustomAuth} signs: change its headers or query. */
export interface AuthRequest {
  /** The URL as it will be sent, before auth (auth's query parameters are added to `query`). */
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly query: URLSearchParams;
}

/** What a {@link CustomAuth} is told about the request it signs. */
export interface AuthRequestContext {
  /** The resource the request is for. */
  readonly resource: string;
  readonly signal: AbortSignal | undefined;
  /**
   * Declares credential values this auth sends (a key, a signature, a token it fetched): they are
   * redacted from every error, log and report, as `secrets[...]` values are. Values a config gives
   * as `secrets["name"]` are redacted anyway.
   */
  secret(...values: string[]): void;
}

/**
 * Auth written in TypeScript, dlt's `AuthConfigBase`: applies its credential to each request it is
 * given (only requests to the API's own origin), and may refresh it once after a 401, as dlt's OAuth2
 * classes do. Give an instance as `client.auth` or `endpoint.auth`, or register a factory by name
 * with {@link registerAuth} so a config's `auth.type` can name it.
 *
 * @example
 * class HmacAuth implements CustomAuth {
 *   constructor(private key: string) {}
 *   async apply(request: AuthRequest, context: AuthRequestContext) {
 *     context.secret(this.key);
 *     request.headers.set("x-signature", await sign(this.key, request.url));
 *   }
 * }
 */
export interface CustomAuth {
  apply(request: AuthRequest, context: AuthRequestContext): void | Promise<void>;
  /** After a 401: drop cached credentials; `true` sends the request once more with fresh ones. */
  refresh?(): boolean;
}

/** Builds a {@link CustomAuth} from a config's auth object (its `type` left out, secrets resolved). */
export type CustomAuthFactory = (fields: Record<string, unknown>) => CustomAuth;

const BUILT_IN = ["api_key", "bearer", "http_basic", "oauth2_client_credentials"];
const registry = new Map<string, CustomAuthFactory>();

/**
 * Registers a custom auth under a name, dlt's `register_auth`: a config's `auth: { type: name, … }`
 * then builds it with `create(fields)`. Register before `restApiSource` validates the config.
 * Built-in names cannot be replaced.
 */
export function registerAuth(name: string, create: CustomAuthFactory): void {
  if (BUILT_IN.includes(name))
    throw new RestsyncError("config_invalid", `registerAuth: "${name}" is a built-in auth type; choose another name`);
  // As dlt's register_auth refuses a class that is not an AuthConfigBase: a config naming it would fail only at run time.
  if (typeof create !== "function")
    throw new RestsyncError("config_invalid", `registerAuth: "${name}" needs a function that makes a CustomAuth`);
  registry.set(name, create);
}

/** The factory registered under `name`, if any. */
export const registeredAuth = (name: unknown): CustomAuthFactory | undefined =>
  typeof name === "string" ? registry.get(name) : undefined;

/** Names registered with {@link registerAuth}, for messages. */
export const registeredAuthTypes = (): string[] => [...registry.keys()];

/** True for an object that implements {@link CustomAuth}. */
export const isCustomAuth = (value: unknown): value is CustomAuth =>
  typeof value === "object" && value !== null && typeof (value as { apply?: unknown }).apply === "function";
