import { isPlainObject, setOwn } from "./_objects";

const SECRET = Symbol.for("restsync.secret");

/** A lazy reference to a secret, resolved when a pipeline runs. Never holds the value. */
export interface SecretRef {
  readonly [SECRET]: true;
  /** The secret's name, e.g. `api_key`. */
  readonly name: string;
  /** The value when the secret is not set (a field dlt reads from its config sections when it is there). */
  readonly fallback?: string;
  /** A setting read where secrets are (a token URL, a header name), not a credential: not redacted. */
  readonly plain?: true;
}

function makeRef(name: string, options: { fallback?: string; plain?: true } = {}): SecretRef {
  const ref = {
    [SECRET]: true as const,
    name,
    ...options,
    toString: () => `secrets[${JSON.stringify(name)}]`,
    toJSON: () => `secrets[${JSON.stringify(name)}]`,
  };
  return Object.freeze(ref);
}

/**
 * Secret references for configs: `secrets["api_key"]` is the spelling of dlt's
 * `dlt.secrets["api_key"]`. The value is looked up when the pipeline runs: in
 * `createPipeline({ secrets })`, else in the environment where one exists, under
 * the names {@link secretNames} lists (`API_KEY`, then dlt's section names such as
 * `SOURCES__REST_API__API_KEY`).
 *
 * @example
 * auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "header" }
 */
// Pure: a bundle that never reads `secrets` drops it (and makeRef).
export const secrets: Readonly<Record<string, SecretRef>> = /* @__PURE__ */ new Proxy(
  /* @__PURE__ */ Object.freeze({}) as Record<string, SecretRef>,
  {
    get: (_target, key) => (typeof key === "string" ? makeRef(key) : undefined),
    has: () => true,
  },
);

/** `secrets[name]`, or `fallback` when that secret is not set. */
export const secretOr = (name: string, fallback: string): SecretRef => makeRef(name, { fallback });
/** A setting (not a credential) read as a secret is, or `fallback` when it is not set (then required). */
export const settingRef = (name: string, fallback?: string): SecretRef =>
  makeRef(name, fallback === undefined ? { plain: true } : { fallback, plain: true });

/** How a secret is written where a config is JSON: the string `secrets["name"]` (what a reference serialises to), also `dlt.secrets['name']`. */
const SECRET_SPELLING = /^(?:dlt\.)?secrets\[\s*["']([^"'\]]+)["']\s*\]$/;

/**
 * `config` with every string that spells a secret (`"secrets[\"api_key\"]"`, as a
 * JSON config writes it) replaced by the reference it names, so that it is resolved
 * like `secrets["api_key"]` and never sent as it is. Copies only what it changes.
 */
export function withSecretRefs<T>(config: T): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") {
      const match = SECRET_SPELLING.exec(node);
      return match ? secrets[match[1]!] : node;
    }
    if (Array.isArray(node)) {
      const items = node.map(walk);
      return items.some((item, i) => item !== node[i]) ? items : node;
    }
    if (!isPlainObject(node) || isSecretRef(node)) return node;
    let out: Record<string, unknown> | undefined;
    for (const [key, child] of Object.entries(node)) {
      const value = walk(child);
      if (value === child) continue;
      out ??= { ...node };
      setOwn(out, key, value);
    }
    return out ?? node;
  };
  return walk(config) as T;
}

/** True for a value made by `secrets[...]`. */
export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[SECRET] === true;
}

/** Where secret values come from: explicit values first, then the environment. */
export type SecretSource = Readonly<Record<string, unknown>>;

/**
 * The names a secret is looked up under, in order, the way dlt's config providers name them:
 * the name itself upper-cased with `.` as `__` (`api_key` → `API_KEY`,
 * `credentials.token` → `CREDENTIALS__TOKEN`), then under the source's sections from the most
 * specific: `SOURCES__REST_API__<PIPELINE>__…`, `SOURCES__REST_API__…`, `SOURCES__<PIPELINE>__…`,
 * `SOURCES__…` (the pipeline's name stands for dlt's source name).
 *
 * @example
 * secretNames("api_key", "github") // ["API_KEY", "SOURCES__REST_API__GITHUB__API_KEY", "SOURCES__REST_API__API_KEY", "SOURCES__GITHUB__API_KEY", "SOURCES__API_KEY"]
 */
export function secretNames(name: string, pipeline?: string): string[] {
  const key = name.split(".").join("__").toUpperCase();
  if (key.startsWith("SOURCES__")) return [key];
  const source = pipeline?.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  const sections = source ? [`REST_API__${source}`, "REST_API", source, ""] : ["REST_API", ""];
  return [key, ...new Set(sections.map((section) => `SOURCES__${section ? `${section}__` : ""}${key}`))];
}
