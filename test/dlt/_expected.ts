/**
 * What restsync does not do of dlt's own test cases, by pytest id. `skip`: the
 * case needs something with no TypeScript meaning (a Python config provider,
 * Python's requests or logger, Python's str.format) or something fetch refuses
 * in every runtime; the reason says what the TypeScript equivalent is.
 * `{ pending: reason }` (none today): the case runs as `it.fails` until a fix
 * lands, then fails loudly until its line here goes. Every other case is a
 * plain test that passes.
 */
export type Expectation = { pending: string } | { skip: string };

const skip = (reason: string): Expectation => ({ skip: reason });
/** Same expectation for several parametrized ids. */
const each = (prefix: string, ids: string[], expectation: Expectation) =>
  Object.fromEntries(ids.map((id) => [`${prefix}[${id}]`, expectation]));

const FETCH = (what: string, equivalent: string) =>
  skip(
    `${what}: fetch refuses it in every runtime restsync runs in (browsers, Workers, Node's undici), so restsync refuses the config at validation with a ConfigError; the TypeScript equivalent is ${equivalent}`,
  );

export const EXPECTED: Record<string, Expectation> = {
  // test_offline.py
  "test_offline::test_request_json_body[empty_json_get]": FETCH(
    "a GET request with a JSON body (dlt's requests sends `{}`)",
    'method: "POST", or the fields as params',
  ),
  "test_offline::test_headers_in_top_level_resource[braces-in-header-name]": FETCH(
    "`{`/`}` in an HTTP header name (`X-Double-Braces-{escaped}`, which requests sends)",
    "a header name of token characters",
  ),
  "test_offline::test_secret_redaction_in_logs_and_errors": skip(
    "asserts lines of dlt's Python logger; restsync writes no request log (its TypeScript equivalent, onProgress events, carries no URLs). The error path is test_secret_redaction_in_http_errors",
  ),

  // test_rest_api_source.py
  "test_rest_api_source::test_rest_api_config_provider": skip(
    "dlt.config's TOML config provider fills `client`/`resources` from config.toml; in TypeScript the config is a value passed to restApiSource (secrets alone come from `secrets`/the environment)",
  ),
  "test_rest_api_source::test_rest_api_source[deco]": skip(
    "`rest_api(**config)` is Python's keyword-argument spelling of the same source; the TypeScript equivalent is restApiSource(config), the [factory] case",
  ),
  "test_rest_api_source::test_dependent_resource[deco]": skip(
    "`rest_api(**config)` is Python's keyword-argument spelling of the same source; the TypeScript equivalent is restApiSource(config), the [factory] case",
  ),

  // helpers/rest_client/test_client.py
  "test_client::TestRESTClient::test_custom_session_client": skip(
    "warns about a requests Session with raise_for_status hooks; the TypeScript equivalent is createPipeline({ fetch }), which has no such hook",
  ),
  "test_client::TestRESTClient::test_send_request_allows_ca_bundle": skip(
    "REQUESTS_CA_BUNDLE is Python requests' TLS trust setting; in TypeScript the runtime owns TLS (NODE_EXTRA_CA_CERTS in Node, the OS store in browsers and Workers)",
  ),
  "test_client::TestRESTClient::test_configurable_timeout": skip(
    "RUNTIME__REQUEST_TIMEOUT is read by dlt's config providers; the TypeScript equivalent is `client.timeout` in the config",
  ),
  "test_client::TestRESTClient::test_request_kwargs": skip(
    "checks requests' send() keyword arguments (proxies, verify, cert, stream); the TypeScript equivalent is a custom `fetch` (createPipeline({ fetch })) configured by the runtime",
  ),

  // test_interpolation.py
  ...each(
    "test_interpolation::test_expand_placeholders",
    [
      "single_placeholder_with_format_spec",
      "single_placeholder_with_format_spec_no_preserve",
      "single_placeholder_with_conversion",
      "single_placeholder_with_conversion_no_preserve",
    ],
    skip(
      "Python's str.format mini-language (`{id:>5}`, `{id!r}`); restsync placeholders are names only, and a value is formatted in code (a `map` step) or on the API side",
    ),
  ),
  ...each(
    "test_interpolation::test_expand_placeholders",
    [
      "single_placeholder_none_value_no_preserve",
      "single_placeholder_boolean_value_no_preserve",
      "single_placeholder_list_value_no_preserve",
      "single_placeholder_dict_value_no_preserve",
      "single_placeholder_scientific_notation_no_preserve",
      "single_placeholder_bytes_no_preserve",
    ],
    skip(
      "Python's str() spelling of a value in a string template (`None`, `True`, `[1, 2, 3]`, `{'key': 'value'}`, `10000000000.0`, `b'bytes'`); TypeScript spells them its own way (String(), JSON)",
    ),
  ),
};
