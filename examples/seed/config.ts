import { type RestApiConfig, secrets } from "restsync";

/**
 * The seed configuration (24 resources of an analytics API, from its dlt
 * `rest_api` config), pasted as it is:
 * only `dlt.secrets["api_key"]` is spelt `secrets["api_key"]`, and the
 * seed's Schema section (incremental on `updated_at`) is written into
 * resource_defaults. Point it elsewhere with {@link withBaseUrl}.
 */
export const seedConfig = {
  client: {
    base_url: "https://api.example.com",
    auth: {
      type: "api_key",
      name: "api_key",
      api_key: secrets["api_key"],
      location: "header",
    },
  },
  resource_defaults: {
    primary_key: "id",
    write_disposition: "merge",
    // The seed's "Schema" section: "incremental sync is based on the updated_at field".
    endpoint: {
      incremental: { cursor_path: "updated_at" },
    },
  },
  resources: [
    {
      name: "categories",
      endpoint: {
        path: "/v1/categories",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "categories_milestones",
      endpoint: {
        path: "/v1/categories/{category_id}/milestones",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "categories_objectives",
      endpoint: {
        path: "/v1/categories/{category_id}/objectives",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "custom_fields",
      endpoint: {
        path: "/v1/custom-fields",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "epic_workflow",
      endpoint: {
        path: "/v1/epic-workflow",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "epics",
      endpoint: {
        path: "/v1/epics",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "epics_comments",
      endpoint: {
        path: "/v1/epics/{epic_id}/comments",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "epics_stories",
      endpoint: {
        path: "/v1/epics/{epic_id}/stories",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "files",
      endpoint: {
        path: "/v1/files",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "groups",
      endpoint: {
        path: "/v1/groups",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "groups_stories",
      endpoint: {
        path: "/v1/groups/{group_id}/stories",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "iterations",
      endpoint: {
        path: "/v1/iterations",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "iterations_stories",
      endpoint: {
        path: "/v1/iterations/{iteration_id}/stories",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "labels",
      endpoint: {
        path: "/v1/labels",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "member",
      endpoint: {
        path: "/v1/member",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "members",
      endpoint: {
        path: "/v1/members",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "milestones",
      endpoint: {
        path: "/v1/milestones",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "milestones_epics",
      endpoint: {
        path: "/v1/milestones/{milestone_id}/epics",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "objectives",
      endpoint: {
        path: "/v1/objectives",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "objectives_epics",
      endpoint: {
        path: "/v1/objectives/{objective_id}/epics",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "workflows",
      endpoint: {
        path: "/v1/workflows",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "stories_comments",
      endpoint: {
        path: "/v1/stories/{story_id}/comments",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "story_history",
      endpoint: {
        path: "/v1/stories/{story_id}/history",
        data_selector: "data",
        paginator: {
          type: "single_page",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
    {
      name: "search_epics",
      endpoint: {
        path: "/v1/search/epics",
        data_selector: "data",
        paginator: {
          type: "cursor",
          limit: 1,
          cursor_param: "next",
          cursor_path: "response.next",
        },
        error_handler: {
          retry_on_status_codes: [429],
          max_retries: 3,
          backoff_factor: 2,
        },
      },
    },
  ],
} satisfies RestApiConfig;

/** The seed config with only `client.base_url` changed. */
export function withBaseUrl(baseUrl: string): RestApiConfig {
  return { ...seedConfig, client: { ...seedConfig.client, base_url: baseUrl } };
}
