/**
 * `GET /openapi.json`: the OpenAPI 3.1 description of the whole app, generated from the route
 * definitions (`createRoute` and the registered file routes) once, at the first request, when every
 * route is mounted. The reference page `/docs` (Swagger UI) reads it.
 *
 * @module
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { errorResponses } from "./error_responses.ts";

/** What `app.getOpenAPI31Document` takes besides the routes. */
export const OPENAPI_OBJECT = {
  openapi: "3.1.0",
  info: {
    title: "fer-edge",
    version: "1",
    description: "Facial expression recognition on the tfjs wasm backend: find the faces in an " +
      "image and classify each into the served model's labels (`GET /api/model`: 7 FER2013 " +
      "emotions, or 8 with contempt for a FER+ model), or classify faces cropped already. Every " +
      "error is JSON `{error, code}`; each operation lists the codes it can answer with.",
  },
  servers: [{ url: "/", description: "This server" }],
  tags: [
    { name: "predict", description: "Faces in an image" },
    { name: "classify", description: "Faces cropped already (the camera page's path)" },
    { name: "model", description: "The served model" },
    { name: "health", description: "Whether the instance can be trusted" },
    { name: "page", description: "The camera page, its files and this reference" },
  ],
};

/** An OpenAPI 3.1 document as the generator writes it. */
export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

/** `GET /openapi.json`, as the document describes itself. */
export const openApiRoute = createRoute({
  method: "get",
  path: "/openapi.json",
  tags: ["page"],
  summary: "This document (OpenAPI 3.1)",
  responses: {
    200: {
      description: "The OpenAPI 3.1 document",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
    ...errorResponses(),
  },
});

/**
 * The route serving `document()`'s result, computed on the first request (so after every route
 * of the app is mounted) and kept: the routes do not change while the server runs.
 *
 * @example
 * ```ts
 * app.route("/", openApiRoutes(() => app.getOpenAPI31Document(OPENAPI_OBJECT)));
 * ```
 */
export function openApiRoutes(document: () => OpenApiDocument) {
  let generated: OpenApiDocument | undefined;
  return new OpenAPIHono().openapi(openApiRoute, (c) => c.json(generated ??= document(), 200));
}
