/**
 * The names that mark a header or a query parameter as a credential when a config
 * writes its value as a literal (not `secrets["…"]`): such values are redacted like
 * secrets and kept on the API's origin. (Auth fields are named by the auth schema
 * itself: `CREDENTIAL_AUTH_FIELDS` in config/_schema.ts.)
 */

/**
 * Words that make a header a credential wherever they appear in its name:
 * `Authorization`, `X-Api-Key`, `Ocp-Apim-Subscription-Key`, `x-functions-key`,
 * `X-Goog-Api-Key`, `PRIVATE-TOKEN`, `X-Amz-Signature`, `Cookie`, `X-Session-Id`…
 * Broad on purpose: redacting a harmless value costs a `***` in a message, missing
 * a credential costs the credential.
 */
const HEADER_WORDS = [
  "key",
  "token",
  "secret",
  "auth",
  "pass",
  "pwd",
  "sig",
  "session",
  "cookie",
  "credential",
  "jwt",
  "bearer",
];

/** Query parameter names (lower case, without `-`/`_`) that are credentials as a whole… */
const PARAM_NAMES = new Set([
  "key",
  "auth",
  "sig",
  "pass",
  "passwd",
  "pwd",
  "jwt",
  "session",
  "sessionid",
  "credential",
  "credentials",
]);
/**
 * …or by their ending (`api_key`, `x-api-key`, `access_token`, `client_secret`,
 * `subscription-key`). Narrower than headers: a param such as `sort_key` or
 * `page` is ordinary data that messages should keep showing.
 */
const PARAM_ENDINGS = [
  "apikey",
  "accesskey",
  "secretkey",
  "subscriptionkey",
  "functionskey",
  "token",
  "secret",
  "password",
  "passwd",
  "signature",
  "credential",
  "credentials",
];

/** True for a header name that carries a credential (case-insensitive). */
export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return HEADER_WORDS.some((word) => lower.includes(word));
}

/** True for a query parameter name that carries a credential (case-insensitive). */
export function isCredentialParam(name: string): boolean {
  const bare = name.toLowerCase().replace(/[-_.\s]/g, "");
  return PARAM_NAMES.has(bare) || PARAM_ENDINGS.some((ending) => bare.endsWith(ending));
}
