/** dlt tests/sources/rest_api/integration/test_processing_steps.py, case by case. */
import { describe, expect } from "vitest";
import { API, type DltConfig, dltCase, expectedEntriesExist, listResource } from "./_case";
import { COMMENTS_COUNT, PAGE_SIZE, REACTIONS_COUNT, TOTAL_PAGES } from "./_routes";
import { useDltMock } from "./_server";

const mock = useDltMock();
const F = "test_processing_steps";
type Row = Record<string, any>;
const source = (...resources: DltConfig[]): DltConfig => ({ client: { base_url: API }, resources });

dltCase(`${F}::test_rest_api_source_filtered`, async () => {
  const data = await listResource(
    mock,
    source({ name: "posts", endpoint: "posts", processing_steps: [{ filter: (x: Row) => x.id === 1 }] }),
    "posts",
  );
  expect(data).toHaveLength(1);
  expect(data[0]!.title).toBe("Post 1");
});

dltCase(`${F}::test_rest_api_source_exclude_columns`, async () => {
  const popColumns = (columns: string[]) => (record: Row) => {
    for (const column of columns) delete record[column];
    return record;
  };
  const data = await listResource(
    mock,
    source({ name: "posts", endpoint: "posts", processing_steps: [{ map: popColumns(["title"]) }] }),
    "posts",
  );
  expect(data.every((record) => !("title" in record))).toBe(true);
});

dltCase(`${F}::test_rest_api_source_anonymize_columns`, async () => {
  const emptyColumns = (columns: string[]) => (record: Row) => {
    for (const column of columns) record[column] = "dummy";
    return record;
  };
  const data = await listResource(
    mock,
    source({ name: "posts", endpoint: "posts", processing_steps: [{ map: emptyColumns(["title"]) }] }),
    "posts",
  );
  expect(data.every((record) => record.title === "dummy")).toBe(true);
});

dltCase(`${F}::test_rest_api_source_map`, async () => {
  const lowerTitle = (row: Row) => ((row.title = row.title.toLowerCase()), row);
  const data = await listResource(
    mock,
    source({ name: "posts", endpoint: "posts", processing_steps: [{ map: lowerTitle }] }),
    "posts",
  );
  expect(data.every((record) => (record.title as string).startsWith("post "))).toBe(true);
});

dltCase(`${F}::test_rest_api_source_filter_and_map`, async () => {
  const idBy10 = (row: Row) => ((row.id = row.id * 10), row);
  const config = source(
    { name: "posts", endpoint: "posts", processing_steps: [{ map: idBy10 }, { filter: (x: Row) => x.id === 10 }] },
    { name: "posts_2", endpoint: "posts", processing_steps: [{ filter: (x: Row) => x.id === 10 }, { map: idBy10 }] },
  );
  const data = await listResource(mock, config, "posts");
  expect(data).toHaveLength(1);
  expect(data[0]!.title).toBe("Post 1");
  const data2 = await listResource(mock, config, "posts_2");
  expect(data2).toHaveLength(1);
  expect(data2[0]!.id).toBe(100);
  expect(data2[0]!.title).toBe("Post 10");
});

const commentsEndpoints: (DltConfig | string)[] = [
  { path: "/posts/{post_id}/comments", params: { post_id: { type: "resolve", resource: "posts", field: "id" } } },
  "posts/{resources.posts.id}/comments",
];

describe("test_rest_api_source_filtered_child", () => {
  commentsEndpoints.forEach((endpoint, i) => {
    dltCase(`${F}::test_rest_api_source_filtered_child[comments_endpoint${i}]`, async () => {
      const data = await listResource(
        mock,
        source(
          { name: "posts", endpoint: "posts", processing_steps: [{ filter: (x: Row) => [1, 2].includes(x.id) }] },
          { name: "comments", endpoint, processing_steps: [{ filter: (x: Row) => x.id === 1 }] },
        ),
        "comments",
      );
      expect(data).toHaveLength(2);
    });
  });
});

describe("test_rest_api_source_filtered_and_map_child", () => {
  commentsEndpoints.forEach((endpoint, i) => {
    dltCase(`${F}::test_rest_api_source_filtered_and_map_child[comments_endpoint${i}]`, async () => {
      const extendBody = (row: Row) => ((row.body = `${row._posts_title} - ${row.body}`), row);
      const data = await listResource(
        mock,
        source(
          { name: "posts", endpoint: "posts", processing_steps: [{ filter: (x: Row) => [1, 2].includes(x.id) }] },
          {
            name: "comments",
            endpoint,
            include_from_parent: ["title"],
            processing_steps: [{ map: extendBody }, { filter: (x: Row) => x.body.startsWith("Post 2") }],
          },
        ),
        "comments",
      );
      expect(data[0]!.body).toBe("Post 2 - Comment 0 for post 2");
    });
  });
});

/** dlt's flatten_reactions generator: one row per reaction, as a list. */
const flattenReactions = (post: Row): Row[] => {
  const { reactions, ...rest } = structuredClone(post);
  return (reactions as Row[]).map((reaction) => ({ reaction, ...rest }));
};
const ALL_POSTS = PAGE_SIZE * TOTAL_PAGES;

dltCase(`${F}::test_rest_api_source_yield_map`, async () => {
  const data = await listResource(
    mock,
    source({ name: "posts", endpoint: "posts_with_reactions", processing_steps: [{ yield_map: flattenReactions }] }),
    "posts",
  );
  expect(data).toHaveLength(ALL_POSTS * REACTIONS_COUNT);
  expect(data.every((r) => "reaction" in r && !("reactions" in r))).toBe(true);
  expect(data.every((r: Row) => r.reaction.title === `Reaction ${r.reaction.id} for post ${r.id}`)).toBe(true);
});

dltCase(`${F}::test_rest_api_source_filter_then_yield_map`, async () => {
  const data = await listResource(
    mock,
    source({
      name: "posts",
      endpoint: "posts_with_reactions",
      processing_steps: [{ filter: (x: Row) => x.id !== 1 }, { yield_map: flattenReactions }],
    }),
    "posts",
  );
  expect(data).toHaveLength((ALL_POSTS - 1) * REACTIONS_COUNT);
  expect(data.every((r) => r.id !== 1)).toBe(true);
});

dltCase(`${F}::test_rest_api_source_yield_map_then_filter_reactions`, async () => {
  const data = await listResource(
    mock,
    source({
      name: "posts",
      endpoint: "posts_with_reactions",
      processing_steps: [{ yield_map: flattenReactions }, { filter: (x: Row) => x.reaction.id !== 0 }],
    }),
    "posts",
  );
  expect(data).toHaveLength(ALL_POSTS * (REACTIONS_COUNT - 1));
  expect(data.every((r: Row) => r.reaction.id !== 0)).toBe(true);
});

describe("test_rest_api_source_yield_map_child", () => {
  commentsEndpoints.forEach((endpoint, i) => {
    dltCase(`${F}::test_rest_api_source_yield_map_child[comments_endpoint${i}]`, async () => {
      const extendBody = (row: Row) => ((row.body = `${row._posts_title} - ${row.body}`), row);
      const flattenCommentReactions = (comment: Row): Row[] => {
        const { _posts_reactions, ...rest } = structuredClone(comment);
        return (_posts_reactions as Row[]).map((reaction) => ({ _posts_reaction: reaction, ...rest }));
      };
      const data = await listResource(
        mock,
        source(
          {
            name: "posts",
            endpoint: "posts_with_reactions",
            processing_steps: [{ filter: (x: Row) => [1, 2].includes(x.id) }],
          },
          {
            name: "comments",
            endpoint,
            include_from_parent: ["title", "reactions"],
            processing_steps: [
              { map: extendBody },
              { filter: (x: Row) => x.body.startsWith("Post 2") },
              { yield_map: flattenCommentReactions },
            ],
          },
        ),
        "comments",
      );
      expect(data).toHaveLength(COMMENTS_COUNT * REACTIONS_COUNT);
      expect(data[0]!.body).toBe("Post 2 - Comment 0 for post 2");
      expect((data[0] as Row)._posts_reaction.title).toBe("Reaction 0 for post 2");
    });
  });
});

expectedEntriesExist(F);
