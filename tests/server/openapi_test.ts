/**
 * `GET /openapi.json` on the real app: a valid OpenAPI 3.1 document (checked with
 * `@readme/openapi-parser`) that describes every route the app registers and every error code
 * of `ERROR_CODES`, each under the status it is answered with; and the app's type carries the
 * routes' schemas, so a `hono/client` for it is typed (and works against the app).
 *
 * @module
 */
import { hc } from "hono/client";
import { validate } from "@readme/openapi-parser";
import { assertEquals, assertOk } from "../assert.ts";
import { assertError, postTo } from "./api_assert.ts";
import { faceBatch, type TestApp, tinyApp } from "./helpers.ts";
import { ERROR_CODES, type ErrorCode } from "../../src/server/errors.ts";
import type { AppType } from "../../routes/app.ts";

const t: TestApp = await tinyApp();
globalThis.addEventListener("unload", () => void t.close());

interface Operation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}
interface JsonSchema {
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  enum?: string[];
  allOf?: JsonSchema[];
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

async function openApiDocument(): Promise<Document> {
  const response = await t.app.request("/openapi.json");
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("content-type"), "application/json");
  return await response.json();
}

const DOCUMENT = await openApiDocument();

/** `@readme/openapi-parser`'s verdict on a copy of `document` (it dereferences in place). */
function validateDocument(document: Document) {
  return validate(structuredClone(document) as unknown as Parameters<typeof validate>[0]);
}

/** `schema` with its `$ref` followed and its `allOf` parts' properties merged. */
function resolve(schema: JsonSchema | undefined): JsonSchema | undefined {
  const ref = schema?.$ref?.replace("#/components/schemas/", "");
  if (ref !== undefined) return resolve(DOCUMENT.components.schemas[ref]);
  if (!schema?.allOf) return schema;
  const parts = schema.allOf.map(resolve);
  return { properties: Object.assign({}, ...parts.map((part) => part?.properties)) };
}

/** The OpenAPI path of a Hono route path: `:name` is `{name}`, a trailing `*` is `{path}`. */
function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([^/]+)/g, "{$1}").replace(/\/\*$/, "/{path}");
}

Deno.test("GET /openapi.json is a valid OpenAPI 3.1 document", async () => {
  assertEquals(DOCUMENT.openapi, "3.1.0");
  const result = await validateDocument(DOCUMENT);
  assertOk(result.valid, JSON.stringify(result));
  // The validator does refuse a broken document: a templated path without its parameter.
  const broken = structuredClone(DOCUMENT);
  delete broken.paths["/vendor/{path}"].get.parameters;
  assertEquals((await validateDocument(broken)).valid, false);
});

Deno.test("every route the app registers is in the document", () => {
  const routes = t.app.routes.filter((route) =>
    !(route.method === "ALL" && route.path.includes("*"))
  );
  assertOk(routes.length >= 15, `only ${routes.length} routes`);
  for (const { method, path } of routes) {
    const described = DOCUMENT.paths[openApiPath(path)];
    assertOk(described, `${method} ${path} is not in the document`);
    // ALL routes on a concrete path are its 405 answers and middleware: the path must be there.
    if (method !== "ALL") {
      assertOk(described[method.toLowerCase()], `${method} ${path}: no ${method} operation`);
    }
  }
  // And nothing is described that the app does not serve.
  const served = new Set(routes.map((route) => openApiPath(route.path)));
  assertEquals(Object.keys(DOCUMENT.paths).filter((path) => !served.has(path)), []);
});

Deno.test("every error code is described, under the status it is answered with", () => {
  const described = new Map<ErrorCode, Set<string>>();
  for (const [path, operations] of Object.entries(DOCUMENT.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const codes = resolve(response.content?.["application/json"]?.schema)?.properties?.code
          ?.enum ?? [];
        for (const code of codes as ErrorCode[]) {
          assertEquals(String(ERROR_CODES[code]?.status), status, `${method} ${path}: ${code}`);
          described.set(code, (described.get(code) ?? new Set()).add(`${method} ${path}`));
        }
      }
    }
  }
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];
  assertEquals(codes.filter((code) => !described.has(code)), []);
  // The codes a route really answers with are on that route.
  for (
    const [code, route] of [
      ["bad_query", "post /api/predict"],
      ["bad_query", "post /api/classify"],
      ["too_many_faces", "post /api/classify"],
      ["undecodable_image", "post /api/predict"],
      ["unhealthy", "get /healthz"],
      ["not_found", "get /vendor/{path}"],
      ["bad_path", "get /"],
    ] as const
  ) {
    assertOk(described.get(code)?.has(route), `${code} is not described on ${route}`);
  }
});

Deno.test("scores are a record of the served model's labels, not seven fixed keys", () => {
  // A FER+ model answers eight (contempt too): the schema must not pin FER2013's seven.
  const scores = resolve(DOCUMENT.components.schemas.FaceScores)?.properties?.scores as
    & JsonSchema
    & { type?: string; additionalProperties?: { type?: string }; description?: string };
  assertEquals([scores.type, scores.additionalProperties?.type], ["object", "number"]);
  assertEquals(scores.properties, undefined, "no fixed label keys");
  assertOk(scores.description?.includes("GET /api/model"), scores.description);
  const model = resolve(DOCUMENT.components.schemas.ModelAnswer)?.properties;
  assertEquals(model?.labelSet?.enum, ["fer2013", "ferplus", "custom"]);
  assertOk(JSON.stringify(model?.labels).includes("8 (contempt last)"), "labels say 7 or 8");
});

Deno.test("the query parameters and bodies are described", () => {
  const predict = DOCUMENT.paths["/api/predict"].post;
  assertEquals(predict.parameters?.map((p) => `${p.in}:${p.name}`).sort(), [
    "query:detect",
    "query:tta",
  ]);
  assertOk(predict.requestBody?.content["multipart/form-data"], "multipart image upload");
  assertOk(predict.requestBody?.content["image/jpeg"], "raw image body");
  const classify = DOCUMENT.paths["/api/classify"].post;
  assertEquals(classify.parameters?.map((p) => p.name), ["tta"]);
  assertEquals(Object.keys(classify.requestBody?.content ?? {}).sort(), [
    "application/json",
    "application/octet-stream",
  ]);
});

Deno.test("a hono/client typed by the app's type calls the routes", async () => {
  const client = hc<AppType>("http://fer.test", {
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      Promise.resolve(t.app.request(input instanceof Request ? input : String(input), init)),
  });
  const model = await client.api.model.$get();
  if (model.status !== 200) throw new Error(`/api/model answered ${model.status}`);
  const info = await model.json();
  // Typed by the 200 answer's schema: no cast, and a wrong field would not type-check.
  const labels: readonly string[] = info.labels;
  const maxFaces: number = info.limits.maxClassifyFaces;
  assertEquals([labels.length, maxFaces], [7, 64]);
  const health = await client.healthz.$get();
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
  const status: "ok" | "unhealthy" = (await health.json()).status;
  assertEquals(status, "ok");
  // The query schema is in the type too: an unknown `tta` value does not type-check.
  // @ts-expect-error "mirror" is not a tta mode
  const refused = await client.api.classify.$post({ query: { tta: "mirror" } });
  await assertError(refused as unknown as Response, 400, "bad_query");
  // And the valid request after it gets the same answer as one through app.request.
  const viaClient = await client.api.classify.$post({ query: { tta: "flip" } }, {
    init: { body: faceBatch(2) as BodyInit },
  });
  if (viaClient.status !== 200) throw new Error(`/api/classify answered ${viaClient.status}`);
  const viaApp = await postTo(t.app, "/api/classify?tta=flip", faceBatch(2));
  assertEquals((await viaClient.json()).faces, (await viaApp.json()).faces);
});
