import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { MockApiOptions, MockStats, Mutation } from "../test/mock/index";

export interface MockProcess {
  url: string;
  apiKey: string;
  mutate(mutation?: Mutation): Promise<unknown>;
  stats(): Promise<MockStats>;
  close(): Promise<void>;
}

/** Starts the mock API in a child process (tsx), controlled over IPC. */
export async function startMockProcess(
  options: MockApiOptions & { itemsRoute?: { total: number; recordBytes: number } } = {},
): Promise<MockProcess> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL("./_mock-child.ts", import.meta.url)),
    [JSON.stringify(options)],
    {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  const ready = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    child.once("message", (message) => resolve(message as { url: string; apiKey: string }));
    child.once("exit", (code) => reject(new Error(`mock process exited with ${code}`)));
  });
  let next = 0;
  const call = <T>(message: Record<string, unknown>): Promise<T> =>
    new Promise((resolve) => {
      const id = ++next;
      const onMessage = (reply: unknown) => {
        const r = reply as { id?: number; result: T };
        if (r.id !== id) return;
        child.off("message", onMessage);
        resolve(r.result);
      };
      child.on("message", onMessage);
      child.send({ ...message, id });
    });
  return {
    ...ready,
    mutate: (mutation) => call({ type: "mutate", mutation }),
    stats: () => call<MockStats>({ type: "stats" }),
    close: async () => {
      await call({ type: "close" }).catch(() => undefined);
      child.kill();
    },
  };
}
