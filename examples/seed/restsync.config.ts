/**
 * The seed configuration for the CLI:
 *   npm run mock                                       # the mock API on http://127.0.0.1:8787
 *   API_KEY=test-key npx restsync run examples/seed/restsync.config.ts
 * API_BASE_URL points it at another API.
 */
import { withBaseUrl } from "./config";

export default withBaseUrl(process.env.API_BASE_URL ?? "http://127.0.0.1:8787");
