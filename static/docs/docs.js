/**
 * The API reference page (`/docs`): Swagger UI, from the npm package `swagger-ui-dist` served
 * under `/vendor/swagger-ui/`, rendering this server's `/openapi.json`. An external script, as the
 * page's Content Security Policy allows no inline one; the online validator badge is off, so the
 * page makes no request outside this server.
 */
const { SwaggerUIBundle } = globalThis;
globalThis.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#api-reference",
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
