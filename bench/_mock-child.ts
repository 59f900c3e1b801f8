/** Runs the reference mock API in its own process, so a benchmark's CPU time is the client's alone. */
import { type MockApiOptions, type Mutation, startMockApi } from "../test/mock/index";

type Message =
  | { id: number; type: "mutate"; mutation?: Mutation }
  | { id: number; type: "stats" }
  | { id: number; type: "close" };

const options = JSON.parse(process.argv[2] ?? "{}") as MockApiOptions & {
  itemsRoute?: { total: number; recordBytes: number };
};
const mock = await startMockApi(options);
if (options.itemsRoute) {
  // A large offset-paginated list, generated on the fly so the server's memory stays flat.
  const { total, recordBytes } = options.itemsRoute;
  const filler = "x".repeat(Math.max(0, recordBytes - 80));
  mock.route("GET", "/items", (req) => {
    const offset = Number(req.query.offset ?? 0);
    const limit = Number(req.query.limit ?? 1000);
    const data = [];
    const base = Date.UTC(2024, 0, 1);
    for (let i = offset; i < Math.min(total, offset + limit); i++)
      data.push({ id: i, updated_at: new Date(base + i * 1000).toISOString(), name: `item ${i}`, body: filler });
    return { body: { data, total } };
  });
}
process.send!({ type: "ready", url: mock.url, apiKey: mock.apiKey });
process.on("message", async (message: Message) => {
  if (message.type === "mutate") process.send!({ id: message.id, result: mock.mutate(message.mutation) });
  else if (message.type === "stats") process.send!({ id: message.id, result: mock.stats() });
  else {
    await mock.close();
    process.send!({ id: message.id, result: null });
    process.exit(0);
  }
});
