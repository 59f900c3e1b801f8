import { isPlainObject } from "../_objects";

/** `auth` as dlt reads an object without `type`: bearer (dlt's `create_auth` default). */
function typedAuth(auth: unknown): unknown {
  return isPlainObject(auth) && !Object.hasOwn(auth, "type") ? { type: "bearer", ...auth } : auth;
}

/** `holder` with its `endpoint.auth` typed, copied only when it changes. */
function withEndpointAuth(holder: unknown): unknown {
  if (!isPlainObject(holder) || !isPlainObject(holder.endpoint) || !Object.hasOwn(holder.endpoint, "auth"))
    return holder;
  const auth = typedAuth(holder.endpoint.auth);
  return auth === holder.endpoint.auth ? holder : { ...holder, endpoint: { ...holder.endpoint, auth } };
}

/**
 * A config with dlt's spellings that the schema cannot tell apart by shape made explicit:
 * an `auth` object without `type` is bearer, as dlt reads it. Copies only what it changes.
 */
export function withDltSpellings<T>(config: T): T {
  if (!isPlainObject(config)) return config;
  const out: Record<string, unknown> = { ...config };
  if (isPlainObject(config.client) && Object.hasOwn(config.client, "auth"))
    out.client = { ...config.client, auth: typedAuth(config.client.auth) };
  if (Object.hasOwn(config, "resource_defaults")) out.resource_defaults = withEndpointAuth(config.resource_defaults);
  if (Array.isArray(config.resources)) out.resources = config.resources.map(withEndpointAuth);
  return out as T;
}
